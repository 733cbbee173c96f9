import BinaryFormat
import CSVStream
import TraceAudit

/// Columns `events` can write, named as in Procmon's CSV header.
enum EventColumn: String, CaseIterable {
    case timeOfDay = "Time of Day"
    case processName = "Process Name"
    case pid = "PID"
    case operation = "Operation"
    case path = "Path"
    case result = "Result"
    case detail = "Detail"
    case tid = "TID"
    case sequence = "Sequence"
    case eventClass = "Event Class"
    case duration = "Duration"
    case imagePath = "Image Path"
    case commandLine = "Command Line"
    case user = "User"
    case parentPID = "Parent PID"
    case session = "Session"
    case integrity = "Integrity"
    case architecture = "Architecture"
    case company = "Company"
    case description = "Description"
    case version = "Version"
    case authenticationID = "Authentication ID"
    case virtualized = "Virtualized"

    static let defaults: [EventColumn] = [.timeOfDay, .processName, .pid, .operation, .path, .result, .detail]

    static func named(_ name: String) -> EventColumn? {
        allCases.first { $0.rawValue.lowercased() == name.lowercased() }
    }
}

/// Per-event facts a PML log has beyond `EventView` (the process record, event class, duration); a CSV
/// input leaves them unset and those columns empty.
final class EventContext {
    var processes: [ProcmonProcess] = []
    var process = -1
    var eventClass: UInt32 = 0
    var duration: UInt64 = 0
    var filetime: UInt64 = 0
}

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

    private var process: ProcmonProcess? {
        context.process >= 0 && context.process < context.processes.count ? context.processes[context.process] : nil
    }

    private mutating func field(_ c: EventColumn, _ e: EventView, json: Bool) {
        switch c {
        case .timeOfDay: bytes(e.timeOfDay, json)
        case .processName: bytes(e.processName, json)
        case .pid: text(String(e.pid), json)
        case .operation: bytes(e.operation, json)
        case .path: bytes(e.path, json)
        case .result: bytes(e.result, json)
        case .detail: bytes(e.detail, json)
        case .tid: bytes(e.tid, json)
        // Procmon prints n/a for the events of a log opened from a file (every PML export seen); a CSV keeps
        // what it had.
        case .sequence: if process != nil { text("n/a", json) } else { bytes(e.sequence, json) }
        case .eventClass:
            let names = ["", "Process", "Registry", "File System", "Profiling", "Network", "File System"]
            text(
                process == nil ? "" : Int(context.eventClass) < names.count ? names[Int(context.eventClass)] : "", json)
        case .duration:
            // An event Procmon saw no completion of (no result) has no duration.
            text(process == nil || e.result.isEmpty ? "" : Self.seconds(context.duration), json)
        case .imagePath: text(process?.imagePath ?? "", json)
        case .commandLine: text(process?.commandLine ?? "", json)
        case .user: text(process?.user ?? "", json)
        case .parentPID: text(process.map { String($0.parentPID) } ?? "", json)
        case .session: text(process.map { String($0.session) } ?? "", json)
        case .integrity: text(process?.integrity ?? "", json)
        case .architecture: text(process.map { $0.is64Bit ? "64-bit" : "32-bit" } ?? "", json)
        case .company: text(process?.company ?? "", json)
        case .description: text(process?.description ?? "", json)
        case .version: text(process?.version ?? "", json)
        case .authenticationID: text(process.map { Self.logonID($0.authenticationID) } ?? "", json)
        case .virtualized: text(process.map { $0.virtualized ? "True" : "False" } ?? "", json)
        }
    }

    /// The process token's logon session (a LUID) as Procmon's Authentication ID column: high and low parts,
    /// 8 hex digits each, `00000000:000003e7`.
    static func logonID(_ luid: UInt64) -> String {
        func hex8(_ v: UInt64) -> String {
            let h = String(v, radix: 16)
            return String(repeating: "0", count: 8 - h.count) + h
        }
        return hex8(luid >> 32) + ":" + hex8(luid & 0xFFFF_FFFF)
    }

    /// 100-ns ticks as Procmon's Duration column: `0.0000100`.
    static func seconds(_ ticks: UInt64) -> String {
        let frac = String(ticks % 10_000_000)
        return "\(ticks / 10_000_000)." + String(repeating: "0", count: 7 - frac.count) + frac
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
