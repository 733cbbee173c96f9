import ArgumentParser
import BinaryFormat
import EventLogAudit
import Foundation

/// Reads .evtx event logs natively.
struct EventLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eventlog",
        abstract: "Read Windows event logs (.evtx) natively: the events that explain a missing System Writer.",
        discussion: """
            Without --all: the events that bear on the writer (VSS errors, CAPI2 513, the Service Control \
            Manager on the writer's services), oldest first, and the findings they make: metadata-too-long, \
            writer-failed, service-access, file-access, service-not-running. Exit 1 when there are findings. \
            --all --format xml prints every record (one <Event> per record inside <Events>), in record \
            order; --all --format json one object per record per line. A damaged chunk or record is a \
            warning naming the chunk and byte offset, and the rest is read. Get the logs with \
            wevtutil epl Application Application.evtx (and System).
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
            guard ["xml", "json"].contains(format ?? "xml") else {
                throw ValidationError("--all takes --format xml or json")
            }
        } else {
            guard ["text", "json"].contains(format ?? "text") else {
                throw ValidationError("--format takes text or json")
            }
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
                // A record whose binary XML does not parse is a warning, in JSON as in XML (the same count).
                log.forEachRecord { record in
                    if record.event != nil, let line = try? encoder.encode(Event(file: path, record: record)) {
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
        let progress = Progress(enabled: !common.quiet && !common.noProgress, label: "eventlog")
        progress.note("judging \(logs.count) log\(logs.count == 1 ? "" : "s")")
        let report = EventLogReport.judge(logs, writer: writer)
        progress.finish()
        if format == "json" {
            try JSONRendering.write(report, into: &out)
        } else {
            for f in report.files {
                out.line("\(f.file): \(f.records) records in \(f.chunks) chunks")
                for w in f.warnings { out.line("  warning: \(w)") }
            }
            out.line("\(report.events.count) events bear on the \(writer):")
            for e in report.events {
                out.line(
                    "  \(e.time ?? "-")  \(e.provider ?? "-") \(e.eventId.map(String.init) ?? "-")  \((e.file as NSString).lastPathComponent) record \(e.record)  \(QuotedText.oneLine(e.data.joined(separator: " | ")).prefix(200))"
                )
            }
            if report.findings.isEmpty {
                out.line("No findings.")
            } else {
                let causes = report.causes.count
                out.line("FINDINGS (\(report.findings.count), \(causes) cause\(causes == 1 ? "" : "s")):")
                for f in report.findings {
                    out.line("  [\(f.impact.rawValue)] [\(f.kind.rawValue)] \(QuotedText.oneLine(f.summary))")
                    out.line("      \(f.file) record \(f.record), \(f.time ?? "no time")")
                    out.line("      \(f.why) [\(f.basis)]")
                }
                if causes == 0 {
                    out.line("Nothing here stops the \(writer): the findings above are known noise or context.")
                }
            }
        }
        out.flush()
        throw ExitCode(report.exitCode)
    }
}
