/// A day count as a proleptic Gregorian date (Howard Hinnant's days-from-civil inverse), for the readers
/// that print FILETIMEs and Unix times: one algorithm for every format.
public enum CivilDate {
    /// Days since 1970-01-01 (negative before it) → year, month (1-12), day (1-31).
    public static func fromDays(since1970 days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468  // 1970-01-01 is day 719,468 after 0000-03-01
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), Int(month), Int(day))
    }

    /// Year, month (1-12), day (1-31) → days since 1970-01-01 (the inverse of `fromDays`).
    public static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `2026-11-30T02:00:00[.fraction][Z|+hh:mm]` (as PowerShell's `ToString('o')` writes a UTC time) →
    /// seconds since 1970 UTC; nil when it is not that shape.
    public static func unixSeconds(iso8601 text: some StringProtocol) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 19, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A
        else {
            return nil
        }
        func number(_ from: Int, _ count: Int) -> Int64? {
            var v: Int64 = 0
            for c in b[from..<(from + count)] {
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            return v
        }
        guard let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2), let h = number(11, 2),
            let mi = number(14, 2), let s = number(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60,
            s < 61
        else { return nil }
        var seconds = days(year: y, month: Int(mo), day: Int(d)) * 86400 + h * 3600 + mi * 60 + s
        // An offset after the fraction: +hh:mm or -hh:mm is local time; Z or none is UTC.
        var i = 19
        if i < b.count, b[i] == 0x2E { i += 1; while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 } }
        if i + 6 <= b.count, b[i] == 0x2B || b[i] == 0x2D, b[i + 3] == 0x3A, let oh = number(i + 1, 2),
            let om = number(i + 4, 2)
        {
            seconds -= (b[i] == 0x2B ? 1 : -1) * (oh * 3600 + om * 60)
        }
        return seconds
    }

    /// Days from 1601-01-01 (the FILETIME epoch) to 1970-01-01.
    public static let filetimeEpochDays: Int64 = 134_774
}
