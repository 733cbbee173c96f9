import BinaryFormat
import CLibCSV

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A CSV file streamed through libcsv with `read(2)` into one reusable block: constant memory whatever its size.
///
/// The file is opened read-only. UTF-8 (with or without BOM) goes to libcsv as read; UTF-16 is transcoded
/// block by block. A field longer than `maxFieldBytes` stops the parse with an error instead of growing
/// without bound (libcsv buffers a field whole), so a runaway quote cannot take the file's size in memory.
public final class CSVFile {
    /// libcsv's field buffer never grows past this (see `cappedRealloc`).
    public static let maxFieldBytes = 4 << 20
    /// The kept fields of one record together never exceed this.
    public static let maxRecordBytes = 16 << 20
    /// Records with more columns than this are refused.
    public static let maxColumns = 1024

    public let path: String
    public let size: Int64
    private let file: ReadOnlyFile
    private let fd: Int32
    public var blockSize = 1 << 20

    public init(path: String) throws {
        self.path = path
        let file: ReadOnlyFile
        do { file = try ReadOnlyFile(path: path, sequential: true) } catch {
            throw CSVStreamError(.cannotOpen, file: path, at: error.position, error.reason)
        }
        if file.isDirectory {
            throw CSVStreamError(.cannotOpen, file: path, "is a directory, expected a CSV file")
        }
        self.file = file
        self.fd = file.fd
        self.size = Int64(file.size)
    }

    /// Streams every record into `sink`; `progress` gets (bytes read, file size) once per block.
    public func stream<S: CSVRecordSink>(
        into sink: inout S, progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> CSVStreamSummary {
        guard lseek(fd, 0, SEEK_SET) == 0 else {
            throw CSVStreamError(.readFailed, file: path, "cannot seek: \(String(cString: strerror(errno)))")
        }
        return try withUnsafeMutablePointer(to: &sink) { sinkPointer in
            let state = ParseState(
                onHeader: { try sinkPointer.pointee.header($0) },
                onRecord: { try sinkPointer.pointee.record($0) })
            defer { state.destroy() }
            return try run(state, progress: progress)
        }
    }

    private func run(_ state: ParseState, progress: ((Int64, Int64) -> Void)?) throws -> CSVStreamSummary {
        var parser = csv_parser()
        guard csv_init(&parser, 0) == 0 else { throw CSVStreamError(.readFailed, file: path, "libcsv failed to start") }
        defer { csv_free(&parser) }
        csv_set_realloc_func(&parser, cappedRealloc)
        csv_set_blk_size(&parser, 64 << 10)

        var summary = CSVStreamSummary()
        let prefetcher = BlockPrefetcher(fd: fd, blockSize: blockSize)
        defer { prefetcher.stop() }
        var transcoder: UTF16Transcoder? = nil
        var converted: UnsafeMutableRawPointer? = nil
        defer { converted?.deallocate() }
        var first = true
        var offset: Int64 = 0  // bytes of the file consumed so far

        while true {
            let block = prefetcher.nextBlock()
            defer { prefetcher.done() }
            if block.errorNumber != 0 {
                throw CSVStreamError(
                    .readFailed, file: path, at: .byteOffset(UInt64(offset)),
                    "read failed: \(String(cString: strerror(block.errorNumber)))")
            }
            let got = block.bytes.count
            if got == 0 { break }
            var bytes = block.bytes
            if first {
                first = false
                let (encoding, bom) = TextEncoding.detect(bytes)
                summary.encoding = encoding
                if encoding == .utf16LE || encoding == .utf16BE {
                    transcoder = UTF16Transcoder(bigEndian: encoding == .utf16BE)
                    converted = .allocate(byteCount: UTF16Transcoder.outputCapacity(forInput: blockSize), alignment: 16)
                }
                bytes = UnsafeRawBufferPointer(rebasing: bytes[bom...])
                state.pointee.textStart = Int64(bom)
            }
            if transcoder != nil {
                let n = transcoder!.transcode(bytes, into: converted!)
                bytes = UnsafeRawBufferPointer(start: converted, count: n)
            }
            if offset == 0 {
                summary.headerQuoted = bytes.first(where: { $0 != 0x20 }) == 0x22
                summary.delimiter = Self.delimiter(ofHeaderIn: bytes)
                csv_set_delim(&parser, summary.delimiter)
                if summary.delimiter == 0x09 { csv_set_space_func(&parser, onlySpace) }
            }
            try checkText(bytes, fileOffset: offset, transcoded: transcoder != nil)
            try feed(&parser, bytes, state)
            offset += Int64(got)
            progress?(offset, size)
            if state.pointee.stopped { break }
        }
        summary.bytesRead = offset
        if let failure = state.pointee.failure { throw located(failure) }
        if offset == 0 || (offset <= state.pointee.textStart && state.pointee.records == 0) {
            throw CSVStreamError(.empty, file: path, "the file is empty")
        }
        if transcoder != nil {
            let n = transcoder!.finish(into: converted!)
            try feed(&parser, UnsafeRawBufferPointer(start: converted, count: n), state)
        }
        if wa_csv_in_open_quote(&parser) != 0 {
            try checkCutOffQuote(&parser, row: state.pointee.records + 1)
            state.pointee.endsInsideQuote = true
        }
        csv_fini(&parser, onField, onRecordEnd, UnsafeMutableRawPointer(state))
        if let failure = state.pointee.failure { throw located(failure) }
        summary.records = state.pointee.records
        return summary
    }

    /// The field separator of the header line: a comma as Procmon writes it, else the semicolon or tab a
    /// spreadsheet re-save in some locales uses. Quoted text is skipped.
    static func delimiter(ofHeaderIn bytes: UnsafeRawBufferPointer) -> UInt8 {
        var quoted = false
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
        for b in bytes.prefix(64 << 10) {
            if b == 0x22 { quoted.toggle() }
            if quoted { continue }
            if b == 0x0A || b == 0x0D { break }
            if counts[b] != nil { counts[b]! += 1 }
        }
        for candidate: UInt8 in [0x2C, 0x3B, 0x09] where counts[candidate]! > 0 { return candidate }
        return 0x2C
    }

    /// Text exports never hold NUL bytes; one means binary data (or UTF-16 without a BOM that was not recognised).
    private func checkText(_ bytes: UnsafeRawBufferPointer, fileOffset: Int64, transcoded: Bool) throws {
        guard let base = bytes.baseAddress, let hit = memchr(base, 0, bytes.count) else { return }
        let at = transcoded ? fileOffset : fileOffset + Int64(base.distance(to: UnsafeRawPointer(hit)))
        throw CSVStreamError(
            .binary, file: path, at: .byteOffset(UInt64(at)),
            "binary data (NUL byte), expected CSV text")
    }

    private func feed(_ parser: inout csv_parser, _ bytes: UnsafeRawBufferPointer, _ state: ParseState) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let used = csv_parse(&parser, base, bytes.count, onField, onRecordEnd, UnsafeMutableRawPointer(state))
        if used != bytes.count && state.pointee.failure == nil {
            let row = state.pointee.records + 1
            let quoted = wa_csv_in_open_quote(&parser) != 0
            let what =
                "a\(quoted ? " quoted" : "") field runs on past \(CSVFile.maxFieldBytes >> 20) MiB (export fields are at most a few KB)\(quoted ? ": an unterminated quote opened on this row?" : "")"
            state.pointee.failure = CSVStreamError(
                .fieldTooLong, file: path, at: rowPosition(record: row), what)
        }
        if state.pointee.failure != nil { state.pointee.stopped = true }
    }

