import BinaryFormat

/// A .zip's central directory, checked against the file before anything is extracted: every member's data
/// (after its local header, which must repeat the directory's method, CRC and sizes) lies inside the file,
/// before the central directory. ZIPFoundation's own reader trusts these and reads past a member's data (a
/// cut-off or damaged deflate stream made it read without end), so members are located here and only the
/// decompression is ZIPFoundation's, fed exactly the member's bytes.
struct ZipDirectory {
    struct Member {
        var name: String
        var method: UInt16
        var crc: UInt32
        var compressed: UInt64
        var uncompressed: UInt64
        /// Where the member's data starts in the file.
        var data: UInt64
        /// A folder entry, or a link (Unix mode in the external attributes): not extracted.
        var isFile: Bool
        /// The central directory record's number (1-based), for messages.
        var record: Int
        /// Where the member's local header starts, and where its data ends.
        var local: UInt64 = 0
        var end: UInt64 = 0
        /// Why the member is not read though the archive is (its bytes are another member's).
        var skipped: String? = nil
    }

    var members: [Member] = []
    /// More members than this is not an upload of evidence (the collector's holds a few dozen).
    static let maxMembers = 100_000

    /// What is odd about the archive and was stepped around, one line each with its byte offset.
    var warnings: [String] = []
    /// Where the end of central directory record is, for messages about the whole archive.
    var endRecord: UInt64 = 0

    /// Why a directory cannot be used, and where.
    struct Problem: Error {
        let at: UInt64?
        let reason: String
        init(at: UInt64?, _ reason: String) {
            self.at = at
            self.reason = reason
        }
        var position: FilePosition? { at.map(FilePosition.byteOffset) }
    }

    /// Reads and checks the directory; `problem` says why it cannot be used, with the byte offset.
    static func read(_ path: String) -> (ZipDirectory?, problem: Problem?) {
        var zip = ZipDirectory()
        if let problem = zip.load(path) { return (nil, problem) }
        return (zip, nil)
    }

