import BinaryFormat
import Foundation
import TestSupport
import Testing
import WindowsSecurity

@testable import ACLExports
@testable import DiskImage
@testable import NTFS
@testable import VolumeAudit

/// An image built from a spec with extra make-ntfs-image options (--disk, --vhd), not mounted.
func buildImage(spec: String, options: [String] = []) async throws -> String {
    let dir = NSTemporaryDirectory() + "ntfs-direct-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let image = dir + "/disk.img"
    let built = try await run(
        "/usr/bin/env", ["python3", Paths.script("make-ntfs-image"), Paths.fixture("ntfs/\(spec)"), image] + options)
    guard built.status == 0 else { throw MountedImage.MountError(message: "make-ntfs-image: \(built.stderr)") }
    return image
}

/// Every entry's descriptor as `getfattr -n system.ntfs_acl` returns it on the mount, by Windows path.
func getfattrDescriptors(mount: String, scopes: [String]) async throws -> [String: [UInt8]] {
    let out = try await run(
        "/usr/bin/getfattr",
        ["-R", "-P", "-h", "-e", "hex", "-n", "system.ntfs_acl", "--absolute-names"] + scopes.map { mount + "/" + $0 })
    var result: [String: [UInt8]] = [:]
    var current: String? = nil
    for line in out.stdout.split(separator: "\n") {
        if line.hasPrefix("# file: ") {
            // getfattr writes bytes outside printable ASCII as \ooo octal escapes.
            var bytes: [UInt8] = []
            let raw = Array(line.dropFirst(8).utf8)
            var i = 0
            while i < raw.count {
                if raw[i] == 0x5C, i + 3 < raw.count + 0,
                    let v = UInt8(String(decoding: raw[(i + 1)...(i + 3)], as: UTF8.self), radix: 8)
                {
                    bytes.append(v)
                    i += 4
                } else {
                    bytes.append(raw[i])
                    i += 1
                }
            }
            let relative = String(decoding: bytes, as: UTF8.self).dropFirst(mount.count + 1)
            current = "C:\\" + relative.replacingOccurrences(of: "/", with: "\\")
        } else if line.hasPrefix("system.ntfs_acl=0x"), let path = current {
            let hex = Array(line.dropFirst(18).utf8)
            result[path] = stride(from: 0, to: hex.count - 1, by: 2).map {
                UInt8(String(decoding: hex[$0...($0 + 1)], as: UTF8.self), radix: 16)!
            }
        }
    }
    return result
}

/// How the user files of an image store their descriptors: (by security id only, by own attribute).
func descriptorStorage(_ path: String) throws -> (shared: Int, own: Int) {
    let image = try NTFSImage(path: path)
    var shared = 0
    var own = 0
    _ = try image.scan { n, r in
        guard n >= 64 else { return }
        guard let facts = RecordFacts(r) else { return }
        if facts.ownDescriptor != nil { own += 1 } else if facts.securityID != 0 { shared += 1 }
    }
    return (shared, own)
}

@Suite("NTFS image read directly through its MFT", .serialized)
struct NTFSDirectTests {
    /// The image audit and the mounted walk agree on every count and finding; so do the ACL audits, and every
    /// descriptor equals getfattr's bytes.
    static func compare(_ image: MountedImage, aclScopes: [String] = []) async throws {
        let direct = try Volume.audit(image: image.image)
        let mounted = try Volume.audit(root: image.mount)
        #expect(direct.source == "image" && mounted.source == "mount")
        #expect(direct.folders == mounted.folders)
        #expect(direct.files == mounted.files)
        #expect(direct.others == mounted.others)
        #expect(direct.findings == mounted.findings)
        #expect(direct.foldersBelowLongPaths == mounted.foldersBelowLongPaths)
        #expect(direct.warnings.isEmpty, "\(direct.warnings)")
        // Scoped the same way (a Windows path in another case, and a mount-relative one).
        var scoped = Volume.Options()
        scoped.scopes = ["c:\\WINDOWS\\microsoft.net", "Windows/WinSxS"]
        let directScoped = try Volume.audit(image: image.image, options: scoped)
        let mountedScoped = try Volume.audit(root: image.mount, options: scoped)
        #expect(directScoped.scopes == mountedScoped.scopes)
        #expect(directScoped.folders == mountedScoped.folders && directScoped.files == mountedScoped.files)
        #expect(directScoped.findings == mountedScoped.findings)

        var fromImage = ACLAudit()
        var bytes: [String: [UInt8]] = [:]
        let warnings = try ImageACLReader(path: image.image).read(scopes: aclScopes, into: &fromImage) {
            bytes[$0] = $1
        }
        #expect(warnings.isEmpty)
        var fromMount = ACLAudit()
        try MountedACLReader(root: image.mount).read(scopes: aclScopes, into: &fromMount)
        #expect(fromImage.entries == fromMount.entries)
        let key = { (f: ACLFinding) in "\(f.path) \(f.sid) \(f.missing) \(f.ace ?? "-")" }
        #expect(Set(fromImage.findings.map(key)) == Set(fromMount.findings.map(key)))
        #expect(fromImage.errors.count == fromMount.errors.count)

        let scopes =
            aclScopes.isEmpty
            ? MountedACLReader.defaultScopes.map { $0.replacingOccurrences(of: "\\", with: "/") }.filter {
                FileManager.default.fileExists(atPath: image.mount + "/" + $0)
            } : aclScopes
        let theirs = try await getfattrDescriptors(
            mount: image.mount, scopes: scopes.map { $0.replacingOccurrences(of: "\\", with: "/") })
        #expect(theirs.count == fromMount.entries, "getfattr read \(theirs.count) entries")
        var same = 0
        for (path, descriptor) in theirs {
            if bytes[path] == descriptor {
                same += 1
            } else {
                Issue.record("\(path): descriptor differs from getfattr's")
            }
        }
        #expect(same == theirs.count && same > 0)
    }

