import NTFS
import RegistryHive

/// What the case reads from a SOFTWARE hive: the Windows version (`Microsoft\Windows NT\CurrentVersion`)
/// and what the System Writer reads from it, the files of `PnpLockdownFiles` it adds to its list.
public struct SoftwareHiveFacts: Sendable, Encodable, Equatable {
    public var source: String
    public var productName: String?
    public var editionID: String?
    /// `DisplayVersion` (21H2 …) or `ReleaseId` (1809 …).
    public var release: String?
    public var build: String?
    public var ubr: UInt32?
    /// Entries under `Microsoft\Windows\CurrentVersion\Setup\PnpLockdownFiles` (nil when the key is absent).
    public var pnpLockdownFiles: Int?
    public var warnings: [String]

    /// "Windows Server 2019 Standard 1809 (build 17763.1879)".
    public var windows: String? {
        guard let productName else { return nil }
        var s = productName
        if let release { s += " " + release }
        if let build { s += " (build \(build)\(ubr.map { ".\($0)" } ?? ""))" }
        return s
    }

    /// Where a system volume keeps the SOFTWARE hive.
    public static let hivePath = "Windows\\System32\\config\\SOFTWARE"

    /// The facts of the SOFTWARE hive on a volume (an image or a mount), read as saved (its logs are not
    /// needed for the version); nil when the volume has none.
    public static func read(volume path: String) throws -> SoftwareHiveFacts? {
        let volume = try VolumeFilesOpener.open(path)
        guard let bytes = try volume.contents(of: hivePath, limit: SystemHiveSource.sizeLimit) else { return nil }
        let shown = volume.source + ":\\" + hivePath
        return read(try Hive(bytes: bytes, name: shown, logs: []), source: shown)
    }

    public static func read(_ hive: Hive, source: String) -> SoftwareHiveFacts {
        let current = hive.key(path: "Microsoft\\Windows NT\\CurrentVersion")
        func string(_ name: String) -> String? { current.flatMap { hive.value(name, of: $0)?.string } }
        let lockdown = hive.key(path: "Microsoft\\Windows\\CurrentVersion\\Setup\\PnpLockdownFiles")
        return SoftwareHiveFacts(
            source: source, productName: string("ProductName"), editionID: string("EditionID"),
            release: string("DisplayVersion") ?? string("ReleaseId"),
            build: string("CurrentBuild") ?? string("CurrentBuildNumber"),
            ubr: current.flatMap { hive.value("UBR", of: $0)?.dword },
            pnpLockdownFiles: lockdown.map { Int($0.subkeyCount) }, warnings: hive.warnings.lines)
    }
}
