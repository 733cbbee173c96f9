/// Little- and big-endian loads at an index: the byte layer's one place where a reader's fixed-offset fields
/// are loaded. Readers check the lengths they read within first (a fixed-size header, a record whose size was
/// verified) and say what is wrong; these loads check again, so that a check a reader missed can never read
/// outside its buffer or trap: a load that does not fit reads as 0. Code that walks variable data uses
/// `ByteCursor`, which answers nil.
extension Array where Element == UInt8 {
    @inline(__always) public func le16(_ at: Int) -> UInt16 {
        withUnsafeBytes { $0.le16(at) }
    }
    @inline(__always) public func le32(_ at: Int) -> UInt32 {
        withUnsafeBytes { $0.le32(at) }
    }
    @inline(__always) public func le64(_ at: Int) -> UInt64 {
        withUnsafeBytes { $0.le64(at) }
    }
    @inline(__always) public func be32(_ at: Int) -> UInt32 {
        withUnsafeBytes { $0.be32(at) }
    }
    @inline(__always) public func be64(_ at: Int) -> UInt64 { UInt64(be32(at)) << 32 | UInt64(be32(at + 4)) }
}

extension UnsafeRawBufferPointer {
    @inline(__always) func load<T: FixedWidthInteger>(_: T.Type, at: Int) -> T {
        guard holds(MemoryLayout<T>.size, at: at) else { return 0 }
        return loadUnaligned(fromByteOffset: at, as: T.self)
    }
    @inline(__always) public func le16(_ at: Int) -> UInt16 { UInt16(littleEndian: load(UInt16.self, at: at)) }
    @inline(__always) public func le32(_ at: Int) -> UInt32 { UInt32(littleEndian: load(UInt32.self, at: at)) }
    @inline(__always) public func le64(_ at: Int) -> UInt64 { UInt64(littleEndian: load(UInt64.self, at: at)) }
    /// True when `count` bytes at `at` lie inside the buffer (no overflow for any `at`, `count`).
    @inline(__always) public func holds(_ count: Int, at: Int) -> Bool {
        at >= 0 && count >= 0 && at <= self.count && count <= self.count - at
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always) public func be16(_ at: Int) -> UInt16 { UInt16(bigEndian: load(UInt16.self, at: at)) }
    @inline(__always) public func be32(_ at: Int) -> UInt32 { UInt32(bigEndian: load(UInt32.self, at: at)) }
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
