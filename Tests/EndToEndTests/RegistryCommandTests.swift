import Foundation
import TestSupport
import Testing

@Suite(
    "writer-audit registry and services on the real hives",
    ConditionTrait.enabled(
        if: ReferenceHives.present || underCI, "../shared/reference/registry is not beside the clone"))
struct RegistryCommandTests {
    @Test("registry --key prints the key and what is below it, JSON one object per value")
    func registryKey() async throws {
        let hive = try await ReferenceHives.path("SYSTEM_WIN_10_1709")
        let run = try await Run([
            "registry", hive, "--key", "currentcontrolset\\services\\cryptsvc", "--format", "json", "--quiet",
        ])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        let objects = try lines.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.allSatisfy { Set($0.keys) == ["key", "value", "type", "data", "hex"] })
        let start = try #require(
            objects.first {
                $0["key"] as? String == "ControlSet001\\Services\\CryptSvc" && $0["value"] as? String == "Start"
            })
        #expect(
            start["type"] as? String == "REG_DWORD" && start["data"] as? Int == 2
                && start["hex"] as? String == "02000000")
        let deps = try #require(objects.first { $0["value"] as? String == "DependOnService" })
        #expect(deps["data"] as? [String] == ["RpcSs"])
        #expect(objects.contains { ($0["key"] as? String)?.hasSuffix("CryptSvc\\Parameters") == true })
        let text = try await Run([
            "registry", hive, "--key", "ControlSet001\\Services\\CryptSvc\\Parameters", "--quiet",
        ])
        #expect(text.stdout.hasPrefix("[ControlSet001\\Services\\CryptSvc\\Parameters]\n"))
        #expect(text.stdout.contains("  \"ServiceDll\" = REG_EXPAND_SZ \"%SystemRoot%\\system32\\cryptsvc.dll\"\n"))
    }

    @Test("a dirty hive without logs is read, with a warning that it may be stale")
    func dirtyWarning() async throws {
        let hive = try await ReferenceHives.path("SYSTEM_WIN_10_1709")
        let run = try await Run(["registry", hive, "--key", "Select"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("the hive is dirty (sequence numbers 4317 and 4316 differ) and no transaction log"))
    }

    @Test("bad input: not a hive, a key not there, an unreadable path: one line, exit 2")
    func refusals() async throws {
        let hive = try await ReferenceHives.path("SYSTEM")
        let notHive = try await Run(["registry", ProjectPaths.fixture("procmon/healthy.csv")])
        #expect(notHive.status == 2)
        #expect(notHive.stderr.hasSuffix("healthy.csv: byte offset 0: not a registry hive (no \"regf\" signature)\n"))
        let noKey = try await Run(["registry", hive, "--key", "ControlSet001\\Nope"])
        #expect(noKey.status == 2 && noKey.stderr.contains("no key ControlSet001\\\\Nope in this hive"))
        #expect(noKey.stderr.filter { $0 == "\n" }.count == 1)
        let missing = try await Run(["services", "/nonexistent/SYSTEM"])
        #expect(missing.status == 2 && missing.stderr.filter { $0 == "\n" }.count == 1)
    }

    @Test("a packed hive (SYSTEM.xz as sent) is named for what it is, in every command and in the case")
    func packed() async throws {
        let packed = ReferenceHives.folder + "/SYSTEM.xz"
        for command in ["services", "registry", "volume", "eventlog", "trace"] {
            let run = try await Run([command, packed])
            #expect(run.status == 2, "\(command)")
            #expect(
                run.stderr
                    == "writer-audit: \(packed): byte offset 0: an xz-compressed file, not read packed: unpack it first (xz -dk '\(packed)')\n",
                "\(command): \(run.stderr)")
        }
        let upload = NSTemporaryDirectory() + "packed-upload-\(UUID().uuidString)"
        defer { ProcessRun.runToEnd("/bin/rm", ["-rf", upload]) }
        try FileManager.default.createDirectory(atPath: upload, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: packed, toPath: upload + "/SYSTEM.xz")
        try FileManager.default.copyItem(
            atPath: ProjectPaths.fixture("evtx/Application.evtx"), toPath: upload + "/Application.evtx")
        let c = try await Run(["case", upload])
        #expect(
            c.stdout.contains("SYSTEM.xz: ignored") && c.stdout.contains("an xz-compressed file: unpack it first"),
            "\(c.stdout)")
    }

    @Test("services: exit 0 with the MSLLDP finding benign, JSON in the documented shape, fix scripts written")
    func services() async throws {
        let hive = try await ReferenceHives.path("SYSTEM_WIN_10_1709")
        let out = NSTemporaryDirectory() + "services-\(UUID().uuidString)"
        defer { ProcessRun.runToEnd("/bin/rm", ["-rf", out]) }
        let run = try await Run(["services", hive, "--format", "json", "--out", out])
        #expect(run.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        for key in ["source", "controlSet", "dirty", "logsApplied", "warnings", "services", "findings"] {
            #expect(report[key] != nil, "no \(key)")
        }
        let findings = try #require(report["findings"] as? [[String: Any]])
        let f = try #require(findings.first { $0["service"] as? String == "MsLldp" })
        #expect(
            Set(f.keys) == [
                "kind", "impact", "confidence", "basis", "service", "displayName", "principal", "missing", "sddl",
                "fixedSddl", "fix", "detail",
            ])
        #expect(f["kind"] as? String == "service-access" && f["principal"] as? String == "NETWORK SERVICE")
        #expect(f["impact"] as? String == "benign")
        let services = try #require(report["services"] as? [[String: Any]])
        #expect(
            services.allSatisfy {
                ["name", "displayName", "start", "type", "account", "imagePath", "sddl"].allSatisfy($0.keys.contains)
            })
        #expect(FileManager.default.fileExists(atPath: out + "/fix-services.ps1"))
        #expect(FileManager.default.fileExists(atPath: out + "/fix-services.cmd"))
        let text = try await Run(["services", hive])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Nothing here stops the System Writer.\n"))
        #expect(
            text.stdout.contains(
                "  [benign] [service-access] MsLldp (@%SystemRoot%\\system32\\drivers\\mslldp.sys,-200)\n"))
    }

    @Test("services --out onto the audited mount is refused")
    func outOnMount() async throws {
        let dir = NSTemporaryDirectory() + "mnt-\(UUID().uuidString)"
        try FileManager.default.createDirectory(
            atPath: dir + "/Windows/System32/config", withIntermediateDirectories: true)
        defer { ProcessRun.runToEnd("/bin/rm", ["-rf", dir]) }
        try FileManager.default.copyItem(
            atPath: try await ReferenceHives.path("SYSTEM"), toPath: dir + "/Windows/System32/config/SYSTEM")
        let run = try await Run(["services", dir, "--out", dir + "/fix"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("inside the audited volume"))
        #expect(run.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: dir + "/fix"))
    }
}
