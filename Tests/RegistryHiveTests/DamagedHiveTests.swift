import BinaryFormat
import Foundation
import RegistryHive
import TestSupport
import Testing

/// A copy of SYSTEM (clean) in memory, damaged by the test, then read as a hive.
struct DamagedHive {
    var bytes: [UInt8]
    let original: Hive

    init() async throws {
        let path = try await ReferenceHives.path("SYSTEM")
        bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        original = try Hive(path: path)
    }

    /// Writes a little-endian UInt32 at a cell offset + `delta` (file offset 4096 + cell + delta).
    mutating func put(_ v: UInt32, cell: UInt32, plus delta: Int) {
        let at = 4096 + Int(cell) + delta
        for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
    }

    func read() throws -> Hive { try Hive(bytes: bytes, name: "damaged.hiv", logs: []) }
}

func valueCount(_ h: Hive) -> Int {
    var n = 0
    h.walk(from: h.root, path: "") { _, k in n += h.values(of: k).count }
    return n
}

@Suite(
    "Damaged hives: a warning naming the offset and the rest read, or one error",
    ConditionTrait.enabled(
        if: ReferenceHives.present || underCI, "../shared/reference/registry is not beside the clone"))
struct DamagedHiveTests {
    @Test("a hive cut in half: a warning that it is cut off, and what is left is read")
    func truncated() async throws {
        var d = try await DamagedHive()
        d.bytes = Array(d.bytes[0..<(d.bytes.count / 2)])
        let h = try d.read()
        #expect(h.warnings.kept.contains { $0.reason.hasPrefix("the hive is cut off") })
        let n = valueCount(h)
        #expect(n > 0 && n < 73_456)
    }

    @Test("a file shorter than the base block, or without regf: one error with the byte offset")
    func notAHive() async throws {
        var d = try await DamagedHive()
        d.bytes = Array(d.bytes[0..<100])
        #expect(throws: RegistryError(.notAHive, path: "", offset: nil, "")) { try d.read() }
        d = try await DamagedHive()
        d.bytes[0] = 0x58
        do {
            _ = try d.read()
            Issue.record("read a file without a regf signature")
        } catch let e as RegistryError {
            #expect(e.message == "damaged.hiv: byte offset 0: not a registry hive (no \"regf\" signature)")
        }
    }

    @Test("a root cell offset that points outside the bins: one error naming the byte offset")
    func badRoot() async throws {
        var d = try await DamagedHive()
        for i in 0..<4 { d.bytes[36 + i] = 0xF0 }
        do {
            _ = try d.read()
            Issue.record("read a hive without a root key")
        } catch let e as RegistryError {
            #expect(e.code == .noRootKey && e.offset == 4096 + 0xF0F0_F0F0)
        }
    }

    @Test("a hive bin with a bad signature or size: a warning naming its offset, the other bins read")
    func badBin() async throws {
        var d = try await DamagedHive()
        let second = 4096 + Int(d.bytes.withUnsafeBytes { $0.le32(4096 + 8) })  // after the first bin
        d.bytes[second] = 0x58
        var h = try d.read()
        #expect(h.warnings.kept.contains { $0.fileOffset == UInt64(second) && $0.reason.contains("hbin") })
        #expect(valueCount(h) < 73_456)
        d = try await DamagedHive()
        d.bytes.withUnsafeMutableBytes {
            $0.storeBytes(of: UInt32(123).littleEndian, toByteOffset: second + 8, as: UInt32.self)
        }
        h = try d.read()
        #expect(h.warnings.kept.contains { $0.fileOffset == UInt64(second) && $0.reason.contains("size 123") })
    }

    @Test("a subkey list that points outside the hive: a warning with the cell offset, the walk goes on")
    func cellOutside() async throws {
        var d = try await DamagedHive()
        let services = try #require(d.original.key(path: "ControlSet001\\Services"))
        d.put(0x7FFF_FFF0, cell: services.cell, plus: 4 + 28)
        let h = try d.read()
        let broken = try #require(h.key(path: "ControlSet001\\Services"))
        #expect(h.subkeys(of: broken).isEmpty)
        #expect(
            h.warnings.kept.contains {
                $0.fileOffset == 4096 + 0x7FFF_FFF0 && $0.reason.contains("outside the hive bins")
            })
        #expect(h.key(path: "ControlSet001\\Control") != nil)
    }

    @Test("a key listed under its own descendant: a warning, and the walk ends")
    func loop() async throws {
        var d = try await DamagedHive()
        let set = try #require(d.original.key(path: "ControlSet001"))
        // ControlSet001's subkey list: its first entry now names the root key.
        let list = set.subkeyListCell
        d.put(d.original.rootCell, cell: list, plus: 4 + 4)
        let h = try d.read()
        var keys = 0
        h.walk(from: h.root, path: "") { _, _ in keys += 1 }
        #expect(keys > 0)
        #expect(h.warnings.kept.contains { $0.reason.contains("listed again") && $0.reason.contains("a loop") })
    }

    @Test("absurd counts are cut to what the cells hold, with a warning")
    func absurdCounts() async throws {
        var d = try await DamagedHive()
        let crypt = try #require(d.original.key(path: "ControlSet001\\Services\\CryptSvc"))
        d.put(0xFFFF_FFFF, cell: crypt.cell, plus: 4 + 36)  // value count
        d.put(0xFFFF_FFFF, cell: crypt.cell, plus: 4 + 20)  // subkey count
        let h = try d.read()
        let k = try #require(h.key(path: "ControlSet001\\Services\\CryptSvc"))
        #expect(h.values(of: k).count >= d.original.values(of: crypt).count)
        #expect(h.subkeys(of: k).count == d.original.subkeys(of: crypt).count)
        #expect(h.warnings.kept.contains { $0.reason.contains("declares 4294967295 values") })
        #expect(h.warnings.kept.contains { $0.reason.contains("declares 4294967295 subkeys") })
    }

    @Test("a dirty hive with a log whose entry hash is wrong: replay stops there, with a warning")
    func badLogHash() async throws {
        let path = try await ReferenceHives.path("SYSTEM_B")
        var log1 = Array(try Data(contentsOf: URL(fileURLWithPath: try await ReferenceHives.path("SYSTEM_B.LOG1"))))
        let log2 = Array(try Data(contentsOf: URL(fileURLWithPath: try await ReferenceHives.path("SYSTEM_B.LOG2"))))
        log1[0x4000 + 100] ^= 0xFF  // inside the second entry (sequence 2108)
        let h = try Hive(
            bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))), name: "SYSTEM_B",
            logs: [LogFile(name: "LOG1", bytes: log1), LogFile(name: "LOG2", bytes: log2)])
        // Only entry 2107 applies; LOG2 starts at 2111, which does not follow, so it is not used.
        #expect(h.recovery == .applied(logs: ["LOG1"], entries: 1, pages: 3, sequence: 2107))
        #expect(
            h.warnings.kept.contains { $0.reason.contains("LOG1: byte offset 16384: log entry 2108 has a wrong hash") })
    }
}

