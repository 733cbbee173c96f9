import BinaryFormat

/// Which reader a Procmon log needs, decided by content (the `PML_` signature), not by file extension.
enum LogFormat: Equatable {
    case csv
    /// Procmon's native log; the version is the 32-bit number after the signature.
    case pml(version: UInt32, is64Bit: Bool)

    /// A file that starts with `PML_` is a PML log, however short: a cut-off one is refused as a PML.
    static func detect(path: String) -> LogFormat {
        guard let file = try? ReadOnlyFile(path: path), file.size >= 4, !file.isDirectory,
            let head = try? file.bytes(Int(min(file.size, 12)), at: 0, what: "the signature"),
            head.starts(with: Array("PML_".utf8))
        else { return .csv }  // the CSV reader reports the open error
        let version = head.count >= 8 ? head.le32(4) : 0
        return .pml(version: version, is64Bit: head.count >= 9 && head[8] != 0)
    }
}

/// Which format a Procmon log is in, for callers that treat PML specially (process columns).
public enum ProcmonLog {
    public static func isPML(path: String) -> Bool {
        if case .pml = LogFormat.detect(path: path) { return true }
        return false
    }

    /// Streams every event of a log, PML or CSV, into `sink`. For a PML, `processes` hears its process table
    /// first and `process` hears before each event which process, class, duration and FILETIME it has.
    /// Returns what the reader stepped around (a cut-off row, repeated event offsets), one line each.
    @discardableResult
    public static func events<S: EventSink>(
        path: String, into sink: inout S, progress: ((Int64, Int64) -> Void)? = nil, utcOffsetMinutes: Int = 0,
        processes: ([ProcmonProcess]) -> Void = { _ in },
        process: ((_ position: Int, _ eventClass: UInt32, _ duration: UInt64, _ filetime: UInt64) -> Void)? = nil
    ) throws -> [String] {
        if isPML(path: path) {
            processes(try ProcmonPMLReader.processes(path: path))
            var reader = ProcmonPMLReader(path: path)
            reader.utcOffsetMinutes = utcOffsetMinutes
            return try reader.read(into: &sink, progress: progress, process: process).warnings
        } else {
            return try ProcmonCSVReader(path: path).read(into: &sink, progress: progress).warnings
        }
    }
}
