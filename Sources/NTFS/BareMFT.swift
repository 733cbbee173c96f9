import BinaryFormat
import DiskImage

/// A collected $MFT file (KAPE, Velociraptor, FTK Imager, RawCopy): the $MFT's data alone, no boot sector.
///
/// Recognised by its first record: `FILE`, fixed up, named `$MFT` in the root (record 5). The record size
/// comes from the records themselves (the allocated size at 0x1C, agreeing with the update sequence count and
/// with record 1), never from a boot sector. Records are numbered by position; the file's length, not record
/// 0's data size, says how many there are (a warning when the two disagree).
package struct BareMFT {
    let boot: BootSector
    let recordCount: UInt64
    /// The records come with their fixups applied (copied out through NTFS, e.g. by ntfscat).
    let fixupsApplied: Bool
    let warnings: [String]

    /// Why something a record points to cannot be read from a bare $MFT.
    static let outside = "outside the $MFT file (a collected $MFT holds the MFT records only)"

    /// Nil when `file` does not start with a FILE record (a volume or disk image); throws when it starts
    /// with one that is not a readable record 0 named $MFT.
    init?(_ file: ImageFile) throws {
        guard file.container == nil, file.size >= 1024,
            try file.bytes(4, at: 0, what: "a signature") == Array("FILE".utf8)
        else { return nil }
        let head = try file.bytes(64, at: 0, what: "MFT record 0")
        let size = Int(head.le32(0x1C))
        guard [1024, 2048, 4096].contains(size) else {
            throw file.error(
                at: 0x1C, "a FILE record whose allocated size is \(size) bytes (a $MFT has records of 1,024 or 4,096)")
        }
        guard UInt64(size) <= file.size else {
            throw file.error(at: 0x1C, "records of \(size) bytes, but the file holds only \(file.size)")
        }
        guard Int(head.le16(6)) == size / 512 + 1 else {
            throw file.error(at: 6, "an update sequence of \(head.le16(6)) entries for a record of \(size) bytes")
        }
        if file.size >= UInt64(2 * size) {
            let next = try file.bytes(4, at: UInt64(size), what: "MFT record 1")
            guard next == Array("FILE".utf8) || next == [0, 0, 0, 0] || next == Array("BAAD".utf8) else {
                throw file.error(at: UInt64(size), "record 1 is not a FILE record: records are not \(size) bytes apart")
            }
        }
        var record = try file.bytes(size, at: 0, what: "MFT record 0")
        var dataSize: UInt64? = nil
        var named = false
        // A tool that reads the $MFT through NTFS (ntfscat) writes its records with the fixups applied: then
        // record 0's strides end with its saved bytes, not with the update sequence number.
        let applied = record.withUnsafeBytes { r in
            let usa = Int(r.le16(4))
            return usa + 2 + 2 * (size / 512) <= size
                && (0..<(size / 512)).allSatisfy { k in
                    r.le16(k * 512 + 510) != r.le16(usa) && r.le16(k * 512 + 510) == r.le16(usa + 2 + 2 * k)
                }
        }
        let problem: MFTRecord.Problem? = record.withUnsafeMutableBytes { r in
            do throws(MFTRecord.Problem) {
                guard try MFTRecord.fixup(r, applied: applied) else { throw .notARecord }
                try MFTRecord.attributes(UnsafeRawBufferPointer(r)) { type, a throws(MFTRecord.Problem) in
                    if type == 0x30, let v = MFTRecord.residentValue(a), v.count >= 0x42 + 8, v[0x40] == 4,
                        v.le64(0) & MFTIndex.recordMask == MFTIndex.root
                    {
                        named = (0..<4).allSatisfy { v.le16(0x42 + 2 * $0) == Array("$MFT".utf16)[$0] }
                    }
                    if type == 0x80, a[9] == 0, a[8] == 1, a.count >= 64, a.le64(16) == 0 { dataSize = a.le64(48) }
                }
                return nil
            } catch {
                return error
            }
        }
        if let problem { throw file.error(at: 0, "MFT record 0: \(problem.reason)") }
        guard named else {
            throw file.error(at: 0, "record 0 is a FILE record but not named $MFT in the root: not a $MFT file")
        }
        boot = BootSector(bareMFTRecordSize: size)
        var notes: [String] = []
        let whole = file.size / UInt64(size)
        if file.size % UInt64(size) != 0 {
            notes.append(
                "\(file.path): \(file.size % UInt64(size)) bytes after the last whole record at \(whole * UInt64(size)): not read"
            )
        }
        var count = whole
        if let dataSize {
            if dataSize > file.size {
                notes.append(
                    "\(file.path): record 0 gives the $MFT \(dataSize) bytes but the file holds \(file.size): cut off, records from \(whole) on are missing"
                )
            } else if dataSize / UInt64(size) < whole {
                count = dataSize / UInt64(size)
                notes.append(
                    "\(file.path): \(file.size - dataSize) bytes after the $MFT's \(dataSize) (record 0's data size): not read"
                )
            }
        }
        recordCount = count
        fixupsApplied = applied
        warnings = notes
    }
}
