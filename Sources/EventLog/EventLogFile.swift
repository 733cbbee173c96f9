import BinaryFormat
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// One event record: its number, when it was written, and its XML (the `Event` element).
public struct EventRecord: Sendable {
    public var number: UInt64
    public var written: FileTime
    public var event: XMLElement?
    /// Which chunk holds it (0-based), and the record's byte offset in the file.
    public var chunk: Int
    public var fileOffset: UInt64
}

/// An EVTX log read chunk by chunk (65,536 bytes each), records in record-number order; memory holds one
/// chunk. Header and chunk CRC-32s are checked (a mismatch is a warning; the records are read when they
/// parse); a damaged chunk or record is a warning naming the chunk and byte offset, and the rest is read.
public final class EventLogFile {
    public static let chunkSize = 65_536
    public let path: String
    let file: ReadOnlyFile
    let headerSize: Int
    /// Chunks that start with "ElfChnk", in the order their records run (by first record number).
    private(set) var chunkOrder: [Int] = []
    /// The last chunk when the file ends inside it: its index and the bytes present.
    private var cutChunk: (index: Int, bytes: Int)? = nil
    public private(set) var warnings: [String] = []
    public private(set) var chunksRead = 0
    public private(set) var recordsRead = 0
    static let warningLimit = 200
    private var suppressed = 0

