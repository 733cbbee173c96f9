import BinaryFormat
import DiskImage

/// A folder's $I30 index: what Windows (and the System Writer, through FindFirstFile) lists in the folder.
///
/// $INDEX_ROOT (resident): attribute type @0, index record size @8, then a node header @0x10. A node header:
/// entries offset @0 (from the header), entries size @4, flags @0xC (1: the index has $INDEX_ALLOCATION).
/// An entry: file reference @0, entry length @8, key length @10, flags @12 (2: the last entry, no key), the
/// key (a $FILE_NAME: parent @0, attributes @0x38, name length @0x40, namespace @0x41, name @0x42).
/// $INDEX_ALLOCATION: `INDX` records (fixed up like MFT records) with a node header @0x18, those in use
/// marked in the $I30 $BITMAP.
package enum DirectoryIndex {
    package struct Entry {
        package var record: UInt64
        package var namespace: UInt8
        package var attributes: UInt32
        package var name: UnsafeRawBufferPointer
        /// The $FILE_NAME copy's modification time and data size (NTFS updates these copies lazily).
        package var modified: UInt64 = 0
        package var size: UInt64 = 0
    }

    /// Calls `body` with each keyed entry of the node at `header` in `b`; false when the node is damaged.
    @discardableResult
    static func entries(node b: UnsafeRawBufferPointer, header: Int, _ body: (Entry) -> Void) -> Bool {
        guard b.holds(16, at: header) else { return false }
        let first = Int(b.le32(header))
        let size = Int(b.le32(header + 4))
        guard first >= 16, size >= first, b.holds(size, at: header) || b.holds(size - first, at: header + first)
        else { return false }
        let end = min(b.count, header + size)
        var at = header + first
        var count = 0
        while at + 16 <= end, count < 1 << 16 {
            let length = Int(b.le16(at + 8))
            let keyLength = Int(b.le16(at + 10))
            let flags = b.le32(at + 12)
            if flags & 2 != 0 { return true }
            guard length >= 16, at + length <= end, keyLength >= 0x42, 16 + keyLength <= length else { return false }
            let key = at + 16
            let nameLength = Int(b[key + 0x40])
            guard 0x42 + 2 * nameLength <= keyLength else { return false }
            body(
                Entry(
                    record: b.le64(at) & MFTIndex.recordMask, namespace: b[key + 0x41], attributes: b.le32(key + 0x38),
                    name: UnsafeRawBufferPointer(rebasing: b[(key + 0x42)..<(key + 0x42 + 2 * nameLength)]),
                    modified: b.le64(key + 0x10), size: b.le64(key + 0x30)))
            at += length
            count += 1
        }
        return false
    }

    /// The index root's entries; returns whether an $INDEX_ALLOCATION holds more (nil when damaged).
    static func root(_ v: UnsafeRawBufferPointer, _ body: (Entry) -> Void) -> (large: Bool, recordSize: Int)? {
        guard v.count >= 0x20 else { return nil }
        let recordSize = Int(v.le32(8))
        let large = v.le32(0x10 + 0xC) & 1 != 0
        guard entries(node: v, header: 0x10, body) else { return nil }
        return (large, recordSize)
    }

    /// One INDX record (fixed up in place): its entries; false when it is not a valid index record.
    static func block(_ r: UnsafeMutableRawBufferPointer, _ body: (Entry) -> Void) -> Bool {
        let b = UnsafeRawBufferPointer(r)
        // "INDX"
        guard b.count >= 0x28, b.le32(0) == 0x5844_4E49 else { return false }
        let usaOffset = Int(b.le16(4))
        let usaCount = Int(b.le16(6))
        let strides = r.count / 512
        guard usaCount == strides + 1, b.holds(usaCount * 2, at: usaOffset) else { return false }
        let usn = b.le16(usaOffset)
        for k in 0..<strides {
            let end = k * 512 + 510
            guard b.le16(end) == usn else { return false }
            r[end] = r[usaOffset + 2 + 2 * k]
            r[end + 1] = r[usaOffset + 3 + 2 * k]
        }
        return entries(node: UnsafeRawBufferPointer(r), header: 0x18, body)
    }

    /// What the audits count of a listed entry: a name Windows shows (not a DOS-only alias), not a metafile.
    @inline(__always)
    static func counts(_ e: Entry) -> Bool { e.namespace != 2 && e.record >= MFTIndex.firstUserRecord }
}

/// Where a large folder's index lives, kept from the scan to be read after it.
struct IndexAllocation {
    /// The whole $INDEX_ALLOCATION attribute (header and runlist).
    var attribute: [UInt8]
    /// The $I30 $BITMAP value: which index records are in use (nil: all that the allocation maps).
    var bitmap: [UInt8]?
    var recordSize: Int
}

extension NTFSImage {
    /// Calls `body` with each entry in the in-use index records of a folder's $INDEX_ALLOCATION. Returns a
    /// reason when the allocation cannot be read (the caller warns and falls back to the records).
    func indexEntries(_ allocation: IndexAllocation, _ body: (DirectoryIndex.Entry) -> Void) -> String? {
        guard !isBareMFT else { return "its index records are \(BareMFT.outside)" }
        let size = allocation.recordSize
        guard [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536].contains(size) else {
            return "an index record size of \(size) bytes"
        }
        let decoded: (runs: [DataRun], size: UInt64)?
        do {
            decoded = try allocation.attribute.withUnsafeBytes { a throws(MFTRecord.Problem) in
                try MFTRecord.runs(a, totalClusters: boot.totalClusters)
            }
        } catch {
            return "its $INDEX_ALLOCATION runlist is damaged: \((error as? MFTRecord.Problem)?.reason ?? "\(error)")"
        }
        guard let decoded else { return "its $INDEX_ALLOCATION is not non-resident" }
        guard RunList.overlap(decoded.runs) == nil else { return "its $INDEX_ALLOCATION runs overlap" }
        // Index records by their byte position in the allocation (one can straddle two runs when clusters
        // are smaller than it), read in chunks of up to 32 records (128 KiB): fewer preads, little memory.
        let map = RunMap(decoded.runs, clusterSize: boot.clusterSize)
        let count = Int(min(decoded.size, map.size) / UInt64(size))
        let perChunk = max(1, min(32, count))
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: size * perChunk, alignment: 16)
        defer { chunk.deallocate() }
        func inUse(_ k: Int) -> Bool {
            guard let bitmap = allocation.bitmap else { return true }
            return k / 8 < bitmap.count && bitmap[k / 8] & (1 << (k % 8)) != 0
        }
        var number = 0  // index record number, for the bitmap
        while number < count {
            let records = min(perChunk, count - number)
            defer { number += records }
            guard (0..<records).contains(where: { inUse(number + $0) }) else { continue }
            do {
                try read(
                    map, at: UInt64(number * size), count: records * size, into: chunk.baseAddress!,
                    what: "index records")
            } catch {
                return (error as? BinaryFormatError)?.reason ?? "\(error)"
            }
            for k in 0..<records where inUse(number + k) {
                _ = DirectoryIndex.block(
                    UnsafeMutableRawBufferPointer(rebasing: chunk[(k * size)..<((k + 1) * size)]), body)
            }
        }
        return nil
    }
}
