import BinaryFormat
import Foundation

/// A VHDX disk (MS-VHDX), read-only: the file identifier, the current of the two headers (by sequence
/// number, CRC-32C checked), the region table (CRC-32C), the metadata (block size, sector sizes, virtual
/// size, whether it has a parent) and the block allocation table, whose payload entries map each block to
/// the file or leave it zero (not present, undefined, zero, unmapped).
///
/// Refused with one line: a log with entries to replay (not shut down cleanly), and a differencing disk
/// (its blocks live partly in a parent; merge it first).
struct VHDXDisk: VirtualDisk {
    let name = "VHDX"
    let size: UInt64
    let blockSize: UInt64
    let logicalSectorSize: UInt32
    let chunkRatio: UInt64
    private let file: ReadOnlyFile
    /// The payload and sector-bitmap entries, in file order.
    private let bat: [UInt64]

    static let batGUID = "2DC27766-F623-4200-9D64-115E9BFD4A08"
    static let metadataGUID = "8B7CA206-4790-4B9A-B8FE-575F050F886E"
    static let fileParameters = "CAA16737-FA36-4D43-B3B6-33F0AA44E76B"
    static let virtualDiskSize = "2FA54224-CD1B-4876-B211-5DBED83BF4B8"
    static let logicalSector = "8141BF1D-A96F-4709-BA47-F233A8FAAB5F"
    /// Block tables larger than this many entries (a 64 TiB disk of 1 MiB blocks) are refused.
    static let maxEntries = 1 << 24

    /// Nil when `file` is not a VHDX (no "vhdxfile" at byte 0).
    static func open(_ file: ReadOnlyFile) throws(BinaryFormatError) -> VHDXDisk? {
        guard file.size >= 8, try file.bytes(8, at: 0, what: "a signature") == Array("vhdxfile".utf8) else { return nil }
        return try VHDXDisk(file)
    }

    private static func guid(_ b: [UInt8], _ at: Int) -> String {
        b.withUnsafeBytes { GUIDText.format(UnsafeRawBufferPointer(rebasing: $0[at..<(at + 16)])) }.trimmingCharacters(in: ["{", "}"])
    }

