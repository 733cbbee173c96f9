import BinaryFormat

/// One record as libcsv delivered it: the kept columns as byte slices, valid only during the sink call.
///
/// Fields are addressed by *slot*: the position of the column in the list the sink asked to keep.
/// A column the record did not have reads as empty; `fieldCount` says how many fields it really had.
public struct CSVRecord {
    /// 1-based number of the record in the file; the header is record 1.
    public let number: Int
    /// How many fields the record had (all columns, kept or not).
    public let fieldCount: Int
    /// True for a last record that the end of the file cut off inside a quoted field.
    public let endsInsideQuote: Bool
    @usableFromInline let base: UnsafeRawPointer
    @usableFromInline let starts: UnsafePointer<Int>
    @usableFromInline let ends: UnsafePointer<Int>
    /// Number of slots.
    public let slotCount: Int

    /// The bytes of a kept column, without quotes; `""` quoting is already undone.
    @inlinable @inline(__always)
    public func field(_ slot: Int) -> UnsafeRawBufferPointer {
        precondition(slot >= 0 && slot < slotCount, "slot out of range")
        return UnsafeRawBufferPointer(start: base + starts[slot], count: ends[slot] - starts[slot])
    }

    /// A kept column decoded as UTF-8 (invalid sequences repaired); for the rows that matter, not the hot path.
    public func string(_ slot: Int) -> String {
        String(decoding: field(slot), as: UTF8.self)
    }
}

/// Receives the records of a CSV stream: first the header, then each data record.
public protocol CSVRecordSink {
    /// Called once with the first record (every column kept); returns the columns later records keep, in slot order.
    mutating func header(_ record: CSVRecord) throws -> [Int]
    /// Called for each later record.
    mutating func record(_ record: CSVRecord) throws
}

/// What the stream saw, besides the records.
public struct CSVStreamSummary: Sendable {
    public var encoding: TextEncoding = .utf8
    /// Bytes of the file read (before transcoding).
    public var bytesRead: Int64 = 0
    /// Records delivered, the header included.
    public var records: Int = 0
    /// False when the first byte after the BOM is not a quote: a file re-saved by a spreadsheet.
    public var headerQuoted = true
    /// The field separator found in the header line (`,` unless a spreadsheet re-saved the file).
    public var delimiter: UInt8 = 0x2C
}