@Suite(
    "Old-format (DIRT) transaction logs",
    ConditionTrait.enabled(
        if: ReferenceHives.present || underCI, "../shared/reference/registry is not beside the clone"))
struct OldFormatLogTests {
    /// The primary as it was before a write (dirty: its sequence numbers differ), and an old-format log holding
    /// the 512-byte pages where `newer` differs, as Windows XP to 8 wrote them.
    static func dirtyPair(original: [UInt8], newer: [UInt8]) -> (hive: [UInt8], log: [UInt8]) {
        var hive = original
        let sequence = hive.withUnsafeBytes { $0.le32(4) }
        func put32(_ v: UInt32, _ at: Int, in b: inout [UInt8]) {
            for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
        }
        func checksum(_ b: inout [UInt8]) { put32(b.withUnsafeBytes { BaseBlock.checksum($0) }, 508, in: &b) }
        put32(sequence &+ 1, 4, in: &hive)  // the write began (primary) but never ended (secondary)
        checksum(&hive)
        var log = Array(original[0..<512])
        put32(sequence &+ 1, 4, in: &log)
        put32(sequence &+ 1, 8, in: &log)
        put32(1, 28, in: &log)  // a transaction log
        checksum(&log)
        let binsSize = Int(original.withUnsafeBytes { $0.le32(40) })
        let pages = binsSize / 512
        var bitmap = [UInt8](repeating: 0, count: (pages + 7) / 8)
        var dirty: [UInt8] = []
        for p in 0..<pages {
            let range = (4096 + p * 512)..<(4096 + p * 512 + 512)
            guard original[range] != newer[range] else { continue }
            bitmap[p / 8] |= 1 << (p % 8)
            dirty += newer[range]
        }
        log += Array("DIRT".utf8) + bitmap
        log += [UInt8](repeating: 0, count: (512 - log.count % 512) % 512)
        log += dirty
        return (hive, log)
    }

    @Test("a dirty hive is brought up to date from an old-format log: the changed value is read")
    func replaysDirtyVector() async throws {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: try await ReferenceHives.path("SYSTEM"))))
        let changedPath = ReferenceHives.scratch + "/old-format-\(UUID().uuidString)"
        let r = try await ProcessRun.run(
            "/usr/bin/env",
            [
                "python3", ProjectPaths.script("make-hive-fixture"), try await ReferenceHives.path("SYSTEM"),
                changedPath,
                "--dword", "ControlSet001\\Services\\EventSystem", "Start", "4",
            ])
        #expect(r.status == 0, "\(r.stderr)")
        let newer = Array(try Data(contentsOf: URL(fileURLWithPath: changedPath)))
        let (hive, log) = Self.dirtyPair(original: original, newer: newer)
        let replayed = try Hive(bytes: hive, name: "SYSTEM", logs: [LogFile(name: "SYSTEM.LOG1", bytes: log)])
        guard case .applied(let logs, _, let pages, _) = replayed.recovery else {
            Issue.record("not replayed: \(replayed.recovery)")
            return
        }
        #expect(logs == ["SYSTEM.LOG1"] && pages == 1)
        let key = try #require(replayed.key(path: "ControlSet001\\Services\\EventSystem"))
        #expect(replayed.value("Start", of: key)?.dword == 4)
        // Without the log the hive reads as it was, with a warning that it is dirty.
        let stale = try Hive(bytes: hive, name: "SYSTEM", logs: [])
        #expect(stale.value("Start", of: stale.key(path: "ControlSet001\\Services\\EventSystem")!)?.dword == 2)
        #expect(stale.warnings.kept.contains { $0.reason.contains("dirty") })
    }
}
