import BinaryFormat

/// Reads a native Procmon log (PML, format versions 7 and 9) and feeds its events, in file order, to an
/// `EventSink`, the same way the CSV reader does.
///
/// The tables at the end of the file are read first (processes and the strings they name, the hosts and
/// ports); then the event-offset array and the events are walked in file order with large sequential reads.
/// Memory is bounded by the tables and one read block, not by the number of events.
public struct ProcmonPMLReader {
    public let path: String

    public init(path: String) { self.path = path }

    /// The capturing machine's offset from UTC, in minutes: Time of Day and the dates in Detail are printed in
    /// that clock, as Procmon printed them there (0: UTC; a PML does not record the time zone).
    public var utcOffsetMinutes = 0

    public struct Outcome: Sendable {
        public var rows = 0
        public var bytes: Int64 = 0
        public var version: UInt32 = 0
        public var is64Bit = false
        public var computerName = ""
        public var warnings: [String] = []
    }

    /// Bytes read at a time.
    static let blockSize = 4 << 20
    /// The largest event accepted: anything bigger is corruption.
    static let maxEventBytes = 16 << 20
    /// Event-offset array entries read at a time.
    static let offsetsPerRead = 1 << 16

    /// Streams every event into `sink`. `process`, when given, hears before each event which process
    /// (its position in `processes(path:)`), event class, duration and FILETIME it has.
    public func read<S: EventSink>(
        into sink: inout S, progress: ((Int64, Int64) -> Void)? = nil,
        process: ((_ position: Int, _ eventClass: UInt32, _ duration: UInt64, _ filetime: UInt64) -> Void)? = nil
    ) throws -> Outcome {
        do { return try readEvents(into: &sink, progress: progress, process: process) } catch let e as BinaryFormatError
        {
            throw TraceError(e)
        }
    }

    private func readEvents<S: EventSink>(
        into sink: inout S, progress: ((Int64, Int64) -> Void)?,
        process: ((_ position: Int, _ eventClass: UInt32, _ duration: UInt64, _ filetime: UInt64) -> Void)?
    ) throws -> Outcome {
        let file = try PMLFile(path: path, sequential: true)
        let header = try PMLHeader(file: file)
        let strings = try PMLStringTable(file: file, offset: header.stringTableOffset)
        let processes = try PMLProcessTable(file: file, offset: header.processTableOffset, strings: strings)
        let network = PMLNetworkNames(file: file, offset: header.hostsTableOffset)
        let decoder = PMLEventDecoder(
            version: header.version, pointerSize: header.pointerSize, processes: processes, network: network)
        decoder.clockOffset = Int64(utcOffsetMinutes) * 600_000_000
        var outcome = Outcome(version: header.version, is64Bit: header.is64Bit, computerName: header.computerName)
        if let w = network.warning { outcome.warnings.append(w) }

        var block = EventBlock(file: file, pointerSize: header.pointerSize)
        defer { block.release() }
        var offsets = [UInt8](repeating: 0, count: Self.offsetsPerRead * 5)
        let count = Int(header.eventCount)
        var unknownProcess = 0
        var firstUnknown: UInt64 = 0
        // Two events never share a start: events do not overlap and each takes at least its 52-byte header,
        // so one bit per 52 bytes of the file marks the starts seen (a 1 GiB log needs 2.5 MiB). An entry
        // whose place is marked already is a repeat, and reading it would count one event twice. (Procmon
        // does write some offsets out of order: only a repeat is skipped.)
        var starts = [UInt64](repeating: 0, count: Int(file.size / 52 / 64) + 1)
        var repeated = 0
        var firstRepeated: (row: Int, at: UInt64, arrayAt: UInt64) = (0, 0, 0)
        var index = 0
        while index < count {
            let batch = min(Self.offsetsPerRead, count - index)
            let arrayAt = header.eventOffsetsOffset + UInt64(index) * 5
            try offsets.withUnsafeMutableBytes {
                try file.read(into: $0.baseAddress!, count: batch * 5, at: arrayAt, what: "the event-offset array")
            }
            for k in 0..<batch {
                let at = UInt64(offsets.le32(k * 5))
                let row = index + k + 1
                guard at >= UInt64(PMLHeader.size), at < file.size else {
                    throw file.error(
                        at: arrayAt + UInt64(k) * 5,
                        "event \(row)'s offset \(at) lies outside the file (\(file.size) bytes)")
                }
                let bucket = Int(at / 52)
                let bit = UInt64(1) << UInt64(bucket & 63)
                guard starts[bucket >> 6] & bit == 0 else {
                    if repeated == 0 { firstRepeated = (row, at, arrayAt + UInt64(k) * 5) }
                    repeated += 1
                    continue
                }
                starts[bucket >> 6] |= bit
                let event = try block.event(at: at, row: row)
                let view: EventView?
                do {
                    view = try decoder.decode(event, row: row)
                } catch {
                    throw file.error(at: at + UInt64(error.at), "event \(row): \(error.what)")
                }
                guard let view else {
                    if unknownProcess == 0 { firstUnknown = at }
                    unknownProcess += 1
                    continue
                }
                process?(decoder.processPosition, decoder.eventClass, decoder.duration, decoder.filetime)
                sink.event(view)
            }
            index += batch
            progress?(Int64(min(block.position, file.size)), Int64(file.size))
        }
        if unknownProcess > 0 {
            outcome.warnings.append(
                "\(path): byte offset \(firstUnknown): \(unknownProcess) events name a process the process table does not have; they were skipped"
            )
        }
        if repeated > 0 {
            outcome.warnings.append(
                "\(path): byte offset \(firstRepeated.arrayAt): \(repeated) entries of the event offset array name a place another entry names (the first, event \(firstRepeated.row) at \(firstRepeated.at)); skipped, so each event is read once"
            )
        }
        outcome.rows = count - repeated
        outcome.bytes = Int64(file.size)
        return outcome
    }

