/// One Procmon event as the readers deliver it: byte slices valid only during the sink call.
///
/// Both readers (CSV export, native PML) fill this, so the analysis never knows which format it came from.
/// Optional columns that the input lacks are empty slices.
public struct EventView {
    /// 1-based index of the event among the data rows (the header is not a row).
    public var row: Int
    public var pid: Int
    public var processName: UnsafeRawBufferPointer
    public var operation: UnsafeRawBufferPointer
    public var path: UnsafeRawBufferPointer
    public var result: UnsafeRawBufferPointer
    public var detail: UnsafeRawBufferPointer
    public var timeOfDay: UnsafeRawBufferPointer
    public var tid: UnsafeRawBufferPointer
    public var sequence: UnsafeRawBufferPointer
    /// What a QueryDirectory returned, counted exactly: only a PML log carries it (a CSV has only Detail text).
    public var entries: DirectoryEntries? = nil

    /// An owned copy, for evidence and reports.
    public func owned() -> TraceEvent {
        TraceEvent(
            row: row, sequence: Bytes.parseInt(sequence), time: timeOfDay.isEmpty ? nil : Bytes.string(timeOfDay),
            process: Bytes.string(processName), pid: pid, tid: Bytes.parseInt(tid),
            operation: Bytes.string(operation), path: Bytes.string(path), result: Bytes.string(result),
            detail: Bytes.string(detail))
    }
}

/// The entries one QueryDirectory call returned, told apart by their FileAttributes.
public struct DirectoryEntries {
    /// Entries without FILE_ATTRIBUTE_DIRECTORY.
    public var files = 0
    /// Entries with FILE_ATTRIBUTE_DIRECTORY, `.` and `..` left out.
    public var folders = 0
    /// Entries whose kind the call did not return (FileNamesInformation has no attributes).
    public var unknown = 0
    /// The call's filter (the first call of a listing, or a lookup of one name), or nil; UTF-8 bytes valid
    /// only during the sink call, like the rest of the event.
    public var filter: UnsafeRawBufferPointer? = nil

    public init() {}

    public var names: Int { files + folders + unknown }
}

/// Receives events in file order.
public protocol EventSink {
    mutating func event(_ event: EventView)
}

/// An owned event: what reports show as evidence.
public struct TraceEvent: Codable, Equatable, Sendable {
    public var row: Int
    /// Procmon's Sequence column, when the export has it and it is a number.
    public var sequence: Int?
    public var time: String?
    public var process: String
    public var pid: Int
    public var tid: Int?
    public var operation: String
    public var path: String
    public var result: String
    public var detail: String

    public init(
        row: Int, sequence: Int?, time: String?, process: String, pid: Int, tid: Int?, operation: String,
        path: String, result: String, detail: String
    ) {
        self.row = row
        self.sequence = sequence
        self.time = time
        self.process = process
        self.pid = pid
        self.tid = tid
        self.operation = operation
        self.path = path
        self.result = result
        self.detail = detail
    }
}