    @Test("the writer-limits volume: 1,001 subfolders, 10,001 files, deep paths, links, a denied file", .imageTests)
    func writerLimits() async throws {
        try requireImages()
        let image = try await MountedImage.make(spec: "writer-limits.spec")
        defer { image.unmount() }
        try await Self.compare(image)
        let direct = try Volume.audit(image: image.image)
        #expect(direct.findings.contains { $0.path == "C:\\Windows\\WinSxS" && $0.subfolders == 1001 })
    }

    @Test(
        "hard links, a reparse-point symlink and a junction, Interix links, long non-ASCII names, holes in the MFT",
        .imageTests)
    func edges() async throws {
        try requireImages()
        let image = try await MountedImage.make(spec: "mft-edges.spec")
        defer { image.unmount() }
        try await Self.compare(image)
        let direct = try Volume.audit(image: image.image)
        #expect(direct.others == 2)  // the symlink and the junction; the hard links are files
        let storage = try descriptorStorage(image.image)
        #expect(storage.own > 5000 && storage.shared == 0, "\(storage): ntfs-3g stores descriptors per file")
    }

    @Test(
        "a fragmented MFT (fill, delete every other file, refill) and descriptors shared through $Secure", .imageTests)
    func fragmentedAndShared() async throws {
        try requireImages()
        let image = try await MountedImage.make(spec: "mft-fragmented.spec")
        defer { image.unmount() }
        let volume = try NTFSImage(path: image.image)
        #expect(volume.mftRuns.count >= 2, "the spec should fragment the MFT")
        let storage = try descriptorStorage(image.image)
        #expect(storage.shared > 10000 && storage.own == 0, "\(storage): -o permissions shares them through $Secure")
        try await Self.compare(image, aclScopes: ["Windows"])
        #expect(try Volume.audit(image: image.image).findings.map(\.path) == ["C:\\Windows\\Microsoft.NET"])
    }

    @Test(
        "512-byte clusters: MFT records and index records that straddle two runs are read whole, in place", .imageTests)
    func straddlingRecords() async throws {
        try requireImages()
        let image = try await MountedImage.make(spec: "mft-straddling.spec")
        defer { image.unmount() }
        let volume = try NTFSImage(path: image.image)
        #expect(volume.boot.clusterSize == 512)
        // A run that ends inside a record: the record's second half is in the next run.
        let straddling = volume.mftRuns.dropLast().filter { $0.clusters * 512 % UInt64(volume.recordSize) != 0 }
        #expect(!straddling.isEmpty, "the spec should leave MFT runs of an odd number of 512-byte clusters")
        // Records numbered by their byte place: every file under its own folder, as ntfs-3g lists them.
        try await Self.compare(image)
        // Record numbers as The Sleuth Kit gives them (fls: `r/r 1147-128-2:	fill/data01082.bin`).
        let fls = try await run("/usr/bin/env", ["fls", "-r", "-p", image.image])
        var numbers: [String: UInt64] = [:]
        for line in fls.stdout.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2, let dash = parts[0].split(separator: " ").last?.split(separator: "-").first,
                let n = UInt64(dash)
            else { continue }
            numbers[String(parts[1])] = n
        }
        #expect(numbers.count > 1000)
        var checked = 0
        for (path, n) in numbers where path.hasPrefix("fill/") || path.hasPrefix("Windows/WinSxS/") {
            guard let r = try volume.record(n) else {
                Issue.record("record \(n) (\(path)) not read as in use")
                continue
            }
            let name = try #require(path.split(separator: "/").last)
            let utf16 = Array(String(name).utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            #expect(r.firstRange(of: utf16) != nil, "record \(n) should hold the name \(name)")
            checked += 1
        }
        #expect(checked > 1000)
    }

