import RegistryHive
import VolumeAudit
import WindowsSecurity

/// Judges the services and drivers of a SYSTEM hive for the System Writer: the services it depends on,
/// its account, every service's descriptor, and (with a volume) every service's binary.
public enum ServiceAudit {
    /// Services the System Writer needs, and the start type each must not fall below.
    struct Dependency {
        var name: String
        var role: String
        /// nil: any start type but disabled; a value: exactly that one.
        var mustStart: StartType?
        var restoreStart: StartType
    }

    static let dependencies: [Dependency] = [
        Dependency(name: "CryptSvc", role: "Cryptographic Services hosts the System Writer", mustStart: nil, restoreStart: .automatic),
        Dependency(name: "EventSystem", role: "COM+ Event System delivers the writer's VSS events", mustStart: .automatic, restoreStart: .automatic),
        Dependency(name: "VSS", role: "the Volume Shadow Copy service calls the writers", mustStart: nil, restoreStart: .demand),
        Dependency(name: "COMSysApp", role: "COM+ System Application serves VSS's COM+ calls", mustStart: nil, restoreStart: .demand),
        Dependency(name: "swprv", role: "the Microsoft Software Shadow Copy Provider makes the snapshot", mustStart: nil, restoreStart: .demand),
        Dependency(name: "RpcSs", role: "RPC carries every VSS call", mustStart: nil, restoreStart: .automatic),
    ]

    /// What the writer's token needs on COM+ Event System: the service user rights that matter for
    /// querying and talking to it (CC LC LO RC). SERVICE_START is not asked: the SCM's default descriptor,
    /// which EventSystem has on a healthy server, gives SERVICE no start right, and it starts automatically.
    public static let eventSystemRights: UInt32 =
        ServiceRights.queryConfig | ServiceRights.queryStatus | ServiceRights.interrogate | AccessMask.readControl

