/// Entry points of ProcmonTrace: read a Procmon log (CSV export or native PML), or replay its events.
public enum Trace {
    /// What reading a log produced besides the events, whichever its format.
    public struct ReadOutcome: Sendable {
        public var rows = 0
        /// `csv` or `pml`.
        public var format = "csv"
        /// The CSV's text encoding, or `PML v9 (64-bit)`.
        public var encoding = ""
        public var warnings: [String] = []
        /// Folder listings can be counted (a CSV without Detail cannot).
        public var listingsCounted = true
    }

    /// Streams every event of the log at `path` into `sink`; the reader is chosen by content (`PML_`).
    public static func read<S: EventSink>(
        path: String, into sink: inout S, progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> ReadOutcome {
        if case .pml = LogFormat.detect(path: path) {
            let o = try ProcmonPMLReader(path: path).read(into: &sink, progress: progress)
            return ReadOutcome(
                rows: o.rows, format: "pml", encoding: "PML v\(o.version) (\(o.is64Bit ? 64 : 32)-bit)",
                warnings: o.warnings, listingsCounted: true)
        }
        let o = try ProcmonCSVReader(path: path).read(into: &sink, progress: progress)
        return ReadOutcome(
            rows: o.rows, format: "csv", encoding: o.encoding.rawValue, warnings: o.warnings,
            listingsCounted: o.hasDetail)
    }

    /// Streams again and hands every event of `pid` from `fromRow` to `toRow` (inclusive) to `body`.
    public static func events(
        path: String, pid: Int, fromRow: Int, toRow: Int, _ body: @escaping (EventView) -> Void
    ) throws {
        struct Filter: EventSink {
            let pid: Int
            let range: ClosedRange<Int>
            let body: (EventView) -> Void
            mutating func event(_ e: EventView) {
                if e.pid == pid && range.contains(e.row) { body(e) }
            }
        }
        var filter = Filter(pid: pid, range: fromRow...max(fromRow, toRow), body: body)
        _ = try read(path: path, into: &filter)
    }
}
