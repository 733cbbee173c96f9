import BinaryFormat
import Foundation

/// A VHDX disk (MS-VHDX), read-only: the file identifier, the current of the two headers (by sequence
/// number, CRC-32C checked), the region table (CRC-32C), the metadata (block size, sector sizes, virtual
/// size, whether it has a parent) and the block allocation table, whose payload entries map each block to
/// the file or leave it zero (not present, undefined, zero, unmapped).
///
/// A differencing VHDX (a Hyper-V checkpoint, .avhdx) names its parent in its parent locator (relative path,
/// then absolute ones) and by the parent's DataWriteGuid; blocks it does not hold are read from the parent,
/// and a partially present block takes each sector from here or the parent as its sector bitmap says.
///
/// Refused with one line: a log with entries to replay (not shut down cleanly).
struct VHDXDisk: VirtualDisk {
    let name: String
    let size: UInt64
    let identity: [UInt8]
    private let parent: (any VirtualDisk)?
    private let ownWarnings: [String]
    var warnings: [String] { ownWarnings + (parent?.warnings ?? []) }
    /// Where the block table starts in the file, for messages naming an entry.
    private let batOffset: UInt64
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
    static let parentLocator = "A8D35F2D-B30B-454D-ABF7-D3D84834AB0C"
    static let vhdxParentLocatorType = "B04AEFB7-D19E-4A81-B789-25B8E9445913"
    /// Block tables larger than this many entries (a 64 TiB disk of 1 MiB blocks) are refused.
    static let maxEntries = 1 << 24

    /// Nil when `file` is not a VHDX (no "vhdxfile" at byte 0).
    static func open(_ file: ReadOnlyFile, chain: [String]) throws(BinaryFormatError) -> VHDXDisk? {
        guard file.size >= 8, try file.bytes(8, at: 0, what: "a signature") == Array("vhdxfile".utf8) else {
            return nil
        }
        return try VHDXDisk(file, chain: chain)
    }

    var path: String { file.path }
    var chain: [String] { [file.path] + (parent?.chain ?? []) }

    private static func guid(_ b: [UInt8], _ at: Int) -> String {
        b.withUnsafeBytes { GUIDText.format(UnsafeRawBufferPointer(rebasing: $0[at..<(at + 16)])) }.trimmingCharacters(
            in: ["{", "}"])
    }

