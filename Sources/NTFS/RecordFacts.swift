import BinaryFormat
import DiskImage
import WindowsSecurity

/// What the audits read from one MFT record (fixed up): its names, kind, security id and own descriptor.
///
/// The one parser of record contents, shared by the folder index and the ACL reader. A link is a reparse
/// point whose tag has the name-surrogate bit (symbolic link, junction), or an Interix link or device as
/// ntfs-3g writes `ln -s` and mknod: a SYSTEM file whose data starts with IntxLNK\1, IntxCHR\0 or IntxBLK\0.
package struct RecordFacts {
    package var names: [MFTIndex.Name] = []
    package var directory = false
    package var link = false
    var hasAttributeList = false
    /// Other records a resident $ATTRIBUTE_LIST names: the extension records of this base record.
    var listedRecords: [UInt64] = []
    /// A folder's $I30 index: the root's value, the allocation attribute, the bitmap's value (when resident).
    var indexRoot: UnsafeRawBufferPointer? = nil
    var indexAllocation: UnsafeRawBufferPointer? = nil
    var indexBitmap: UnsafeRawBufferPointer? = nil
    /// A non-resident $ATTRIBUTE_LIST (the whole attribute), read later through its runs.
    var nonResidentList: UnsafeRawBufferPointer? = nil
    /// The base record of an extension record (0 for a base record).
    var base: UInt64 = 0
    package var securityID: UInt32 = 0
    /// The $SECURITY_DESCRIPTOR attribute: its resident value, and the whole attribute.
    package var ownDescriptor: (resident: UnsafeRawBufferPointer?, raw: UnsafeRawBufferPointer)? = nil

    /// Reads the record; throws when an attribute is damaged.
    init(parsing r: UnsafeRawBufferPointer) throws(MFTRecord.Problem) {
        directory = r.le16(22) & MFTRecord.directory != 0
        base = r.le64(32) & MFTIndex.recordMask
        var system = false
        var interix = false
        var names: [MFTIndex.Name] = []
        var link = false
        var hasList = false
        var listed: [UInt64] = []
        var listAttribute: UnsafeRawBufferPointer? = nil
        var indexRoot: UnsafeRawBufferPointer? = nil
        var indexAllocation: UnsafeRawBufferPointer? = nil
        var indexBitmap: UnsafeRawBufferPointer? = nil
        let directory = self.directory
        var securityID: UInt32 = 0
        var own: (resident: UnsafeRawBufferPointer?, raw: UnsafeRawBufferPointer)? = nil
        try MFTRecord.attributes(r) { type, a throws(MFTRecord.Problem) in
            switch type {
            case 0x10:
                if let v = MFTRecord.residentValue(a) {
                    if v.count >= 0x24 { system = v.le32(0x20) & 0x4 != 0 }
                    if v.count >= 0x38 { securityID = v.le32(0x34) }
                }
            case 0x20:
                hasList = true
                if let v = MFTRecord.residentValue(a) {
                    listed = AttributeList.records(in: v)
                } else if a[8] == 1 {
                    listAttribute = a
                }
            case 0x30:
                guard let v = MFTRecord.residentValue(a), v.count >= 0x42 else {
                    throw .badAttribute(0, "a $FILE_NAME that is not resident or too short")
                }
                let length = Int(v[0x40])
                guard 0x42 + 2 * length <= v.count else { throw .badAttribute(0, "a $FILE_NAME longer than its value") }
                names.append(
                    MFTIndex.Name(
                        parent: v.le64(0) & MFTIndex.recordMask, namespace: v[0x41],
                        utf16: UnsafeRawBufferPointer(rebasing: v[0x42..<0x42 + 2 * length])))
            case 0x50:
                own = (MFTRecord.residentValue(a), a)
            case 0x90 where directory && MFTRecord.named(a, "$I30"):
                indexRoot = MFTRecord.residentValue(a)
            case 0xA0 where directory && a[8] == 1 && MFTRecord.named(a, "$I30"):
                indexAllocation = a
            case 0xB0 where directory && MFTRecord.named(a, "$I30"):
                indexBitmap = MFTRecord.residentValue(a)
            case 0x80:
                if a[9] == 0, let v = MFTRecord.residentValue(a), v.count >= 8 {
                    let magic = v.le64(0)
                    interix =
                        magic == 0x014B_4E4C_7874_6E49 || magic == 0x0052_4843_7874_6E49
                        || magic == 0x004B_4C42_7874_6E49
                }
            case 0xC0:
                if let v = MFTRecord.residentValue(a), v.count >= 4 {
                    link = link || v.le32(0) & 0x2000_0000 != 0
                } else {
                    link = true
                }
            default:
                break
            }
        }
        self.names = names
        self.link = link || (interix && system && !directory)
        self.hasAttributeList = hasList
        self.listedRecords = listed
        self.nonResidentList = listAttribute
        self.indexRoot = indexRoot
        self.indexAllocation = indexAllocation
        self.indexBitmap = indexBitmap
        self.securityID = securityID
        self.ownDescriptor = own
    }

    /// Reads the record, or nil when it is damaged (the folder index has warned about it already).
    package init?(_ r: UnsafeRawBufferPointer) {
        guard let facts = try? RecordFacts(parsing: r) else { return nil }
        self = facts
    }

    /// The bytes of the record's own $SECURITY_DESCRIPTOR, or nil when it has none.
    package func descriptorBytes(_ image: NTFSImage, record: UInt64? = nil) throws -> [UInt8]? {
        guard let own = ownDescriptor else { return nil }
        if let resident = own.resident { return Array(resident) }
        let what =
            record.map { "MFT record \($0)'s non-resident $SECURITY_DESCRIPTOR" }
            ?? "a non-resident $SECURITY_DESCRIPTOR"
        guard let d = try? MFTRecord.runs(own.raw, totalClusters: image.boot.totalClusters) else {
            throw image.file.error(at: record.flatMap { image.recordOffset($0) } ?? 0, "\(what) has a damaged runlist")
        }
        return try image.readRuns(d.runs, size: d.size, limit: 1 << 20, what: what)
    }
}

/// An $ATTRIBUTE_LIST value: which records hold the attributes of a base record.
enum AttributeList {
    /// Entries: type u32, length u16 @4, ..., the record holding the attribute @0x10. At most 4,096 records.
    static func records(in v: UnsafeRawBufferPointer) -> [UInt64] {
        var listed: [UInt64] = []
        var at = 0
        while at + 0x18 <= v.count, listed.count < 4096 {
            let length = Int(v.le16(at + 4))
            guard length >= 0x1A else { break }
            let holder = v.le64(at + 0x10) & MFTIndex.recordMask
            if !listed.contains(holder) { listed.append(holder) }
            at += length
        }
        return listed
    }
}