    public init(path: String) throws(EventLogError) {
        self.path = path
        do {
            file = try ReadOnlyFile(path: path)
        } catch {
            throw EventLogError(.unreadable, path: path, offset: error.offset, error.reason)
        }
        guard !file.isDirectory else { throw EventLogError(.unreadable, path: path, offset: nil, "is a folder") }
        guard file.size >= 128, let head = try? file.bytes(128, at: 0, what: "the file header"),
            head.starts(with: Array("ElfFile\0".utf8))
        else {
            throw EventLogError(.notAnEventLog, path: path, offset: 0, "not an EVTX event log (no \"ElfFile\" header)")
        }
        let declared = Int(head.le16(40))
        headerSize = declared == 4096 ? declared : 4096
        if declared != 4096 { warn(at: 40, "header block size \(declared), read as 4096") }
        let stored = head.le32(124)
        let computed = head.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<120])) }
        if stored != computed {
            warn(
                at: 124,
                "the file header's CRC-32 is 0x\(Hex.padded(stored, width: 8)), its bytes give 0x\(Hex.padded(computed, width: 8))"
            )
        }
        let after = Int(min(UInt64(Int32.max), file.remaining(after: UInt64(headerSize))))
        var available = after / Self.chunkSize
        // A file cut off inside a chunk (copied while Windows wrote it): the chunk's records that are whole
        // are read; the rest of the chunk reads as zeros.
        let tail = after % Self.chunkSize
        if tail >= 512,
            let h = try? file.bytes(8, at: UInt64(headerSize + available * Self.chunkSize), what: "a chunk header"),
            h.starts(with: Array("ElfChnk\0".utf8))
        {
            cutChunk = (available, tail)
            warn(
                at: UInt64(headerSize + available * Self.chunkSize),
                "chunk \(available) is cut off after \(tail) of its 65,536 bytes (the file ends there); its records are read as far as they go"
            )
            available += 1
        }
        let counted = Int(head.le16(42))
        if counted > available {
            warn(at: 42, "the header counts \(counted) chunks; the file has room for \(available)")
        }
        var firsts: [(Int, UInt64)] = []
        var zeros: [Int] = []
        // Record numbers are unique in a log: a chunk whose numbers another chunk already holds is a copy
        // (or damage), and its records would be counted twice.
        var ranges: [(first: UInt64, last: UInt64, chunk: Int)] = []
        for i in 0..<available {
            let at = UInt64(headerSize + i * Self.chunkSize)
            guard let h = try? file.bytes(24, at: at, what: "a chunk header") else { continue }
            if h.starts(with: Array("ElfChnk\0".utf8)) {
                let (first, last) = (h.le64(8), h.le64(16))
                if first <= last, let other = ranges.first(where: { first <= $0.last && $0.first <= last }) {
                    warn(
                        at: at + 8,
                        "chunk \(i) repeats chunk \(other.chunk)'s record numbers (\(max(first, other.first)) to \(min(last, other.last))); skipped, so each record is counted once"
                    )
                    continue
                }
                if first <= last { ranges.append((first, last, i)) }
                firsts.append((i, first))
            } else if h.contains(where: { $0 != 0 }) {
                warn(at: at, "chunk \(i) does not start with \"ElfChnk\"; skipped")
            } else {
                zeros.append(i)
            }
        }
        // Unused chunks at the end are zeros; a zeroed chunk between written ones is damage.
        for i in zeros where i < (firsts.last?.0 ?? 0) {
            warn(
                at: UInt64(headerSize + i * Self.chunkSize),
                "chunk \(i) is zeros between written chunks (no \"ElfChnk\"); skipped")
        }
        chunkOrder = firsts.sorted { $0.1 < $1.1 }.map(\.0)
    }

    func warn(at offset: UInt64, _ reason: String) {
        guard warnings.count < Self.warningLimit else {
            suppressed += 1
            return
        }
        warnings.append("byte offset \(offset): \(reason)")
    }

    /// Every warning, with a last line counting those left out.
    public var warningLines: [String] { warnings + (suppressed > 0 ? ["\(suppressed) more warnings not shown"] : []) }

    /// Calls `body` with every record, chunk by chunk in record order.
    public func forEachRecord(_ body: (EventRecord) -> Void) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        for index in chunkOrder {
            let base = UInt64(headerSize + index * Self.chunkSize)
            guard read(index, into: buffer.baseAddress!) else { continue }
            var chunk = EventChunk(index: index, base: base, bytes: UnsafeRawBufferPointer(buffer))
            var parser = BinaryXMLParser(chunk: chunk.bytes, templates: TemplateCache())
            chunk.forEachRecord { r throws(BinaryXMLParser.Failure) in
                var event: XMLElement? = nil
                defer {
                    body(
                        EventRecord(
                            number: r.number, written: FileTime(raw: r.written), event: event, chunk: index,
                            fileOffset: base + UInt64(r.at)))
                }
                for case .element(let e) in try parser.document(from: r.start, to: r.end) {
                    event = e
                    break
                }
            }
            merge(chunk)
        }
    }

    /// Calls `body` with each chunk's records as XML (`EventXML`'s layout, one `<Event>` per record that
    /// parses, one level deep), chunk by chunk in record order. Chunks are rendered on every core, a batch
    /// at a time; memory holds one batch of chunks and their XML.
    public func forEachChunkXML(_ body: (UnsafeRawBufferPointer) -> Void) {
        forEachChunkInParallel(
            { chunk -> [UInt8] in
                var renderer = XMLRenderer(chunk: chunk.bytes)
                chunk.forEachRecord { r throws(BinaryXMLParser.Failure) in try renderer.record(from: r.start, to: r.end)
                }
                return Array(renderer.out.bytes)
            }, { xml in xml.withUnsafeBytes { body($0) } })
    }

    /// Calls `body` with the records whose XML `keep` accepts, chunk by chunk in record order, as trees:
    /// each record's XML is written straight from its binary XML and looked at by `keep` (cheap), and only
    /// the records it keeps are built into a tree. For a reader that wants few records of many, on every
    /// core a batch of chunks at a time.
    public func forEachRecord(
        whereXML keep: @escaping @Sendable (UnsafeRawBufferPointer) -> Bool, _ body: (EventRecord) -> Void
    ) {
        let headerSize = self.headerSize
        forEachChunkInParallel(
            { chunk -> [EventRecord] in
                var renderer = XMLRenderer(chunk: chunk.bytes)
                var tree = BinaryXMLParser(chunk: chunk.bytes, templates: TemplateCache())
                var kept: [EventRecord] = []
                let index = chunk.index
                let base = UInt64(headerSize + index * Self.chunkSize)
                chunk.forEachRecord { r throws(BinaryXMLParser.Failure) in
                    let mark = renderer.out.count
                    try renderer.record(from: r.start, to: r.end)
                    let wanted = keep(UnsafeRawBufferPointer(rebasing: renderer.out.bytes[mark...]))
                    renderer.out.truncate(to: mark)
                    guard wanted else { return }
                    var event: XMLElement? = nil
                    for case .element(let e) in try tree.document(from: r.start, to: r.end) {
                        event = e
                        break
                    }
                    kept.append(
                        EventRecord(
                            number: r.number, written: FileTime(raw: r.written), event: event, chunk: index,
                            fileOffset: base + UInt64(r.at)))
                }
                return kept
            }, { records in records.forEach(body) })
    }

    /// Runs `work` on each chunk, side by side in batches of a few chunks per core, and hands the results
    /// to `body` in record order (with the chunks' warnings and counts merged in that order).
    private func forEachChunkInParallel<T>(_ work: @escaping (inout EventChunk) -> T, _ body: (T) -> Void) {
        let batch = max(2, ProcessInfoCores.count) * 4
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: batch * Self.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var next = 0
        while next < chunkOrder.count {
            let indices = Array(chunkOrder[next..<min(next + batch, chunkOrder.count)])
            next += indices.count
            var chunks: [EventChunk?] = []
            for (k, index) in indices.enumerated() {
                let at = buffer.baseAddress! + k * Self.chunkSize
                let base = UInt64(headerSize + index * Self.chunkSize)
                chunks.append(
                    read(index, into: at)
                        ? EventChunk(
                            index: index, base: base, bytes: UnsafeRawBufferPointer(start: at, count: Self.chunkSize))
                        : nil)
            }
            let results = ChunkResults<T>(chunks, work: work)
            DispatchQueue.concurrentPerform(iterations: chunks.count) { k in results.run(k) }
            for slot in results.slots {
                guard let chunk = slot.chunk, let value = slot.value else { continue }
                merge(chunk)
                body(value)
            }
        }
    }

    /// Reads chunk `index` into `buffer`; false (and a warning) when it cannot be read.
    private func read(_ index: Int, into buffer: UnsafeMutableRawPointer) -> Bool {
        let base = UInt64(headerSize + index * Self.chunkSize)
        do {
            if let cut = cutChunk, cut.index == index {
                buffer.initializeMemory(as: UInt8.self, repeating: 0, count: Self.chunkSize)
                _ = try file.readSome(into: buffer, count: cut.bytes, at: base)
            } else {
                try file.read(into: buffer, count: Self.chunkSize, at: base, what: "chunk \(index)")
            }
            return true
        } catch {
            warn(at: base, "chunk \(index) cannot be read: \(error.reason)")
            return false
        }
    }

    private func merge(_ chunk: EventChunk) {
        chunksRead += 1
        recordsRead += chunk.records
        for (offset, reason) in chunk.warnings { warn(at: offset, reason) }
    }
}

/// A batch of chunks worked on side by side: each slot is written by one thread only, through its own
/// pointer (no array is shared while the threads run).
private final class ChunkResults<T>: @unchecked Sendable {
    struct Slot {
        var chunk: EventChunk?
        var value: T? = nil
    }
    let slots: UnsafeMutableBufferPointer<Slot>
    let work: (inout EventChunk) -> T

    init(_ chunks: [EventChunk?], work: @escaping (inout EventChunk) -> T) {
        slots = .allocate(capacity: chunks.count)
        _ = slots.initialize(from: chunks.map { Slot(chunk: $0) })
        self.work = work
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func run(_ k: Int) {
        let slot = slots.baseAddress! + k
        guard var chunk = slot.pointee.chunk else { return }
        let value = work(&chunk)
        slot.pointee.chunk = chunk
        slot.pointee.value = value
    }
}

enum ProcessInfoCores {
    static let count = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
