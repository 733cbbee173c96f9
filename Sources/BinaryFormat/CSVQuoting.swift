/// The one CSV field quoter, as Procmon and Excel write fields: always quoted, `"` doubled.
public enum CSVQuoting {
    /// Hands the quoted form of `field` to `emit` in pieces (no copy of the field).
    @inlinable
    public static func quote(_ field: UnsafeRawBufferPointer, _ emit: (UnsafeRawBufferPointer) -> Void) {
        withUnsafeBytes(of: UInt8(0x22)) { emit($0) }
        var start = 0
        for i in 0..<field.count where field[i] == 0x22 {
            emit(UnsafeRawBufferPointer(rebasing: field[start...i]))  // through the quote, then one more
            withUnsafeBytes(of: UInt8(0x22)) { emit($0) }
            start = i + 1
        }
        emit(UnsafeRawBufferPointer(rebasing: field[start...]))
        withUnsafeBytes(of: UInt8(0x22)) { emit($0) }
    }

    /// The quoted form of a string.
    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        var text = s
        text.withUTF8 { quote(UnsafeRawBufferPointer($0)) { out.append(contentsOf: $0) } }
        return String(decoding: out, as: UTF8.self)
    }

    /// One CSV line (CRLF-terminated) of quoted fields.
    public static func line(_ fields: [String]) -> String {
        fields.map(quoted).joined(separator: ",") + "\r\n"
    }
}
