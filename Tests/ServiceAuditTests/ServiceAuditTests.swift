import Foundation
import RegistryHive
import TestSupport
import Testing
import WindowsSecurity
import WriterScope

@testable import ServiceAudit

let referenceHives = ConditionTrait.enabled(
    if: ReferenceHives.present || underCI, "../shared/reference/registry is not beside the clone")

/// MSLLDP's descriptor in SYSTEM_WIN_10_1709 and SYSTEM_B, as ../shared/reference/registry/SOURCES.md gives it,
/// in the form `sc.exe sdshow` prints (no owner or group: SOURCES.md's O:SYG:SY dropped).
let mslldpSDDL =
    "D:(D;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BG)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;SY)(A;;CCDCLCSWRPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWRPWPDTLOCRRC;;;SO)(A;;LCRPWP;;;S-1-5-80-3141615172-2057878085-1754447212-2405740020-3916490453)"

func audit(_ path: String) throws -> ServiceReport {
    let (hive, volume) = try SystemHiveSource.open(path)
    return ServiceAudit.audit(hive: hive, source: path, volume: volume)
}

/// A copy of a reference hive with values changed by scripts/make-hive-fixture (python-registry finds them).
func fixture(_ base: String, _ edits: [String]) async throws -> String {
    let out = ReferenceHives.scratch + "/fixture-\(UUID().uuidString)"
    let r = try await ProcessRun.run(
        "/usr/bin/env",
        ["python3", ProjectPaths.script("make-hive-fixture"), try await ReferenceHives.path(base), out] + edits)
    #expect(r.status == 0, "make-hive-fixture: \(r.stderr)")
    return out
}

