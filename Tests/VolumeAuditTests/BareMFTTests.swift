import BinaryFormat
import Foundation
import TestSupport
import Testing

@testable import ACLExports
@testable import DiskImage
@testable import NTFS
@testable import VolumeAudit

/// The reference $MFT files beside their Sleuth Kit listings, and $MFT files copied out of our own images by
/// The Sleuth Kit's icat (raw bytes, as a collector copies them) and ntfs-3g's ntfscat (fixups applied).
@Suite("A collected $MFT, read alone")
struct BareMFTTests {
    static let reference = ProjectPaths.reference("ntfs")

    /// What our reader sees in a bare $MFT (or an image): each reachable folder's counts and the names in it,
    /// by path below the root ("" for the root, "/" between names).
    struct Listing: Equatable {
        var counts: [String: Collect.Counts] = [:]
        var names: [String: Set<String>] = [:]
    }

    static func ours(_ path: String) throws -> (Listing, [String]) {
        let image = try NTFSImage(path: path)
        var index = MFTIndex()
        index.reader = image
        _ = try image.scan { n, r in index.add(n, r) }
        index.reader = nil
        index.finish(image: image)
        try index.reconcile(image: image)
        guard let root = index.link() else { throw ImageError(.damaged, file: path, "no root folder") }
        var sink = Collect()
        _ = try FolderTreeEmitter(index: index, source: path, drive: "C:", scopes: []).emit(from: root, into: &sink)
        var pathOf: [UInt64: String] = [:]
        for (i, f) in index.folders.enumerated() where f.registered {
            let windows = ImageACLReader.windowsPath(of: i, in: index, drive: "C:")
            pathOf[f.record] = String(windows.dropFirst(3)).replacingOccurrences(of: "\\", with: "/")
        }
        var listing = Listing(counts: sink.folders)
        for folder in sink.folders.keys { listing.names[folder] = [] }
        _ = try image.scan { n, r in
            guard n >= MFTIndex.firstUserRecord, let facts = RecordFacts(r) else { return }
            for name in facts.names where name.namespace != 2 {
                guard let folder = pathOf[name.parent], sink.folders[folder] != nil else { continue }
                listing.names[folder]!.insert(UTF16LE.string(name.utf16))
            }
        }
        return (listing, index.warnings)
    }

    /// The Sleuth Kit's `fls -r -p` listing as the same view: metafiles (records below 16) and what is below
    /// them left out, as Windows hides them; alternate data streams (`name:stream`) and $OrphanFiles too.
    static func fls(_ text: String) -> Listing {
        var inode: [String: UInt64] = [:]
        var lines: [(type: String, path: String)] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2, !fields[0].contains("*") else { continue }
            let head = fields[0].split(separator: " ")
            guard head.count == 2, let n = UInt64(head[1].prefix { $0.isNumber }) else { continue }
            let path = String(fields[1])
            guard !path.contains(":"), head[0] != "V/V" else { continue }
            inode[path] = n
            lines.append((String(head[0]), path))
        }
        var listing = Listing()
        listing.counts[""] = Collect.Counts()
        listing.names[""] = []
        for (type, path) in lines {
            let parts = path.split(separator: "/").map(String.init)
            let hidden = parts.indices.contains {
                (inode[parts[0...$0].joined(separator: "/")] ?? 99) < MFTIndex.firstUserRecord
            }
            guard !hidden else { continue }
            let parent = parts.dropLast().joined(separator: "/")
            listing.names[parent, default: []].insert(parts.last!)
            if type == "d/d" {
                listing.counts[parent, default: .init()].subfolders += 1
                listing.counts[path, default: .init()] = listing.counts[path] ?? .init()
                listing.names[path] = listing.names[path] ?? []
            } else {
                listing.counts[parent, default: .init()].files += 1
            }
        }
        return listing
    }

    @Test("the reference $MFT files: every folder's names, files and subfolders equal The Sleuth Kit's listing")
    func reference() throws {
        for name in ["unicode", "orphan"] {
            let (got, warnings) = try Self.ours("\(Self.reference)/\(name).mft")
            let expected = Self.fls(try String(contentsOfFile: "\(Self.reference)/\(name).fls", encoding: .utf8))
            #expect(got.counts.count >= 5, "\(name): \(got.counts)")
            for folder in Set(got.counts.keys).union(expected.counts.keys) {
                #expect(got.counts[folder] == expected.counts[folder], "\(name) \(folder)")
                #expect(got.names[folder] == expected.names[folder], "\(name) \(folder)")
            }
            #expect(got.names["Привет"] == (name == "unicode" ? ["привет.txt"] : nil))
            // The root keeps its index in index records, which a bare $MFT does not hold: said once.
            #expect(warnings.contains { $0.contains("outside a collected $MFT") }, "\(warnings)")
            let report = try Volume.audit(image: "\(Self.reference)/\(name).mft")
            #expect(report.source == "mft" && report.folders == got.counts.count)
            #expect(report.files == got.counts.values.reduce(0) { $0 + $1.files })
        }
    }

    @Test(
        "a $MFT copied out of an image (icat raw, ntfscat fixed up) gives the image's counts, findings and, with $SDS, its ACL audit; fls agrees",
        .imageTests,
        .enabled(
            if: (ProcessRun.which("icat") != nil && ProcessRun.which("fls") != nil) || underCI,
            "The Sleuth Kit (icat, fls) is not installed: scripts/setup installs sleuthkit"))
    func copiedOut() async throws {
        try requireImages()
        try #require(
            ProcessRun.which("icat") != nil && ProcessRun.which("fls") != nil,
            "The Sleuth Kit (icat, fls) is not installed: scripts/setup installs sleuthkit")
        for spec in ["writer-limits.spec", "mft-edges.spec"] {
            let raw = try await buildImage(spec: spec)
            let dir = (raw as NSString).deletingLastPathComponent
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let mft = dir + "/$MFT", fixed = dir + "/ntfscat.mft", sds = dir + "/$Secure_$SDS"
            for (tool, arguments, out) in [
                ("icat", [raw, "0"], mft), ("ntfscat", ["-i", "0", raw], fixed), ("icat", [raw, "9-128-2"], sds),
            ] {
                let r = try await run("/bin/sh", ["-c", "\"$0\" \"$@\" > '\(out)'", tool] + arguments)
                try #require(r.status == 0, "\(tool): \(r.stderr)")
            }
            let expected = try Volume.audit(image: raw)
            var expectedACL = ACLAudit()
            // All of Windows (by default only what the writer reads, a few entries here).
            _ = try ImageACLReader(path: raw).read(scopes: ["Windows"], into: &expectedACL)
            let acl = expectedACL.report(source: "x")
            for copy in [mft, fixed] {
                let report = try Volume.audit(image: copy)
                #expect(
                    report.folders == expected.folders && report.files == expected.files
                        && report.others == expected.others, "\(spec) \(copy)")
                #expect(report.findings == expected.findings, "\(spec) \(copy)")
                var audit = ACLAudit()
                _ = try ImageACLReader(path: copy, sds: sds).read(scopes: ["Windows"], into: &audit)
                let got = audit.report(source: "x")
                #expect(got.entries == acl.entries && got.findings == acl.findings, "\(spec) \(copy)")
                #expect(got.entries > 20)
            }
            // The Sleuth Kit reading the image agrees with us reading the $MFT alone: names everywhere; counts
            // where no link is (a junction is a folder to fls, an "other" to the audit).
            let listing = try await run("/usr/bin/env", ["fls", "-r", "-p", raw])
            try #require(listing.status == 0, "fls: \(listing.stderr)")
            let expectedNames = Self.fls(listing.stdout)
            let (got, _) = try Self.ours(mft)
            #expect(got.names.count > 5)
            for folder in Set(got.names.keys).union(expectedNames.names.keys) {
                // A junction: an empty folder to fls, an "other" (never entered) in its parent to the audit.
                let parent = folder.split(separator: "/").dropLast().joined(separator: "/")
                if got.names[folder] == nil, expectedNames.names[folder] == [], (got.counts[parent]?.others ?? 0) > 0 {
                    continue
                }
                #expect(got.names[folder] == expectedNames.names[folder], "\(spec) \(folder)")
                if let c = got.counts[folder], c.others == 0 {
                    #expect(c == expectedNames.counts[folder], "\(spec) \(folder)")
                }
            }
        }
    }
}