    private init(_ file: ReadOnlyFile, chain: [String]) throws(BinaryFormatError) {
        self.file = file
        // The two headers: the valid one with the larger sequence number is current.
        var current: [UInt8]? = nil
        var currentAt: UInt64 = 0
        for at in [UInt64(64 << 10), UInt64(128 << 10)] {
            guard var h = try? file.bytes(4096, at: at, what: "a VHDX header"), h.starts(with: Array("head".utf8))
            else { continue }
            let stored = h.le32(4)
            h[4..<8] = [0, 0, 0, 0]
            guard CRC32C.checksum(h) == stored else { continue }
            if current == nil || h.le64(8) > current!.le64(8) {
                current = h
                currentAt = at
            }
        }
        guard let header = current else {
            throw file.malformed(at: 64 << 10, "a VHDX with no valid header (signature \"head\" and CRC-32C)")
        }
        identity = Array(header[32..<48])
        if header[48..<64].contains(where: { $0 != 0 }) {
            throw file.malformed(
                at: currentAt + 48,
                "the VHDX log has entries to replay: it was not shut down cleanly; open and close it in Hyper-V, or run qemu-img check -r all on a copy"
            )
        }
        // The region table (and its copy): where the block table and the metadata are.
        var regions: [UInt8]? = nil
        for at in [UInt64(192 << 10), UInt64(256 << 10)] {
            guard var r = try? file.bytes(64 << 10, at: at, what: "the VHDX region table"),
                r.starts(with: Array("regi".utf8))
            else { continue }
            let stored = r.le32(4)
            r[4..<8] = [0, 0, 0, 0]
            if CRC32C.checksum(r) == stored {
                regions = r
                break
            }
        }
        guard let table = regions else {
            throw file.malformed(at: 192 << 10, "no valid VHDX region table (signature \"regi\" and CRC-32C)")
        }
        let count = Int(table.le32(8))
        guard count <= 2047 else { throw file.malformed(at: (192 << 10) + 8, "a region table of \(count) entries") }
        var batRegion: (UInt64, UInt64)? = nil
        var metadataRegion: (UInt64, UInt64)? = nil
        for i in 0..<count {
            let e = 16 + 32 * i
            let (offset, length) = (table.le64(e + 16), UInt64(table.le32(e + 24)))
            guard let end = Checked.add(offset, length), end <= file.size else {
                throw file.malformed(
                    at: (192 << 10) + UInt64(e),
                    "a region of \(length) bytes at \(offset) runs past the file (\(file.size) bytes)")
            }
            switch Self.guid(table, e) {
            case Self.batGUID: batRegion = (offset, length)
            case Self.metadataGUID: metadataRegion = (offset, length)
            default:
                if table.le32(e + 28) & 1 != 0 {
                    throw file.malformed(at: (192 << 10) + UInt64(e), "a required region this reader does not know")
                }
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
        var locator: (at: Int, length: Int)? = nil
        for i in 0..<Int(metadata.le16(10)) {
            let e = 32 + 32 * i
            guard e + 32 <= metadata.count else {
                throw file.malformed(at: metadataOffset + UInt64(e), "metadata entries run past the region")
            }
            let (at, length) = (Int(metadata.le32(e + 16)), Int(metadata.le32(e + 20)))
            guard at >= 0, length >= 0, at + length <= metadata.count else {
                throw file.malformed(
                    at: metadataOffset + UInt64(e + 16),
                    "a metadata item of \(length) bytes at \(at) runs past the region")
            }
            switch Self.guid(metadata, e) {
            case Self.fileParameters where length >= 8:
                blockSize = UInt64(metadata.le32(at))
                hasParent = metadata.le32(at + 4) & 2 != 0
            case Self.virtualDiskSize where length >= 8: virtualSize = metadata.le64(at)
            case Self.logicalSector where length >= 4: sector = metadata.le32(at)
            case Self.parentLocator: locator = (at, length)
            default: break
            }
        }
        guard blockSize >= 1 << 20, blockSize <= 256 << 20, blockSize & (blockSize - 1) == 0 else {
            throw file.malformed(
                at: metadataOffset, "a block size of \(blockSize) bytes (1 MiB to 256 MiB, a power of two)")
        }
        guard sector == 512 || sector == 4096 else {
            throw file.malformed(at: metadataOffset, "a logical sector size of \(sector) bytes")
        }
        guard virtualSize > 0, virtualSize <= 64 << 40 else {
            throw file.malformed(at: metadataOffset, "a virtual size of \(virtualSize) bytes")
        }
        self.blockSize = blockSize
        self.logicalSectorSize = sector
        size = virtualSize
        chunkRatio = (UInt64(1) << 23) * UInt64(sector) / blockSize
        let dataBlocks = (virtualSize + blockSize - 1) / blockSize
        // A differencing disk has a sector bitmap entry after every chunk, the last one included.
        let entries =
            hasParent
            ? (dataBlocks + chunkRatio - 1) / chunkRatio * (chunkRatio + 1) : dataBlocks + (dataBlocks - 1) / chunkRatio
        guard entries <= UInt64(Self.maxEntries), entries * 8 <= batLength else {
            throw file.malformed(at: batOffset, "a block table of \(batLength) bytes for \(entries) entries")
        }
        let raw = try file.bytes(Int(entries * 8), at: batOffset, what: "the VHDX block table")
        bat = (0..<Int(entries)).map { raw.le64($0 * 8) }
        self.batOffset = batOffset
        // Payload blocks (fully or partially present) and sector bitmaps each own their place in the file.
        let ratio = chunkRatio
        let payload = bat.enumerated().compactMap { e -> (index: Int, at: UInt64)? in
            let state = e.element & 7
            let isBitmap = (UInt64(e.offset) + 1) % (ratio + 1) == 0
            return !isBitmap && (state == 6 || state == 7) ? (e.offset, (e.element >> 20) << 20) : nil
        }
        ownWarnings = BlockPlacement.overlaps(
            payload, length: blockSize, file: file.path, tableAt: batOffset, entrySize: 8)
        guard hasParent else {
            name = "VHDX"
            parent = nil
            return
        }
        name = "differencing VHDX"
        guard let locator else {
            throw file.malformed(at: metadataOffset, "a differencing VHDX without a parent locator")
        }
        let entries2 = try Self.locatorEntries(metadata, locator, file: file, at: metadataOffset)
        let candidates = ParentDisk.candidates(
            relative: entries2["relative_path"].map { [$0] } ?? [],
            absolute: [entries2["absolute_win32_path"], entries2["volume_path"]].compactMap { $0 }, child: file.path)
        let named = [entries2["relative_path"], entries2["absolute_win32_path"], entries2["volume_path"]].compactMap {
            $0
        }
        let found = try ParentDisk.open(
            for: file, candidates: candidates, named: named, chain: chain, at: metadataOffset + UInt64(locator.at),
            expecting: "VHDX")
        let linkage = (entries2["parent_linkage"] ?? "").trimmingCharacters(in: ["{", "}"]).uppercased()
        let parentID = found.identity.withUnsafeBytes { GUIDText.format($0) }.trimmingCharacters(in: ["{", "}"])
        let alternate = (entries2["parent_linkage2"] ?? "").trimmingCharacters(in: ["{", "}"]).uppercased()
        guard parentID == linkage || (!alternate.isEmpty && parentID == alternate) else {
            throw file.malformed(
                at: metadataOffset + UInt64(locator.at),
                "its parent \(found.path) has DataWriteGuid \(parentID), not the \(linkage) this checkpoint was taken from (the parent was written to since, or is another disk)"
            )
        }
        guard found.size == virtualSize else {
            throw file.malformed(
                at: metadataOffset, "its parent \(found.path) holds \(found.size) bytes, this child \(virtualSize)")
        }
        parent = found
    }

    /// The parent locator's key/value pairs (UTF-16LE strings at offsets from the locator's start).
    private static func locatorEntries(
        _ metadata: [UInt8], _ locator: (at: Int, length: Int), file: ReadOnlyFile, at regionOffset: UInt64
    ) throws(BinaryFormatError) -> [String: String] {
        let (base, length) = locator
        let where_ = regionOffset + UInt64(base)
        guard length >= 20, Self.guid(metadata, base) == Self.vhdxParentLocatorType else {
            throw file.malformed(at: where_, "a parent locator that is not of the VHDX type")
        }
        let count = Int(metadata.le16(base + 18))
        guard 20 + count * 12 <= length else {
            throw file.malformed(at: where_ + 18, "\(count) parent locator entries in \(length) bytes")
        }
        var out: [String: String] = [:]
        for k in 0..<count {
            let e = base + 20 + k * 12
            let (keyAt, valueAt) = (Int(metadata.le32(e)), Int(metadata.le32(e + 4)))
            let (keyLength, valueLength) = (Int(metadata.le16(e + 8)), Int(metadata.le16(e + 10)))
            guard keyAt + keyLength <= length, valueAt + valueLength <= length else {
                throw file.malformed(
                    at: where_ + UInt64(20 + k * 12), "parent locator entry \(k) runs past the locator")
            }
            let key = UTF16LE.string(metadata[(base + keyAt)..<(base + keyAt + keyLength)])
            out[key] = UTF16LE.string(metadata[(base + valueAt)..<(base + valueAt + valueLength)])
        }
        return out
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
            let state = entry & 7
            if let parent, state == 0 || state == 1 || state == 3 {  // not in this file: the parent's
                try parent.read(into: buffer + done, count: n, at: at)
                done += n
                continue
            }
            switch state {
            case 0, 1, 2, 3:  // not present, undefined, zero, unmapped: reads as zeros
                (buffer + done).initializeMemory(as: UInt8.self, repeating: 0, count: n)
            case 6:
                let fileOffset = (entry >> 20) << 20
                try file.read(
                    into: buffer + done, count: n, at: fileOffset + within, what: "block \(block) of the VHDX")
            case 7:
                guard let parent else {
                    throw file.malformed(
                        at: batOffset + UInt64(index) * 8,
                        "block table entry \(index) is partially present, which a disk without a parent cannot hold")
                }
                try readPartial(
                    into: buffer + done, count: n, block: block, within: within, blockAt: (entry >> 20) << 20,
                    parent: parent)
            default:
                throw file.malformed(
                    at: batOffset + UInt64(index) * 8,
                    "block table entry \(index) has state \(entry & 7), which a payload block cannot hold")
            }
            done += n
        }
    }

    /// A partially present block: runs of sectors whose bit is set in the chunk's sector bitmap come from this
    /// file, the others from the parent. Bit 0 of byte 0 is the chunk's first sector.
    private func readPartial(
        into buffer: UnsafeMutableRawPointer, count: Int, block: UInt64, within: UInt64, blockAt: UInt64,
        parent: any VirtualDisk
    ) throws(BinaryFormatError) {
        let chunk = block / chunkRatio
        let bitmapIndex = Int(chunk * (chunkRatio + 1) + chunkRatio)
        let bitmapEntry = bat[bitmapIndex]
        guard bitmapEntry & 7 == 6 else {
            throw file.malformed(
                at: batOffset + UInt64(bitmapIndex) * 8,
                "block \(block) is partially present but its chunk's sector bitmap (block table entry \(bitmapIndex)) is not"
            )
        }
        let sectorSize = UInt64(logicalSectorSize)
        let base = (block % chunkRatio) * (blockSize / sectorSize)  // the block's first bit in the chunk's bitmap
        let first = base + within / sectorSize
        let last = base + (within + UInt64(count) - 1) / sectorSize
        let bitmap = try file.bytes(
            Int(last / 8 - first / 8 + 1), at: ((bitmapEntry >> 20) << 20) + first / 8,
            what: "the sector bitmap of block \(block)")
        func present(_ s: UInt64) -> Bool { bitmap[Int(s / 8 - first / 8)] & (1 << (s % 8)) != 0 }
        var s = first
        while s <= last {
            let here = present(s)
            var e = s
            while e + 1 <= last && present(e + 1) == here { e += 1 }
            let from = max((s - base) * sectorSize, within),
                to = min((e + 1 - base) * sectorSize, within + UInt64(count))
            let out = buffer + Int(from - within)
            if here {
                try file.read(into: out, count: Int(to - from), at: blockAt + from, what: "block \(block) of the VHDX")
            } else {
                try parent.read(into: out, count: Int(to - from), at: block * blockSize + from)
            }
            s = e + 1
        }
    }
}
