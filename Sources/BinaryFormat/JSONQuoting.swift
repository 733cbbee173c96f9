/// A JSON string literal for UTF-8 bytes, written once for every JSON writer that streams (events, registry):
/// `"` and `\` escaped, control characters as `\n`, `\r`, `\t` or `\u00XX`.
public enum JSONQuoting {
    public static func quote(_ field: UnsafeRawBufferPointer, _ emit: (UnsafeRawBufferPointer) -> Void) {
        withStatic("\"", emit)
        var start = 0
        for i in 0..<field.count {
            let b = field[i]
            guard b == 0x22 || b == 0x5C || b < 0x20 else { continue }
            emit(UnsafeRawBufferPointer(rebasing: field[start..<i]))
            switch b {
            case 0x22: withStatic("\\\"", emit)
            case 0x5C: withStatic("\\\\", emit)
            case 0x0A: withStatic("\\n", emit)
            case 0x0D: withStatic("\\r", emit)
            case 0x09: withStatic("\\t", emit)
            default: withStatic("\\u00" + Hex.padded(b, width: 2), emit)
            }
            start = i + 1
        }
        emit(UnsafeRawBufferPointer(rebasing: field[start...]))
        withStatic("\"", emit)
    }

    /// Appends the quoted literal of `field` to `out` (the streaming writers' fast path: one copy when
    /// nothing needs escaping).
    public static func append(_ field: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(0x22)
        var start = 0
        for i in 0..<field.count {
            let b = field[i]
            guard b == 0x22 || b == 0x5C || b < 0x20 else { continue }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: field[start..<i]))
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            default: out.append(contentsOf: Array(("\\u00" + Hex.padded(b, width: 2)).utf8))
            }
            start = i + 1
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: field[start...]))
        out.append(0x22)
    }

    /// The quoted literal as a String.
    public static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        var t = text
        t.withUTF8 { quote(UnsafeRawBufferPointer($0)) { out.append(contentsOf: $0) } }
        return String(decoding: out, as: UTF8.self)
    }

    private static func withStatic(_ s: String, _ emit: (UnsafeRawBufferPointer) -> Void) {
        var s = s
        s.withUTF8 { emit(UnsafeRawBufferPointer($0)) }
    }
}
