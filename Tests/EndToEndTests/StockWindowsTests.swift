import Foundation
import TestSupport
import Testing

/// The file tree of a freshly installed Windows 10 (../shared/reference/windows-trees/win10.tar.gz, empty files),
/// built with ../shared/tools/mktree.py into a folder of its own.
private func stockTree() async throws -> String {
    let listing = ProjectPaths.reference("windows-trees") + "/win10.tar.gz"
    let tool = ProjectPaths.root.deletingLastPathComponent().appendingPathComponent("shared/tools/mktree.py").path
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stock-win10-\(UUID().uuidString)").path
    let made = try await ProcessRun.run("/usr/bin/env", ["python3", tool, listing, dir])
    try #require(made.status == 0, "mktree.py: \(made.stderr.suffix(400))")
    return dir
}

private func makeFiles(_ dir: String, _ count: Int, prefix: String = "f") throws {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for i in 0..<count { _ = FileManager.default.createFile(atPath: "\(dir)/\(prefix)\(i)", contents: nil) }
}

private func makeFolders(_ dir: String, _ count: Int, prefix: String) throws {
    for i in 0..<count {
        try FileManager.default.createDirectory(atPath: "\(dir)/\(prefix)\(i)", withIntermediateDirectories: true)
    }
}

private func json(_ arguments: [String]) async throws -> (status: Int32, object: [String: Any]) {
    let run = try await Run(arguments)
    let object = try #require(
        try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr.suffix(300))")
    return (run.status, object)
}

/// The causes of a volume report: the paths of its missing-writer and backup-fails findings.
private func causes(_ volume: [String: Any]) -> [String] {
    ((volume["findings"] as? [[String: Any]]) ?? []).filter {
        ["missing-writer", "backup-fails"].contains($0["impact"] as? String)
    }
    .compactMap { $0["path"] as? String }.sorted()
}

private let stock = ConditionTrait.enabled(
    if: FileManager.default.fileExists(atPath: ProjectPaths.reference("windows-trees") + "/win10.tar.gz") || underCI,
    "../shared/reference/windows-trees is not beside the clone")

