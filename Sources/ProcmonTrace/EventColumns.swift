import BinaryFormat

/// Columns `events` can write, named as in Procmon's CSV header.
public enum EventColumn: String, CaseIterable, Sendable {
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

    public static let defaults: [EventColumn] = [.timeOfDay, .processName, .pid, .operation, .path, .result, .detail]

    public static func named(_ name: String) -> EventColumn? {
        allCases.first { $0.rawValue.lowercased() == name.lowercased() }
    }
}

/// Per-event facts a PML log has beyond `EventView` (the process record, event class, duration); a CSV
/// input leaves them unset and those columns empty.
public final class EventContext {
    public var processes: [ProcmonProcess] = []
    public var process = -1
    public var eventClass: UInt32 = 0
    public var duration: UInt64 = 0
    public var filetime: UInt64 = 0
    public init() {}
}

extension EventContext {
    private var processRecord: ProcmonProcess? {
        process >= 0 && process < processes.count ? processes[process] : nil
    }

    /// What Procmon writes in column `c` for event `e` (of the process and class this context was set to).
    public func value(_ c: EventColumn, of e: EventView) -> EventColumnValue {
        let process = processRecord
        switch c {
        case .timeOfDay: return .bytes(e.timeOfDay)
        case .processName: return .bytes(e.processName)
        case .pid: return .text(String(e.pid))
        case .operation: return .bytes(e.operation)
        case .path: return .bytes(e.path)
        case .result: return .bytes(e.result)
        case .detail: return .bytes(e.detail)
        case .tid: return .bytes(e.tid)
        // Procmon prints n/a for the events of a log opened from a file (every PML export seen); a CSV keeps
        // what it had.
        case .sequence: return process != nil ? .text("n/a") : .bytes(e.sequence)
        case .eventClass:
            let names = ["", "Process", "Registry", "File System", "Profiling", "Network", "File System"]
            return .text(process == nil ? "" : Int(eventClass) < names.count ? names[Int(eventClass)] : "")
        case .duration:
            // An event Procmon saw no completion of (no result) has no duration.
            return .text(process == nil || e.result.isEmpty ? "" : EventColumnValue.seconds(duration))
        case .imagePath: return .text(process?.imagePath ?? "")
        case .commandLine: return .text(process?.commandLine ?? "")
        case .user: return .text(process?.user ?? "")
        case .parentPID: return .text(process.map { String($0.parentPID) } ?? "")
        case .session: return .text(process.map { String($0.session) } ?? "")
        case .integrity: return .text(process?.integrity ?? "")
        case .architecture: return .text(process.map { $0.is64Bit ? "64-bit" : "32-bit" } ?? "")
        case .company: return .text(process?.company ?? "")
        case .description: return .text(process?.description ?? "")
        case .version: return .text(process?.version ?? "")
        case .authenticationID: return .text(process.map { EventColumnValue.logonID($0.authenticationID) } ?? "")
        case .virtualized: return .text(process.map { $0.virtualized ? "True" : "False" } ?? "")
        }
    }
}

/// A column's value: bytes of the event as read, or text made from the log's tables.
public enum EventColumnValue {
    case bytes(UnsafeRawBufferPointer)
    case text(String)

    /// The process token's logon session (a LUID) as Procmon's Authentication ID column: high and low parts,
    /// 8 hex digits each, `00000000:000003e7`.
    public static func logonID(_ luid: UInt64) -> String {
        func hex8(_ v: UInt64) -> String {
            let h = String(v, radix: 16)
            return String(repeating: "0", count: 8 - h.count) + h
        }
        return hex8(luid >> 32) + ":" + hex8(luid & 0xFFFF_FFFF)
    }

    /// 100-ns ticks as Procmon's Duration column: `0.0000100`.
    public static func seconds(_ ticks: UInt64) -> String {
        let frac = String(ticks % 10_000_000)
        return "\(ticks / 10_000_000)." + String(repeating: "0", count: 7 - frac.count) + frac
    }
}