    /// The audit of `hive`'s current control set for `token`; binaries are checked on `volume` when given.
    public static func audit(
        hive: Hive, source: String, volume: (any VolumeFiles)? = nil, token: Token = .networkServiceCryptSvc
    ) -> ServiceReport {
        var warnings: [String] = []
        var controlSet = hive.currentControlSet ?? ""
        if controlSet.isEmpty || hive.subkey(controlSet, of: hive.root) == nil {
            let fallback = "ControlSet001"
            warnings.append(
                controlSet.isEmpty
                    ? "no Select\\Current value: reading \(fallback)"
                    : "Select\\Current names \(controlSet), which is not in the hive: reading \(fallback)")
            controlSet = fallback
        }
        let servicesKey = hive.key(path: controlSet + "\\Services")
        var services: [ServiceConfig] = []
        var findings: [ServiceFinding] = []
        let defaultSD = try! SDDL.parse(ServiceRights.scmDefaultSDDL)
        var descriptors: [String: SecurityDescriptor] = [:]
        if let servicesKey {
            for key in hive.subkeys(of: servicesKey) {
                guard let (config, sd) = read(hive, key, defaultSD: defaultSD, warnings: &warnings) else { continue }
                services.append(config)
                descriptors[config.name.uppercased()] = sd
            }
        } else {
            warnings.append("\(controlSet) has no Services key")
        }
        let byName = Dictionary(services.map { ($0.name.uppercased(), $0) }, uniquingKeysWith: { a, _ in a })

        for dep in dependencies {
            guard let s = byName[dep.name.uppercased()] else {
                findings.append(
                    ServiceFinding(
                        kind: .serviceMissing, service: dep.name, displayName: nil, principal: nil, missing: [],
                        sddl: nil, fixedSddl: nil,
                        fix: "reinstall the component: DISM /Online /Cleanup-Image /RestoreHealth, then sfc /scannow",
                        detail: "\(dep.name) is not installed in \(controlSet) (\(dep.role))"))
                continue
            }
            let start = s.startType
            let bad = start == .disabled || (dep.mustStart != nil && start != dep.mustStart)
            if bad {
                let want = dep.mustStart ?? dep.restoreStart
                findings.append(
                    ServiceFinding(
                        kind: .serviceDisabled, service: s.name, displayName: s.displayName, principal: nil,
                        missing: [], sddl: nil, fixedSddl: nil,
                        fix: "sc.exe config \(scName(s.name)) start= \(want.scConfigWord)",
                        detail: "\(s.name) starts \(s.start ?? "never (no Start value)"); it must be \(want.scName) (\(dep.role))",
                        sawStart: start, wantStart: want))
            }
        }
        if let crypt = byName["CRYPTSVC"], !isNetworkService(crypt.account) {
            findings.append(
                ServiceFinding(
                    kind: .serviceAccount, service: crypt.name, displayName: crypt.displayName,
                    principal: crypt.account, missing: [], sddl: nil, fixedSddl: nil,
                    fix: "sc.exe config CryptSvc obj= \"NT AUTHORITY\\NetworkService\" password= \"\"",
                    detail: "CryptSvc runs as \(crypt.account ?? "LocalSystem (no ObjectName)"); the System Writer expects NETWORK SERVICE"))
        }
        for s in services {
            guard let sd = descriptors[s.name.uppercased()] else { continue }
            let isEventSystem = s.name.uppercased() == "EVENTSYSTEM"
            let required = isEventSystem ? eventSystemRights : ServiceRights.queryConfig
            let access = ServiceAccess.judge(sd, token: token, required: required)
            guard !access.allowed else { continue }
            let fixed = ServiceAccess.fixed(sd, token: token, required: required).map { SDDL.string($0) }
            let why: String
            switch access.denial {
            case .deniedByACE(_, let ace): why = "the ACE \(ace) denies it"
            case .emptyDACL: why = "its DACL is empty"
            default: why = "no ACE grants it to NETWORK SERVICE, SERVICE, Authenticated Users or Everyone"
            }
            let what = isEventSystem
                ? "the System Writer (\(token.name)) cannot query or talk to COM+ Event System"
                : "the System Writer (\(token.name)) cannot read this \(s.isDriver ? "driver" : "service")'s configuration, so it fails to back up its binary (CAPI2 event 513, \"AddLegacyDriverFiles ... Access is denied\")"
            findings.append(
                ServiceFinding(
                    kind: .serviceAccess, service: s.name, displayName: s.displayName, principal: token.name,
                    missing: ServiceRights.names(access.missing), sddl: s.sddl, fixedSddl: fixed,
                    fix: fixed.map { "sc.exe sdset \(scName(s.name)) \"\($0)\"" }
                        ?? "grant SERVICE the rights CCLCSWLOCRRC on \(s.name) (sc.exe sdset)",
                    detail: "\(what): \(why)"))
        }
        if let volume {
            findings += binaryFindings(services, volume: volume, token: token, warnings: &warnings)
        }
        let diag = servicesKey.map { VSSDiagnostics.read(hive, services: $0) }
            ?? VSSDiagnostics(enabled: false, components: [], systemWriterMarkers: [])
        warnings += hive.warnings.lines
        return ServiceReport(
            source: source, controlSet: controlSet, dirty: hive.fileBaseBlock.isDirty,
            logsApplied: hive.recovery.logsApplied, warnings: warnings, services: services, findings: findings,
            vssDiagnostics: diag, imagePathsChecked: volume != nil)
    }

    /// A service name as one argument of sc.exe (quoted when it holds a space).
    static func scName(_ name: String) -> String { name.contains(" ") ? "\"" + name + "\"" : name }

    static func isNetworkService(_ account: String?) -> Bool {
        guard let a = account?.uppercased() else { return false }
        return ["NT AUTHORITY\\NETWORKSERVICE", "NT AUTHORITY\\NETWORK SERVICE", "NETWORKSERVICE", "NETWORK SERVICE"].contains(a)
    }

