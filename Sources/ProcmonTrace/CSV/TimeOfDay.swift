/// Procmon's Time of Day as the capturing machine's locale wrote it.
enum TimeOfDay {
    /// True for `h:mm:ss` followed by `.` or `,` and 7 digits, with an optional AM/PM (any locale Procmon uses).
    static func looksLikeProcmon(_ text: String) -> Bool {
        let parts = text.split(separator: " ", maxSplits: 1)
        guard let clock = parts.first else { return false }
        if parts.count == 2, !["AM", "PM", "am", "pm"].contains(String(parts[1])) { return false }
        let fields = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 3, (1...2).contains(fields[0].count), fields[0].allSatisfy(\.isASCIIDigit),
            fields[1].count == 2, fields[1].allSatisfy(\.isASCIIDigit)
        else { return false }
        let secondsAndFraction = fields[2]
        guard secondsAndFraction.count == 10 else { return false }
        let chars = Array(secondsAndFraction)
        return chars[0].isASCIIDigit && chars[1].isASCIIDigit && (chars[2] == "." || chars[2] == ",")
            && chars[3...].allSatisfy(\.isASCIIDigit)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
