import WriterScope

/// The result of analysing a trace: a plain value the CLI renders as text, JSON or CSV.
public struct TraceReport: Codable, Sendable {
    /// The file analysed.
    public var file: String
    /// Data rows read (the header is not a row).
    public var rows: Int
    public var encoding: String
    /// The writer the verdict is about (`--writer`), and the PID it was limited to (`--pid`).
    public var writer: String
    public var pid: Int?
    /// The verdict for that writer: the diagnosis of its last IDENTIFY window, nil when it logged none.
    public var verdict: Diagnosis?
    /// Every VSS component that logged phase markers, in order of first appearance.
    public var writers: [WriterTimeline]
    public var warnings: [String]
    /// How to capture a usable trace, when the writer's IDENTIFY was not found.
    public var advice: [String]
    public var limits: FolderLimits

    /// 0 the writer's last IDENTIFY completed clean; 1 a cause was diagnosed; 4 the capture cannot decide
    /// (the writer's IDENTIFY is not in it, or did not end).
    public var exitStatus: ExitStatus {
        guard let verdict, verdict.kind != .incomplete else { return .undecided }
        return ExitStatus.judging([verdict.impact])
    }
    public var exitCode: Int32 { exitStatus.rawValue }
}

/// One VSS component's markers and IDENTIFY windows.
public struct WriterTimeline: Codable, Sendable {
    public var name: String
    /// Phase markers (any phase) this component logged.
    public var markers: Int
    /// Processes that logged them, e.g. `svchost.exe (1234)`.
    public var processes: [String]
    public var windows: [IdentifyWindow]
}

/// How an IDENTIFY window ended; the raw values are the JSON's.
public enum WindowEnd: String, Codable, Sendable {
    case leave
    case processExit = "process-exit"
    case pidReused = "pid-reused"
    case enteredAgain = "entered-again"
    case captureEnded = "capture-ended"
}

/// What a folder's listed names break: the raw values are the JSON's `overLimit`.
public enum OverLimit: String, Codable, Sendable {
    /// Over the file limit, whatever the names are.
    case files
    /// Over the subfolder limit if they are folders (a CSV cannot tell).
    case maybeSubfolders = "subfolders?"
    /// Exact kinds (PML): over the subfolder limit, the file limit, or both.
    case subfolders
    case subfoldersAndFiles = "subfolders,files"
}

/// One IDENTIFY phase of one writer in one process: from `IDENTIFY (Enter)` to `IDENTIFY (Leave)`.
public struct IdentifyWindow: Codable, Sendable {
    public var phase: String
    public var pid: Int
    public var process: String
    public var enterRow: Int
    public var leaveRow: Int?
    public var enterSequence: Int?
    public var leaveSequence: Int?
    /// Events of the process between Enter and Leave (the markers themselves not counted).
    public var events: Int
    /// How the window ended.
    public var end: WindowEnd
    /// The row that ended it when that was not Leave (Process Exit, the new process, the second Enter).
    public var endRow: Int?
    /// The exit status of the process when it exited inside the window.
    public var exitStatus: Int64?
    public var diagnosis: Diagnosis
    /// The last events before Leave (or before the end), oldest first.
    public var lastEvents: [TraceEvent]
    /// Failed operations in the window (at most `TraceAnalyzer.maxFailuresKept`; `failureCount` has them all).
    public var failures: [TraceEvent]
    public var failureCount: Int
    /// Folders listed in the window with the names counted, in the order they were last listed.
    public var directories: [DirectoryCount]

    enum CodingKeys: String, CodingKey {
        case phase, pid, process, enterRow, leaveRow, enterSequence, leaveSequence, events, end, endRow, exitStatus
        case diagnosis, lastEvents, failures, failureCount, directories
    }

    /// Optional fields are written as `null`, not left out: the JSON shape is stable.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(phase, forKey: .phase)
        try c.encode(pid, forKey: .pid)
        try c.encode(process, forKey: .process)
        try c.encode(enterRow, forKey: .enterRow)
        try c.encode(leaveRow, forKey: .leaveRow)
        try c.encode(enterSequence, forKey: .enterSequence)
        try c.encode(leaveSequence, forKey: .leaveSequence)
        try c.encode(events, forKey: .events)
        try c.encode(end, forKey: .end)
        try c.encode(endRow, forKey: .endRow)
        try c.encode(exitStatus, forKey: .exitStatus)
        try c.encode(diagnosis, forKey: .diagnosis)
        try c.encode(lastEvents, forKey: .lastEvents)
        try c.encode(failures, forKey: .failures)
        try c.encode(failureCount, forKey: .failureCount)
        try c.encode(directories, forKey: .directories)
    }
}