    /// A parse error from the callbacks named with the file (they know the row, not the path).
    private func located(_ error: Error) -> Error {
        guard var e = error as? CSVStreamError, e.file.isEmpty else { return error }
        e.file = path
        return e
    }

    /// The file ends inside a quoted field. A capture cut off mid-row is analysed up to there; but a quote that
    /// opened long before and swallowed line breaks followed by what look like further quoted records is an
    /// unterminated quote, and the rows it swallowed would be silently lost.
    private func checkCutOffQuote(_ parser: inout csv_parser, row: Int) throws {
        guard let buffer = parser.entry_buf else { return }
        let field = UnsafeRawBufferPointer(start: buffer, count: parser.entry_pos)
        // A row cut inside its last physical line is a cut-off capture; a quote left open across a line break
        // is not (whatever looks like rows after it would be silently swallowed).
        var breaks = 0
        var first = -1
        for i in 0..<field.count
        where field[i] == 0x0A || (field[i] == 0x0D && (i + 1 == field.count || field[i + 1] != 0x0A)) {
            breaks += 1
            if first < 0 { first = i }
        }
        if breaks > 0 {
            throw CSVStreamError(
                .unterminatedQuote, file: path, at: rowPosition(record: row),
                "a quote opened on this row is never closed: the field runs on over \(breaks) line break(s) to the end of the file"
            )
        }
    }
}

/// With tab as the separator, only spaces may be trimmed around unquoted fields (libcsv trims tabs too).
private let onlySpace: @convention(c) (UInt8) -> Int32 = { $0 == 0x20 ? 1 : 0 }

/// libcsv grows a field's buffer with this; past the cap it reports out-of-memory and the parse stops cleanly.
private let cappedRealloc: @convention(c) (UnsafeMutableRawPointer?, Int) -> UnsafeMutableRawPointer? = {
    pointer, size in
    size > CSVFile.maxFieldBytes ? nil : realloc(pointer, size)
}
