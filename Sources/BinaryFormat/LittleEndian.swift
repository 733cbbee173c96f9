/// Little- and big-endian loads at an index, for code that has already checked the length it reads within
/// (a fixed-size header, a record whose size was verified). Code that has not must use `ByteCursor`.
extension Array where Element == UInt8 {
    @inline(__always) public func le16(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
    @inline(__always) public func le32(_ at: Int) -> UInt32 {
        UInt32(self[at]) | UInt32(self[at + 1]) << 8 | UInt32(self[at + 2]) << 16 | UInt32(self[at + 3]) << 24
    }
    @inline(__always) public func le64(_ at: Int) -> UInt64 { UInt64(le32(at)) | UInt64(le32(at + 4)) << 32 }
    @inline(__always) public func be32(_ at: Int) -> UInt32 {
        UInt32(self[at]) << 24 | UInt32(self[at + 1]) << 16 | UInt32(self[at + 2]) << 8 | UInt32(self[at + 3])
    }
    @inline(__always) public func be64(_ at: Int) -> UInt64 { UInt64(be32(at)) << 32 | UInt64(be32(at + 4)) }
}

extension UnsafeRawBufferPointer {
    @inline(__always) public func le16(_ at: Int) -> UInt16 {
        loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian
    }
    @inline(__always) public func le32(_ at: Int) -> UInt32 {
        loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian
    }
    @inline(__always) public func le64(_ at: Int) -> UInt64 {
        loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian
    }
    /// True when `count` bytes at `at` lie inside the buffer (no overflow for any `at`, `count`).
    @inline(__always) public func holds(_ count: Int, at: Int) -> Bool {
        at >= 0 && count >= 0 && at <= self.count && count <= self.count - at
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always) public func be16(_ at: Int) -> UInt16 {
        loadUnaligned(fromByteOffset: at, as: UInt16.self).bigEndian
    }
    @inline(__always) public func be32(_ at: Int) -> UInt32 {
        loadUnaligned(fromByteOffset: at, as: UInt32.self).bigEndian
    }
}

/// A binary SID's parts (MS-DTYP 2.4.2.2), read in one place for every reader: the revision, the 48-bit
/// big-endian identifier authority, and the little-endian sub-authorities.
public struct SIDBytes: Sendable, Equatable {
    public let revision: UInt8
    public let authority: UInt64
    public let subAuthorities: [UInt32]
    /// Bytes the SID takes: 8 + 4 per sub-authority.
    public var length: Int { 8 + 4 * subAuthorities.count }

    /// The SID at `offset` of `b`, or nil when it runs past the end (its count of sub-authorities is taken as
    /// written; readers that allow at most 15 check `subAuthorities.count`).
    public static func read(_ b: UnsafeRawBufferPointer, at offset: Int = 0) -> SIDBytes? {
        guard b.holds(8, at: offset) else { return nil }
        let count = Int(b[offset + 1])
        guard b.holds(8 + 4 * count, at: offset) else { return nil }
        var authority: UInt64 = 0
        for i in 2..<8 { authority = authority << 8 | UInt64(b[offset + i]) }
        var subs: [UInt32] = []
        subs.reserveCapacity(count)
        for k in 0..<count { subs.append(b.le32(offset + 8 + 4 * k)) }
        return SIDBytes(revision: b[offset], authority: authority, subAuthorities: subs)
    }

    /// `S-1-5-21-…` as Windows writes a SID (the authority in decimal).
    public var text: String {
        "S-\(revision)-\(authority)" + subAuthorities.map { "-\($0)" }.joined()
    }
}
