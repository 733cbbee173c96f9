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

    @Option(help: "xml or json (with --all): json is one object per record per line.")
    var format: String = "xml"

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one .evtx file") }
        guard all, ["xml", "json"].contains(format) else {
            throw ValidationError("only --all --format xml|json is written so far (the judged view is not)")
        }
    }

    func run() throws {
        // Every file opened first: a file that is not a log is refused before anything is printed.
        let logs = try files.map { try EventLogFile(path: $0) }
        var out = Output.standardOutput
        let json = format == "json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if !json { EventXMLWriter.begin(into: &out) }
        for (path, log) in zip(files, logs) {
            log.forEachRecord { record in
                if json {
                    if let line = try? encoder.encode(Event(file: path, record: record)) {
                        out.bytes(line)
                        out.line()
                    }
                } else if let e = record.event {
                    EventXMLWriter.write(e, into: &out)
                }
            }
            out.flush()
            if !common.quiet {
                for w in log.warningLines { printError("writer-audit: \(path): warning: \(w)") }
            }
        }
        if !json { EventXMLWriter.end(into: &out) }
        out.flush()
    }
}