    /// The process table of a log, for callers that print process columns.
    public static func processes(path: String) throws -> [ProcmonProcess] {
        do { return try processTable(path: path) } catch let e as BinaryFormatError { throw TraceError(e) }
    }

    private static func processTable(path: String) throws -> [ProcmonProcess] {
        let file = try PMLFile(path: path)
        let header = try PMLHeader(file: file)
        let strings = try PMLStringTable(file: file, offset: header.stringTableOffset)
        return try PMLProcessTable(file: file, offset: header.processTableOffset, strings: strings).processes.map {
            ProcmonProcess(
                pid: $0.pid, parentPID: $0.parentPID, name: String(decoding: $0.name, as: UTF8.self),
                imagePath: $0.imagePath, commandLine: $0.commandLine, user: $0.user, integrity: $0.integrity,
                session: Int($0.session), is64Bit: $0.is64Bit, company: $0.company, version: $0.version,
                description: $0.description, authenticationID: $0.authenticationID, virtualized: $0.virtualized)
        }
    }
}

/// A process as the PML process table describes it.
public struct ProcmonProcess: Sendable, Equatable {
    public var pid: Int
    public var parentPID: Int
    public var name: String
    public var imagePath: String
    public var commandLine: String
    public var user: String
    public var integrity: String
    public var session: Int
    public var is64Bit: Bool
    public var company: String
    public var version: String
    public var description: String
    /// The token's logon session (LUID): Procmon's Authentication ID column.
    public var authenticationID: UInt64
    /// UAC file and registry virtualization was on for the process.
    public var virtualized: Bool
}

/// The window of the file the events are read from: refilled with one large read when an event is not
/// wholly inside it, so walking events in file order reads the file sequentially.
struct EventBlock {
    let file: PMLFile
    /// Pointer size of the capture: stacks are sized by it.
    let pointerSize: Int
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var start: UInt64 = 0
    private var length = 0

    init(file: PMLFile, pointerSize: Int) {
        self.file = file
        self.pointerSize = pointerSize
        capacity = ProcmonPMLReader.blockSize
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    func release() { buffer.deallocate() }

    /// Where the next read would start: for progress.
    var position: UInt64 { start + UInt64(length) }

    /// Makes `[at, at + count)` available and returns it; throws when the file ends first.
    private mutating func bytes(at: UInt64, count: Int, row: Int, what: String) throws -> UnsafeRawBufferPointer {
        if at >= start && at + UInt64(count) <= start + UInt64(length) {
            return UnsafeRawBufferPointer(start: buffer + Int(at - start), count: count)
        }
        guard UInt64(count) <= file.size - min(at, file.size) else {
            throw file.error(
                at: at,
                "event \(row): \(what) needs \(count) bytes but the file ends at byte \(file.size) (cut off, or a size points outside the file)"
            )
        }
        if count > capacity {
            buffer.deallocate()
            capacity = count
            buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
        start = at
        length = try file.readSome(into: buffer, count: capacity, at: at)
        return UnsafeRawBufferPointer(start: buffer, count: count)
    }

    /// The whole record of the event at `at`: header, stack, details and extra details.
    mutating func event(at: UInt64, row: Int) throws -> UnsafeRawBufferPointer {
        let h = PMLEventDecoder.headerSize
        var e = try bytes(at: at, count: h, row: row, what: "the event header")
        let pointer = pointerSize
        let detailsEnd = h + Int(e.le16(40)) * pointer + Int(e.le32(44))
        let extraOffset = Int(e.le32(48))
        var span = detailsEnd
        if extraOffset != 0 {
            guard extraOffset >= h, extraOffset <= ProcmonPMLReader.maxEventBytes else {
                throw file.error(
                    at: at + 48, "event \(row): the extra-details offset \(extraOffset) points outside the event")
            }
            e = try bytes(at: at, count: extraOffset + 2, row: row, what: "the extra details")
            span = max(span, extraOffset + 2 + Int(e.le16(extraOffset)))
        }
        guard span <= ProcmonPMLReader.maxEventBytes else {
            throw file.error(
                at: at, "event \(row) claims \(span) bytes (at most \(ProcmonPMLReader.maxEventBytes) expected)")
        }
        return try bytes(at: at, count: span, row: row, what: "the event record")
    }
}