    private mutating func load(_ path: String) -> Problem? {
        guard let file = try? ReadOnlyFile(path: path) else { return Problem(at: nil, "cannot open") }
        let span = Int(min(file.size, 65_557))
        let tailStart = file.size - UInt64(span)
        guard span >= 22, let tail = try? file.bytes(span, at: tailStart, what: "the end") else {
            return Problem(at: 0, "too short for a .zip")
        }
        var e = tail.count - 22
        while e >= 0, !(tail[e] == 0x50 && tail[e + 1] == 0x4B && tail[e + 2] == 0x05 && tail[e + 3] == 0x06) { e -= 1 }
        guard e >= 0 else { return Problem(at: file.size, "no end of central directory record") }
        let eocd = tailStart + UInt64(e)
        endRecord = eocd
        var count = Int(tail.le16(e + 10))
        var size = UInt64(tail.le32(e + 12))
        var offset = UInt64(tail.le32(e + 16))
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            // ZIP64: the locator just before the record names the ZIP64 end of central directory.
            guard e >= 20, tail.le32(e - 20) == 0x0706_4B50 else {
                return Problem(at: eocd, "a ZIP64 archive without its locator")
            }
            let at = tail.le64(e - 20 + 8)
            guard at < eocd, let z = try? file.bytes(56, at: at, what: "ZIP64 end"), z.le32(0) == 0x0606_4B50 else {
                return Problem(at: eocd - 20, "a ZIP64 locator pointing outside the archive")
            }
            count = Int(clamping: z.le64(32))
            size = z.le64(40)
            offset = z.le64(48)
        }
        guard let end = Checked.add(offset, size), end <= eocd else {
            return
                Problem(at: eocd + 12, "a central directory of \(size) bytes at \(offset) runs past the end record")
        }
        guard size <= 64 << 20, let directory = try? file.bytes(Int(size), at: offset, what: "the central directory")
        else {
            return Problem(at: offset, "a central directory of \(size) bytes")
        }
        var p = 0
        var k = -1
        // Every record the directory holds is read, whatever the end record counts (a count that disagrees
        // is a warning): the directory's bytes are what an unzip tool lists.
        while p + 46 <= directory.count || k + 1 < count {
            k += 1
            guard k < Self.maxMembers else {
                return
                    Problem(
                        at: offset + UInt64(p),
                        "more than \(Self.maxMembers) members (an upload holds hundreds); refused: unzip it yourself and give the folder"
                    )
            }
            guard p + 46 <= directory.count, directory.le32(p) == 0x0201_4B50 else {
                if k >= count || p == directory.count { break }
                return
                    Problem(at: offset + UInt64(p), "central directory record \(k + 1) is not where the directory says")
            }
            var compressed = UInt64(directory.le32(p + 20))
            var local = UInt64(directory.le32(p + 42))
            let (nameLength, extraLength, commentLength) = (
                Int(directory.le16(p + 28)), Int(directory.le16(p + 30)), Int(directory.le16(p + 32))
            )
            guard p + 46 + nameLength + extraLength + commentLength <= directory.count else {
                return Problem(at: offset + UInt64(p), "central directory record \(k + 1) runs past the directory")
            }
            // ZIP64 extra field: the 64-bit values, in order, for the fields that hold 0xFFFFFFFF.
            var x = p + 46 + nameLength
            let extraEnd = x + extraLength
            while x + 4 <= extraEnd {
                let (id, n) = (directory.le16(x), Int(directory.le16(x + 2)))
                if id == 1 {
                    var q = x + 4
                    if directory.le32(p + 24) == 0xFFFF_FFFF, q + 8 <= x + 4 + n { q += 8 }
                    if compressed == 0xFFFF_FFFF, q + 8 <= x + 4 + n { compressed = directory.le64(q); q += 8 }
                    if local == 0xFFFF_FFFF, q + 8 <= x + 4 + n { local = directory.le64(q) }
                }
                x += 4 + n
            }
            guard local < offset, let header = try? file.bytes(30, at: local, what: "a local header"),
                header.le32(0) == 0x0403_4B50
            else {
                return
                    Problem(at: offset + UInt64(p) + 42, "central directory record \(k + 1) points at no local header")
            }
            // Without a data descriptor (flag bit 3) the local header repeats the CRC and sizes; ZIPFoundation
            // reads the local ones, so they must be the directory's.
            // A local header may give its sizes as 0xFFFFFFFF and the real ones in its ZIP64 field (Python's
            // zipfile does so for a member written as a stream): then the CRC and the method are compared.
            let localSizesInZip64 = header.le32(18) == 0xFFFF_FFFF && header.le32(22) == 0xFFFF_FFFF
            if header.le16(6) & 0x08 == 0, directory.le32(p + 20) != 0xFFFF_FFFF, directory.le32(p + 24) != 0xFFFF_FFFF,
                header.le32(14) != directory.le32(p + 16)
                    || !localSizesInZip64
                        && (header.le32(18) != directory.le32(p + 20) || header.le32(22) != directory.le32(p + 24))
                    || header.le16(8) != directory.le16(p + 10)
            {
                return
                    Problem(
                        at: local + 8,
                        "central directory record \(k + 1): its local header and the central directory disagree on the method, CRC or sizes"
                    )
            }
            let data = local + 30 + UInt64(header.le16(26)) + UInt64(header.le16(28))
            guard let dataEnd = Checked.add(data, compressed), dataEnd <= offset else {
                return
                    Problem(
                        at: local,
                        "central directory record \(k + 1): its \(compressed) bytes of data run past the archive's members"
                    )
            }
            var uncompressed = UInt64(directory.le32(p + 24))
            if uncompressed == 0xFFFF_FFFF, extraLength >= 12 {
                var y = p + 46 + nameLength
                while y + 4 <= extraEnd {
                    if directory.le16(y) == 1, y + 12 <= extraEnd { uncompressed = directory.le64(y + 4); break }
                    y += 4 + Int(directory.le16(y + 2))
                }
            }
            let name = String(decoding: directory[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            let unixMode = directory[p + 5] == 3 ? (directory.le32(p + 38) >> 16) & 0o170000 : 0
            let isFile = !name.hasSuffix("/") && !name.hasSuffix("\\") && (unixMode == 0 || unixMode == 0o100000)
            members.append(
                Member(
                    name: name, method: directory.le16(p + 10), crc: directory.le32(p + 16), compressed: compressed,
                    uncompressed: uncompressed, data: data, isFile: isFile, record: k + 1, local: local, end: dataEnd))
            p += 46 + nameLength + extraLength + commentLength
        }
        if members.count != count {
            warnings.append(
                "byte offset \(eocd + 10): the end of central directory counts \(count) member\(count == 1 ? "" : "s"), the central directory holds \(members.count): all \(members.count) read"
            )
        }
        markOverlaps()
        return nil
    }

    /// Members whose bytes (local header and data) overlap an earlier member's are not read: two names over
    /// one set of bytes is how a zip bomb multiplies one deflate stream, and one piece of evidence would be
    /// counted twice.
    private mutating func markOverlaps() {
        let order = members.indices.filter { members[$0].isFile }.sorted {
            (members[$0].local, members[$0].record) < (members[$1].local, members[$1].record)
        }
        var reach: (end: UInt64, record: Int)? = nil
        for i in order {
            let m = members[i]
            if let r = reach, m.local < r.end {
                members[i].skipped = "its bytes (\(m.local) to \(m.end)) overlap record \(r.record)'s: not read"
                warnings.append(
                    "byte offset \(m.local): central directory record \(m.record), member \(QuotedText.oneLine(m.name)): its bytes overlap record \(r.record)'s; not read (read once, as record \(r.record))"
                )
                continue
            }
            reach = (m.end, m.record)
        }
    }
}
