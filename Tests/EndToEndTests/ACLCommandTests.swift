import Foundation
import Testing
import WindowsSecurity

@Suite("writer-audit acl on exports, end to end")
struct ACLCommandTests {
    static func fixture(_ name: String) -> String { Run.root.appendingPathComponent("Fixtures/acl/\(name)").path }

    func findings(_ arguments: [String]) async throws -> (Int32, [[String: Any]], [[String: Any]]) {
        let run = try await Run(["acl"] + arguments + ["--format", "json"])
        let object = try #require(try await JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        return (run.status, object["findings"] as? [[String: Any]] ?? [], object["errors"] as? [[String: Any]] ?? [])
    }

    @Test(
        "each export form: the deny, the missing grant, the inherit-only grant and the empty DACL are findings",
        arguments: [
            ["--icacls", fixture("icacls-save.txt"), "--base", "C:\\Windows"],
            ["--getacl-csv", fixture("getacl.csv")],
            ["--icacls-display", fixture("icacls-display.txt")],
        ])
    func forms(arguments: [String]) async throws {
        let (status, findings, errors) = try await findings(arguments)
        #expect(status == 1)
        let byPath = Dictionary(uniqueKeysWithValues: findings.map { ($0["path"] as! String, $0) })
        #expect(byPath["C:\\Windows\\WinSxS\\FileMaps"]?["ace"] as? String == "(D;OICI;FA;;;NS)")
        #expect(byPath["C:\\Windows\\WinSxS\\FileMaps"]?["sid"] as? String == "S-1-5-20")
        #expect(
            (byPath["C:\\Windows\\WinSxS\\Temp\\PendingRenames\\x.dll"]?["reason"] as? String)?.contains(
                "no ACE grants it") == true)
        #expect(byPath["C:\\Windows\\assembly\\inherit only"] != nil)
        #expect(byPath["C:\\Windows\\Temporary ASP.NET Files"] == nil)
        #expect(byPath["C:\\Windows\\Microsoft.NET\\Temporary ASP.NET Files"] == nil)
        #expect(byPath["C:\\Windows\\null dacl.txt"] == nil)
        if !arguments.contains("--icacls-display") {
            #expect((byPath["C:\\Windows\\empty dacl.txt"]?["reason"] as? String)?.contains("DACL is empty") == true)
        }
        #expect(errors.count == 1)
        #expect((errors.first?["path"] as? String)?.hasSuffix("broken") == true)
        #expect((errors.first?["error"] as? String)?.contains(Self.fixture("")) == true)
    }

    @Test("--principal checks another account: SYSTEM can read all but the empty DACL")
    func principal() async throws {
        let (_, findings, _) = try await findings(["--icacls", Self.fixture("icacls-save.txt"), "--principal", "SY"])
        #expect(findings.map { $0["path"] as! String } == ["empty dacl.txt"])
    }

    @Test("an unresolved *S-1-5-20 in icacls output is NETWORK SERVICE")
    func unresolved() async throws {
        let (_, findings, _) = try await findings(["--icacls-display", Self.fixture("icacls-display.txt")])
        #expect(!findings.contains { ($0["path"] as? String) == "C:\\Windows\\Microsoft.NET\\service.log" })
    }

    @Test(
        "a folder without NTFS descriptors (a copy, not an ntfs-3g mount): exit 2 and one line, not 'every entry can be read'"
    )
    func noDescriptors() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("acl-plain-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(
            atPath: root + "/Windows/Microsoft.NET/Framework64", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: root + "/Windows/Microsoft.NET/Framework64/a.dll", contents: nil)
        try FileManager.default.createDirectory(atPath: root + "/Windows/System32", withIntermediateDirectories: true)
        let run = try await Run(["acl", root, "--no-progress"])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty, "\(run.stdout)")
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("\(root): no NTFS security descriptors here"), "\(run.stderr)")
        // The case goes on without the ACL part, and says why.
        let c = try await Run(["case", root])
        #expect(c.status == 0, "\(c.stderr)")
        #expect(!c.stdout.contains("[acl]"), "\(c.stdout)")
        #expect(c.stdout.contains("warning: \(root): no NTFS security descriptors here"), "\(c.stdout)")
        // The volume was read all the same: the input is used, not ignored.
        #expect(c.stdout.contains("\(root): mounted-volume") && !c.stdout.contains("ignored"), "\(c.stdout)")
    }

    @Test("usage: exactly one source")
    func usage() async throws {
        #expect(try await Run(["acl"]).status == 2)
        #expect(try await Run(["acl", "/tmp", "--icacls", Self.fixture("icacls-save.txt")]).status == 2)
    }
}
