import ArgumentParser
import BinaryFormat
import EventLog
import Foundation

/// Reads .evtx event logs natively.
struct EventLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eventlog",
        abstract: "Read Windows event logs (.evtx) natively: every record as Event Viewer's XML.",
        discussion: """
            --all --format xml prints every record (one <Event> per record inside <Events>), in record \
            order; a damaged chunk or record is a warning naming the chunk and byte offset, and the rest \
            is read. (The view judged for the System Writer, without --all, is not written yet.)
            """)

    @Argument(help: "The .evtx files (wevtutil epl Application Application.evtx).")
    var files: [String]

    @Flag(help: "Every record, not only those that bear on the System Writer.")
    var all = false

    @Option(help: "text (default), json; with --all: xml or json (one object per record per line).")
    var format: String?

    @Option(help: "The writer judged (default System Writer).")
    var writer: String = "System Writer"

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one .evtx file") }
        if all {
            guard ["xml", "json"].contains(format ?? "xml") else { throw ValidationError("--all takes --format xml or json") }
        } else {
            guard ["text", "json"].contains(format ?? "text") else { throw ValidationError("--format takes text or json") }
        }
    }

    func run() throws {
        // Every file opened first: a file that is not a log is refused before anything is printed.
        let logs = try files.map { try EventLogFile(path: $0) }
        var out = Output.standardOutput
        guard all else { return try judged(logs, into: &out) }
        let json = format == "json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if !json { out.bytes(EventXML.header) }
        for (path, log) in zip(files, logs) {
            if json {
                log.forEachRecord { record in
                    if let line = try? encoder.encode(Event(file: path, record: record)) {
                        out.bytes(line)
                        out.line()
                    }
                }
            } else {
                log.forEachChunkXML { xml in
                    out.flush()
                    out.write(bytes: xml)
                }
            }
            out.flush()
            if !common.quiet {
                for w in log.warningLines { printError("writer-audit: \(path): warning: \(w)") }
            }
        }
        if !json { out.bytes(EventXML.footer) }
        out.flush()
    }

    /// The events that bear on the writer, oldest first, and the findings they make.
    private func judged(_ logs: [EventLogFile], into out: inout Output) throws {
        struct Report: Encodable {
            struct File: Encodable { var file: String; var records: Int; var chunks: Int; var warnings: [String] }
            var files: [File]
            var events: [Event]
            var findings: [EventFinding]
        }
        var report = Report(files: [], events: [], findings: [])
        for (path, log) in zip(files, logs) {
            log.forEachRecord { record in
                let e = Event(file: path, record: record)
                guard EventJudge.isRelevant(e) else { return }
                report.events.append(e)
                if let f = EventJudge.finding(e, writer: writer) { report.findings.append(f) }
            }
            report.files.append(.init(file: path, records: log.recordsRead, chunks: log.chunksRead, warnings: log.warningLines))
        }
        report.events.sort { ($0.time ?? "", $0.record) < ($1.time ?? "", $1.record) }
        report.findings.sort { ($0.time ?? "", $0.record) < ($1.time ?? "", $1.record) }
        if format == "json" {
            try JSONRendering.write(report, into: &out)
        } else {
            for f in report.files {
                out.line("\(f.file): \(f.records) records in \(f.chunks) chunks")
                for w in f.warnings { out.line("  warning: \(w)") }
            }
            out.line("\(report.events.count) events bear on the \(writer):")
            for e in report.events {
                out.line("  \(e.time ?? "-")  \(e.provider ?? "-") \(e.eventId.map(String.init) ?? "-")  \((e.file as NSString).lastPathComponent) record \(e.record)  \(QuotedText.oneLine(e.data.joined(separator: " | ")).prefix(200))")
            }
            if report.findings.isEmpty {
                out.line("No findings.")
            } else {
                out.line("FINDINGS (\(report.findings.count)):")
                for f in report.findings {
                    out.line("  [\(f.kind.rawValue)] \(QuotedText.oneLine(f.summary))")
                    out.line("      \(f.file) record \(f.record), \(f.time ?? "no time")")
                }
            }
        }
        out.flush()
        if !report.findings.isEmpty { throw ExitCode(1) }
    }
}