@Suite("A stock Windows 10 tree is healthy; a broken one names exactly its causes", stock, .serialized)
struct StockWindowsTests {
    @Test("stock tree: volume exit 0 with no cause, case no cause, remediate plans nothing and names no WinSxS folder")
    func healthy() async throws {
        let tree = try await stockTree()
        defer { ProcessRun.runToEnd("/bin/rm", ["-rf", tree]) }
        let volume = try await json(["volume", tree, "--format", "json", "--no-progress"])
        #expect(volume.status == 0)
        #expect(causes(volume.object).isEmpty)
        // WinSxS (13,258 subfolders) and its Manifests (17,255 files) are over the field's limits: context only.
        let findings = try #require(volume.object["findings"] as? [[String: Any]])
        let winSxS = try #require(findings.first { $0["path"] as? String == "C:\\Windows\\WinSxS" })
        #expect(winSxS["impact"] as? String == "info" && winSxS["reading"] as? String == "added-whole")
        #expect((winSxS["why"] as? String)?.contains("stock Windows 10 13,258") == true)
        let net = try #require(volume.object["microsoftNET"] as? [String: Any])
        #expect(net["files"] as? Int == 1_779 && net["longestPath"] as? Int == 242)

        let c = try await json(["case", tree, "--format", "json"])
        #expect(c.status == 0)
        let verdict = try #require(c.object["verdict"] as? [String: Any])
        #expect(["clean", "unknown"].contains(verdict["kind"] as? String), "\(verdict)")
        #expect(((c.object["findings"] as? [[String: Any]]) ?? []).allSatisfy { $0["cause"] is NSNull })
        #expect(!((verdict["fix"] as? [String]) ?? []).joined().contains("WinSxS"))

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("remediate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let plan = try await Run(["remediate", tree, "--out", out, "--format", "json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        #expect((object["items"] as? [Any])?.isEmpty == true)
        #expect((object["projected"] as? [Any])?.isEmpty == true)
        #expect(!plan.stdout.contains("WinSxS"))
        let text = try await Run(["remediate", tree, "--out", out + "-text"])
        defer { try? FileManager.default.removeItem(atPath: out + "-text") }
        #expect(!text.stdout.contains("WinSxS"), "\(text.stdout)")
    }

    @Test(
        "broken tree: 12,000 files, 1,100 subfolders and a 262-character path under Microsoft.NET are exactly the causes; more WinSxS and IIS logs change nothing"
    )
    func broken() async throws {
        let tree = try await stockTree()
        defer { ProcessRun.runToEnd("/bin/rm", ["-rf", tree]) }
        let net = tree + "/Windows/Microsoft.NET"
        let files = net + "/Framework64/v4.0.30319/Temporary ASP.NET Files/root/5c1f8a2e/assembly"
        try makeFiles(files, 12_000, prefix: "App_Web_")
        let sites = net + "/Framework/v4.0.30319/Temporary ASP.NET Files/root"
        try makeFolders(sites, 1_100, prefix: "site")
        // A file whose Windows path is exactly 262 characters, in a folder the writer can still list.
        var deep = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\vendor"
        var relative = "Windows/Microsoft.NET/Framework64/v4.0.30319/Config/vendor"
        while deep.count < 230 {
            deep += "\\segment"
            relative += "/segment"
        }
        let name = String(repeating: "n", count: 262 - deep.count - 1)
        try makeFiles(tree + "/" + relative, 0)
        _ = FileManager.default.createFile(atPath: tree + "/" + relative + "/" + name, contents: nil)
        #expect((deep + "\\" + name).count == 262)

        let expected = [
            "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\root\\5c1f8a2e\\assembly",
            "C:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\Temporary ASP.NET Files\\root",
            deep,
        ].sorted()
        let first = try await json(["volume", tree, "--format", "json", "--no-progress"])
        #expect(first.status == 1)
        #expect(causes(first.object) == expected)
        let long = try #require((first.object["findings"] as? [[String: Any]])?.first { $0["path"] as? String == deep })
        #expect(long["pathLength"] as? Int == 262 && (long["over"] as? [String]) == ["path-length"])

        // Growth where the writer adds whole or does not read: nothing changes.
        try makeFiles(tree + "/Windows/WinSxS/Manifests", 20_000, prefix: "extra_")
        try makeFolders(tree + "/Windows/WinSxS", 4_000, prefix: "amd64_extra_")
        try makeFiles(tree + "/inetpub/logs/LogFiles/W3SVC1", 30_000, prefix: "u_ex")
        let second = try await json(["volume", tree, "--format", "json", "--no-progress"])
        #expect(second.status == 1)
        #expect(causes(second.object) == expected)

        let c = try await json(["case", tree, "--format", "json"])
        #expect(c.status == 1)
        let verdict = try #require(c.object["verdict"] as? [String: Any])
        #expect(verdict["kind"] as? String == "folder-limit")
        let caseCauses = ((c.object["findings"] as? [[String: Any]]) ?? []).filter { !($0["cause"] is NSNull) }
        #expect(caseCauses.compactMap { $0["where"] as? String }.sorted() == expected)
        #expect(!((verdict["fix"] as? [String]) ?? []).joined().contains("WinSxS"))

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("remediate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let plan = try await Run(["remediate", tree, "--out", out, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let projected = try #require(object["projected"] as? [[String: Any]])
        #expect(
            Set(projected.compactMap { $0["path"] as? String })
                == Set(expected.filter { $0.contains("Temporary ASP.NET Files") }))
        #expect(!plan.stdout.contains("WinSxS"))
    }

    @Test(
        "the total: 10,800 files in twelve Temporary ASP.NET folders, none over a limit, is the one cause; the fix clears them, and names no product while the rest is stock"
    )
    func total() async throws {
        let tree = try await stockTree()
        defer { ProcessRun.runToEnd("/bin/rm", ["-rf", tree]) }
        let root = tree + "/Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files/root"
        for site in 0..<12 { try makeFiles(root + "/site\(site)/b", 900, prefix: "App_Web_") }
        let volume = try await json(["volume", tree, "--format", "json", "--no-progress"])
        #expect(volume.status == 1)
        #expect(causes(volume.object) == ["C:\\Windows\\Microsoft.NET"])
        let net = try #require(volume.object["microsoftNET"] as? [String: Any])
        #expect(net["files"] as? Int == 1_779 + 10_800 && net["temporaryASPNETFiles"] as? Int == 10_800)
        let total = try #require((volume.object["findings"] as? [[String: Any]])?.first)
        #expect(total["over"] as? [String] == ["total-files"])
        #expect((total["why"] as? String)?.contains("10,800 of them in Temporary ASP.NET Files") == true)

        let c = try await json(["case", tree, "--format", "json"])
        #expect(c.status == 1)
        let verdict = try #require(c.object["verdict"] as? [String: Any])
        #expect(verdict["kind"] as? String == "folder-limit")
        #expect((verdict["summary"] as? String)?.contains("metadata grows too long") == true, "\(verdict)")
        let fix = ((verdict["fix"] as? [String]) ?? []).joined(separator: "\n")
        #expect(
            fix.contains("12 items planned in Temporary ASP.NET Files") && fix.contains("remediate.ps1 -Apply"),
            "\(fix)")
        #expect(!fix.contains("not a temporary location"), "\(fix)")
        let kinds = ((c.object["findings"] as? [[String: Any]]) ?? []).filter { !($0["cause"] is NSNull) }
            .compactMap { $0["kind"] as? String }
        #expect(kinds == ["total-files"])

        // The same excess in a product's own folder: nothing safe to clear, so the product is named.
        ProcessRun.runToEnd("/bin/rm", ["-rf", root])
        let vendor = tree + "/Windows/Microsoft.NET/Framework64/v4.0.30319/Vendor"
        for part in 0..<12 { try makeFiles(vendor + "/part\(part)", 900, prefix: "lib") }
        let product = try await json(["case", tree, "--format", "json"])
        #expect(product.status == 1)
        let other = try #require(product.object["verdict"] as? [String: Any])
        let otherFix = ((other["fix"] as? [String]) ?? []).joined(separator: "\n")
        #expect(otherFix.contains("C:\\Windows\\Microsoft.NET is not a temporary location"), "\(otherFix)")
        #expect(!otherFix.contains("remediate.ps1"), "\(otherFix)")
    }
}