    private init(_ file: ReadOnlyFile) throws(BinaryFormatError) {
        self.file = file
        // The two headers: the valid one with the larger sequence number is current.
        var current: [UInt8]? = nil
        var currentAt: UInt64 = 0
        for at in [UInt64(64 << 10), UInt64(128 << 10)] {
            guard var h = try? file.bytes(4096, at: at, what: "a VHDX header"), h.starts(with: Array("head".utf8)) else { continue }
            let stored = h.le32(4)
            h[4..<8] = [0, 0, 0, 0]
            guard CRC32C.checksum(h) == stored else { continue }
            if current == nil || h.le64(8) > current!.le64(8) {
                current = h
                currentAt = at
            }
        }
        guard let header = current else { throw file.malformed(at: 64 << 10, "a VHDX with no valid header (signature \"head\" and CRC-32C)") }
        if header[48..<64].contains(where: { $0 != 0 }) {
            throw file.malformed(
                at: currentAt + 48,
                "the VHDX log has entries to replay: it was not shut down cleanly; open and close it in Hyper-V, or run qemu-img check -r all on a copy")
        }
        // The region table (and its copy): where the block table and the metadata are.
        var regions: [UInt8]? = nil
        for at in [UInt64(192 << 10), UInt64(256 << 10)] {
            guard var r = try? file.bytes(64 << 10, at: at, what: "the VHDX region table"), r.starts(with: Array("regi".utf8)) else { continue }
            let stored = r.le32(4)
            r[4..<8] = [0, 0, 0, 0]
            if CRC32C.checksum(r) == stored {
                regions = r
                break
            }
        }
        guard let table = regions else { throw file.malformed(at: 192 << 10, "no valid VHDX region table (signature \"regi\" and CRC-32C)") }
        let count = Int(table.le32(8))
        guard count <= 2047 else { throw file.malformed(at: (192 << 10) + 8, "a region table of \(count) entries") }
        var batRegion: (UInt64, UInt64)? = nil
        var metadataRegion: (UInt64, UInt64)? = nil
        for i in 0..<count {
            let e = 16 + 32 * i
            let (offset, length) = (table.le64(e + 16), UInt64(table.le32(e + 24)))
            guard let end = Checked.add(offset, length), end <= file.size else {
                throw file.malformed(at: (192 << 10) + UInt64(e), "a region of \(length) bytes at \(offset) runs past the file (\(file.size) bytes)")
            }
            switch Self.guid(table, e) {
            case Self.batGUID: batRegion = (offset, length)
            case Self.metadataGUID: metadataRegion = (offset, length)
            default: if table.le32(e + 28) & 1 != 0 { throw file.malformed(at: (192 << 10) + UInt64(e), "a required region this reader does not know") }
            }
        }
        guard let (batOffset, batLength) = batRegion, let (metadataOffset, metadataLength) = metadataRegion else {
            throw file.malformed(at: 192 << 10, "the region table names no block table or no metadata")
        }
        // Metadata: block size, sector size, virtual size, parent.
        let metadata = try file.bytes(Int(min(metadataLength, 1 << 20)), at: metadataOffset, what: "the VHDX metadata")
        guard metadata.count >= 32, metadata.starts(with: Array("metadata".utf8)) else {
            throw file.malformed(at: metadataOffset, "no \"metadata\" signature")
        }
        var blockSize: UInt64 = 0
        var hasParent = false
        var virtualSize: UInt64 = 0
        var sector: UInt32 = 0
        for i in 0..<Int(metadata.le16(10)) {
            let e = 32 + 32 * i
            guard e + 32 <= metadata.count else { throw file.malformed(at: metadataOffset + UInt64(e), "metadata entries run past the region") }
            let (at, length) = (Int(metadata.le32(e + 16)), Int(metadata.le32(e + 20)))
            guard at >= 0, length >= 0, at + length <= metadata.count else {
                throw file.malformed(at: metadataOffset + UInt64(e + 16), "a metadata item of \(length) bytes at \(at) runs past the region")
            }
            switch Self.guid(metadata, e) {
            case Self.fileParameters where length >= 8:
                blockSize = UInt64(metadata.le32(at))
                hasParent = metadata.le32(at + 4) & 2 != 0
            case Self.virtualDiskSize where length >= 8: virtualSize = metadata.le64(at)
            case Self.logicalSector where length >= 4: sector = metadata.le32(at)
            default: break
            }
        }
        guard blockSize >= 1 << 20, blockSize <= 256 << 20, blockSize & (blockSize - 1) == 0 else {
            throw file.malformed(at: metadataOffset, "a block size of \(blockSize) bytes (1 MiB to 256 MiB, a power of two)")
        }
        guard sector == 512 || sector == 4096 else { throw file.malformed(at: metadataOffset, "a logical sector size of \(sector) bytes") }
        guard virtualSize > 0, virtualSize <= 64 << 40 else { throw file.malformed(at: metadataOffset, "a virtual size of \(virtualSize) bytes") }
        guard !hasParent else {
            throw file.malformed(
                at: metadataOffset,
                "a differencing VHDX (a checkpoint): its blocks are partly in its parent; merge it first (Hyper-V: delete the checkpoint; or qemu-img convert -O raw CHILD out.raw)")
        }
        self.blockSize = blockSize
        self.logicalSectorSize = sector
        size = virtualSize
        chunkRatio = (UInt64(1) << 23) * UInt64(sector) / blockSize
        let dataBlocks = (virtualSize + blockSize - 1) / blockSize
        let entries = dataBlocks + (dataBlocks - 1) / chunkRatio
        guard entries <= UInt64(Self.maxEntries), entries * 8 <= batLength else {
            throw file.malformed(at: batOffset, "a block table of \(batLength) bytes for \(entries) entries")
        }
        let raw = try file.bytes(Int(entries * 8), at: batOffset, what: "the VHDX block table")
        bat = (0..<Int(entries)).map { raw.le64($0 * 8) }
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: UInt64) throws(BinaryFormatError) {
        var done = 0
        while done < count {
            let at = offset + UInt64(done)
            let block = at / blockSize
            let within = at % blockSize
            let n = Int(min(UInt64(count - done), blockSize - within))
            let index = Int(block + block / chunkRatio)
            let entry = bat[index]
            switch entry & 7 {
            case 0, 1, 2, 3:  // not present, undefined, zero, unmapped: reads as zeros
                (buffer + done).initializeMemory(as: UInt8.self, repeating: 0, count: n)
            case 6:
                let fileOffset = (entry >> 20) << 20
                try file.read(into: buffer + done, count: n, at: fileOffset + within, what: "block \(block) of the VHDX")
            default:
                throw file.malformed(at: 0, "block table entry \(index) has state \(entry & 7), which a disk without a parent cannot hold")
            }
            done += n
        }
    }
}
