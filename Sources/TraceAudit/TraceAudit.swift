@_exported import ProcmonTrace
@_exported import WriterScope

/// The trace audit's entry points: a Procmon log read once and judged for the writers' IDENTIFY windows.
extension Trace {
    /// Reads the log in one pass and returns the report.
    public static func analyze(
        path: String, options: TraceAnalyzer.Options = .init(), progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> TraceReport {
        var analyzer = TraceAnalyzer(options: options)
        let outcome = try read(path: path, into: &analyzer, progress: progress)
        return analyzer.finish(
            file: path, rows: outcome.rows, encoding: outcome.encoding, warnings: outcome.warnings,
            listingsCounted: outcome.listingsCounted)
    }

    /// The events of one IDENTIFY window, in its process, from Enter to Leave (or to what ended it).
    public static func events(path: String, in window: IdentifyWindow, _ body: @escaping (EventView) -> Void) throws {
        try events(
            path: path, pid: window.pid, fromRow: window.enterRow, toRow: window.leaveRow ?? window.endRow ?? Int.max,
            body)
    }
}
