import DiskImage
import NTFS
import RegistryHive
import WindowsSecurity
import WriterScope

/// Judges the services and drivers of a SYSTEM hive for the System Writer: the services it depends on,
/// its account, every service's descriptor, and (with a volume) every service's binary.
public enum ServiceAudit {
    /// The audit of `hive`'s current control set for `token`; binaries are checked on `volume` when given.
    public static func audit(
        hive: Hive, source: String, volume: (any VolumeFiles)? = nil, token: Token = WriterServices.token
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
        findings += judge(services, descriptors: descriptors, in: controlSet, token: token)
        findings += settingFindings(hive, controlSet: controlSet)
        if let volume {
            findings += binaryFindings(services, volume: volume, token: token, warnings: &warnings)
        }
        let diag =
            servicesKey.map { VSSDiagnostics.read(hive, services: $0) }
            ?? VSSDiagnostics(enabled: false, components: [], systemWriterMarkers: [])
        warnings += hive.warnings.lines
        return ServiceReport(
            source: source, controlSet: controlSet, dirty: hive.fileBaseBlock.isDirty,
            logsApplied: hive.recovery.logsApplied, warnings: warnings, services: services, findings: findings,
            vssDiagnostics: diag, imagePathsChecked: volume != nil,
            computerName: hive.key(path: controlSet + "\\Control\\ComputerName\\ComputerName").flatMap {
                hive.value("ComputerName", of: $0)?.string
            })
    }

