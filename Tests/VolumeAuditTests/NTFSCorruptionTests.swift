import Foundation
import TestSupport
import Testing

@testable import ACLExports
@testable import DiskImage
@testable import NTFS
@testable import VolumeAudit

/// A deterministic generator for the fuzz rounds.
struct Mix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Runlists and MFT records, damaged")
struct MFTParserTests {
    func decode(_ bytes: [UInt8], clusters: UInt64 = 1000) -> Result<[DataRun], RunList.Malformed> {
        bytes.withUnsafeBytes { b in
            do throws(RunList.Malformed) { return .success(try RunList.decode(b, totalClusters: clusters)) } catch {
                return .failure(error)
            }
        }
    }

    @Test("runlists: relative signed offsets, sparse runs, and refusals of runs outside the volume")
    func runlists() throws {
        // 0x21: 1 length byte, 2 offset bytes. Run 1: 16 clusters at 0x100; run 2: 8 clusters at 0x100 - 0x10.
        #expect(
            try decode([0x21, 0x10, 0x00, 0x01, 0x21, 0x08, 0xF0, 0xFF, 0x00]).get() == [
                DataRun(lcn: 0x100, clusters: 16), DataRun(lcn: 0xF0, clusters: 8),
            ])
        #expect(
            try decode([0x01, 0x04, 0x11, 0x02, 0x05, 0x00]).get() == [
                DataRun(lcn: nil, clusters: 4), DataRun(lcn: 5, clusters: 2),
            ])
        let outside = decode([0x21, 0x10, 0xE8, 0x03, 0x00])  // 16 clusters at 1,000 of 1,000
        #expect(throws: RunList.Malformed.self) { try outside.get() }
        let negative = decode([0x11, 0x01, 0xFF, 0x00])  // offset -1
        #expect(throws: RunList.Malformed.self) { try negative.get() }
        let unterminated = decode([0x11, 0x01, 0x05])
        #expect(throws: RunList.Malformed.self) { try unterminated.get() }
        let zero = decode([0x11, 0x00, 0x05, 0x00])
        #expect(throws: RunList.Malformed.self) { try zero.get() }
    }

    @Test(
        "fuzz: 20,000 random runlists and 5,000 mutated real MFT records parse or are refused, never crash", .imageTests
    )
    func fuzz() async throws {
        var rng = Mix(state: 0xF00D)
        for _ in 0..<20_000 {
            let bytes = (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if case .success(let runs) = decode(bytes) {
                var end: UInt64 = 0
                for r in runs { if let lcn = r.lcn { end = max(end, lcn + r.clusters) } }
                #expect(end <= 1000)
            }
        }
        try requireImages()
        let image = try await buildImage(spec: "mft-edges.spec")
        let volume = try NTFSImage(path: image)
        let size = volume.recordSize
        var records: [[UInt8]] = []
        let file = try ImageFile(path: image)
        let mftStart = volume.offset(ofCluster: volume.mftRuns[0].lcn!)
        for n in 0..<120 { records.append(try file.bytes(size, at: mftStart + UInt64(n * size), what: "record")) }
        var index = MFTIndex()
        var added = 0
        for round in 0..<5_000 {
            var r = records[round % records.count]
            for _ in 0..<(1 + Int(rng.next() % 6)) {
                let at = Int(rng.next() % UInt64(r.count))
                r[at] = UInt8(truncatingIfNeeded: rng.next())
            }
            r.withUnsafeMutableBytes { b in
                guard (try? MFTRecord.fixup(b)) == true else { return }
                index.add(UInt64(round), UnsafeRawBufferPointer(b))
                _ = RecordFacts(UnsafeRawBufferPointer(b))
                added += 1
            }
        }
        index.finish()
        _ = index.link()
        #expect(added > 100)
    }
}