    /// One service key: its settings and the descriptor the SCM applies. Keys without a `Type` value
    /// (parameter or performance keys that sit under Services) are not services.
    static func read(_ hive: Hive, _ key: KeyNode, defaultSD: SecurityDescriptor, warnings: inout [String])
        -> (ServiceConfig, SecurityDescriptor)?
    {
        let values = hive.values(of: key)
        func v(_ name: String) -> RegistryValue? { values.first { $0.name.uppercased() == name.uppercased() } }
        guard let typeValue = v("Type")?.dword else { return nil }
        let startRaw = v("Start")?.dword
        var sd = defaultSD
        var isDefault = true
        if let secKey = hive.subkey("Security", of: key), let sec = hive.value("Security", of: secKey) {
            do {
                sd = try SecurityDescriptor.decode(sec.data)
                isDefault = false
            } catch {
                warnings.append(
                    "\(key.name)\\Security: the Security value (\(sec.data.count) bytes) is not a security descriptor (\(error)); the SCM's default is assumed")
            }
        }
        var imagePath = v("ImagePath")?.string
        if imagePath == nil, typeValue & 0x0B != 0, typeValue & 0xF0 == 0 {
            imagePath = "System32\\drivers\\\(key.name).sys"  // what the kernel loads for a driver without one
        }
        let config = ServiceConfig(
            name: key.name, displayName: v("DisplayName")?.string,
            start: startRaw.map { StartType(rawValue: $0)?.scName ?? "0x" + String($0, radix: 16) },
            startType: startRaw.flatMap(StartType.init(rawValue:)), type: ServiceConfig.typeName(typeValue),
            typeValue: typeValue, account: v("ObjectName")?.string, imagePath: imagePath, sddl: SDDL.string(sd),
            defaultDescriptor: isDefault)
        return (config, sd)
    }

    /// Each service's binary: present on the volume, and readable by the token (the acl command's check).
    static func binaryFindings(
        _ services: [ServiceConfig], volume: any VolumeFiles, token: Token, warnings: inout [String]
    ) -> [ServiceFinding] {
        var out: [ServiceFinding] = []
        var otherDrives = 0
        for s in services {
            guard let raw = s.imagePath else { continue }
            guard case .onVolume(let path) = ImagePath.resolve(raw) else {
                if case .otherDrive = ImagePath.resolve(raw) { otherDrives += 1 }
                continue
            }
            let shown = "C:\\" + path
            func finding(_ detail: String, _ missing: [String], _ fix: String) -> ServiceFinding {
                ServiceFinding(
                    kind: .imagePath, service: s.name, displayName: s.displayName, principal: token.name,
                    missing: missing, sddl: nil, fixedSddl: nil, fix: fix, detail: detail)
            }
            switch volume.state(of: path) {
            case .missing:
                out.append(
                    finding(
                        "\(shown) (ImagePath \(raw)) is not on the volume: the System Writer cannot back up the binary",
                        [], "restore the file (sfc /scannow), or remove the stale service: sc.exe delete \(s.name)"))
            case .unreadable(let why):
                warnings.append("\(shown): its security descriptor could not be read (\(why))")
            case .present(let bytes):
                guard let bytes, let sd = try? SecurityDescriptor.decode(bytes) else { continue }
                let verdict = AccessCheck.judge(sd, token: token, folder: false)
                guard !verdict.allowed else { continue }
                out.append(
                    finding(
                        "\(token.name) cannot read \(shown), the binary of \(s.name)",
                        AccessMask.fileRightNames(verdict.missing),
                        "icacls \"\(shown)\" /grant *S-1-5-20:(RX)"))
            }
        }
        if otherDrives > 0 { warnings.append("\(otherDrives) service binaries are on other drives than C: and were not checked") }
        return out
    }
}
