import BinaryFormat

/// Substitution values as text, in the forms Event Viewer's XML view and pyevtx-rs write: decimal
/// integers, `0x…` lower-case hex integers, upper-case hex binary, GUIDs in braces, ISO 8601 UTC times to
/// the microsecond, SIDs as S-1-…; arrays (type | 0x80) comma-separated.
///
/// Written as UTF-8 bytes appended to a buffer (the XML renderer's hot path); `render` is the same text
/// as a String.
enum ValueText {
    static func render(_ type: UInt8, _ b: UnsafeRawBufferPointer) -> String {
        var out = ByteWriter(capacity: 64)
        append(type, b, into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    static func append(_ type: UInt8, _ b: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        if type & 0x80 != 0 {
            var first = true
            forEachItem(type & 0x7F, b) { t, item in
                if !first { out.append(0x2C) }
                first = false
                appendItem(t, item, into: &out)
            }
            return
        }
        switch type {
        case 0x00: return
        case 0x01: UTF16LE.appendUntilNul(b, into: &out)
        case 0x02: out.append(String(decoding: b.prefix { $0 != 0 }, as: UTF8.self))
        case 0x03: if b.count >= 1 { decimal(Int64(Int8(bitPattern: b[0])), into: &out) }
        case 0x04: if b.count >= 1 { decimal(UInt64(b[0]), into: &out) }
        case 0x05: if b.count >= 2 { decimal(Int64(Int16(bitPattern: b.le16(0))), into: &out) }
        case 0x06: if b.count >= 2 { decimal(UInt64(b.le16(0)), into: &out) }
        case 0x07: if b.count >= 4 { decimal(Int64(Int32(bitPattern: b.le32(0))), into: &out) }
        case 0x08: if b.count >= 4 { decimal(UInt64(b.le32(0)), into: &out) }
        case 0x09: if b.count >= 8 { decimal(Int64(bitPattern: b.le64(0)), into: &out) }
        case 0x0A: if b.count >= 8 { decimal(b.le64(0), into: &out) }
        case 0x0B: if b.count >= 4 { out.append(String(Float(bitPattern: b.le32(0)))) }
        case 0x0C: if b.count >= 8 { out.append(String(Double(bitPattern: b.le64(0)))) }
        // A boolean other than 0 or 1 is printed as its number, as pyevtx-rs and dissect print it.
        case 0x0D:
            if b.count >= 4 {
                let v = b.le32(0)
                if v <= 1 { out.append(v == 1 ? "true" : "false") } else { decimal(UInt64(v), into: &out) }
            }
        case 0x0F: GUIDText.append(b, into: &out)
        // SizeT in hex, as Windows prints it (a 4624's ProcessId `0x24c`).
        case 0x10:
            if b.count >= 8 {
                hexNumber(b.le64(0), into: &out)
            } else if b.count >= 4 {
                hexNumber(UInt64(b.le32(0)), into: &out)
            }
        case 0x11: if b.count >= 8 { isoTime(filetime: b.le64(0), into: &out) }
        case 0x12: if b.count >= 16 { isoTime(systemtime: b, into: &out) }
        case 0x13: sid(b, into: &out)
        case 0x14: if b.count >= 4 { hexNumber(UInt64(b.le32(0)), into: &out) }
        case 0x15: if b.count >= 8 { hexNumber(b.le64(0), into: &out) }
        default: Hex.append(b, to: &out, uppercase: true)  // 0x0E binary, and types this reader does not know
        }
    }

    /// One item of an array: a string item is the whole UTF-16 run between NULs (an odd byte at the end is
    /// U+FFFD), a fixed-width item is rendered as a lone value of its type.
    static func appendItem(_ type: UInt8, _ item: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        if type == 0x01 {
            UTF16LE.append(item, into: &out)
        } else {
            append(type, item, into: &out)
        }
    }

    /// The items of an array value of `type` (without the 0x80 flag): strings split at NUL units, other
    /// types in their fixed width (a partial item at the end is dropped); a type of no known width is one
    /// item of binary.
    static func forEachItem(_ type: UInt8, _ b: UnsafeRawBufferPointer, _ body: (UInt8, UnsafeRawBufferPointer) -> Void)
    {
        if type == 0x01 {
            var start = 0
            var i = 0
            while i + 1 < b.count {
                if b[i] == 0 && b[i + 1] == 0 {
                    body(0x01, UnsafeRawBufferPointer(rebasing: b[start..<i]))
                    start = i + 2
                }
                i += 2
            }
            if start < b.count { body(0x01, UnsafeRawBufferPointer(rebasing: b[start...])) }
            return
        }
        let width: Int
        switch type {
        case 0x03, 0x04: width = 1
        case 0x05, 0x06: width = 2
        case 0x07, 0x08, 0x0B, 0x0D, 0x14: width = 4
        case 0x09, 0x0A, 0x0C, 0x11, 0x15, 0x10: width = 8
        case 0x0F, 0x12: width = 16
        default:
            body(0x0E, b)
            return
        }
        var at = 0
        while at + width <= b.count {
            body(type, UnsafeRawBufferPointer(rebasing: b[at..<(at + width)]))
            at += width
        }
    }

    /// How many items `forEachItem` gives.
    static func itemCount(_ type: UInt8, _ b: UnsafeRawBufferPointer) -> Int {
        var n = 0
        forEachItem(type, b) { _, _ in n += 1 }
        return n
    }

    /// The items of an array value, each as text.
    static func items(_ type: UInt8, _ b: UnsafeRawBufferPointer) -> [String] {
        var parts: [String] = []
        forEachItem(type, b) { t, item in
            var out = ByteWriter(capacity: 64)
            appendItem(t, item, into: &out)
            parts.append(String(decoding: out.bytes, as: UTF8.self))
        }
        return parts
    }

    // MARK: numbers and times as bytes

    /// Decimal digits, zero-padded in front to `width` characters (as `String(v).leftPadded(width)`).
    static func decimal(_ v: Int64, width: Int = 0, into out: inout ByteWriter) {
        if v < 0 {
            let magnitude = v.magnitude
            let length = digitCount(magnitude) + 1
            for _ in 0..<max(0, width - length) { out.append(0x30) }
            out.append(0x2D)
            decimal(magnitude, into: &out)
        } else {
            decimal(UInt64(v), width: width, into: &out)
        }
    }

    static func decimal(_ v: UInt64, width: Int = 0, into out: inout ByteWriter) {
        let n = digitCount(v)
        for _ in 0..<max(0, width - n) { out.append(0x30) }
        out.appendUninitialized(n) { p in
            var rest = v
            var i = n - 1
            repeat {
                p[i] = 0x30 + UInt8(rest % 10)
                rest /= 10
                i -= 1
            } while i >= 0
        }
    }

    @inline(__always) static func digitCount(_ v: UInt64) -> Int {
        var n = 1
        var rest = v
        while rest >= 10 {
            rest /= 10
            n += 1
        }
        return n
    }

    static func hexNumber(_ v: UInt64, into out: inout ByteWriter) {
        out.append(0x30)
        out.append(0x78)
        var shift = 60
        while shift > 0 && (v >> UInt64(shift)) & 0xF == 0 { shift -= 4 }
        while shift >= 0 {
            let d = UInt8((v >> UInt64(shift)) & 0xF)
            out.append(d < 10 ? 0x30 + d : 0x57 + d)
            shift -= 4
        }
    }

    static func sid(_ b: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        guard let s = SIDBytes.read(b) else { return }
        out.append(0x53)  // S
        out.append(0x2D)
        decimal(UInt64(s.revision), into: &out)
        out.append(0x2D)
        decimal(s.authority, into: &out)
        for sub in s.subAuthorities {
            out.append(0x2D)
            decimal(UInt64(sub), into: &out)
        }
    }

    /// `2017-07-12T17:16:28.214161Z`: microseconds, as pyevtx-rs writes them.
    static func isoTime(filetime raw: UInt64, into out: inout ByteWriter) {
        let micro = raw / 10
        let seconds = Int64(micro / 1_000_000) - 11_644_473_600
        iso(seconds: seconds, micro: Int(micro % 1_000_000), into: &out)
    }

    static func isoTime(systemtime b: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        let (y, m, d) = (Int(b.le16(0)), Int(b.le16(2)), Int(b.le16(6)))
        let (h, mi, s, ms) = (Int(b.le16(8)), Int(b.le16(10)), Int(b.le16(12)), Int(b.le16(14)))
        format(y, m, d, h, mi, s, ms * 1000, into: &out)
    }

    static func iso(seconds: Int64, micro: Int, into out: inout ByteWriter) {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let rest = Int(seconds - Int64(days) * 86_400)
        let (year, m, d) = CivilDate.fromDays(since1970: Int64(days))
        let y = Int(year)
        format(y, m, d, rest / 3600, rest / 60 % 60, rest % 60, micro, into: &out)
    }

    static func format(
        _ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, _ micro: Int, into out: inout ByteWriter
    ) {
        decimal(Int64(y), width: 4, into: &out)
        out.append(0x2D)
        decimal(Int64(m), width: 2, into: &out)
        out.append(0x2D)
        decimal(Int64(d), width: 2, into: &out)
        out.append(0x54)  // T
        decimal(Int64(h), width: 2, into: &out)
        out.append(0x3A)
        decimal(Int64(mi), width: 2, into: &out)
        out.append(0x3A)
        decimal(Int64(s), width: 2, into: &out)
        out.append(0x2E)
        decimal(Int64(micro), width: 6, into: &out)
        out.append(0x5A)  // Z
    }
}
