/// Where a virtual disk's block table puts its blocks in the file. Each block has a place of its own: two
/// entries whose places overlap make two parts of the disk read the same bytes, which no tool that writes
/// VHD or VHDX does. Found once at open, from the table alone, and said as a warning naming the entries.
enum BlockPlacement {
    /// Entries (`index`, file offset) of blocks that each take `length` bytes of the file: a line for each
    /// entry whose place overlaps an earlier one's (at most `limit` lines, then a count).
    static func overlaps(
        _ placed: [(index: Int, at: UInt64)], length: UInt64, file: String, tableAt: UInt64,
        entrySize: UInt64, limit: Int = 10
    ) -> [String] {
        let sorted = placed.sorted { ($0.at, $0.index) < ($1.at, $1.index) }
        var lines: [String] = []
        var extra = 0
        var previous: (index: Int, at: UInt64)? = nil
        for p in sorted {
            if let q = previous, p.at < q.at &+ length, q.at &+ length > q.at {
                if lines.count < limit {
                    lines.append(
                        "\(file): byte offset \(tableAt &+ UInt64(p.index) &* entrySize): block table entry \(p.index) maps its block onto the same place in the file as entry \(q.index) (byte \(p.at)); both read as mapped"
                    )
                } else {
                    extra += 1
                }
                continue
            }
            previous = p
        }
        if extra > 0 { lines.append("\(file): \(extra) more block table entries map onto places other entries hold") }
        return lines
    }
}
