import ArgumentParser
import BinaryFormat
import TraceAudit

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Write the events of a Procmon log (PML or CSV) as Procmon's own CSV export does.",
        discussion: """
            Turns a native PML log into the CSV Procmon would export (UTF-8 BOM, CRLF, every field quoted), \
            so it can be read on Linux by any tool. The default columns are Procmon's 7 (\(EventColumn.defaults.map(\.rawValue).joined(separator: ", "))). \
            Times are UTC (or the clock --utc-offset gives) and numbers and dates en-US: a PML log does not record \
            the capturing machine's time zone or locale. Detail is decoded as Procmon prints it for file-system (CreateFile, reads and writes, \
            CreateFileMapping, the query and set information classes, volume information, controls, security), \
            registry, process, thread, image, profiling and network events.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    @Argument(help: "A Procmon log: native PML (versions 7 and 9) or a CSV export.")
    var log: String

    @Option(
        help: ArgumentHelp(
            "Comma-separated column names, in order.",
            discussion: "Known: \(EventColumn.allCases.map(\.rawValue).joined(separator: ", ")).")
    )
    var columns: String?

    @Option(help: "csv (default, as Procmon exports) or json (one object per line).")
    var format: Format = .csv

    @Option(help: "Only events of this process ID.")
    var pid: Int?

    @Option(
        name: .customLong("utc-offset"),
        help: ArgumentHelp(
            "The capturing machine's offset from UTC (+2, -5, +5:30): times in that clock, as Procmon printed them there.",
            discussion: "A PML does not record its time zone: without it, Time of Day and the dates in Detail are UTC.")
    )
    var utcOffset: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        let chosen: [EventColumn]
        if let columns {
            chosen = try columns.split(separator: ",").map { name in
                let trimmed = String(name).trimmingSpaces()
                guard let c = EventColumn.named(trimmed) else {
                    throw ValidationError(
                        "unknown column \"\(trimmed)\"; known: \(EventColumn.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                return c
            }
            guard !chosen.isEmpty else { throw ValidationError("--columns names no column") }
        } else {
            chosen = EventColumn.defaults
        }
        let progress = ProgressBar(label: "events", enabled: !common.noProgress && !common.quiet)
        var writer = EventWriter(out: .standardOutput, columns: chosen, json: format == .json, pid: pid)
        if format == .csv { writer.header() }
        defer { progress.finish() }
        let context = writer.context
        let warnings = try ProcmonLog.events(
            path: log, into: &writer, progress: progress.callback, utcOffsetMinutes: try offsetMinutes(),
            processes: { context.processes = $0 }
        ) { position, eventClass, duration, filetime in
            context.process = position
            context.eventClass = eventClass
            context.duration = duration
            context.filetime = filetime
        }
        writer.out.flush()
        progress.finish()
        if !common.quiet {
            for w in warnings { printError("writer-audit: warning: \(QuotedText.oneLine(w))") }
        }
    }
}

extension EventsCommand {
    /// `--utc-offset` in minutes: `+2`, `-5`, `+5:30`, `-03:30`; at most 14 hours either way.
    func offsetMinutes() throws -> Int {
        guard let text = utcOffset else { return 0 }
        let negative = text.hasPrefix("-")
        let body = text.drop { $0 == "+" || $0 == "-" }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        guard !body.isEmpty, parts.count <= 2, let hours = Int(parts[0]), hours >= 0,
            let minutes = parts.count == 2 ? Int(parts[1]) : 0, (0..<60).contains(minutes),
            hours * 60 + minutes <= 14 * 60
        else {
            throw ValidationError("--utc-offset \(text): give hours and minutes from UTC, like +2, -5 or +5:30")
        }
        return (negative ? -1 : 1) * (hours * 60 + minutes)
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
