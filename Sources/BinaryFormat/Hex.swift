/// Hexadecimal text for bytes and numbers, written once for every module.
public enum Hex {
    @usableFromInline static let digits: [UInt8] = Array("0123456789abcdef".utf8)
    @usableFromInline static let upperDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Lowercase hex of the bytes, two digits each, no separator (`"0a1f"`).
    public static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (i, b) in bytes.enumerated() {
                out[2 * i] = digits[Int(b >> 4)]
                out[2 * i + 1] = digits[Int(b & 0xF)]
            }
            return bytes.count * 2
        }
    }

    public static func string(_ bytes: [UInt8]) -> String { bytes.withUnsafeBytes { string($0) } }

    public static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 { string(Array(bytes)) }

    /// Appends the hex of `bytes` to `out`.
    public static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8], uppercase: Bool = false) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: bytes.count * 2))
        (uppercase ? upperDigits : digits).withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in
                guard var p = o.baseAddress?.advanced(by: start) else { return }
                for b in bytes {
                    p[0] = d[Int(b >> 4)]
                    p[1] = d[Int(b & 0xF)]
                    p += 2
                }
            }
        }
    }

    /// Appends the hex of `bytes` to `out`.
    public static func append(_ bytes: UnsafeRawBufferPointer, to out: inout ByteWriter, uppercase: Bool = false) {
        (uppercase ? upperDigits : digits).withUnsafeBufferPointer { d in
            out.appendUninitialized(bytes.count * 2) { p in
                var p = p
                for b in bytes {
                    p[0] = d[Int(b >> 4)]
                    p[1] = d[Int(b & 0xF)]
                    p += 2
                }
            }
        }
    }

    /// `value` in hex, padded with zeros to `width` digits.
    public static func padded<T: BinaryInteger>(_ value: T, width: Int, uppercase: Bool = false) -> String {
        String(value, radix: 16, uppercase: uppercase).leftPadded(width)
    }
}

extension String {
    /// The string with zeros in front up to `width` characters.
    public func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
