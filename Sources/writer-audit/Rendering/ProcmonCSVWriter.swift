import BinaryFormat
import TraceAudit

/// Writes events as Procmon's CSV export does (UTF-8 BOM, CRLF, every field quoted), plus a Row column.
struct ProcmonCSVWriter {
    var out: Output

    init(out: Output) { self.out = out }

    mutating func header() {
        out.bytes([0xEF, 0xBB, 0xBF])
        let names = ["Time of Day", "Process Name", "PID", "Operation", "Path", "Result", "Detail", "Row"]
        out.write(names.map { "\"\($0)\"" }.joined(separator: ","))
        out.write("\r\n")
    }

    mutating func row(_ e: EventView) {
        let fields: [UnsafeRawBufferPointer] = [e.timeOfDay, e.processName]
        for f in fields { quoted(f); out.write(",") }
        out.write("\"\(e.pid)\",")
        for f in [e.operation, e.path, e.result, e.detail] { quoted(f); out.write(",") }
        out.write("\"\(e.row)\"\r\n")
    }

    private mutating func quoted(_ field: UnsafeRawBufferPointer) {
        CSVQuoting.quote(field) { out.bytes($0) }
    }
}
