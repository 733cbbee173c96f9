import BinaryFormat
import DiskImage

/// One MFT record (FILE), fixed up in place, and the attributes the audit reads from it.
///
/// Header: `FILE`, update-sequence offset and count, sequence number @16, first attribute offset @20, flags
/// @22 (1 in use, 2 directory), used size @24, base record reference @32. Every 512-byte stride ends with
/// the update sequence number, which the fixup swaps back for the saved bytes; a mismatch means a torn or
/// damaged record.
package enum MFTRecord {
    static let inUse: UInt16 = 1
    static let directory: UInt16 = 2

    package enum Problem: Error {
        case notARecord
        case badFixup(String)
        case badAttribute(Int, String)

        /// What is wrong, in words, with the offset inside the record where one is known.
        var reason: String {
            switch self {
            case .notARecord: "not a FILE record"
            case .badFixup(let why): why
            case .badAttribute(let at, let why): "\(why) (offset \(at) in the record)"
            }
        }
    }

    /// Applies the fixups of the record in `r` (mutable, `recordSize` bytes). Returns false for an unused
    /// slot (all zero or a `BAAD` record never written), throws for a damaged one.
    ///
    /// `applied`: the records come with their fixups already applied (a $MFT copied out by a tool that reads
    /// through NTFS, as ntfscat does): each stride must then end with its saved bytes, and nothing is swapped.
    static func fixup(_ r: UnsafeMutableRawBufferPointer, applied: Bool = false) throws(Problem) -> Bool {
        let sig = UnsafeRawBufferPointer(r).le32(0)
        if sig == 0 { return false }
        guard sig == 0x454C_4946 else {  // "FILE"
            if sig == 0x4441_4142 { return false }  // "BAAD": marked bad by chkdsk
            throw .notARecord
        }
        let usaOffset = Int(UnsafeRawBufferPointer(r).le16(4))
        let usaCount = Int(UnsafeRawBufferPointer(r).le16(6))
        let strides = r.count / 512
        guard usaCount == strides + 1, usaOffset >= 0x28 || usaOffset == 0x2A, usaOffset + usaCount * 2 <= r.count,
            usaOffset & 1 == 0
        else {
            throw .badFixup("update sequence of \(usaCount) entries at offset \(usaOffset) does not fit the record")
        }
        let usn = UnsafeRawBufferPointer(r).le16(usaOffset)
        if applied {
            for k in 0..<strides
            where UnsafeRawBufferPointer(r).le16(k * 512 + 510) != UnsafeRawBufferPointer(r).le16(usaOffset + 2 + 2 * k)
            {
                throw .badFixup("sector \(k) does not end with its saved bytes (records of this file come fixed up)")
            }
            return true
        }
        for k in 0..<strides {
            let end = k * 512 + 510
            guard UnsafeRawBufferPointer(r).le16(end) == usn else {
                throw .badFixup("sector \(k) does not end with the update sequence number (a torn write)")
            }
            r[end] = r[usaOffset + 2 + 2 * k]
            r[end + 1] = r[usaOffset + 3 + 2 * k]
        }
        return true
    }

    /// Calls `body` with each attribute (type, whole attribute bytes) of a fixed-up record, in order.
    package static func attributes(
        _ r: UnsafeRawBufferPointer, _ body: (UInt32, UnsafeRawBufferPointer) throws(Problem) -> Void
    )
        throws(Problem)
    {
        var at = Int(r.le16(20))
        let used = min(Int(r.le32(24)), r.count)
        guard at >= 0x18, at < used else {
            throw .badAttribute(20, "the first attribute offset \(at) is outside the record")
        }
        var count = 0
        while at + 4 <= used {
            let type = r.le32(at)
            if type == 0xFFFF_FFFF { return }
            guard at + 16 <= used else { throw .badAttribute(at, "an attribute header runs past the record") }
            let length = Int(r.le32(at + 4))
            guard length >= 16, length & 7 == 0, at + length <= used else {
                throw .badAttribute(at, "an attribute of length \(length) does not fit the record")
            }
            try body(type, UnsafeRawBufferPointer(rebasing: r[at..<at + length]))
            at += length
            count += 1
            guard count < 4096 else { throw .badAttribute(at, "more than 4,096 attributes") }
        }
        throw .badAttribute(at, "the attribute list has no end marker")
    }

    /// The value of a resident attribute, or nil when it is non-resident or its value does not fit.
    package static func residentValue(_ a: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard a[8] == 0, a.count >= 24 else { return nil }
        let length = Int(a.le32(16))
        let offset = Int(a.le16(20))
        guard offset + length <= a.count else { return nil }
        return UnsafeRawBufferPointer(rebasing: a[offset..<offset + length])
    }

    /// The runs of a non-resident attribute, and its data size.
    static func runs(_ a: UnsafeRawBufferPointer, totalClusters: UInt64) throws(Problem) -> (
        runs: [DataRun], size: UInt64
    )? {
        guard a[8] == 1, a.count >= 64 else { return nil }
        let runsOffset = Int(a.le16(32))
        guard runsOffset < a.count else { throw .badAttribute(32, "the runlist offset is outside the attribute") }
        do {
            let runs = try RunList.decode(
                UnsafeRawBufferPointer(rebasing: a[runsOffset...]), totalClusters: totalClusters)
            return (runs, a.le64(48))
        } catch {
            throw .badAttribute(runsOffset + error.at, error.what)
        }
    }

    /// The attribute's name (e.g. `$SDS`), as UTF-16 units compared with `name`.
    static func named(_ a: UnsafeRawBufferPointer, _ name: String) -> Bool {
        let length = Int(a[9])
        let offset = Int(a.le16(10))
        let units = Array(name.utf16)
        guard length == units.count, offset + 2 * length <= a.count else { return false }
        for k in 0..<length where a.le16(offset + 2 * k) != units[k] { return false }
        return true
    }
}
