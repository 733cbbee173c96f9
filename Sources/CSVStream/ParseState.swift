import BinaryFormat
import CLibCSV

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What libcsv's callbacks work on, reached through their `void *` argument (no class, no retain/release).
struct ParseStorage {
    var onHeader: (CSVRecord) throws -> [Int]
    var onRecord: (CSVRecord) throws -> Void
    /// Kept fields of the current record, back to back.
    var arena: UnsafeMutableRawPointer
    var arenaCapacity: Int
    var arenaUsed = 0
    var starts: UnsafeMutablePointer<Int>
    var ends: UnsafeMutablePointer<Int>
    /// Column index -> slot, or -1 for a column nobody reads.
    var slotOfColumn: UnsafeMutablePointer<Int32>
    var slotCount: Int
    var column = 0
    var records = 0
    var textStart: Int64 = 0
    var endsInsideQuote = false
    var stopped = false
    var failure: Error? = nil
}

typealias ParseState = UnsafeMutablePointer<ParseStorage>

extension UnsafeMutablePointer where Pointee == ParseStorage {
    init(onHeader: @escaping (CSVRecord) throws -> [Int], onRecord: @escaping (CSVRecord) throws -> Void) {
        let columns = CSVFile.maxColumns
        let slotOfColumn = UnsafeMutablePointer<Int32>.allocate(capacity: columns)
        for i in 0..<columns { slotOfColumn[i] = Int32(i) }
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: columns)
        let ends = UnsafeMutablePointer<Int>.allocate(capacity: columns)
        starts.initialize(repeating: 0, count: columns)
        ends.initialize(repeating: 0, count: columns)
        self = .allocate(capacity: 1)
        initialize(
            to: ParseStorage(
                onHeader: onHeader, onRecord: onRecord,
                arena: .allocate(byteCount: 64 << 10, alignment: 16), arenaCapacity: 64 << 10,
                starts: starts, ends: ends, slotOfColumn: slotOfColumn, slotCount: columns))
    }

    func destroy() {
        pointee.arena.deallocate()
        pointee.starts.deallocate()
        pointee.ends.deallocate()
        pointee.slotOfColumn.deallocate()
        deinitialize(count: 1)
        deallocate()
    }
}

/// How errors name a record: the header, or the 1-based data row (the header is not a row).
func rowPosition(record: Int) -> FilePosition { record <= 1 ? .header : .row(record - 1) }

/// libcsv's per-field callback: copies a kept column's bytes into the arena.
let onField: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = {
    bytes, length, context in
    let s = context.unsafelyUnwrapped.assumingMemoryBound(to: ParseStorage.self)
    let column = s.pointee.column
    s.pointee.column = column &+ 1
    if s.pointee.stopped { return }
    guard column < CSVFile.maxColumns else {
        if column == CSVFile.maxColumns {
            s.pointee.failure = CSVStreamError(
                .tooManyColumns, file: "", at: rowPosition(record: s.pointee.records + 1),
                "more than \(CSVFile.maxColumns) fields, which no export this tool reads has"
            )
            s.pointee.stopped = true
        }
        return
    }
    let slot = Int(s.pointee.slotOfColumn[column])
    guard slot >= 0 else { return }
    let used = s.pointee.arenaUsed
    if used &+ length > s.pointee.arenaCapacity {
        guard grow(s, to: used + length) else { return }
    }
    if length > 0, let bytes { memcpy(s.pointee.arena + used, bytes, length) }
    s.pointee.starts[slot] = used
    s.pointee.ends[slot] = used &+ length
    s.pointee.arenaUsed = used &+ length
}

/// Grows the arena for a long record, up to `maxRecordBytes`; past it the parse stops with an error.
private func grow(_ s: ParseState, to needed: Int) -> Bool {
    guard needed <= CSVFile.maxRecordBytes else {
        s.pointee.failure = CSVStreamError(
            .recordTooLong, file: "", at: rowPosition(record: s.pointee.records + 1),
            "record longer than \(CSVFile.maxRecordBytes >> 20) MiB"
        )
        s.pointee.stopped = true
        return false
    }
    var capacity = s.pointee.arenaCapacity
    while capacity < needed { capacity *= 2 }
    let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    grown.copyMemory(from: s.pointee.arena, byteCount: s.pointee.arenaUsed)
    s.pointee.arena.deallocate()
    s.pointee.arena = grown
    s.pointee.arenaCapacity = capacity
    return true
}

/// libcsv's end-of-record callback: hands the record to the sink, then clears the slots for the next one.
let onRecordEnd: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, context in
    let s = context.unsafelyUnwrapped.assumingMemoryBound(to: ParseStorage.self)
    let number = s.pointee.records + 1
    s.pointee.records = number
    if !s.pointee.stopped {
        let record = CSVRecord(
            number: number, fieldCount: s.pointee.column, endsInsideQuote: s.pointee.endsInsideQuote,
            base: UnsafeRawPointer(s.pointee.arena), starts: s.pointee.starts, ends: s.pointee.ends,
            slotCount: s.pointee.slotCount)
        do {
            if number == 1 {
                let kept = try s.pointee.onHeader(record)
                for i in 0..<CSVFile.maxColumns { s.pointee.slotOfColumn[i] = -1 }
                for (slot, column) in kept.enumerated() where column >= 0 && column < CSVFile.maxColumns {
                    s.pointee.slotOfColumn[column] = Int32(slot)
                }
                s.pointee.slotCount = kept.count
            } else {
                try s.pointee.onRecord(record)
            }
        } catch {
            s.pointee.failure = error
            s.pointee.stopped = true
        }
    }
    for i in 0..<s.pointee.slotCount {
        s.pointee.starts[i] = 0
        s.pointee.ends[i] = 0
    }
    s.pointee.column = 0
    s.pointee.arenaUsed = 0
}
