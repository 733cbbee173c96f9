import BinaryFormat

/// Substitution values as text, in the forms Event Viewer's XML view and pyevtx-rs write: decimal
/// integers, `0x…` lower-case hex integers, upper-case hex binary, GUIDs in braces, ISO 8601 UTC times to
/// the microsecond, SIDs as S-1-…; arrays (type | 0x80) comma-separated.
enum ValueText {
    static func render(_ type: UInt8, _ b: UnsafeRawBufferPointer) -> String {
        if type & 0x80 != 0 { return array(type & 0x7F, b) }
        switch type {
        case 0x00: return ""
        case 0x01: return UTF16LE.stringUntilNul(b)
        case 0x02: return String(decoding: b.prefix { $0 != 0 }, as: UTF8.self)
        case 0x03: return b.count >= 1 ? String(Int8(bitPattern: b[0])) : ""
        case 0x04: return b.count >= 1 ? String(b[0]) : ""
        case 0x05: return b.count >= 2 ? String(Int16(bitPattern: b.le16(0))) : ""
        case 0x06: return b.count >= 2 ? String(b.le16(0)) : ""
        case 0x07: return b.count >= 4 ? String(Int32(bitPattern: b.le32(0))) : ""
        case 0x08: return b.count >= 4 ? String(b.le32(0)) : ""
        case 0x09: return b.count >= 8 ? String(Int64(bitPattern: b.le64(0))) : ""
        case 0x0A: return b.count >= 8 ? String(b.le64(0)) : ""
        case 0x0B: return b.count >= 4 ? String(Float(bitPattern: b.le32(0))) : ""
        case 0x0C: return b.count >= 8 ? String(Double(bitPattern: b.le64(0))) : ""
        case 0x0D: return b.count >= 4 ? (b.le32(0) != 0 ? "true" : "false") : ""
        case 0x0E: return Hex.string(b).uppercased()
        case 0x0F: return b.count >= 16 ? GUIDText.format(UnsafeRawBufferPointer(rebasing: b[0..<16])) : ""
        case 0x10: return b.count >= 8 ? String(b.le64(0)) : b.count >= 4 ? String(b.le32(0)) : ""
        case 0x11: return b.count >= 8 ? isoTime(filetime: b.le64(0)) : ""
        case 0x12: return b.count >= 16 ? isoTime(systemtime: b) : ""
        case 0x13: return sid(b)
        case 0x14: return b.count >= 4 ? "0x" + String(b.le32(0), radix: 16) : ""
        case 0x15: return b.count >= 8 ? "0x" + String(b.le64(0), radix: 16) : ""
        default: return Hex.string(b).uppercased()
        }
    }

    static func array(_ type: UInt8, _ b: UnsafeRawBufferPointer) -> String {
        items(type, b).joined(separator: ",")
    }

    /// The items of an array value, each as text.
    static func items(_ type: UInt8, _ b: UnsafeRawBufferPointer) -> [String] {
        switch type {
        case 0x01:
            var parts: [String] = []
            var start = 0
            var i = 0
            while i + 1 < b.count {
                if b[i] == 0 && b[i + 1] == 0 {
                    parts.append(UTF16LE.string(UnsafeRawBufferPointer(rebasing: b[start..<i])))
                    start = i + 2
                }
                i += 2
            }
            if start < b.count { parts.append(UTF16LE.string(UnsafeRawBufferPointer(rebasing: b[start...]))) }
            return parts
        default:
            let width: Int
            switch type {
            case 0x03, 0x04: width = 1
            case 0x05, 0x06: width = 2
            case 0x07, 0x08, 0x0B, 0x0D, 0x14: width = 4
            case 0x09, 0x0A, 0x0C, 0x11, 0x15, 0x10: width = 8
            case 0x0F, 0x12: width = 16
            default: return [Hex.string(b).uppercased()]
            }
            return stride(from: 0, to: b.count - b.count % width, by: width).map {
                render(type, UnsafeRawBufferPointer(rebasing: b[$0..<($0 + width)]))
            }
        }
    }

    static func sid(_ b: UnsafeRawBufferPointer) -> String {
        guard b.count >= 8 else { return "" }
        let count = Int(b[1])
        guard b.count >= 8 + 4 * count else { return "" }
        var authority: UInt64 = 0
        for i in 2..<8 { authority = authority << 8 | UInt64(b[i]) }
        var s = "S-\(b[0])-\(authority)"
        for i in 0..<count { s += "-\(b.le32(8 + 4 * i))" }
        return s
    }

    /// `2017-07-12T17:16:28.214161Z`: microseconds, as pyevtx-rs writes them.
    static func isoTime(filetime raw: UInt64) -> String {
        let micro = raw / 10
        let seconds = Int64(micro / 1_000_000) - 11_644_473_600
        return iso(seconds: seconds, micro: Int(micro % 1_000_000))
    }

    static func isoTime(systemtime b: UnsafeRawBufferPointer) -> String {
        let (y, m, d) = (Int(b.le16(0)), Int(b.le16(2)), Int(b.le16(6)))
        let (h, mi, s, ms) = (Int(b.le16(8)), Int(b.le16(10)), Int(b.le16(12)), Int(b.le16(14)))
        return format(y, m, d, h, mi, s, ms * 1000)
    }

    static func iso(seconds: Int64, micro: Int) -> String {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let rest = Int(seconds - Int64(days) * 86_400)
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return format(y, m, d, rest / 3600, rest / 60 % 60, rest % 60, micro)
    }

    static func format(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, _ micro: Int) -> String {
        func pad(_ v: Int, _ n: Int) -> String { String(v).leftPadded(n) }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(s, 2)).\(pad(micro, 6))Z"
    }
}
