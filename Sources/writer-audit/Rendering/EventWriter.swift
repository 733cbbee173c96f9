import BinaryFormat
import TraceAudit

/// Writes events as Procmon's CSV export (UTF-8 BOM, CRLF, every field quoted, `""` for a quote) or as
/// JSON lines.
struct EventWriter: EventSink {
    var out: Output
    let columns: [EventColumn]
    let json: Bool
    let pid: Int?
    let context = EventContext()

    init(out: Output, columns: [EventColumn], json: Bool, pid: Int?) {
        self.out = out
        self.columns = columns
        self.json = json
        self.pid = pid
    }

    mutating func header() {
        out.bytes([0xEF, 0xBB, 0xBF])
        out.write(columns.map { "\"\($0.rawValue)\"" }.joined(separator: ","))
        out.write("\r\n")
    }

    mutating func event(_ e: EventView) {
        if let pid, e.pid != pid { return }
        if json {
            out.write("{")
            for (i, c) in columns.enumerated() {
                if i > 0 { out.write(",") }
                out.write("\"\(c.rawValue)\":")
                field(c, e, json: true)
            }
            out.write("}\n")
        } else {
            for (i, c) in columns.enumerated() {
                if i > 0 { out.write(",") }
                field(c, e, json: false)
            }
            out.write("\r\n")
        }
    }

    private mutating func field(_ c: EventColumn, _ e: EventView, json: Bool) {
        switch context.value(c, of: e) {
        case .bytes(let b): bytes(b, json)
        case .text(let t): text(t, json)
        }
    }

    private mutating func text(_ s: String, _ json: Bool) {
        var s = s
        s.withUTF8 { bytes(UnsafeRawBufferPointer($0), json) }
    }

    private mutating func bytes(_ field: UnsafeRawBufferPointer, _ json: Bool) {
        guard json else {
            CSVQuoting.quote(field) { out.bytes($0) }
            return
        }
        JSONQuoting.quote(field) { out.bytes($0) }
    }
}
