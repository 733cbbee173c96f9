/// Hexadecimal text for bytes and numbers, written once for every module.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hex of the bytes, two digits each, no separator (`"0a1f"`).
    public static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
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