    @Test(
        "a GPT disk, an MBR disk and a fixed VHD give the partition image's findings; a broken VHDX or dynamic VHD is one line",
        .imageTests)
    func containers() async throws {
        try requireImages()
        let plain = try await buildImage(spec: "mft-edges.spec")
        let expected = try Volume.audit(image: plain)
        for options in [
            ["--disk", "gpt"], ["--disk", "mbr"], ["--vhd"], ["--disk", "gpt", "--vhd"], ["--disk", "mbr-logical"],
        ] {
            let disk = try await buildImage(spec: "mft-edges.spec", options: options)
            let report = try Volume.audit(image: disk)
            #expect(report.folders == expected.folders && report.files == expected.files, "\(options)")
            #expect(report.findings == expected.findings, "\(options)")
            let partition = try NTFSImage(path: disk).partition
            // sfdisk's logical drive 6, inside the extended partition 2, at sector 14336.
            let logical = options.contains("mbr-logical")
            #expect(
                partition.offset == (logical ? 14336 * 512 : options.contains("--disk") ? 1 << 20 : 0), "\(options)")
            #expect(partition.number == (logical ? 6 : options.contains("--disk") ? 1 : 0), "\(options)")
            if logical {
                // The chain of extended boot records made to loop (the second record's link names itself): the
                // drive is still found, and the loop is named, not followed.
                var bytes = try Data(contentsOf: URL(fileURLWithPath: disk))
                let link = (8192 + 4096) * 512 + 462
                bytes[link + 4] = 0x05
                for (k, b) in [UInt8(0x00), 0x10, 0x00, 0x00].enumerated() { bytes[link + 8 + k] = b }  // 4096 sectors
                let looped = disk + ".loop"
                try bytes.write(to: URL(fileURLWithPath: looped))
                #expect(try Volume.audit(image: looped).files == expected.files)
                do {
                    _ = try Volume.audit(image: looped, partition: 9)
                    Issue.record("partition 9 accepted")
                } catch let e as ImageError {
                    #expect(e.message.contains("6: MBR logical drive, type 0x7 at byte 7340032"), "\(e.message)")
                    #expect(e.message.contains("named twice (a loop; not followed)"), "\(e.message)")
                }
            }
        }
        // Two NTFS partitions: listed, and --partition picks one.
        let volume = try Data(contentsOf: URL(fileURLWithPath: plain))
        var mbr = Data(count: 1 << 20)
        let sectors = UInt32(volume.count / 512)
        for (slot, start) in [(0, UInt32(2048)), (1, UInt32(2048) + sectors)] {
            var entry = [UInt8](repeating: 0, count: 16)
            entry[4] = 0x07
            for k in 0..<4 {
                entry[8 + k] = UInt8(truncatingIfNeeded: start >> (8 * UInt32(k)))
                entry[12 + k] = UInt8(truncatingIfNeeded: sectors >> (8 * UInt32(k)))
            }
            mbr.replaceSubrange((446 + slot * 16)..<(462 + slot * 16), with: entry)
        }
        mbr[510] = 0x55
        mbr[511] = 0xAA
        let two = plain + ".two"
        try (mbr + volume + volume).write(to: URL(fileURLWithPath: two))
        do {
            _ = try Volume.audit(image: two)
            Issue.record("two NTFS partitions accepted without --partition")
        } catch let e as ImageError {
            #expect(e.message.contains("several NTFS partitions: 1 (MBR type 0x7"), "\(e.message)")
            #expect(e.message.contains("--partition N"))
        }
        #expect(try Volume.audit(image: two, partition: 2).files == expected.files)
        // A VHDX or dynamic VHD that is not one: one line naming the byte offset.
        for (name, bytes, reason) in [
            (
                "x.vhdx", Array("vhdxfile".utf8) + [UInt8](repeating: 0, count: 300 << 10),
                "byte offset 65536: a VHDX with no valid header (signature \"head\" and CRC-32C)"
            ),
            ("dynamic.vhd", Self.dynamicStub(), "byte offset 0: no \"cxsparse\" signature"),
        ] {
            let path = plain + "." + name
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try Volume.audit(image: path)
                Issue.record("\(name) accepted")
            } catch let e as any UserError {
                #expect(e.message == "\(path): \(reason)", "\(e.message)")
            }
        }
    }

    static func dynamicStub() -> [UInt8] {
        var dynamic = [UInt8](repeating: 0, count: 4096)
        dynamic.replaceSubrange((4096 - 512)..<(4096 - 504), with: Array("conectix".utf8))
        dynamic[4096 - 512 + 0x3F] = 3
        return dynamic
    }

    /// `qemu-img convert` of `raw` into `format` with `options` (qemu-utils).
    static func convert(_ raw: String, _ format: String, _ options: String) async throws -> String {
        let out =
            raw + "." + options.replacingOccurrences(of: ",", with: "_").replacingOccurrences(of: "=", with: "-") + "."
            + format
        let r = try await run(
            "/usr/bin/env", ["qemu-img", "convert", "-f", "raw", "-O", format, "-o", options, raw, out])
        #expect(r.status == 0, "qemu-img: \(r.stderr)")
        return out
    }

    @Test(
        "VHDX (dynamic and fixed, 1 MiB and 32 MiB blocks) and dynamic VHD made by qemu-img give the raw disk's findings and descriptors",
        .imageTests)
    func virtualDisks() async throws {
        try requireImages()
        for spec in ["writer-limits.spec", "mft-edges.spec"] {
            for options in [[], ["--disk", "gpt"]] {
                let raw = try await buildImage(spec: spec, options: options)
                let expected = try Volume.audit(image: raw)
                var expectedACL = ACLAudit()
                _ = try ImageACLReader(path: raw).read(scopes: [], into: &expectedACL)
                let acl = expectedACL.report(source: "x")
                for (format, o) in [
                    ("vhdx", "subformat=dynamic"), ("vhdx", "subformat=dynamic,block_size=1M"),
                    ("vhdx", "subformat=fixed"),
                    ("vpc", "subformat=dynamic"),
                ] {
                    let disk = try await Self.convert(raw, format, o)
                    let report = try Volume.audit(image: disk)
                    #expect(
                        report.folders == expected.folders && report.files == expected.files
                            && report.others == expected.others,
                        "\(spec) \(options) \(o)")
                    #expect(report.findings == expected.findings, "\(spec) \(options) \(o)")
                    var audit = ACLAudit()
                    _ = try ImageACLReader(path: disk).read(scopes: [], into: &audit)
                    let got = audit.report(source: "x")
                    #expect(got.entries == acl.entries && got.findings == acl.findings, "\(spec) \(options) \(o)")
                    let container = try ImageFile(path: disk).container
                    #expect(container == (format == "vpc" ? "dynamic VHD" : "VHDX"))
                    try? FileManager.default.removeItem(atPath: disk)
                }
                #expect(expected.folders > 5)
            }
        }
    }
}

