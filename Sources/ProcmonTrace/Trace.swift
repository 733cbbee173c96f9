@_exported import WriterScope

/// Entry points of ProcmonTrace: analyse a Procmon log, or replay the events of one window.
public enum Trace {
    /// Reads the log in one pass and returns the report.
    public static func analyze(
        path: String, options: TraceAnalyzer.Options = .init(), progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> TraceReport {
        if case .pml(let version, let is64Bit) = LogFormat.detect(path: path) {
            throw TraceError(
                .notAnExport,
                "\(path): byte offset 0: a native Procmon log (PML version \(version), \(is64Bit ? "64" : "32")-bit); this version of writer-audit reads CSV exports only: open it in Procmon and use File > Save > All events > CSV"
            )
        }
        var analyzer = TraceAnalyzer(options: options)
        let reader = ProcmonCSVReader(path: path)
        let outcome = try reader.read(into: &analyzer, progress: progress)
        return analyzer.finish(
            file: path, rows: outcome.rows, encoding: outcome.encoding.rawValue, warnings: outcome.warnings,
            listingsCounted: outcome.hasDetail)
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
        _ = try ProcmonCSVReader(path: path).read(into: &filter)
    }
}
