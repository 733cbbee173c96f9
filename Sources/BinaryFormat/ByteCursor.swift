/// A cursor over a byte slice in the manner of swift-asn1: each `read…` takes bytes from the front and
/// returns nil when too few are left, never traps. The position is kept so errors can name it.
public struct ByteCursor {
    public let bytes: UnsafeRawBufferPointer
    /// Offset of the next byte to read, from the start of `bytes`.
    public private(set) var position: Int

    public init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0) {
        self.bytes = bytes
        self.position = max(0, min(position, bytes.count))
    }

    public var remaining: Int { bytes.count - position }
    public var isAtEnd: Bool { position >= bytes.count }

    @inline(__always)
    public mutating func readLE<T: FixedWidthInteger>(_: T.Type = T.self) -> T? {
        let n = MemoryLayout<T>.size
        guard remaining >= n else { return nil }
        let v = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
        position += n
        return T(littleEndian: v)
    }

    @inline(__always) public mutating func u8() -> UInt8? { readLE(UInt8.self) }
    @inline(__always) public mutating func u16() -> UInt16? { readLE(UInt16.self) }
    @inline(__always) public mutating func u32() -> UInt32? { readLE(UInt32.self) }
    @inline(__always) public mutating func u64() -> UInt64? { readLE(UInt64.self) }

    /// The next `count` bytes as a sub-slice, or nil when short (or `count` is negative).
    public mutating func slice(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, count <= remaining else { return nil }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }

    /// Skips `count` bytes; false (and no move) when short.
    @discardableResult
    public mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, count <= remaining else { return false }
        position += count
        return true
    }

    /// Moves to an absolute offset inside the slice; false (and no move) when outside.
    @discardableResult
    public mutating func seek(to offset: Int) -> Bool {
        guard offset >= 0, offset <= bytes.count else { return false }
        position = offset
        return true
    }

    /// `units` UTF-16LE code units as a String.
    public mutating func utf16(units: Int) -> String? {
        guard units >= 0, units <= remaining / 2, let s = slice(units * 2) else { return nil }
        return UTF16LE.string(s)
    }

    /// A GUID in its registry form, `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` (upper case, as Windows prints it).
    public mutating func guid() -> String? {
        guard let s = slice(16) else { return nil }
        return GUIDText.format(s)
    }

    /// A FILETIME: 100 ns intervals since 1601-01-01 UTC.
    public mutating func filetime() -> FileTime? { u64().map(FileTime.init(raw:)) }
}

/// A Windows FILETIME (100 ns since 1601-01-01 UTC).
public struct FileTime: Sendable, Equatable, Comparable {
    public let raw: UInt64
    public init(raw: UInt64) { self.raw = raw }
    /// Seconds since 1970-01-01 UTC (negative before).
    public var unixSeconds: Double { (Double(raw) - 116_444_736_000_000_000) / 10_000_000 }
    public static func < (a: FileTime, b: FileTime) -> Bool { a.raw < b.raw }
}

/// GUID text: the first three fields little-endian, the last two as bytes.
public enum GUIDText {
    public static func format(_ b: UnsafeRawBufferPointer) -> String {
        var out = ByteWriter(capacity: 38)
        append(b, into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Appends `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` (upper case) to `out`; nothing when short.
    public static func append(_ b: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        guard b.count >= 16 else { return }
        @inline(__always) func hex(_ i: Int) {
            let v = b[i]
            out.append(v >> 4 < 10 ? 0x30 + v >> 4 : 0x37 + v >> 4)
            out.append(v & 15 < 10 ? 0x30 + v & 15 : 0x37 + v & 15)
        }
        out.append(0x7B)
        hex(3); hex(2); hex(1); hex(0)
        out.append(0x2D)
        hex(5); hex(4)
        out.append(0x2D)
        hex(7); hex(6)
        out.append(0x2D)
        hex(8); hex(9)
        out.append(0x2D)
        for i in 10..<16 { hex(i) }
        out.append(0x7D)
    }
}

/// Overflow-checked arithmetic for numbers read from files: nil instead of a trap.
public enum Checked {
    @inline(__always) public static func mul(_ a: UInt64, _ b: UInt64) -> UInt64? {
        let (v, o) = a.multipliedReportingOverflow(by: b)
        return o ? nil : v
    }
    @inline(__always) public static func add(_ a: UInt64, _ b: UInt64) -> UInt64? {
        let (v, o) = a.addingReportingOverflow(b)
        return o ? nil : v
    }
    /// `a * b + c`, or nil on overflow.
    @inline(__always) public static func mulAdd(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64? {
        mul(a, b).flatMap { add($0, c) }
    }
}
