import BinaryFormat

/// One 64 KiB chunk of an EVTX log: its CRC-32 checks and its records, walked in the order they are
/// written. Warnings are kept here (chunks may be read side by side) and handed to the log in order.
struct EventChunk {
    let index: Int
    /// The chunk's byte offset in the file.
    let base: UInt64
    let bytes: UnsafeRawBufferPointer
    private(set) var warnings: [(offset: UInt64, reason: String)] = []
    private(set) var records = 0

    init(index: Int, base: UInt64, bytes: UnsafeRawBufferPointer) {
        self.index = index
        self.base = base
        self.bytes = bytes
    }

    /// Where a record's parts are in the chunk.
    struct RecordSpan {
        var number: UInt64
        var written: UInt64
        /// The record's byte offset in the chunk.
        var at: Int
        /// Its binary XML: from `start` to `end`.
        var start: Int
        var end: Int
    }

    private mutating func warn(_ offset: Int, _ reason: String) {
        warnings.append((base + UInt64(offset), "chunk \(index): " + reason))
    }

    /// Checks the chunk's CRC-32s, then calls `body` with each record; a record whose binary XML fails is
    /// a warning naming it and the byte offset, and the walk goes on.
    mutating func forEachRecord(_ body: (RecordSpan) throws(BinaryXMLParser.Failure) -> Void) {
        let c = bytes
        let stored = c.le32(124)
        let computed = CRC32.checksum(
            UnsafeRawBufferPointer(rebasing: c[128..<512]),
            continuing: CRC32.checksum(UnsafeRawBufferPointer(rebasing: c[0..<120])))
        if stored != computed {
            warn(
                124,
                "header CRC-32 0x\(Hex.padded(stored, width: 8)) does not match 0x\(Hex.padded(computed, width: 8)); its records are read where they parse"
            )
        }
        let free = Int(c.le32(48))
        let end = (512...EventLogFile.chunkSize).contains(free) ? free : EventLogFile.chunkSize
        if end != free { warn(48, "free space offset \(free) is outside the chunk") }
        let recordsCRC = CRC32.checksum(UnsafeRawBufferPointer(rebasing: c[512..<end]))
        if recordsCRC != c.le32(52) {
            warn(
                52,
                "records CRC-32 0x\(Hex.padded(c.le32(52), width: 8)) does not match 0x\(Hex.padded(recordsCRC, width: 8))"
            )
        }
        var p = 512
        while p + 28 <= end {
            guard c.le32(p) == 0x0000_2A2A else {
                warn(p, "no record signature here; the rest of the chunk is skipped")
                return
            }
            let size = Int(c.le32(p + 4))
            // Bounded by the chunk, not the free-space offset, which a damaged chunk may have wrong.
            guard size >= 28, size <= EventLogFile.chunkSize - p else {
                warn(
                    p + 4,
                    "record \(c.le64(p + 8)) has size \(size), which does not fit; the rest of the chunk is skipped")
                return
            }
            if c.le32(p + size - 4) != UInt32(size) {
                warn(
                    p + size - 4,
                    "record \(c.le64(p + 8)) does not end with its size (cut off?); read as far as it parses")
            }
            let number = c.le64(p + 8)
            do {
                try body(RecordSpan(number: number, written: c.le64(p + 16), at: p, start: p + 24, end: p + size - 4))
            } catch {
                warnings.append((base + UInt64(error.offset), "chunk \(index), record \(number): \(error.reason)"))
            }
            records += 1
            p += size
        }
    }
}
