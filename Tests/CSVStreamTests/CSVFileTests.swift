import Foundation
import Testing

@testable import CSVStream

/// Collects every record as strings, all columns kept.
private struct Collect: CSVRecordSink {
    var rows: [[String]] = []
    var columns = 0
    mutating func header(_ r: CSVRecord) throws -> [Int] {
        columns = r.fieldCount
        rows.append((0..<r.fieldCount).map { r.string($0) })
        return Array(0..<r.fieldCount)
    }
    mutating func record(_ r: CSVRecord) throws {
        rows.append((0..<min(r.fieldCount, r.slotCount)).map { r.string($0) })
    }
}

private func temporaryFile(_ bytes: [UInt8]) throws -> String {
    let path = NSTemporaryDirectory() + "csvstream-\(UUID().uuidString).csv"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

private func quoted(_ rows: [[String]], eol: String = "\r\n") -> String {
    rows.map { $0.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") }
        .joined(separator: eol) + eol
}

@Suite("CSVFile streaming")
struct CSVFileTests {
    static let rows: [[String]] = [
        ["Time of Day", "Process Name", "Detail"],
        ["10:00:00.1 AM", "a \"quoted\" name", "line one\rline two\nline three"],
        ["", "ünïcödé 名前 😀", "Filter: *, 1: ."],
        ["x", "y", String(repeating: "z", count: 5000)],
    ]

    @Test("gives back every field whatever the block size", arguments: [1, 2, 3, 7, 64, 1 << 20])
    func blockBoundaries(blockSize: Int) throws {
        let path = try temporaryFile(Array(quoted(Self.rows).utf8))
        defer { unlink(path) }
        let file = try CSVFile(path: path)
        file.blockSize = blockSize
        var sink = Collect()
        let summary = try file.stream(into: &sink)
        #expect(sink.rows == Self.rows)
        #expect(summary.records == Self.rows.count)
        #expect(summary.encoding == .utf8)
    }

    @Test("reads UTF-16 with a BOM in either byte order, pairs split across blocks", arguments: [false, true])
    func utf16(bigEndian: Bool) throws {
        let text = quoted(Self.rows)
        var bytes: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
        for unit in text.utf16 {
            let pair = bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            bytes += pair
        }
        let path = try temporaryFile(bytes)
        defer { unlink(path) }
        for blockSize in [3, 5, 1 << 20] {
            let file = try CSVFile(path: path)
            file.blockSize = blockSize
            var sink = Collect()
            let summary = try file.stream(into: &sink)
            #expect(sink.rows == Self.rows)
            #expect(summary.encoding == (bigEndian ? .utf16BE : .utf16LE))
        }
    }

    @Test("skips a UTF-8 BOM and reads LF line ends")
    func bomAndLF() throws {
        let path = try temporaryFile([0xEF, 0xBB, 0xBF] + Array(quoted(Self.rows, eol: "\n").utf8))
        defer { unlink(path) }
        var sink = Collect()
        let summary = try CSVFile(path: path).stream(into: &sink)
        #expect(sink.rows == Self.rows)
        #expect(summary.encoding == .utf8WithBOM)
        #expect(summary.headerQuoted)
    }

    @Test("keeps only the columns the header asks for")
    func keptColumns() throws {
        struct KeepDetail: CSVRecordSink {
            var details: [String] = []
            var slots: [Int] = []
            mutating func header(_ r: CSVRecord) throws -> [Int] { [2] }
            mutating func record(_ r: CSVRecord) throws {
                details.append(r.string(0))
                slots.append(r.slotCount)
            }
        }
        let path = try temporaryFile(Array(quoted(Self.rows).utf8))
        defer { unlink(path) }
        var sink = KeepDetail()
        _ = try CSVFile(path: path).stream(into: &sink)
        #expect(sink.details == Self.rows.dropFirst().map { $0[2] })
        #expect(sink.slots.allSatisfy { $0 == 1 })
    }

    @Test("refuses an empty file and a BOM alone")
    func empty() throws {
        for bytes: [UInt8] in [[], [0xEF, 0xBB, 0xBF]] {
            let path = try temporaryFile(bytes)
            defer { unlink(path) }
            var sink = Collect()
            #expect(throws: CSVStreamError(.empty, file: "", "")) { try CSVFile(path: path).stream(into: &sink) }
        }
    }

    @Test("refuses binary data and names the byte offset of the first NUL")
    func binary() throws {
        let path = try temporaryFile(Array("\"a\",\"b\"\r\n\"c\"".utf8) + [0, 1, 2])
        defer { unlink(path) }
        var sink = Collect()
        do {
            _ = try CSVFile(path: path).stream(into: &sink)
            Issue.record("expected an error")
        } catch let error as CSVStreamError {
            #expect(error.code == .binary)
            #expect(error.position == .byteOffset(12) && error.file == path)
        }
    }

    @Test("stops a 100 MB field at the cap instead of buffering it")
    func hugeField() throws {
        var bytes = Array("\"h\"\r\n\"".utf8)
        bytes += [UInt8](repeating: 0x78, count: 100 << 20)
        bytes += Array("\"\r\n".utf8)
        let path = try temporaryFile(bytes)
        defer { unlink(path) }
        var sink = Collect()
        do {
            _ = try CSVFile(path: path).stream(into: &sink)
            Issue.record("expected an error")
        } catch let error as CSVStreamError {
            #expect(error.code == .fieldTooLong)
            #expect(error.position == .row(1) && error.file == path)
        }
    }

    @Test("marks a last record cut off inside a quote")
    func cutOff() throws {
        let path = try temporaryFile(Array("\"a\",\"b\"\r\n\"1\",\"half a fie".utf8))
        defer { unlink(path) }
        struct Last: CSVRecordSink {
            var last: (Int, Bool)? = nil
            mutating func header(_ r: CSVRecord) throws -> [Int] { [0, 1] }
            mutating func record(_ r: CSVRecord) throws { last = (r.fieldCount, r.endsInsideQuote) }
        }
        var sink = Last()
        _ = try CSVFile(path: path).stream(into: &sink)
        #expect(sink.last?.0 == 2)
        #expect(sink.last?.1 == true)
    }
}
