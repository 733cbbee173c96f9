/// What one QueryDirectory row lists, read from its Detail text.
///
/// Procmon writes `Filter: *, 1: ., 2: .., 3: a.dll` on the first call of a listing and `0: x, 1: y` on the
/// calls that continue it; newer versions put `FileInformationClass: …` in one slot, which in continuing
/// calls overwrites a name (so the third name of such a call is lost). Names are counted by their slot
/// numbers, so a lost slot is still counted. Detail is capped at 4,095 characters: a row that reaches the
/// cap may have listed more names than it shows.
public struct DirectoryListing: Equatable, Sendable {
    /// Names listed, `.` and `..` left out, lost slots counted.
    public var names: Int
    /// Slots that showed something other than a name (counted in `names`).
    public var hiddenSlots: Int
    /// The row starts a listing (it carries `Filter:`).
    public var startsListing: Bool
    /// The filter of a listing's first call, e.g. `*`.
    public var filter: String?
    /// Detail reached Procmon's cap, so `names` is a lower bound.
    public var truncated: Bool

    /// Procmon's Detail cap in characters.
    public static let detailCap = 4095

    public init(detail: UnsafeRawBufferPointer) {
        var names = 0
        var hidden = 0
        var lastIndex = -1
        var prefixTokens = 0
        var filter: String? = nil
        let n = detail.count
        var characters = 0
        for b in detail where b & 0xC0 != 0x80 { characters += 1 }
        // Walk token starts: offset 0 and every position after ", ".
        var tokenStart = 0
        while tokenStart < n {
            // Digits then ": " make a numbered slot.
            var j = tokenStart
            var index = 0
            while j < n, detail[j] >= 0x30, detail[j] <= 0x39, j - tokenStart < 9 {
                index = index * 10 + Int(detail[j] - 0x30)
                j += 1
            }
            let numbered =
                j > tokenStart && j + 1 < n && detail[j] == 0x3A && detail[j + 1] == 0x20
                && index > lastIndex
            // The token ends at the next ", " (names may contain ", ", but then no slot number follows).
            var end = numbered ? j + 2 : tokenStart
            var next = n
            while end + 1 < n {
                if detail[end] == 0x2C && detail[end + 1] == 0x20 && Self.slotFollows(detail, at: end + 2) {
                    next = end
                    break
                }
                end += 1
            }
            if numbered {
                let nameStart = j + 2
                let nameLength = next - nameStart
                let isDot = nameLength == 1 && detail[nameStart] == 0x2E
                let isDotDot = nameLength == 2 && detail[nameStart] == 0x2E && detail[nameStart + 1] == 0x2E
                if lastIndex < 0 {
                    hidden += max(0, index - prefixTokens)
                } else {
                    hidden += index - lastIndex - 1
                }
                if !isDot && !isDotDot { names += 1 }
                lastIndex = index
            } else if lastIndex < 0 {
                prefixTokens += 1
                let token = UnsafeRawBufferPointer(rebasing: detail[tokenStart..<next])
                if Bytes.startsWith(token, Self.filterLabel) {
                    filter = Bytes.string(UnsafeRawBufferPointer(rebasing: token[Self.filterLabel.count...]))
                }
            }
            tokenStart = next + 2
        }
        self.names = names + hidden
        self.hiddenSlots = hidden
        self.filter = filter
        self.startsListing = filter != nil
        self.truncated = characters >= Self.detailCap - 1
    }

    private static let filterLabel = Bytes.lowercased("filter: ")

    /// True when `at` begins a token that is a slot (`12: `) or a known label, i.e. a real separator.
    private static func slotFollows(_ d: UnsafeRawBufferPointer, at: Int) -> Bool {
        var j = at
        while j < d.count, d[j] >= 0x30, d[j] <= 0x39 { j += 1 }
        if j > at { return j + 1 < d.count && d[j] == 0x3A && d[j + 1] == 0x20 }
        let rest = UnsafeRawBufferPointer(rebasing: d[at...])
        // A prefix test, never a search of the rest: a Detail of a million separators stays linear.
        return Bytes.startsWith(rest, filterLabel) || Bytes.startsWith(rest, fileInformationClass)
    }

    private static let fileInformationClass = Bytes.lowercased("fileinformationclass: ")
}
