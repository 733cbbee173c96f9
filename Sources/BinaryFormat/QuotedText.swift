/// Text taken from an input, made safe to quote in a one-line message: control characters and invalid
/// UTF-8 escaped (`\r`, `\n`, `\t`, `\xNN`), and shortened to `limit` characters with an ellipsis.
public enum QuotedText {
    public static func escape(_ bytes: some Collection<UInt8>, limit: Int = 80) -> String {
        var out = ""
        var shown = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        loop: while shown < limit {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s):
                switch s {
                case "\r": out += "\\r"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\\": out += "\\\\"
                default:
                    if s.value < 0x20 || s.value == 0x7F || (0x80...0x9F).contains(s.value) || s == "\u{2028}"
                        || s == "\u{2029}"
                    {
                        out += s.value < 0x100 ? "\\x" + hex2(UInt8(s.value)) : "\\u{" + String(s.value, radix: 16) + "}"
                    } else {
                        out.unicodeScalars.append(s)
                    }
                }
                shown += 1
            case .emptyInput: return out
            case .error:
                out += "\\x??"
                shown += 1
            }
        }
        return iterator.next() == nil ? out : out + "…"
    }

    public static func escape(_ text: String, limit: Int = 80) -> String { escape(Array(text.utf8), limit: limit) }

    /// A message as one line: every control character escaped, nothing shortened.
    public static func oneLine(_ message: String) -> String {
        guard message.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return message }
        return escape(Array(message.utf8), limit: Int.max)
    }

    private static func hex2(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(b >> 4)], digits[Int(b & 15)]], as: UTF8.self)
    }
}
