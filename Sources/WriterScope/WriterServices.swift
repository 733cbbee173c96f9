import WindowsSecurity

/// What the System Writer needs of the services and settings in the SYSTEM hive (WRITER-MODEL.md §1, §5).
public enum WriterServices {
    /// The System Writer's account: NETWORK SERVICE in the Cryptographic Services svchost.
    public static let token = Token.networkServiceCryptSvc

    /// A service the writer or VSS needs, and what follows when it cannot run.
    public struct Dependency: Sendable {
        public var name: String
        /// The Service Control Manager's display name, as event logs name the service.
        public var displayName: String
        public var role: String
        /// Must be automatic (`true`) or any start but disabled (`false`).
        public var mustBeAutomatic: Bool
        /// Its Windows default: automatic (2) or on demand (3).
        public var defaultStart: UInt32
        /// What its being disabled or absent does to the writer.
        public var impact: Impact
        public var source: String
    }

    public static let dependencies: [Dependency] = [
        Dependency(
            name: "CryptSvc", displayName: "Cryptographic Services",
            role: "Cryptographic Services hosts the System Writer",
            mustBeAutomatic: false, defaultStart: 2, impact: .missingWriter, source: "KB2009272"),
        Dependency(
            name: "EventSystem", displayName: "COM+ Event System",
            role: "the writer waits for COM+ Event System to run before it registers", mustBeAutomatic: true,
            defaultStart: 2, impact: .missingWriter,
            source: "WRITER-MODEL.md §1 (WaitForServiceRunning); VSS events 19, 38"),
        Dependency(
            name: "VSS", displayName: "Volume Shadow Copy", role: "the Volume Shadow Copy service calls the writers",
            mustBeAutomatic: false, defaultStart: 3, impact: .missingWriter, source: "VSS event 39"),
        Dependency(
            name: "COMSysApp", displayName: "COM+ System Application",
            role: "COM+ System Application serves VSS's COM+ calls",
            mustBeAutomatic: false, defaultStart: 3, impact: .missingWriter, source: "VSS event 38"),
        Dependency(
            name: "RpcSs", displayName: "Remote Procedure Call (RPC)", role: "RPC carries every COM and VSS call",
            mustBeAutomatic: false, defaultStart: 2, impact: .missingWriter, source: "WRITER-MODEL.md §5"),
        Dependency(
            name: "swprv", displayName: "Microsoft Software Shadow Copy Provider",
            role: "the software shadow copy provider makes the snapshot (not needed to identify)",
            mustBeAutomatic: false,
            defaultStart: 3, impact: .backupFails, source: "VSS event 40; WRITER-MODEL.md §5"),
    ]

    /// The display names of the services the writer needs, as the Service Control Manager logs them.
    public static let displayNames: [String] = dependencies.map(\.displayName) + ["Remote Procedure Call"]

    /// The rights the writer asks of every Win32 service and every loaded driver (OpenService with
    /// SERVICE_QUERY_CONFIG, SDDL `CC`). Without it: CAPI2 513 for that service, and the writer goes on.
    public static let perServiceRights: UInt32 = ServiceRights.queryConfig

    /// What a service descriptor that does not grant `sid` its query right means for the writer: a note
    /// when `sid` is the writer's account (CAPI2 513 for that service), nil for anyone else.
    public static func queryDenialNote(for sid: String) -> String? {
        sid == token.user.description ? "the System Writer cannot read this service (CAPI2 event 513)" : nil
    }

    /// The rights it needs on COM+ Event System to register at all (SERVICE_QUERY_STATUS, SDDL `LC`):
    /// without it, CAPI2 512 and no writer.
    public static let eventSystemRights: UInt32 = ServiceRights.queryStatus

    /// `VSS\VssAccessControl`: the value the writer's account needs (DWORD 1), else VSS 8213.
    public static let vssAccessControlKey = "Services\\VSS\\VssAccessControl"
    public static let vssAccessControlName = "NT Authority\\NetworkService"

    /// A Cryptographic Services ImagePath hosts the writer when it runs `svchost.exe -k NetworkService`.
    public static func hostsWriter(imagePath: String?) -> Bool {
        guard let p = imagePath?.lowercased() else { return false }
        return p.contains("svchost.exe") && p.replacingSpaces().contains("-knetworkservice")
    }

    /// Whether an account name is NETWORK SERVICE (as `ObjectName` spells it).
    public static func isNetworkService(_ account: String?) -> Bool {
        guard let a = account?.uppercased() else { return false }
        return ["NT AUTHORITY\\NETWORKSERVICE", "NT AUTHORITY\\NETWORK SERVICE", "NETWORKSERVICE", "NETWORK SERVICE"]
            .contains(a)
    }

    /// What the writer does with a driver's ImagePath (FindBinaryForService): a path that does not start
    /// with `\` gets `%SystemRoot%\` in front, so `C:\x\y.sys` becomes `C:\Windows\C:\x\y.sys` and a quoted
    /// path keeps its quote: "The filename, directory name, or volume label syntax is incorrect", and system
    /// state backup fails (KB968247). Nil when the path is one it builds correctly.
    public static func driverImagePathProblem(_ imagePath: String) -> String? {
        let p = imagePath.trimmingSpaces()
        if p.isEmpty || p.hasPrefix("\\") { return nil }
        if p.hasPrefix("\"") { return "it is quoted; the writer puts %SystemRoot%\\ in front of the quote" }
        let chars = Array(p)
        if chars.count >= 2, chars[1] == ":" {
            return "it starts with a drive letter without \\??\\; the writer makes it %SystemRoot%\\\(p)"
        }
        return nil
    }
}

extension String {
    fileprivate func replacingSpaces() -> String { filter { $0 != " " && $0 != "\t" } }
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\0" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\0" { s = s.dropLast() }
        return String(s)
    }
}
