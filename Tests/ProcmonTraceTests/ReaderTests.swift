import Foundation
import TestSupport
import Testing

@testable import ProcmonTrace
@testable import TraceAudit

@Suite("Procmon CSV reader")
struct ReaderTests {
    @Test(
        "reads every encoding and column layout to the same answer",
        arguments: [
            "encoding-utf16le.csv", "encoding-utf16be.csv", "encoding-utf8-lf-nobom.csv", "columns-27-reordered.csv",
            "excel-semicolon.csv", "excel-tab.csv",
        ])
    func variants(fixture: String) throws {
        let base = try analyze("folder-files.csv")
        let variant = try analyze(fixture)
        #expect(variant.rows == base.rows)
        #expect(variant.verdict == base.verdict)
        #expect(variant.warnings.isEmpty == !fixture.hasPrefix("excel-"))
        let w = try #require(variant.writers.first?.windows.first)
        #expect(w.directories == base.writers.first?.windows.first?.directories)
    }

    @Test("says which separator a spreadsheet used")
    func separators() throws {
        #expect(try analyze("excel-semicolon.csv").warnings.contains { $0.contains("separated by ';'") })
        #expect(try analyze("excel-tab.csv").warnings.contains { $0.contains("separated by tabs") })
    }

    @Test("without a Detail column, warns and never calls folder sizes clean unchecked")
    func noDetail() throws {
        let report = try analyze("columns-no-detail.csv")
        #expect(report.warnings.contains { $0.contains("no Detail column") })
        #expect(report.verdict?.kind == .clean)
        #expect(report.verdict?.summary.contains("Folder sizes were NOT checked") == true)
    }

    @Test("reads the Sequence column when the export has one")
    func sequence() throws {
        let report = try analyze("columns-27-reordered.csv")
        let window = try #require(report.writers.first?.windows.first)
        #expect(window.enterSequence == window.enterRow - 1)
        #expect(window.lastEvents.allSatisfy { $0.sequence == $0.row - 1 && $0.tid != nil })
    }

    @Test(
        "analyses a file cut off inside its last row and warns",
        arguments: ["cut-off-in-quote.csv", "cut-off-fields.csv"])
    func cutOff(fixture: String) throws {
        let report = try analyze(fixture)
        let warning = try #require(report.warnings.first)
        #expect(warning.contains("row \(report.rows + 1): the file ends inside this row"))
        #expect(report.rows > 100)
    }

    @Test(
        "refuses bad input with one line naming the file and the position",
        arguments: [
            ("refuse-empty.csv", TraceError.Code.notAnExport, "empty"),
            ("refuse-binary.bin", .notAnExport, "byte offset 0"),
            ("refuse-stack-export.csv", .notAnExport, "\"Frame\",\"Module\",\"Location\",\"Address\",\"Path\""),
            ("refuse-unterminated-quote.csv", .malformedRow, "row 20:"),
            ("refuse-quote-to-end.csv", .malformedRow, "row 7: a quote opened on this row is never closed"),
            ("refuse-pid-not-number.csv", .malformedRow, "row 60: PID \"18b8\" is not a number"),
            ("refuse-short-row.csv", .malformedRow, "row 30:"),
        ] as [(String, TraceError.Code, String)])
    func refusals(fixture: String, code: TraceError.Code, fragment: String) {
        do {
            _ = try analyze(fixture)
            Issue.record("\(fixture) was accepted")
        } catch let error as TraceError {
            #expect(error.code == code)
            #expect(error.message.hasPrefix(Paths.fixture(fixture) + ": "))
            #expect(error.message.contains(fragment), "\(error.message)")
            #expect(!error.message.contains("\n"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("the stack export names the columns an event export needs")
    func stackColumns() throws {
        #expect(throws: TraceError(.notAnExport, file: "", "")) { try analyze("refuse-stack-export.csv") }
        do { _ = try analyze("refuse-stack-export.csv") } catch let e as TraceError {
            #expect(e.position == .header)
            // The reason names what an event export needs (its wording is the rendering's; the list is the model's).
            for column in ProcmonColumns.required { #expect(e.reason.contains(column)) }
        }
    }
}

@Suite(
    "Shared reference exports",
    .enabled(if: Paths.hasReference || underCI, "../shared/reference is not beside the clone"))
struct ReferenceTests {
    /// (file, rows, columns) from the table in SOURCES.md.
    static func table() throws -> [(String, Int, Int)] {
        let text = try String(contentsOfFile: Paths.reference + "/SOURCES.md", encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count > 5, cells[1].hasSuffix(".csv") || cells[1].hasSuffix(".CSV"),
                let rows = Int(cells[3].replacingOccurrences(of: ",", with: "")),
                let columns = Int(cells[4].prefix { $0.isNumber })
            else { return nil }
            return (cells[1], rows, columns)
        }
    }

    @Test("every event export parses to the row count in SOURCES.md; the stack export is refused")
    func rowCounts() throws {
        let table = try Self.table()
        #expect(table.count >= 12)
        for (file, rows, _) in table {
            let path = Paths.reference + "/" + file
            if file.contains("_stack") {
                #expect(throws: TraceError(.notAnExport, file: "", "")) { try Trace.analyze(path: path) }
                continue
            }
            let report = try Trace.analyze(path: path)
            #expect(report.rows == rows, "\(file)")
            #expect(report.verdict == nil, "\(file) has no VSS activity")
            if file.contains("excel-resaved") {
                #expect(report.warnings.contains { $0.contains("re-saved by a spreadsheet") })
                #expect(report.warnings.contains { $0.contains("looks reformatted") })
            } else {
                #expect(report.warnings.isEmpty, "\(file): \(report.warnings)")
            }
        }
    }

    @Test("counts the names of real QueryDirectory listings")
    func realListings() throws {
        // MSBuild lists netstandard1.0 in two calls: "Filter: *, 1: ." then 11 names after "0: ..".
        struct Listings: EventSink {
            var counts: [Int] = []
            mutating func event(_ e: EventView) {
                guard Bytes.equals(e.operation, "QueryDirectory"),
                    Bytes.string(e.path).hasSuffix("Microsoft.CSharp\\4.3.0\\ref\\netstandard1.0")
                else { return }
                counts.append(DirectoryListing(detail: e.detail).names)
            }
        }
        var sink = Listings()
        _ = try ProcmonCSVReader(path: Paths.reference + "/stofte_roslyn-test_Logfile.CSV").read(into: &sink)
        #expect(sink.counts.first == 11)
    }
}
