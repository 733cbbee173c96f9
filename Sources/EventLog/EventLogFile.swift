import BinaryFormat

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
        if stored != computed { warn(at: 124, "the file header's CRC-32 is 0x\(Hex.padded(stored, width: 8)), its bytes give 0x\(Hex.padded(computed, width: 8))") }
        let available = Int(min(UInt64(Int32.max), file.remaining(after: UInt64(headerSize)))) / Self.chunkSize
        var firsts: [(Int, UInt64)] = []
        var zeros: [Int] = []
        for i in 0..<available {
            let at = UInt64(headerSize + i * Self.chunkSize)
            guard let h = try? file.bytes(24, at: at, what: "a chunk header") else { continue }
            if h.starts(with: Array("ElfChnk\0".utf8)) {
                firsts.append((i, h.le64(8)))
            } else if h.contains(where: { $0 != 0 }) {
                warn(at: at, "chunk \(i) does not start with \"ElfChnk\"; skipped")
            } else {
                zeros.append(i)
            }
        }
        // Unused chunks at the end are zeros; a zeroed chunk between written ones is damage.
        for i in zeros where i < (firsts.last?.0 ?? 0) {
            warn(at: UInt64(headerSize + i * Self.chunkSize), "chunk \(i) is zeros between written chunks (no \"ElfChnk\"); skipped")
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
            do {
                try file.read(into: buffer.baseAddress!, count: Self.chunkSize, at: base, what: "chunk \(index)")
            } catch {
                warn(at: base, "chunk \(index) cannot be read: \(error.reason)")
                continue
            }
            chunksRead += 1
            readChunk(index, UnsafeRawBufferPointer(buffer), base: base, body)
        }
    }

    private func readChunk(_ index: Int, _ c: UnsafeRawBufferPointer, base: UInt64, _ body: (EventRecord) -> Void) {
        let stored = c.le32(124)
        let computed = CRC32.checksum(
            UnsafeRawBufferPointer(rebasing: c[128..<512]),
            continuing: CRC32.checksum(UnsafeRawBufferPointer(rebasing: c[0..<120])))
        if stored != computed {
            warn(at: base + 124, "chunk \(index): header CRC-32 0x\(Hex.padded(stored, width: 8)) does not match 0x\(Hex.padded(computed, width: 8)); its records are read where they parse")
        }
        let free = Int(c.le32(48))
        let end = (512...Self.chunkSize).contains(free) ? free : Self.chunkSize
        if end != free { warn(at: base + 48, "chunk \(index): free space offset \(free) is outside the chunk") }
        let recordsCRC = CRC32.checksum(UnsafeRawBufferPointer(rebasing: c[512..<end]))
        if recordsCRC != c.le32(52) {
            warn(at: base + 52, "chunk \(index): records CRC-32 0x\(Hex.padded(c.le32(52), width: 8)) does not match 0x\(Hex.padded(recordsCRC, width: 8))")
        }
        var parser = BinaryXMLParser(chunk: c, templates: TemplateCache())
        var p = 512
        while p + 28 <= end {
            guard c.le32(p) == 0x0000_2A2A else {
                warn(at: base + UInt64(p), "chunk \(index): no record signature here; the rest of the chunk is skipped")
                return
            }
            let size = Int(c.le32(p + 4))
            // Bounded by the chunk, not the free-space offset, which a damaged chunk may have wrong.
            guard size >= 28, size <= Self.chunkSize - p else {
                warn(at: base + UInt64(p + 4), "chunk \(index): record \(c.le64(p + 8)) has size \(size), which does not fit; the rest of the chunk is skipped")
                return
            }
            if c.le32(p + size - 4) != UInt32(size) {
                warn(at: base + UInt64(p + size - 4), "chunk \(index): record \(c.le64(p + 8)) does not end with its size (cut off?); read as far as it parses")
            }
            let number = c.le64(p + 8)
            var event: XMLElement? = nil
            do {
                let nodes = try parser.document(from: p + 24, to: p + size - 4)
                for case .element(let e) in nodes {
                    event = e
                    break
                }
            } catch {
                warn(at: base + UInt64(error.offset), "chunk \(index), record \(number): \(error.reason)")
            }
            recordsRead += 1
            body(EventRecord(number: number, written: FileTime(raw: c.le64(p + 16)), event: event, chunk: index, fileOffset: base + UInt64(p)))
            p += size
        }
    }
}