extension BareMFTTests {
    @Test("a damaged $MFT: one line naming the byte offset, or a warning and the rest read")
    func damaged() throws {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: "\(Self.reference)/unicode.mft")))
        let dir = NSTemporaryDirectory() + "bare-mft-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func write(_ bytes: [UInt8]) throws -> String {
            let path = dir + "/\(UUID().uuidString).mft"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        var badSize = original
        badSize[0x1C] = 0x00; badSize[0x1D] = 0x03  // 768-byte records
        var renamed = original
        let at = try #require(
            (0..<1024).first { renamed[$0] == 0x24 && renamed[$0 + 2] == 0x4D && renamed[$0 + 4] == 0x46 })
        renamed[at + 2] = 0x58  // "$XFT"
        var torn = original
        torn[510] ^= 0xFF
        var shifted = original
        shifted.replaceSubrange(1024..<1028, with: [0x41, 0x42, 0x43, 0x44])
        for (bytes, expected) in [
            (badSize, "byte offset 28: a FILE record whose allocated size is 768 bytes"),
            (renamed, "byte offset 0: record 0 is a FILE record but not named $MFT in the root"),
            (torn, "byte offset 0: MFT record 0: sector 0 does not end with the update sequence number"),
            (shifted, "byte offset 1024: record 1 is not a FILE record"),
        ] {
            let path = try write(bytes)
            do {
                _ = try Volume.audit(image: path)
                Issue.record("accepted: \(expected)")
            } catch let e as any UserError {
                #expect(e.message.hasPrefix("\(path): \(expected)"), "\(e.message)")
                #expect(!e.message.contains("\n"))
            }
        }
        // Cut inside a record, and a torn user record: warnings, the rest read.
        let cut = try write(Array(original.prefix(original.count - 1000)))
        let report = try Volume.audit(image: cut)
        #expect(report.warnings.contains { $0.contains("bytes after the last whole record") }, "\(report.warnings)")
        #expect(report.warnings.contains { $0.contains("cut off") }, "\(report.warnings)")
        var tornUser = original
        tornUser[43 * 1024 + 510] ^= 0xFF  // record 43, привет.txt
        let r = try Volume.audit(image: try write(tornUser))
        #expect(r.warnings.contains { $0.contains("MFT record 43") }, "\(r.warnings)")
        // Its folder's index (resident, so in the $MFT) still lists it: counted there, as Windows would list it.
        #expect(r.warnings.contains { $0.contains("index lists record 43") }, "\(r.warnings)")
        #expect(r.files == 4)
    }
}