    /// The findings of the services the writer needs (present, started, CryptSvc's account and host), of
    /// every descriptor (COM+ Event System's query-status right, the others' query-config right) and of
    /// the drivers' ImagePaths. `descriptors` are keyed by upper-cased service name; `place` names where
    /// the services were read (a control set, or `sc.exe` output).
    public static func judge(
        _ services: [ServiceConfig], descriptors: [String: SecurityDescriptor], in place: String,
        token: Token = WriterServices.token, expectAll: Bool = true
    ) -> [ServiceFinding] {
        var findings: [ServiceFinding] = []
        let controlSet = place
        let byName = Dictionary(services.map { ($0.name.uppercased(), $0) }, uniquingKeysWith: { a, _ in a })

        for dep in WriterServices.dependencies {
            guard let s = byName[dep.name.uppercased()] else {
                guard expectAll else { continue }
                findings.append(
                    ServiceFinding(
                        kind: .serviceMissing, impact: dep.impact, basis: dep.source, service: dep.name,
                        displayName: nil, principal: nil, missing: [], sddl: nil, fixedSddl: nil,
                        fix: "reinstall the component: DISM /Online /Cleanup-Image /RestoreHealth, then sfc /scannow",
                        detail: "\(dep.name) is not installed in \(controlSet) (\(dep.role))"))
                continue
            }
            let start = s.startType
            let bad = start == .disabled || (dep.mustBeAutomatic && start != .automatic)
            if bad {
                let want = dep.mustBeAutomatic ? StartType.automatic : StartType(rawValue: dep.defaultStart) ?? .demand
                findings.append(
                    ServiceFinding(
                        kind: .serviceDisabled, impact: dep.impact,
                        confidence: start == .disabled ? .confirmed : .likely,
                        basis: dep.source, service: s.name, displayName: s.displayName, principal: nil,
                        missing: [], sddl: nil, fixedSddl: nil,
                        fix: "sc.exe config \(scName(s.name)) start= \(want.scConfigWord)",
                        detail:
                            "\(s.name) starts \(s.start ?? "never (no Start value)"); it must be \(want.scName) (\(dep.role))",
                        sawStart: start, wantStart: want))
            }
        }
        if let crypt = byName["CRYPTSVC"] {
            if !WriterServices.isNetworkService(crypt.account) {
                findings.append(
                    ServiceFinding(
                        kind: .serviceAccount, basis: "KB2009272", service: crypt.name, displayName: crypt.displayName,
                        principal: crypt.account, missing: [], sddl: nil, fixedSddl: nil,
                        fix: "sc.exe config CryptSvc obj= \"NT AUTHORITY\\NetworkService\" password= \"\"",
                        detail:
                            "CryptSvc runs as \(crypt.account ?? "LocalSystem (no ObjectName)"); the System Writer expects NETWORK SERVICE"
                    ))
            }
            if !WriterServices.hostsWriter(imagePath: crypt.imagePath) {
                findings.append(
                    ServiceFinding(
                        kind: .serviceHost, basis: "KB2009272", service: crypt.name, displayName: crypt.displayName,
                        principal: nil, missing: [], sddl: nil, fixedSddl: nil,
                        fix:
                            "sc.exe config CryptSvc binPath= \"%SystemRoot%\\system32\\svchost.exe -k NetworkService -p\"",
                        detail:
                            "CryptSvc's ImagePath is \(crypt.imagePath ?? "missing"); the System Writer is hosted by svchost.exe -k NetworkService"
                    ))
            }
        }
        for s in services {
            guard let sd = descriptors[s.name.uppercased()] else { continue }
            let isEventSystem = s.name.uppercased() == "EVENTSYSTEM"
            // COM+ Event System: the writer must query its status to register at all (CAPI2 512, no writer).
            if isEventSystem {
                let access = ServiceAccess.judge(sd, token: token, required: WriterServices.eventSystemRights)
                if !access.allowed {
                    findings.append(
                        accessFinding(
                            s, sd, access, token: token, required: WriterServices.eventSystemRights,
                            impact: .missingWriter,
                            basis: "WRITER-MODEL.md §5 (WaitForServiceRunning, CAPI2 512)",
                            what:
                                "the System Writer (\(token.name)) cannot query the status of COM+ Event System, so it never registers (CAPI2 512)"
                        ))
                    continue
                }
            }
            // Every other service and driver: the writer asks SERVICE_QUERY_CONFIG, logs CAPI2 513 and goes on.
            let access = ServiceAccess.judge(sd, token: token, required: WriterServices.perServiceRights)
            guard !access.allowed else { continue }
            findings.append(
                accessFinding(
                    s, sd, access, token: token, required: WriterServices.perServiceRights, impact: .benign,
                    basis: "KB3209092 (\"can be safely ignored\")",
                    what:
                        "the System Writer (\(token.name)) cannot read this \(s.isDriver ? "driver" : "service")'s configuration: CAPI2 513 \"Unable to back up image of ...\", and the writer goes on without its binary (optional fix)"
                ))
        }
        for s in services where s.isDriver && s.startType != .disabled {
            guard let raw = s.imagePath, let why = WriterServices.driverImagePathProblem(raw) else { continue }
            findings.append(
                ServiceFinding(
                    kind: .imagePathSyntax, impact: .backupFails, confidence: .likely, basis: "KB968247",
                    service: s.name, displayName: s.displayName, principal: nil, missing: [], sddl: nil, fixedSddl: nil,
                    fix:
                        "set its ImagePath to \\??\\\(ImagePath.binary(raw).filter { $0 != "\"" }) (or \\SystemRoot\\...): reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\\(s.name) /v ImagePath /t REG_EXPAND_SZ /d \"\\??\\\(ImagePath.binary(raw).filter { $0 != "\"" })\" /f",
                    detail:
                        "the ImagePath \(raw) of this driver: \(why); system state backup fails with 0x8078010D (\"The filename, directory name, or volume label syntax is incorrect\")"
                ))
        }
        return findings
    }

    /// A descriptor that does not grant `required`: the current and corrected SDDL, and why. An explicit
    /// deny ACE is named as such: an appended grant does not override it, so the fix removes it.
    static func accessFinding(
        _ s: ServiceConfig, _ sd: SecurityDescriptor, _ access: ServiceAccess, token: Token, required: UInt32,
        impact: Impact, basis: String, what: String
    ) -> ServiceFinding {
        let fixed = ServiceAccess.fixed(sd, token: token, required: required).map { SDDL.serviceControlString($0) }
        let why: String
        switch access.denial {
        case .deniedByACE(_, let ace):
            why =
                "the explicit deny ACE \(ace) takes it away (a grant appended after it does not override it; the fix removes it)"
        case .emptyDACL: why = "its DACL is empty"
        default: why = "no ACE grants it to NETWORK SERVICE, SERVICE, Authenticated Users or Everyone"
        }
        return ServiceFinding(
            kind: .serviceAccess, impact: impact, basis: basis, service: s.name, displayName: s.displayName,
            principal: token.name, missing: ServiceRights.names(access.missing), sddl: s.sddl, fixedSddl: fixed,
            fix: fixed.map { "sc.exe sdset \(scName(s.name)) \"\($0)\"" }
                ?? "grant SERVICE the rights CCLCSWLOCRRC on \(s.name) (sc.exe sdset)",
            detail: "\(what): \(why)", denial: access.denial)
    }

    /// The settings outside the service keys that remove the writer: VssAccessControl (VSS 8213) and
    /// SystemSetupInProgress; and the SystemWriter settings, as found.
    static func settingFindings(_ hive: Hive, controlSet: String) -> [ServiceFinding] {
        var out: [ServiceFinding] = []
        func finding(
            _ kind: ServiceFindingKind, _ impact: Impact, _ basis: String, _ key: String, _ fix: String,
            _ detail: String
        )
            -> ServiceFinding
        {
            ServiceFinding(
                kind: kind, impact: impact, basis: basis, service: key, displayName: nil, principal: nil, missing: [],
                sddl: nil, fixedSddl: nil, fix: fix, detail: detail)
        }
        let vacPath = controlSet + "\\" + WriterServices.vssAccessControlKey
        let want = WriterServices.vssAccessControlName
        let fix =
            "reg add HKLM\\SYSTEM\\CurrentControlSet\\\(WriterServices.vssAccessControlKey) /v \"\(want)\" /t REG_DWORD /d 1 /f"
        if let vac = hive.key(path: vacPath) {
            let values = hive.values(of: vac)
            let ns = values.first { WriterServices.isNetworkService($0.name) }
            if let ns, ns.dword == 1 {
            } else {
                let found: FoundSetting = ns.map { v in v.dword.map { .dword($0) } ?? .notDWORD } ?? .absent
                let seen = ns.map { v in v.dword.map { "DWORD \($0)" } ?? "not a DWORD" } ?? "absent"
                var f = finding(
                    .vssAccessControl, .missingWriter, "KB2009272 (VSS 8213)", vacPath, fix,
                    "VssAccessControl\\\(want) is \(seen): VSS refuses the System Writer's account (event 8213) and the writer is missing"
                )
                f.found = found
                out.append(f)
            }
            for v in values where v.dword == nil {
                out.append(
                    finding(
                        .vssAccessControl, .benign, "KB2537096; VSS events 15, 16, 17, 23", vacPath,
                        "none needed (or delete the value)",
                        "VssAccessControl\\\(v.name) is not a REG_DWORD: VSS ignores the entry"))
            }
        } else if hive.key(path: controlSet + "\\Services\\VSS") != nil {
            out.append(
                finding(
                    .vssAccessControl, .missingWriter, "KB2009272 (VSS 8213)", vacPath, fix,
                    "there is no VssAccessControl key: VSS refuses the System Writer's account (event 8213)"))
        }
        if let setup = hive.key(path: "Setup"), let v = hive.value("SystemSetupInProgress", of: setup), let d = v.dword,
            d != 0
        {
            out.append(
                finding(
                    .setupInProgress, .missingWriter, "WRITER-MODEL.md §1 (CSystemWriter::Startup)", "Setup",
                    "finish or roll back setup; then reg add HKLM\\SYSTEM\\Setup /v SystemSetupInProgress /t REG_DWORD /d 0 /f",
                    "SystemSetupInProgress is \(d): the System Writer does not start while Windows says setup is in progress"
                ))
        }
        let swPath = controlSet + "\\Control\\SystemWriter"
        if let sw = hive.key(path: swPath), let v = hive.value("ReportWin32ServicesNonSystemState", of: sw) {
            out.append(
                ServiceFinding(
                    kind: .writerSetting, impact: .info, basis: "WRITER-MODEL.md §1", service: swPath, displayName: nil,
                    principal: nil, missing: [], sddl: nil, fixedSddl: nil, fix: "none needed",
                    detail:
                        "ReportWin32ServicesNonSystemState = \(v.dword.map(String.init) ?? "not a DWORD"): decides whether the Win32 service files are reported outside system state"
                ))
        }
        return out
    }

    /// A service name as one argument of sc.exe (quoted when it holds a space).
    static func scName(_ name: String) -> String { name.contains(" ") ? "\"" + name + "\"" : name }

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
                    "\(key.name)\\Security: the Security value (\(sec.data.count) bytes) is not a security descriptor (\(error)); the SCM's default is assumed"
                )
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
            typeValue: typeValue, account: v("ObjectName")?.string, imagePath: imagePath,
            sddl: SDDL.serviceControlString(sd),
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
                    kind: .imagePath, impact: .benign,
                    basis: "WRITER-MODEL.md §4 (CAPI2 513 per service: the writer goes on)",
                    service: s.name, displayName: s.displayName, principal: token.name,
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
        if otherDrives > 0 {
            warnings.append("\(otherDrives) service binaries are on other drives than C: and were not checked")
        }
        return out
    }
}
