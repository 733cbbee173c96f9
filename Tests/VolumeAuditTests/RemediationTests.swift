import Foundation
import TestSupport
import Testing

@testable import ACLExports
@testable import DiskImage
@testable import NTFS
@testable import VolumeAudit

/// Names that break naive quoting in sh or PowerShell.
let hostileNames = [
    "it's $HOME `id` %TEMP% $(rm -rf x)", "-rf", "--", "name\nwith newline", "ünïcödé 名前", "‘curly’ ‚low‛ quotes",
    "back\\slash", "semi;colon & amp | pipe > gt", "\"double\"",
]

/// PowerShell's reading of a single-quoted literal starting at `i`: doubled quotes (any of the five) are one.
func psLiterals(_ text: String) -> [String] {
    let quotes: Set<Unicode.Scalar> = ["'", "\u{2018}", "\u{2019}", "\u{201A}", "\u{201B}"]
    let s = Array(text.unicodeScalars)
    var out: [String] = []
    var i = 0
    while i < s.count {
        guard quotes.contains(s[i]) else {
            i += 1
            continue
        }
        i += 1
        var lit = String.UnicodeScalarView()
        while i < s.count {
            if quotes.contains(s[i]) {
                if i + 1 < s.count, quotes.contains(s[i + 1]) {
                    lit.append(s[i])
                    i += 2
                    continue
                }
                break
            }
            lit.append(s[i])
            i += 1
        }
        i += 1
        out.append(String(lit))
    }
    return out
}

@Suite("Remediation: the cleanup plan and its scripts")
struct RemediationTests {
    static let temp = "Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files"
    static let temp32 = "Windows/Microsoft.NET/Framework/v2.0.50727/Temporary ASP.NET Files"

    @Test("sh quoting survives every hostile name", arguments: hostileNames)
    func shQuote(name: String) async throws {
        let out = try await run("/bin/sh", ["-c", "printf '%s' " + RemediationScripts.shQuote(name)])
        #expect(out.stdout == name)
    }

    @Test("PowerShell quoting doubles ' and its curly forms", arguments: hostileNames)
    func psQuote(name: String) {
        #expect(psLiterals(RemediationScripts.psQuote(name)) == [name])
    }

    func tree() throws -> ScratchTree {
        let tree = try ScratchTree()
        try tree.files("\(Self.temp)/root/5c1f8a2e/assembly/dl3", 12)
        try tree.files("\(Self.temp)/root/77aa01bc", 3)
        try tree.files("\(Self.temp32)/root/old", 2)
        try tree.files("Windows/System32", 2)
        try tree.symlink("\(Self.temp)/root/evil", to: "../../../../../System32")
        try tree.dir("\(Self.temp)/root/holds-link")
        try tree.symlink("\(Self.temp)/root/holds-link/out", to: "/etc")
        _ = FileManager.default.createFile(atPath: tree.root + "/\(Self.temp)/loose.tmp", contents: Data("abc".utf8))
        return tree
    }

    @Test("plans the application folders and loose files, never the folder itself, skips links")
    func plan() throws {
        let t = try tree()
        let (plan, _) = try CleanupPlanner(root: t.root).plan()
        let kinds = Dictionary(uniqueKeysWithValues: plan.items.map { ($0.relativePath, $0.kind) })
        #expect(kinds["\(Self.temp)/root/5c1f8a2e"] == .folder)
        #expect(kinds["\(Self.temp)/root/77aa01bc"] == .folder)
        #expect(kinds["\(Self.temp32)/root/old"] == .folder)
        #expect(kinds["\(Self.temp)/loose.tmp"] == .file)
        #expect(kinds["\(Self.temp)/root/evil"] == .skippedReparsePoint)
        #expect(kinds["\(Self.temp)/root/holds-link"] == .skippedContainsReparsePoint)
        #expect(
            !plan.items.contains {
                $0.relativePath == Self.temp || !$0.relativePath.hasPrefix("Windows/Microsoft.NET/")
            })
        let big = try #require(plan.items.first { $0.relativePath.hasSuffix("5c1f8a2e") })
        #expect(big.files == 12)
        #expect(big.folders == 3)
        #expect(plan.items.first { $0.kind == .file }?.bytes == 3)
        #expect(plan.tempFolders.count == 2)
        #expect(plan.exitCode == 1)
    }

    @Test("--framework and --older-than keep what they should")
    func filters() throws {
        let t = try tree()
        var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
        let old = t.root + "/\(Self.temp)/root/77aa01bc"
        for f in try FileManager.default.contentsOfDirectory(atPath: old) + [""] {
            #expect(utimensat(AT_FDCWD, old + (f.isEmpty ? "" : "/" + f), &times, 0) == 0)
        }
        var options = CleanupPlanner.Options()
        options.olderThanDays = 30
        options.framework = "framework64"
        let (plan, _) = try CleanupPlanner(root: t.root, options: options).plan()
        let kinds = Dictionary(uniqueKeysWithValues: plan.items.map { ($0.relativePath, $0.kind) })
        #expect(kinds["\(Self.temp)/root/77aa01bc"] == .folder)
        #expect(kinds["\(Self.temp)/root/5c1f8a2e"] == .keptChangedRecently)
        #expect(kinds["\(Self.temp32)/root/old"] == .keptOtherFramework)
    }

    @Test("remediate.ps1 names exactly the planned paths, as literals")
    func powerShellLiterals() throws {
        let t = try tree()
        let (plan, _) = try CleanupPlanner(root: t.root).plan()
        let script = RemediationScripts.powerShell(plan, generated: "test")
        let adds = script.split(separator: "\n").filter { $0.hasPrefix("$items.Add(") }.map(String.init)
        let paths = adds.map { psLiterals($0)[1] }
        #expect(paths == plan.deletions.map(\.path))
        #expect(adds.allSatisfy { psLiterals($0)[0].hasSuffix("\\Temporary ASP.NET Files") })
    }
}
