import BinaryFormat
import CSVStream

/// Reads a Procmon CSV export and feeds its events, in file order, to an `EventSink`.
///
/// Accepts what Procmon and its users produce: UTF-8 with or without BOM, UTF-16 with BOM, CRLF or LF,
/// any column order, a spreadsheet re-save without quotes, and a last row cut off by the end of the file
/// (dropped, with a warning). Refuses anything else with a `TraceError` naming the file and the row.
public struct ProcmonCSVReader {
    public let path: String

    public init(path: String) { self.path = path }

    /// What the reader noticed besides the events.
    public struct Outcome: Sendable {
        public var rows = 0
        public var bytes: Int64 = 0
        public var encoding: TextEncoding = .utf8
        public var warnings: [String] = []
        /// False when the export has no Detail column: folder listings cannot be counted.
        public var hasDetail = true
    }

    public func read<S: EventSink>(into sink: inout S, progress: ((Int64, Int64) -> Void)? = nil) throws -> Outcome {
        let file: CSVFile
        do { file = try CSVFile(path: path) } catch let e as CSVStreamError { throw TraceError(e) }
        var adapter = Adapter(file: path, sink: sink)
        let summary: CSVStreamSummary
        do {
            summary = try file.stream(into: &adapter, progress: progress)
        } catch let e as CSVStreamError {
            throw TraceError(e)
        }
        sink = adapter.sink
        guard adapter.columns != nil else {
            throw TraceError(.notAnExport, file: path, "no header line, expected a Procmon CSV export")
        }
        var outcome = Outcome(rows: adapter.rows, bytes: summary.bytesRead, encoding: summary.encoding)
        if !summary.headerQuoted {
            outcome.warnings.append(
                "\(path): fields are not quoted: the file looks re-saved by a spreadsheet (Procmon quotes every field)")
        }
        if summary.delimiter != 0x2C {
            let name = summary.delimiter == 0x09 ? "tabs" : "'\(Character(Unicode.Scalar(summary.delimiter)))'"
            outcome.warnings.append(
                "\(path): fields are separated by \(name), not commas: the file looks re-saved by a spreadsheet")
        }
        if adapter.columns?.indexOfSlot[ProcmonColumns.Slot.detail.rawValue] == -1 {
            outcome.hasDetail = false
            outcome.warnings.append(
                "\(path): the export has no Detail column: folder listings cannot be counted (export with Detail to find folders over the limits)"
            )
        }
        if let time = adapter.firstTime, !TimeOfDay.looksLikeProcmon(time) {
            outcome.warnings.append(
                "\(path): row 1: Time of Day \"\(time)\" looks reformatted (Procmon writes e.g. 10:29:05.0593693 AM); row numbers still hold, times cannot be matched to the capture"
            )
        }
        if let cut = adapter.cutOff {
            outcome.warnings.append(
                "\(path): row \(cut.row): the file ends inside this row (\(cut.reason)); it was left out and the \(adapter.rows) rows before it were analysed"
            )
        }
        return outcome
    }

    /// Turns CSV records into events: maps columns, checks field counts and PIDs, holds back a short row
    /// until it is known whether it is the last one (cut off) or a malformed row in the middle.
    struct Adapter<S: EventSink>: CSVRecordSink {
        let file: String
        var sink: S
        var columns: ProcmonColumns? = nil
        var rows = 0
        var firstTime: String? = nil
        var cutOff: (row: Int, reason: String)? = nil

        init(file: String, sink: S) {
            self.file = file
            self.sink = sink
        }

        mutating func header(_ record: CSVRecord) throws -> [Int] {
            let names = (0..<min(record.fieldCount, record.slotCount)).map { record.string($0) }
            let columns = try ProcmonColumns(header: names, file: file)
            self.columns = columns
            return columns.indexOfSlot
        }

        mutating func record(_ record: CSVRecord) throws {
            guard let columns else { return }
            let row = record.number - 1
            if let cut = cutOff {
                throw TraceError(
                    .malformedRow, file: file, at: .row(cut.row),
                    "expected \(columns.headerCount) fields, found fewer (\(cut.reason)), and more rows follow"
                )
            }
            if record.endsInsideQuote {
                cutOff = (row, "inside a quoted field")
                return
            }
            if record.fieldCount < columns.headerCount {
                cutOff = (row, "\(record.fieldCount) of \(columns.headerCount) fields")
                return
            }
            if record.fieldCount > columns.headerCount {
                let runaway = (0..<record.slotCount).contains { slot in
                    record.field(slot).contains(where: { $0 == 0x0A || $0 == 0x0D })
                }
                let hint =
                    runaway
                    ? ": a quoted field on this row runs on over a line break into the next row (unterminated quote)"
                    : ""
                throw TraceError(
                    .malformedRow, file: file, at: .row(row),
                    "expected \(columns.headerCount) fields as in the header, found \(record.fieldCount)\(hint)"
                )
            }
            // A column the export lacks was never given a slot's bytes: it reads as empty.
            func slot(_ s: ProcmonColumns.Slot) -> UnsafeRawBufferPointer { record.field(s.rawValue) }
            let pidField = slot(.pid)
            guard let pid = Bytes.parseInt(pidField) else {
                let shown = QuotedText.escape(pidField, limit: 40)
                throw TraceError(.malformedRow, file: file, at: .row(row), "PID \"\(shown)\" is not a number")
            }
            rows = row
            let event = EventView(
                row: row, pid: pid, processName: slot(.processName), operation: slot(.operation), path: slot(.path),
                result: slot(.result), detail: slot(.detail), timeOfDay: slot(.timeOfDay), tid: slot(.tid),
                sequence: slot(.sequence))
            if row == 1, !event.timeOfDay.isEmpty { firstTime = Bytes.string(event.timeOfDay) }
            sink.event(event)
        }
    }
}