/// A folder listed in an IDENTIFY window and how many names the listing showed.
public struct DirectoryCount: Codable, Sendable, Equatable {
    public var path: String
    /// Names listed (`.` and `..` not counted), the largest over the folder's listings in the window.
    public var entries: Int
    /// Procmon's Detail cap may have hidden names: `entries` is a lower bound.
    public var atLeast: Bool
    /// Row of the last QueryDirectory call on the folder in the window.
    public var lastRow: Int
    /// Which limit the names break, or nil.
    public var overLimit: OverLimit?
    /// Exact counts by kind, from a PML log's FileAttributes; null for a CSV export, which cannot tell.
    public var files: Int? = nil
    public var subfolders: Int? = nil

    enum CodingKeys: String, CodingKey { case path, entries, atLeast, lastRow, overLimit, files, subfolders }

    /// Optional fields are written as `null`: the JSON shape is the same for both formats.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(entries, forKey: .entries)
        try c.encode(atLeast, forKey: .atLeast)
        try c.encode(lastRow, forKey: .lastRow)
        try c.encode(overLimit, forKey: .overLimit)
        try c.encode(files, forKey: .files)
        try c.encode(subfolders, forKey: .subfolders)
    }
}

/// The verdict on one IDENTIFY window, with the evidence that backs it.
public struct Diagnosis: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case folderLimit = "folder-limit"
        case permissions
        case incomplete
        case clean
    }

    public var kind: Kind
    /// The evidence path (the folder, the file refused, the last path touched).
    public var path: String?
    /// The evidence row.
    public var row: Int?
    public var summary: String
    /// Other findings in the same window (the one farther from Leave when both kinds are present).
    public var also: [Finding]
    /// `missing-writer` for a cause (or a window that never ended), `info` for a clean one.
    public var impact: Impact
    /// For a folder-limit verdict: the listing it rests on, as values (`summary` is their rendering).
    public var folder: FolderEvidence? = nil

    enum CodingKeys: String, CodingKey { case kind, impact, path, row, summary, also }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(impact, forKey: .impact)
        try c.encode(path, forKey: .path)
        try c.encode(row, forKey: .row)
        try c.encode(summary, forKey: .summary)
        try c.encode(also, forKey: .also)
    }
}

/// One piece of evidence: a folder over the limits or a refused access.
public struct Finding: Codable, Sendable, Equatable {
    public var kind: Diagnosis.Kind
    /// `missing-writer` where the writer walks file by file (Microsoft.NET) or must read (WinSxS\\FileMaps),
    /// `info` elsewhere (WinSxS and the other areas it adds whole).
    public var impact: Impact
    public var path: String
    public var row: Int
    public var summary: String
    /// For a folder-limit finding: the listing, as values (`summary` is their rendering).
    public var folder: FolderEvidence? = nil

    enum CodingKeys: String, CodingKey { case kind, impact, path, row, summary }
}

/// A folder the writer listed over the limits, as values.
public struct FolderEvidence: Sendable, Equatable {
    /// Names listed (`.` and `..` left out), a lower bound when `atLeast` (Procmon's Detail cap).
    public var names: Int
    public var atLeast: Bool
    /// Exact kinds, when the log tells files from folders (PML).
    public var files: Int?
    public var subfolders: Int?
    /// Which limit it is over.
    public var over: OverLimit?
    /// Where it is, as the writer reads it (only a folder it walks file by file is a cause).
    public var area: WriterArea
    /// It was the last file-system work before the end of IDENTIFY.
    public var lastWork: Bool
}

extension TraceReport {
    /// The window the verdict is about: the last IDENTIFY of the judged writer (and PID).
    public var judgedWindow: IdentifyWindow? {
        writers.first { $0.name == writer }?.windows.last { pid == nil || $0.pid == pid }
    }
}
