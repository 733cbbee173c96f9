/// The one UTF-16 decoder (either byte order) into UTF-8: NTFS names, PML strings, GPT names, UTF-16 CSV and
/// text exports, and the hive and event-log strings to come.
///
/// It streams: a code unit or surrogate pair split across two inputs is kept between calls. Unpaired
/// surrogates become U+FFFD, as Windows tools show them.
public struct UTF16Decoder {
    public let bigEndian: Bool
    @usableFromInline var pendingByte: UInt8? = nil
    @usableFromInline var pendingHigh: UInt32? = nil

    public init(bigEndian: Bool = false) { self.bigEndian = bigEndian }

    /// The most UTF-8 bytes `decode` can emit for `inputCount` bytes of input.
    public static func outputCapacity(forInput inputCount: Int) -> Int { (inputCount / 2 + 2) * 3 + 4 }

    /// Decodes `input`, handing each UTF-8 byte to `emit`; NUL units are dropped when `skipNul`.
    @inlinable @inline(__always)
    public mutating func decode(_ input: UnsafeRawBufferPointer, skipNul: Bool = false, _ emit: (UInt8) -> Void) {
        let n = input.count
        var i = 0
        if let first = pendingByte, n > 0 {
            pendingByte = nil
            unit(
                bigEndian ? UInt32(first) << 8 | UInt32(input[0]) : UInt32(input[0]) << 8 | UInt32(first), skipNul, emit
            )
            i = 1
        }
        while i + 1 < n {
            let a = UInt32(input[i])
            let b = UInt32(input[i + 1])
            unit(bigEndian ? a << 8 | b : b << 8 | a, skipNul, emit)
            i += 2
        }
        if i < n { pendingByte = input[i] }
    }

    /// Flushes what is left at the end of the input: a lone byte or high surrogate becomes U+FFFD.
    @inlinable
    public mutating func finish(_ emit: (UInt8) -> Void) {
        guard pendingByte != nil || pendingHigh != nil else { return }
        pendingByte = nil
        pendingHigh = nil
        Self.utf8(0xFFFD, emit)
    }

    @inlinable @inline(__always)
    mutating func unit(_ u: UInt32, _ skipNul: Bool, _ emit: (UInt8) -> Void) {
        if let high = pendingHigh {
            pendingHigh = nil
            if u >= 0xDC00 && u <= 0xDFFF {
                Self.utf8(0x10000 + ((high - 0xD800) << 10) + (u - 0xDC00), emit)
                return
            }
            Self.utf8(0xFFFD, emit)
        }
        if u < 0x80 {
            if u != 0 || !skipNul { emit(UInt8(u)) }
        } else if u >= 0xD800 && u <= 0xDBFF {
            pendingHigh = u
        } else if u >= 0xDC00 && u <= 0xDFFF {
            Self.utf8(0xFFFD, emit)
        } else {
            Self.utf8(u, emit)
        }
    }

    @inlinable @inline(__always)
    static func utf8(_ scalar: UInt32, _ emit: (UInt8) -> Void) {
        if scalar < 0x80 {
            emit(UInt8(scalar))
        } else if scalar < 0x800 {
            emit(UInt8(0xC0 | scalar >> 6))
            emit(UInt8(0x80 | scalar & 0x3F))
        } else if scalar < 0x10000 {
            emit(UInt8(0xE0 | scalar >> 12))
            emit(UInt8(0x80 | (scalar >> 6) & 0x3F))
            emit(UInt8(0x80 | scalar & 0x3F))
        } else {
            emit(UInt8(0xF0 | scalar >> 18))
            emit(UInt8(0x80 | (scalar >> 12) & 0x3F))
            emit(UInt8(0x80 | (scalar >> 6) & 0x3F))
            emit(UInt8(0x80 | scalar & 0x3F))
        }
    }
}

/// Whole UTF-16LE strings, decoded by `UTF16Decoder`.
public enum UTF16LE {
    /// UTF-8 bytes of UTF-16 text (a trailing odd byte or lone high surrogate becomes U+FFFD).
    public static func utf8(_ bytes: UnsafeRawBufferPointer, bigEndian: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 2)
        var d = UTF16Decoder(bigEndian: bigEndian)
        d.decode(bytes) { out.append($0) }
        d.finish { out.append($0) }
        return out
    }

    /// Appends the UTF-8 of UTF-16LE text to `out` (a trailing odd byte or lone high surrogate becomes U+FFFD).
    /// ASCII runs are copied in bulk; the rest goes through `UTF16Decoder`.
    @inlinable
    public static func append(_ bytes: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        var ascii = 0
        while 2 * ascii + 1 < bytes.count, bytes[2 * ascii + 1] == 0, bytes[2 * ascii] != 0, bytes[2 * ascii] < 0x80 {
            ascii += 1
        }
        if ascii > 0 {
            out.appendUninitialized(ascii) { o in
                for i in 0..<ascii { o[i] = bytes[2 * i] }
            }
        }
        guard 2 * ascii < bytes.count else { return }
        var d = UTF16Decoder()
        d.decode(UnsafeRawBufferPointer(rebasing: bytes[(2 * ascii)...])) { out.append($0) }
        d.finish { out.append($0) }
    }

    /// Appends the UTF-8 of UTF-16LE text up to its first NUL unit (or the end).
    @inlinable
    public static func appendUntilNul(_ bytes: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        var end = 0
        while end + 1 < bytes.count, bytes[end] != 0 || bytes[end + 1] != 0 { end += 2 }
        append(UnsafeRawBufferPointer(rebasing: bytes[0..<end]), into: &out)
    }

    public static func string(_ bytes: UnsafeRawBufferPointer, bigEndian: Bool = false) -> String {
        String(decoding: utf8(bytes, bigEndian: bigEndian), as: UTF8.self)
    }

    public static func string(_ bytes: some Collection<UInt8>, bigEndian: Bool = false) -> String {
        Array(bytes).withUnsafeBytes { string($0, bigEndian: bigEndian) }
    }

    /// Decodes up to the first NUL unit (or the end).
    public static func stringUntilNul(_ bytes: UnsafeRawBufferPointer) -> String {
        var end = 0
        while end + 1 < bytes.count, bytes[end] != 0 || bytes[end + 1] != 0 { end += 2 }
        return string(UnsafeRawBufferPointer(rebasing: bytes[0..<end]))
    }

    public static func stringUntilNul(_ bytes: some Collection<UInt8>) -> String {
        Array(bytes).withUnsafeBytes { stringUntilNul($0) }
    }

    /// The UTF-16LE bytes of a string (what Windows hashes and stores).
    public static func encode(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf16.count * 2)
        for u in s.utf16 {
            out.append(UInt8(truncatingIfNeeded: u))
            out.append(UInt8(truncatingIfNeeded: u >> 8))
        }
        return out
    }
}