@Suite("Services of the real hives judged for the System Writer", referenceHives)
struct ServiceAuditTests {
    @Test(
        "MSLLDP's descriptor grants NETWORK SERVICE nothing: a service-access finding with a fix that works",
        arguments: ["SYSTEM_WIN_10_1709", "SYSTEM_B"])
    func mslldp(_ name: String) async throws {
        if name == "SYSTEM_B" {  // its logs beside it
            _ = try await ReferenceHives.path("SYSTEM_B.LOG1")
            _ = try await ReferenceHives.path("SYSTEM_B.LOG2")
        }
        let report = try audit(try await ReferenceHives.path(name))
        let f = try #require(report.findings.first { $0.service.uppercased() == "MSLLDP" })
        #expect(f.kind == .serviceAccess)
        // CAPI2 513 and the writer goes on: benign (KB3209092), the fix optional, the exit code 0.
        #expect(f.impact == .benign && f.basis.contains("KB3209092"))
        #expect(report.exitCode == 0)
        #expect(f.missing == ["SERVICE_QUERY_CONFIG"])
        #expect(f.sddl == mslldpSDDL)
        let fixed = try #require(f.fixedSddl)
        #expect(f.fix == "sc.exe sdset \(f.service) \"\(fixed)\"")
        // The corrected descriptor is the old one with (A;;CCLCSWLOCRRC;;;SU) after the deny ACE ...
        #expect(
            fixed
                == mslldpSDDL.replacingOccurrences(
                    of: "(D;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BG)",
                    with: "(D;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BG)(A;;CCLCSWLOCRRC;;;SU)"))
        // ... and it grants the writer what it lacked.
        let access = ServiceAccess.judge(
            try SDDL.parse(fixed), token: .networkServiceCryptSvc, required: ServiceRights.queryConfig)
        #expect(access.allowed)
        #expect(report.controlSet == "ControlSet001")
        #expect(report.dirty)
        #expect(report.logsApplied.count == (name == "SYSTEM_B" ? 2 : 0))
    }

    @Test("on an unchanged hive the writer's own services are fine and SYSTEM has no MSLLDP")
    func baseline() async throws {
        let report = try audit(try await ReferenceHives.path("SYSTEM"))
        let own = Set(WriterServices.dependencies.map { $0.name.uppercased() })
        #expect(!report.findings.contains { own.contains($0.service.uppercased()) })
        #expect(!report.services.contains { $0.name.uppercased() == "MSLLDP" })
        let event = try #require(report.services.first { $0.name == "EventSystem" })
        #expect(event.defaultDescriptor && event.sddl == ServiceRights.scmDefaultSDDL)
        #expect(report.vssDiagnostics.enabled && report.vssDiagnostics.components == ["SPP", "SystemRestore"])
        // CryptSvc's Security value there is 5 bytes of something else: said, and the default applies.
        #expect(report.warnings.contains { $0.hasPrefix("CryptSvc\\Security") })
    }

    @Test("a disabled COM+ Event System is a service-disabled finding with the sc.exe line that restores it")
    func eventSystemDisabled() async throws {
        let path = try await fixture("SYSTEM", ["--dword", "ControlSet001\\Services\\EventSystem", "Start", "4"])
        let f = try #require(try audit(path).findings.first { $0.service == "EventSystem" })
        #expect(f.kind == .serviceDisabled && f.impact == .missingWriter)
        #expect(f.fix == "sc.exe config EventSystem start= auto")
        #expect(f.sawStart == .disabled && f.wantStart == .automatic)
    }

    @Test("COM+ Event System on demand start is a finding too: it must start automatically")
    func eventSystemDemand() async throws {
        let path = try await fixture("SYSTEM", ["--dword", "ControlSet001\\Services\\EventSystem", "Start", "3"])
        let f = try #require(try audit(path).findings.first { $0.service == "EventSystem" })
        #expect(f.kind == .serviceDisabled && f.sawStart == .demand)
    }

    @Test("CryptSvc under another account is a service-account finding")
    func cryptSvcAccount() async throws {
        let path = try await fixture(
            "SYSTEM", ["--string", "ControlSet001\\Services\\CryptSvc", "ObjectName", "LocalSystem"])
        let f = try #require(try audit(path).findings.first { $0.service == "CryptSvc" })
        #expect(f.kind == .serviceAccount && f.principal == "LocalSystem")
    }

    @Test(
        "a deny ACE for SERVICE on RpcSs is a benign service-access finding named as a deny; the fix drops the deny and grants SU"
    )
    func denyForService() async throws {
        // As sc.exe sdshow prints it and sdset takes it: no owner or group.
        let deny =
            "D:(D;;CC;;;SU)(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWLOCRRC;;;IU)(A;;CCLCSWLOCRRC;;;SU)"
        let hex = try SDDL.parse(deny).encode().map { String(format: "%02x", $0) }.joined()
        let path = try await fixture(
            "SYSTEM", ["--binary", "ControlSet001\\Services\\RpcSs\\Security", "Security", hex])
        let f = try #require(try audit(path).findings.first { $0.service == "RpcSs" })
        #expect(f.kind == .serviceAccess && f.sddl == deny && f.impact == .benign)
        #expect(f.denial == .deniedByACE(index: 0, sddl: "(D;;CC;;;SU)"))
        #expect(f.fixedSddl == deny.replacingOccurrences(of: "(D;;CC;;;SU)", with: "(A;;CCLCSWLOCRRC;;;SU)"))
    }

    @Test(
        "real hives of healthy machines: no cause, exit 0; only per-service descriptors, all benign",
        arguments: ["SYSTEM", "SYSTEM_WIN_10_1709"])
    func healthyHives(_ name: String) async throws {
        let report = try audit(try await ReferenceHives.path(name))
        #expect(report.exitCode == 0)
        #expect(!report.findings.isEmpty)
        #expect(report.findings.allSatisfy { !$0.impact.isCause })
        #expect(
            report.findings.filter { $0.kind == .serviceAccess }.allSatisfy {
                $0.impact == .benign && $0.fixedSddl != nil
            })
    }

    @Test("COM+ Event System whose descriptor gives SU, AU and IU no LC (query status): missing-writer, exit 1")
    func eventSystemWithoutQueryStatus() async throws {
        let noLC =
            "O:SYG:SYD:(A;;CCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCSWLOCRRC;;;IU)(A;;CCSWLOCRRC;;;SU)"
        let hex = try SDDL.parse(noLC).encode().map { String(format: "%02x", $0) }.joined()
        // EventSystem has no Security subkey in the reference hives: it is given RpcSs's, which is rewritten.
        let path = try await fixture(
            "SYSTEM",
            [
                "--subkeys-of", "ControlSet001\\Services\\EventSystem", "ControlSet001\\Services\\RpcSs",
                "--binary", "ControlSet001\\Services\\RpcSs\\Security", "Security", hex,
            ])
        let report = try audit(path)
        let f = try #require(report.findings.first { $0.service == "EventSystem" })
        #expect(f.kind == .serviceAccess && f.impact == .missingWriter)
        #expect(f.missing == ["SERVICE_QUERY_STATUS"])
        #expect(f.fixedSddl?.contains("(A;;CCLCSWLOCRRC;;;SU)") == true)
        #expect(report.exitCode == 1)
        // RpcSs with the same descriptor still grants CC: not a finding at all.
        #expect(!report.findings.contains { $0.service == "RpcSs" })
    }

    @Test("VssAccessControl without NETWORK SERVICE = 1 (VSS 8213) and SystemSetupInProgress = 1: missing-writer")
    func settings() async throws {
        let vac = try audit(
            try await fixture(
                "SYSTEM",
                ["--dword", "ControlSet001\\Services\\VSS\\VssAccessControl", "NT Authority\\NetworkService", "0"]))
        let v = try #require(vac.findings.first { $0.kind == .vssAccessControl })
        #expect(v.impact == .missingWriter && v.found == .dword(0))
        #expect(v.fix.hasSuffix("/t REG_DWORD /d 1 /f"))  // the command is the fix's rendering for the server
        #expect(vac.exitCode == 1)
        let setup = try audit(try await fixture("SYSTEM", ["--dword", "Setup", "SystemSetupInProgress", "1"]))
        #expect(setup.findings.contains { $0.kind == .setupInProgress && $0.impact == .missingWriter })
        #expect(setup.exitCode == 1)
    }

    @Test("a driver ImagePath with a drive letter and no \\??\\: backup-fails (KB968247)")
    func driverImagePath() async throws {
        let path = try await fixture(
            "SYSTEM", ["--string", "ControlSet001\\Services\\ACPI", "ImagePath", "C:\\d\\acpi.sys"])
        let report = try audit(path)
        let f = try #require(report.findings.first { $0.service == "ACPI" })
        #expect(f.kind == .imagePathSyntax && f.impact == .backupFails && f.basis == "KB968247")
        #expect(report.exitCode == 1)
    }

    @Test("the fix scripts carry each change with the state it must find first, and a dry run by default")
    func fixScripts() async throws {
        let path = try await fixture(
            "SYSTEM_WIN_10_1709", ["--dword", "ControlSet001\\Services\\EventSystem", "Start", "4"])
        let report = try audit(path)
        let changes = ServiceFixScripts.changes(report)
        #expect(changes.contains(.startType(service: "EventSystem", audited: .disabled, wanted: .automatic)))
        let fixed = report.findings.first { $0.service == "MsLldp" }!.fixedSddl!
        #expect(changes.contains(.descriptor(service: "MsLldp", audited: mslldpSDDL, fixed: fixed)))
        let ps1 = ServiceFixScripts.powershell(report)
        #expect(ps1.contains("Set-Descriptor 'MsLldp' '\(mslldpSDDL)' '\(fixed)'"))
        #expect(ps1.contains("Set-StartType 'EventSystem' 4 2 'auto'"))
        #expect(ps1.contains("if (-not $Apply) { Log \"DRY RUN"))
        let cmd = ServiceFixScripts.cmd(report)
        #expect(cmd.contains("call :sdset \"MsLldp\" \"\(mslldpSDDL)\" \"\(fixed)\"\r\n"))
        #expect(cmd.contains("call :start \"EventSystem\" 4 2 auto\r\n"))
        // A service name with a space is quoted in the fix and survives into both scripts.
        #expect(report.findings.contains { $0.fix.hasPrefix("sc.exe sdset \"FlexNet Licensing Service\" ") })
        #expect(ps1.contains("Set-Descriptor 'FlexNet Licensing Service' "))
    }
}

