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
