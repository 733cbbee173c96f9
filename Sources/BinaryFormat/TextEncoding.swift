/// The text encodings an export (CSV, icacls, sc.exe, vssadmin, the collector's manifest) arrives in, told
/// apart by the byte order mark (or its absence): the one BOM sniffer.
public enum TextEncoding: String, Sendable, Codable {
    case utf8 = "UTF-8"
    case utf8WithBOM = "UTF-8 with BOM"
    case utf16LE = "UTF-16LE"
    case utf16BE = "UTF-16BE"

    /// Decides the encoding from the first bytes of a file and returns how many bytes of BOM to skip.
    ///
    /// UTF-16 without a BOM is recognised too when the first two characters are ASCII (`"T` or `Ti`),
    /// which is how every CSV header starts.
    public static func detect(_ head: UnsafeRawBufferPointer) -> (TextEncoding, bomLength: Int) {
        let n = head.count
        if n >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { return (.utf8WithBOM, 3) }
        if n >= 2, head[0] == 0xFF, head[1] == 0xFE { return (.utf16LE, 2) }
        if n >= 2, head[0] == 0xFE, head[1] == 0xFF { return (.utf16BE, 2) }
        if n >= 4, head[0] != 0, head[1] == 0, head[2] != 0, head[3] == 0 { return (.utf16LE, 0) }
        if n >= 4, head[0] == 0, head[1] != 0, head[2] == 0, head[3] != 0 { return (.utf16BE, 0) }
        return (.utf8, 0)
    }

    /// `bytes` as text in the encoding `detect` finds, the BOM left out (an odd last byte of UTF-16 dropped).
    public static func decode(_ bytes: [UInt8]) -> String {
        let (encoding, bom) = bytes.withUnsafeBytes { detect($0) }
        let body = bytes.dropFirst(bom)
        switch encoding {
        case .utf8, .utf8WithBOM: return String(decoding: body, as: UTF8.self)
        case .utf16LE, .utf16BE:
            return UTF16LE.string(body.count % 2 == 0 ? body : body.dropLast(), bigEndian: encoding == .utf16BE)
        }
    }
}
