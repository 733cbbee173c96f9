import Foundation
import RegistryHive
import TestSupport
import Testing

let referenceTests = ConditionTrait.enabled(
    if: ReferenceHives.present || underCI, "../shared/reference/registry is not beside the clone")

@Suite("Real SYSTEM hives against python-registry and regipy", referenceTests)
struct ReferenceHiveTests {
    /// Every value of `hive` (already open) against python-registry's walk of `peerPath`.
    func compare(_ hive: Hive, withPeerOf peerPath: String) async throws -> (values: Int, quirks: Int) {
        let mine = libraryValues(hive)
        let peer = try await peerValues(peerPath)
        #expect(mine.count == peer.count)
        var quirks = 0
        var failures: [String] = []
        for (i, (line, value)) in mine.enumerated() where i < peer.count {
            if line != peer[i] { quirks += 1 }
            if let why = disagreement(line, value, peer[i]) {
                failures.append("\(why): mine \(line) / python-registry \(peer[i])")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) values differ, first: \(failures.prefix(3))")
        return (mine.count, quirks)
    }

    @Test(
        "every key and value of SYSTEM and SYSTEM_WIN_10_1709 equals python-registry's",
        arguments: ["SYSTEM", "SYSTEM_WIN_10_1709"])
    func equalsPythonRegistry(_ name: String) async throws {
        let path = try await ReferenceHives.path(name)
        let hive = try Hive(path: path)
        let (values, _) = try await compare(hive, withPeerOf: path)
        #expect(values == (name == "SYSTEM" ? 73_456 : 90_307))
    }

    @Test("SYSTEM_B read without its logs equals python-registry's reading of the file as it is")
    func dirtyWithoutLogs() async throws {
        let path = try await ReferenceHives.path("SYSTEM_B")
        let hive = try Hive(path: path, applyLogs: false)
        #expect(hive.recovery == .notRecovered(reason: "no transaction logs"))
        #expect(hive.warnings.kept.contains { $0.reason.contains("dirty") })
        _ = try await compare(hive, withPeerOf: path)
    }

    @Test("SYSTEM_B after log replay equals regipy's recovered hive (logs applied in Windows' order)")
    func replayEqualsRegipy() async throws {
        let path = try await ReferenceHives.path("SYSTEM_B")
        let log1 = try await ReferenceHives.path("SYSTEM_B.LOG1")
        let log2 = try await ReferenceHives.path("SYSTEM_B.LOG2")
        let hive = try Hive(path: path)
        guard case .applied(let logs, let entries, let pages, let sequence) = hive.recovery else {
            Issue.record("no replay: \(hive.recovery)")
            return
        }
        #expect(logs.map { URL(fileURLWithPath: $0).lastPathComponent } == ["SYSTEM_B.LOG1", "SYSTEM_B.LOG2"])
        #expect(entries == 24 && pages == 315 && sequence == 2130)
        // regipy applies the secondary (-s) log first and the primary (-p) over it: LOG1 holds entries
        // 2107-2110 and LOG2 2111-2130, so Windows' order is -s LOG1 -p LOG2.
        let restored = ReferenceHives.scratch + "/SYSTEM_B.regipy"
        let r = try await ProcessRun.run(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import sys; from regipy.cli import parse_transaction_log as p; sys.argv[0] = 'regipy-process-transaction-logs'; p()",
                path, "-p", log2, "-s", log1, "-o", restored,
            ])
        #expect(r.status == 0, "regipy: \(r.stderr.suffix(300))")
        let (values, _) = try await compare(hive, withPeerOf: restored)
        #expect(values == 78_901)
        // Without the logs the hive has fewer values: the replay changed what is read.
        #expect(libraryValues(try Hive(path: path, applyLogs: false)).count != values)
    }

    @Test("MSLLDP's Security value in SYSTEM_WIN_10_1709 is the descriptor SOURCES.md gives")
    func mslldpDescriptor() async throws {
        let hive = try Hive(path: try await ReferenceHives.path("SYSTEM_WIN_10_1709"))
        let sec = try #require(hive.key(path: "CurrentControlSet\\Services\\MSLLDP\\Security"))
        let v = try #require(hive.value("Security", of: sec))
        #expect(v.type == .binary && v.data.count == 184)
        #expect(hive.currentControlSet == "ControlSet001")
    }
}
