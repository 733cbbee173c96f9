/// Text taken from an input, made safe to quote in a one-line message: control characters and invalid
/// UTF-8 escaped (`\r`, `\n`, `\t`, `\xNN`), and shortened to `limit` characters with an ellipsis.
public enum QuotedText {
    public static func escape(_ bytes: some Collection<UInt8>, limit: Int = 80) -> String {
        let b = Array(bytes)
        var out = ""
        var shown = 0
        var i = 0
        while i < b.count {
            guard shown < limit else { return out + "…" }
            shown += 1
            let lead = b[i]
            // The length of a well-formed UTF-8 sequence starting here, or 0.
            var length = 0
            if lead < 0x80 {
                length = 1
            } else if lead >= 0xC2 && lead <= 0xDF {
                length = 2
            } else if lead >= 0xE0 && lead <= 0xEF {
                length = 3
            } else if lead >= 0xF0 && lead <= 0xF4 {
                length = 4
            }
            if length > 1 {
                if i + length > b.count || !b[(i + 1)..<(i + length)].allSatisfy({ $0 & 0xC0 == 0x80 }) { length = 0 }
            }
            guard length > 0, let s = String(validating: b[i..<(i + length)], as: UTF8.self),
                let scalar = s.unicodeScalars.first
            else {
                out += "\\x" + hex2(lead)
                i += 1
                continue
            }
            i += length
            switch scalar {
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 {
                    out += v < 0x100 ? "\\x" + hex2(UInt8(v)) : "\\u{" + String(v, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    public static func escape(_ text: String, limit: Int = 80) -> String { escape(Array(text.utf8), limit: limit) }

    /// A message as one line: every control character escaped, nothing shortened.
    public static func oneLine(_ message: String) -> String {
        guard hasControlCharacter(message) else { return message }
        return escape(Array(message.utf8), limit: Int.max)
    }

    /// Whether the text holds a control character (which `oneLine` would escape).
    public static func hasControlCharacter(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { b in
            for c in b where c < 0x20 || c == 0x7F { return true }
            return false
        }
    }

    private static func hex2(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(b >> 4)], digits[Int(b & 15)]], as: UTF8.self)
    }
}