@Suite("Synthetic NTFS image (scripts/make-synthetic-ntfs)")
struct SyntheticImageTests {
    @Test("every folder and file the generator wrote is counted, with the folders over the limits found")
    func counts() async throws {
        let path = NSTemporaryDirectory() + "synthetic-\(UUID().uuidString).img"
        defer { unlink(path) }
        // 1,100 folders: 33 below the root, each of those with about 32; 40,000 files over all folders.
        let made = try await run(
            "/usr/bin/env",
            ["python3", Paths.script("make-synthetic-ntfs"), path, "--files", "40000", "--folders", "1100"])
        #expect(made.status == 0, "\(made.stderr)")
        let report = try Volume.audit(image: path)
        #expect(report.folders == 1101 && report.files == 40000 && report.others == 0)
        // The generator writes no $I30 indexes: said once, and the records are counted.
        #expect(report.warnings.count == 1)
        #expect(
            report.warnings.first?.hasSuffix(
                "1101 folder(s) have no $I30 index root; their entries are counted from their records alone") == true)
        let limits = FolderLimits(maxSubfolders: 30, maxFiles: 36)
        var options = Volume.Options()
        options.limits = limits
        let strict = try Volume.audit(image: path, options: options)
        // 40,000 files over 1,100 folders: 36 or 37 each; the 400 folders with 37 break a 36-file limit.
        #expect(strict.findings.filter { $0.over.contains(.files) }.count == 40000 % 1100)
        #expect(strict.findings.contains { $0.path == "C:\\" && $0.subfolders == 33 })
    }
}
