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

    /// Days from 1601-01-01 (the FILETIME epoch) to 1970-01-01.
    public static let filetimeEpochDays: Int64 = 134_774
}
