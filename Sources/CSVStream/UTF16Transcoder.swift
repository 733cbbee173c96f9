/// Streams UTF-16 (either byte order) into UTF-8, chunk by chunk.
///
/// A code unit or a surrogate pair may be split across two reads; the transcoder keeps the odd byte and a
/// pending high surrogate between calls. Unpaired surrogates become U+FFFD, as Windows tools display them.
struct UTF16Transcoder {
    let bigEndian: Bool
    private var pendingByte: UInt8? = nil
    private var pendingHigh: UInt16? = nil

    init(bigEndian: Bool) { self.bigEndian = bigEndian }

    /// The most UTF-8 bytes `transcode` can write for `inputCount` bytes of input.
    static func outputCapacity(forInput inputCount: Int) -> Int { (inputCount / 2 + 2) * 3 + 4 }

    /// Transcodes `input` into `output` (which must hold `outputCapacity(forInput:)` bytes); returns bytes written.
    mutating func transcode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer) -> Int {
        var out = 0
        var i = 0
        let n = input.count
        @inline(__always) func put(_ b: UInt8) {
            output.storeBytes(of: b, toByteOffset: out, as: UInt8.self)
            out += 1
        }
        @inline(__always) func emit(_ scalar: UInt32) {
            switch scalar {
            case 0..<0x80:
                put(UInt8(scalar))
            case 0x80..<0x800:
                put(UInt8(0xC0 | (scalar >> 6)))
                put(UInt8(0x80 | (scalar & 0x3F)))
            case 0x800..<0x10000:
                put(UInt8(0xE0 | (scalar >> 12)))
                put(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                put(UInt8(0x80 | (scalar & 0x3F)))
            default:
                put(UInt8(0xF0 | (scalar >> 18)))
                put(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
                put(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                put(UInt8(0x80 | (scalar & 0x3F)))
            }
        }
        @inline(__always) func unit(_ a: UInt8, _ b: UInt8) {
            let u = bigEndian ? (UInt16(a) << 8 | UInt16(b)) : (UInt16(b) << 8 | UInt16(a))
            if let high = pendingHigh {
                pendingHigh = nil
                if (0xDC00...0xDFFF).contains(u) {
                    emit(0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(u) - 0xDC00))
                    return
                }
                emit(0xFFFD)
            }
            if (0xD800...0xDBFF).contains(u) {
                pendingHigh = u
            } else if (0xDC00...0xDFFF).contains(u) {
                emit(0xFFFD)
            } else {
                emit(UInt32(u))
            }
        }
        if let first = pendingByte, n > 0 {
            pendingByte = nil
            unit(first, input[0])
            i = 1
        }
        while i + 1 < n {
            unit(input[i], input[i + 1])
            i += 2
        }
        if i < n { pendingByte = input[i] }
        return out
    }

    /// Flushes what is left at the end of the input: a lone byte or high surrogate becomes U+FFFD.
    mutating func finish(into output: UnsafeMutableRawPointer) -> Int {
        guard pendingByte != nil || pendingHigh != nil else { return 0 }
        pendingByte = nil
        pendingHigh = nil
        output.storeBytes(of: 0xEF, toByteOffset: 0, as: UInt8.self)
        output.storeBytes(of: 0xBF, toByteOffset: 1, as: UInt8.self)
        output.storeBytes(of: 0xBD, toByteOffset: 2, as: UInt8.self)
        return 3
    }
}
