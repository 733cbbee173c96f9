import BinaryFormat

/// A growable byte buffer for the text of one event (path, detail): reused across events, so decoding
/// allocates nothing per event.
final class TextScratch {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    var count = 0
    /// Text beyond this many bytes is cut (Procmon caps Detail at 4,095 characters too).
    let limit: Int

    init(capacity: Int, limit: Int) {
        self.capacity = capacity
        self.limit = limit
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    func reset() { count = 0 }

    /// Cuts the text after `characters` characters (Procmon's Detail cap is 4,095).
    func truncate(toCharacters characters: Int) {
        guard count > characters else { return }
        var seen = 0
        for i in 0..<count where base.load(fromByteOffset: i, as: UInt8.self) & 0xC0 != 0x80 {
            if seen == characters {
                count = i
                return
            }
            seen += 1
        }
    }

    @inline(__always)
    private func reserve(_ n: Int) -> Bool {
        if count + n <= capacity { return true }
        guard count + n <= limit else { return false }
        var c = capacity
        while c < count + n { c *= 2 }
        c = min(c, limit)
        let b = UnsafeMutableRawPointer.allocate(byteCount: c, alignment: 8)
        b.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = b
        capacity = c
        return true
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        if reserve(1) {
            base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
            count += 1
        }
    }

    func append(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        guard reserve(n) else { return }
        (base + count).copyMemory(from: s.utf8Start, byteCount: n)
        count += n
    }

    func append(_ s: String) {
        var s = s
        s.withUTF8 { u in append(UnsafeRawBufferPointer(u)) }
    }

    func append(_ b: UnsafeRawBufferPointer) {
        let n = b.count
        guard n > 0 else { return }
        guard reserve(n) else { return }
        (base + count).copyMemory(from: b.baseAddress!, byteCount: n)
        count += n
    }

    func append(decimal v: Int64) {
        if v < 0 { append(UInt8(ascii: "-")) }
        append(unsigned: v.magnitude, grouped: false)
    }

    /// Decimal digits, with `,` between thousands when `grouped` (Procmon's Detail numbers, en-US).
    func append(unsigned v: UInt64, grouped: Bool) {
        var digits = 1
        var x = v / 10
        while x > 0 {
            digits += 1
            x /= 10
        }
        let width = digits + (grouped ? (digits - 1) / 3 : 0)
        guard reserve(width) else { return }
        var at = count + width - 1
        x = v
        var written = 0
        repeat {
            if grouped && written > 0 && written % 3 == 0 {
                base.storeBytes(of: UInt8(ascii: ","), toByteOffset: at, as: UInt8.self)
                at -= 1
            }
            base.storeBytes(of: UInt8(truncatingIfNeeded: x % 10) + 0x30, toByteOffset: at, as: UInt8.self)
            at -= 1
            written += 1
            x /= 10
        } while x > 0
        count += width
    }

    func append(hex v: UInt64) {
        append("0x")
        append(String(v, radix: 16))
    }

    /// Bytes as upper-case hex pairs, `separator` between them (none when nil): `7C8B93`, `00 C4 FF`.
    func append(upperHex bytes: UnsafeRawBufferPointer, separator: UInt8? = nil) {
        let digits: StaticString = "0123456789ABCDEF"
        for (i, b) in bytes.enumerated() {
            if i > 0, let separator { append(separator) }
            append(digits.utf8Start[Int(b >> 4)])
            append(digits.utf8Start[Int(b & 15)])
        }
    }

    /// Two digits, zero-padded.
    func append(twoDigits v: Int) {
        append(UInt8(v / 10) + 0x30)
        append(UInt8(v % 10) + 0x30)
    }

    /// A Procmon duration in 100-ns units as seconds with seven decimals: `0.0156001`.
    func append(duration ticks: UInt64) {
        append(unsigned: ticks / 10_000_000, grouped: false)
        append(UInt8(ascii: "."))
        var frac = ticks % 10_000_000
        var div: UInt64 = 1_000_000
        for _ in 0..<7 {
            append(UInt8(truncatingIfNeeded: frac / div) + 0x30)
            frac %= div
            div /= 10
        }
    }

    /// A detail string stored as UTF-16LE or (when `ascii`) one byte per character, as UTF-8.
    func append(stored s: UnsafeRawBufferPointer, ascii: Bool) {
        if ascii {
            for b in s { append(b < 0x80 ? b : UInt8(ascii: "?")) }
            return
        }
        var decoder = UTF16Decoder()
        decoder.decode(s, skipNul: true) { append($0) }
    }
}

extension TextScratch {
    /// A FILETIME (100 ns since 1601-01-01 UTC, signed: Procmon prints -1 as the tick before 1601) as en-US
    /// date and time in UTC: `10/12/2020 5:48:57 PM`.
    func append(dateTime filetime: Int64) {
        let ticksPerDay: Int64 = 864_000_000_000
        var days = filetime / ticksPerDay
        var rest = filetime % ticksPerDay
        if rest < 0 {
            rest += ticksPerDay
            days -= 1
        }
        let (year, month, day) = CivilDate.fromDays(since1970: days - CivilDate.filetimeEpochDays)
        let seconds = rest / 10_000_000
        let hour = Int(seconds / 3600)
        append(unsigned: UInt64(month), grouped: false)
        append(UInt8(ascii: "/"))
        append(unsigned: UInt64(day), grouped: false)
        append(UInt8(ascii: "/"))
        append(decimal: year)
        append(UInt8(ascii: " "))
        append(unsigned: UInt64(hour % 12 == 0 ? 12 : hour % 12), grouped: false)
        append(UInt8(ascii: ":"))
        append(twoDigits: Int(seconds / 60 % 60))
        append(UInt8(ascii: ":"))
        append(twoDigits: Int(seconds % 60))
        append(hour < 12 ? " AM" : " PM")
    }

    /// A signed number with `,` between thousands.
    func append(signedGrouped v: Int64) {
        if v < 0 { append(UInt8(ascii: "-")) }
        append(unsigned: v.magnitude, grouped: true)
    }
}