@Suite("Damaged NTFS images", .serialized)
struct NTFSCorruptionTests {
    static func patched(_ image: String, _ name: String, _ edit: (inout [UInt8]) -> Void) throws -> String {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: image)))
        edit(&bytes)
        let path = image + "." + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func refusal(_ path: String) -> ImageError? {
        do {
            _ = try Volume.audit(image: path)
            Issue.record("\(path) was accepted")
            return nil
        } catch let e as ImageError {
            #expect(!e.message.contains("\n"))
            #expect(e.message.hasPrefix(path + ": "), "\(e.message)")
            return e
        } catch {
            Issue.record("\(path): \(error)")
            return nil
        }
    }

    @Test(
        "a torn record is skipped with a warning naming it; a bad boot sector, $MFT or cut-off image is one line",
        .imageTests)
    func damage() async throws {
        try requireImages()
        let image = try await buildImage(spec: "mft-edges.spec")
        let good = try Volume.audit(image: image)
        let volume = try NTFSImage(path: image)
        let mftStart = Int(volume.offset(ofCluster: volume.mftRuns[0].lcn!))
        let size = volume.recordSize
        // Record 100 (a user file): its first sector no longer ends with the update sequence number.
        let torn = try Self.patched(image, "torn") { b in b[mftStart + 100 * size + 510] ^= 0xFF }
        let report = try Volume.audit(image: torn)
        // Skipped with a warning, yet still counted: its folder's index lists it, as Windows would.
        #expect(report.warnings.count == 2)
        #expect(
            report.warnings.first?.hasPrefix("MFT record 100 (byte offset \(mftStart + 100 * size)):") == true,
            "\(report.warnings)")
        #expect(report.warnings.last?.contains("lists record 100 (") == true, "\(report.warnings)")
        #expect(report.files + report.others + report.folders == good.files + good.others + good.folders)

        let sector = Self.refusal(
            try Self.patched(image, "sector") { b in
                b[11] = 3; b[12] = 0
            })
        #expect(sector?.code == .damaged && sector?.position == .byteOffset(11), "\(sector?.message ?? "")")
        let mft = Self.refusal(try Self.patched(image, "mft-lcn") { b in for k in 0x30..<0x38 { b[k] = 0x7F } })
        #expect(mft?.code == .damaged && mft?.position == .byteOffset(48), "\(mft?.message ?? "")")
        let record0 = Self.refusal(try Self.patched(image, "record0") { b in b[mftStart] = 0x58 })
        #expect(record0?.message.contains("MFT record 0 is not a FILE record") == true, "\(record0?.message ?? "")")
        let cut = Self.refusal(try Self.patched(image, "cut") { b in b.removeSubrange((4 << 20)...) })
        #expect(cut?.code == .damaged && cut?.position != nil, "\(cut?.message ?? "")")
        let notNTFS = Self.refusal(try Self.patched(image, "zero") { b in for k in 0..<512 { b[k] = 0 } })
        #expect(notNTFS?.code == .damaged && notNTFS?.position == .byteOffset(3), "\(notNTFS?.message ?? "")")
    }

    @Test("fuzz: 150 images with a damaged MFT or boot sector end in a report or a one-line error", .imageTests)
    func fuzzImages() async throws {
        try requireImages()
        let image = try await buildImage(spec: "mft-edges.spec")
        let volume = try NTFSImage(path: image)
        let mftStart = Int(volume.offset(ofCluster: volume.mftRuns[0].lcn!))
        let span = 64 * volume.recordSize
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: image)))
        var rng = Mix(state: 0xD15C)
        var refused = 0
        for round in 0..<150 {
            var b = original
            for _ in 0..<(1 + Int(rng.next() % 12)) {
                let r = rng.next()
                let at = r % 8 == 0 ? Int(r >> 8) % 512 : mftStart + Int(r >> 8) % span
                b[at] = UInt8(truncatingIfNeeded: r >> 40)
            }
            let path = image + ".fuzz"
            try Data(b).write(to: URL(fileURLWithPath: path))
            do {
                _ = try Volume.audit(image: path)
                var acl = ACLAudit()
                _ = try? ImageACLReader(path: path).read(scopes: ["Windows"], into: &acl)
            } catch let e as ImageError {
                refused += 1
                #expect(!e.message.contains("\n"), "round \(round): \(e.message)")
            } catch {
                Issue.record("round \(round): unexpected \(error)")
            }
        }
        print("fuzzImages: \(refused) of 150 damaged images refused, the rest read with warnings")
    }
}