@Suite("ImagePath resolution")
struct ImagePathTests {
    @Test(
        "resolves ImagePath forms to a path on the system volume",
        arguments: [
            (
                "%SystemRoot%\\system32\\svchost.exe -k NetworkService -p",
                ImagePath.Resolution.onVolume("Windows\\system32\\svchost.exe")
            ),
            ("system32\\drivers\\mslldp.sys", .onVolume("Windows\\system32\\drivers\\mslldp.sys")),
            ("\\SystemRoot\\System32\\drivers\\ACPI.sys", .onVolume("Windows\\System32\\drivers\\ACPI.sys")),
            ("\\??\\C:\\Program Files\\x\\drv.sys", .onVolume("Program Files\\x\\drv.sys")),
            ("\"C:\\Program Files\\Vendor\\svc.exe\" /run", .onVolume("Program Files\\Vendor\\svc.exe")),
            ("C:\\Program Files\\Vendor\\svc.exe -service", .onVolume("Program Files\\Vendor\\svc.exe")),
            ("D:\\Apps\\svc.exe", .otherDrive("D:\\Apps\\svc.exe")),
            ("%UNKNOWN%\\x.exe", .unresolved),
        ])
    func resolves(_ raw: String, _ expected: ImagePath.Resolution) {
        #expect(ImagePath.resolve(raw) == expected)
    }
}
