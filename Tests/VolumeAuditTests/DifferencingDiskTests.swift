import BinaryFormat
import Foundation
import TestSupport
import Testing

@testable import ACLExports
@testable import DiskImage
@testable import NTFS
@testable import VolumeAudit

/// Checkpoints and differencing disks, which qemu-img cannot write: scripts/make-child-disk writes them from
/// the specifications, holding the blocks where a changed volume differs from its base, over parents that
/// qemu-img made. The child must read as the changed volume, byte for byte.
@Suite("Differencing VHDX and VHD, and 4 KiB-sector VHDX")
struct DifferencingDiskTests {
    static func makeChild(_ arguments: [String]) async throws {
        let r = try await run("/usr/bin/env", ["python3", ProjectPaths.script("make-child-disk")] + arguments)
        try #require(r.status == 0, "make-child-disk: \(r.stderr)")
    }

    /// The whole virtual disk, as the readers see it.
    static func contents(_ path: String) throws -> [UInt8] {
        let disk = try ImageFile(path: path)
        var out = [UInt8](repeating: 0, count: Int(disk.size))
        try out.withUnsafeMutableBytes {
            try disk.read(into: $0.baseAddress!, count: $0.count, at: 0, what: "the disk")
        }
        return out
    }

    static func rawBytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    static func expectError(_ path: String, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try Volume.audit(image: path)
            Issue.record("\(path) was read; expected: \(fragment)", sourceLocation: sourceLocation)
        } catch let e as any FileInputError {
            var placed = false
            if case .byteOffset = e.position { placed = true }
            #expect(
                e.file == path && placed && e.reason.contains(fragment) && !e.message.contains("\n"),
                "\(e.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test(
        "a checkpoint (.avhdx, partly present blocks) and a differencing VHD read as the changed volume; parents found, checked and refused",
        .imageTests)
    func children() async throws {
        try requireImages()
        let base = try await buildImage(spec: "mft-edges.spec")
        let dir = (base as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The changed volume: a Temporary ASP.NET Files folder over the subfolder limit, and a new file.
        let changed = dir + "/changed.raw"
        try FileManager.default.copyItem(atPath: base, toPath: changed)
        let mount = dir + "/mnt"
        let m = try await run(
            "/usr/bin/env", ["python3", ProjectPaths.script("mount-ntfs-image"), "--rw", changed, mount])
        try #require(m.status == 0, "\(m.stderr)")
        let asp = mount + "/Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files/root"
        try FileManager.default.createDirectory(atPath: asp, withIntermediateDirectories: true)
        for i in 0..<1005 {
            try FileManager.default.createDirectory(atPath: asp + "/d\(i)", withIntermediateDirectories: false)
        }
        try Data("new".utf8).write(to: URL(fileURLWithPath: mount + "/Windows/new.txt"))
        _ = try await run("/usr/bin/env", ["python3", ProjectPaths.script("mount-ntfs-image"), "--unmount", mount])
        let expected = try Volume.audit(image: changed)
        #expect(
            expected.findings.map(\.path) == [
                "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\root"
            ])
        #expect(try Volume.audit(image: base).findings.isEmpty)
        let changedBytes = try Self.rawBytes(changed)

        let vhdx = try await NTFSDirectTests.convert(base, "vhdx", "subformat=dynamic,block_size=1M")
        let vhd = try await NTFSDirectTests.convert(base, "vpc", "subformat=dynamic")
        let avhdx = dir + "/checkpoint.avhdx", child = dir + "/child.vhd"
        try await Self.makeChild(["vhdx-child", vhdx, base, changed, avhdx, "--partial"])
        try await Self.makeChild(["vhd-child", vhd, base, changed, child])
        for (path, name) in [(avhdx, "differencing VHDX"), (child, "differencing VHD")] {
            #expect(try ImageFile(path: path).container == name)
            let bytes = try Self.contents(path)
            #expect(
                bytes.count >= changedBytes.count && Array(bytes.prefix(changedBytes.count)) == changedBytes,
                "\(name): reads as the changed volume")
            #expect(bytes.dropFirst(changedBytes.count).allSatisfy { $0 == 0 })
            let report = try Volume.audit(image: path)
            #expect(
                report.folders == expected.folders && report.files == expected.files
                    && report.findings == expected.findings, "\(name)")
        }
        #expect(Volume.diskChain(avhdx) == [avhdx, vhdx] && Volume.diskChain(child) == [child, vhd])
        // qcow2 and VMDK stay refused, with the conversion command.
        for (format, name) in [("qcow2", "qcow2"), ("vmdk", "VMDK")] {
            let other = dir + "/disk." + format
            let r = try await run("/usr/bin/env", ["qemu-img", "convert", "-f", "raw", "-O", format, base, other])
            try #require(r.status == 0, "\(r.stderr)")
            Self.expectError(
                other,
                "a \(name) image, which is not read here; convert it: qemu-img convert -O raw \(other) volume.raw")
        }
        // The child holds only what changed: much less than the volume.
        let childSize = try FileManager.default.attributesOfItem(atPath: avhdx)[.size] as? Int ?? 0
        #expect(childSize < changedBytes.count)

        // Only an absolute Windows path: the parent is looked for by its name beside the child.
        let sub = dir + "/upload"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        let lone = sub + "/lone.avhdx"
        try await Self.makeChild([
            "vhdx-child", vhdx, base, changed, lone, "--no-relative", "--absolute",
            "C:\\ProgramData\\Hyper-V\\base.vhdx",
        ])
        Self.expectError(
            lone,
            "whose parent is not here: its locator names \"C:\\ProgramData\\Hyper-V\\base.vhdx\"; looked for \(sub)/base.vhdx"
        )
        try FileManager.default.copyItem(atPath: vhdx, toPath: sub + "/base.vhdx")
        #expect(try Volume.audit(image: lone).findings == expected.findings)

        // A parent that is not the one the child was made from; a child that names itself.
        let wrong = dir + "/wrong.avhdx", wrongVHD = dir + "/wrong.vhd", loop = dir + "/loop.avhdx"
        try await Self.makeChild(["vhdx-child", vhdx, base, changed, wrong, "--wrong-id"])
        try await Self.makeChild(["vhd-child", vhd, base, changed, wrongVHD, "--wrong-id"])
        try await Self.makeChild(["vhdx-child", vhdx, base, changed, loop, "--relative", "loop.avhdx"])
        Self.expectError(wrong, "has DataWriteGuid")
        Self.expectError(wrongVHD, "has unique id")
        Self.expectError(loop, "a loop of parents")

        // A sector bitmap that is not there for a partly present block; a block placed outside the file.
        var lying = try Self.rawBytes(avhdx)
        let batAt = 3 << 20, chunkRatio = 4096  // as make-child-disk lays it out: 1 MiB blocks, 512-byte sectors
        let bitmapEntry = batAt + chunkRatio * 8
        #expect(lying[bitmapEntry] & 7 == 6)
        lying.replaceSubrange(bitmapEntry..<(bitmapEntry + 8), with: [UInt8](repeating: 0, count: 8))
        let lyingPath = dir + "/lying.avhdx"
        try Data(lying).write(to: URL(fileURLWithPath: lyingPath))
        Self.expectError(
            lyingPath, "is partially present but its chunk's sector bitmap (block table entry 4096) is not")
        var outside = try Self.rawBytes(avhdx)
        let payload = try #require((0..<64).first { outside[batAt + $0 * 8] & 7 == 6 })
        // A block at 256 TiB (2^48), fully present.
        outside.replaceSubrange((batAt + payload * 8)..<(batAt + payload * 8 + 8), with: [6, 0, 0, 0, 0, 0, 1, 0])
        let outsidePath = dir + "/outside.avhdx"
        try Data(outside).write(to: URL(fileURLWithPath: outsidePath))
        Self.expectError(outsidePath, "block \(payload) of the VHDX")
    }

    @Test(
        "a VHDX with 4 KiB logical sectors reads as its raw disk; the writer's 512-byte VHDX reads the same in qemu-img",
        .imageTests)
    func largeSectors() async throws {
        try requireImages()
        for options in [[String](), ["--disk", "gpt"]] {
            let raw = try await buildImage(spec: "writer-limits.spec", options: options)
            defer { try? FileManager.default.removeItem(atPath: (raw as NSString).deletingLastPathComponent) }
            let expected = try Volume.audit(image: raw)
            let rawBytes = try Self.rawBytes(raw)
            for (sector, block) in [("4096", "1"), ("4096", "32"), ("512", "1")] {
                let out = raw + ".\(sector)-\(block).vhdx"
                try await Self.makeChild(["vhdx", raw, out, "--sector", sector, "--block-mib", block])
                let disk = try ImageFile(path: out)
                #expect(disk.container == "VHDX")
                #expect(try Self.contents(out) == rawBytes, "\(sector) \(block) \(options)")
                let report = try Volume.audit(image: out)
                #expect(
                    report.folders == expected.folders && report.files == expected.files
                        && report.findings == expected.findings)
                if sector == "512" {
                    // qemu-img reads what the writer wrote as the same disk (it refuses 4 KiB logical sectors).
                    let back = out + ".raw"
                    let r = try await run(
                        "/usr/bin/env", ["qemu-img", "convert", "-f", "vhdx", "-O", "raw", out, back])
                    #expect(r.status == 0, "\(r.stderr)")
                    #expect(try Self.rawBytes(back) == rawBytes)
                }
            }
        }
    }
}
