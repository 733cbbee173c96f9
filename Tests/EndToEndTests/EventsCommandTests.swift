import Foundation
import Testing
import TraceAudit

private let reference = Run.root.deletingLastPathComponent().appendingPathComponent("shared/reference/procmon").path
private var hasReference: Bool { FileManager.default.fileExists(atPath: reference + "/SOURCES.md") }

/// The five columns every reader must reproduce exactly, row by row.
private struct Columns: EventSink {
    var rows: [[String]] = []
    mutating func event(_ e: EventView) {
        rows.append([e.processName, e.operation, e.path, e.result].map { String(decoding: $0, as: UTF8.self) })
        rows[rows.count - 1].insert(String(e.pid), at: 1)
    }
}

private func columns(ofCSV path: String) async throws -> [[String]] {
    var sink = Columns()
    _ = try ProcmonCSVReader(path: path).read(into: &sink)
    return sink.rows
}

private func temporary(_ name: String, _ text: String) async throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("wa-events-\(getpid())-\(name)").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Suite("writer-audit events, end to end")
struct EventsCommandTests {
    @Test(
        "turns each reference PML into the CSV Procmon exported: every row of the twin, in order, same columns",
        .enabled(
            if: hasReference || ["true", "1"].contains(ProcessInfo.processInfo.environment["CI"] ?? ""),
            "../shared/reference is not beside the clone"),
        arguments: [
            ("pml/prsp0007_samples_Logfile.PML", "prsp0007_samples_Logfile.CSV"),
            ("pml/zingus_Crysis-Nanny_Logfile.PML", "zingus_Crysis-Nanny_Logfile.CSV"),
            ("pml/Noriben_Sample_2013.pml", "Noriben_Sample_2013.csv"),
        ])
    func twins(pml: String, csv: String) async throws {
        let run = try await Run(["events", reference + "/" + pml])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        // Procmon's framing: UTF-8 BOM, its 7 quoted column names, CRLF.
        #expect(
            run.stdout.hasPrefix(
                "\u{FEFF}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n"))
        let out = try await temporary(csv, run.stdout)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let converted = try await columns(ofCSV: out)
        let exported = try await columns(ofCSV: reference + "/" + csv)
        var j = 0
        var matched = 0
        for row in exported {
            while j < converted.count && converted[j] != row { j += 1 }
            if j < converted.count {
                matched += 1
                j += 1
            }
        }
        #expect(matched == exported.count, "\(matched)/\(exported.count) rows of \(csv)")
    }

    @Test(
        "--utc-offset prints the capture's clock: Time of Day and Detail dates as the export's, only the format differing",
        .enabled(
            if: hasReference || ["true", "1"].contains(ProcessInfo.processInfo.environment["CI"] ?? ""),
            "../shared/reference is not beside the clone"))
    func utcOffset() async throws {
        let pml = reference + "/pml/prsp0007_samples_Logfile.PML"
        let utc = try await Run(["events", pml, "--format", "json", "--pid", "2884"])
        let local = try await Run(["events", pml, "--format", "json", "--pid", "2884", "--utc-offset", "+2"])
        #expect(utc.status == 0 && local.status == 0, "\(local.stderr)")
        func rows(_ text: String) throws -> [[String: String]] {
            try text.split(separator: "\n").map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] ?? [:]
            }
        }
        let (a, b) = (try rows(utc.stdout), try rows(local.stdout))
        #expect(a.count == b.count && a.count > 500)
        // The export (captured at UTC+2) shows 15:42:22,8459553 for the first event, and wow64.dll created
        // 10/12/2020 17:48:57 (day first).
        #expect(a.first?["Time of Day"] == "1:42:22.8459553 PM" && b.first?["Time of Day"] == "3:42:22.8459553 PM")
        let wow = try #require(
            b.first { $0["Operation"] == "QueryBasicInformationFile" && $0["Path"]?.hasSuffix("wow64.dll") == true })
        #expect(wow["Detail"]?.hasPrefix("CreationTime: 12/10/2020 5:48:57 PM, ") == true, "\(wow)")
        for bad in ["25", "+2:75", "two", "+"] {
            let r = try await Run(["events", pml, "--utc-offset", bad])
            #expect(r.status != 0 && r.stderr.contains("--utc-offset"), "\(bad): \(r.stderr)")
        }
    }

    @Test("--format json writes one object per event; --columns picks and orders columns")
    func jsonAndColumns() async throws {
        let pml = try await PMLFixture.make("permissions")
        let csv = try await Run(["events", pml])
        let rows = csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count - 1
        let json = try await Run(["events", pml, "--format", "json"])
        #expect(json.status == 0)
        let lines = json.stdout.split(separator: "\n")
        #expect(lines.count == rows && rows > 100)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(
                object?.keys.sorted() == [
                    "Detail", "Operation", "PID", "Path", "Process Name", "Result", "Time of Day",
                ])
        }
        let picked = try await Run([
            "events", pml, "--columns", "PID,Image Path,Architecture,Operation", "--pid", "1868",
        ])
        #expect(picked.status == 0)
        let pickedLines = picked.stdout.components(separatedBy: "\r\n")
        #expect(pickedLines.first == "\u{FEFF}\"PID\",\"Image Path\",\"Architecture\",\"Operation\"")
        #expect(pickedLines[1].hasPrefix("\"1868\",\"C:\\Windows\\System32\\svchost.exe\",\"64-bit\","))
        #expect(pickedLines.dropFirst().filter { !$0.isEmpty }.allSatisfy { $0.hasPrefix("\"1868\",") })
        let bad = try await Run(["events", pml, "--columns", "PID,Nonsense"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("unknown column \"Nonsense\""))
    }

    @Test("a CSV export goes through events unchanged in its 7 columns")
    func csvRoundTrip() async throws {
        let run = try await Run(["events", Run.fixture("crash.csv")])
        #expect(run.status == 0)
        let out = try await temporary("crash.csv", run.stdout)
        defer { try? FileManager.default.removeItem(atPath: out) }
        #expect(try await columns(ofCSV: out) == columns(ofCSV: Run.fixture("crash.csv")))
    }

    @Test("trace reads a PML: verdict and exit code as for the CSV; a damaged PML is one line and exit 2")
    func tracePML() async throws {
        let pml = try await PMLFixture.make("folder-files")
        let run = try await Run(["trace", pml])
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("System Writer: FOLDER-LIMIT\n"))
        #expect(run.stdout.contains("12,500 files and 0 subfolders"))
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: pml)))
        bytes[4] = 8
        let damaged = pml + ".v8"
        try Data(bytes).write(to: URL(fileURLWithPath: damaged))
        let refused = try await Run(["trace", damaged])
        #expect(refused.status == 2)
        #expect(
            refused.stderr
                == "writer-audit: \(damaged): byte offset 4: PML format version 8 is not supported (versions 7 and 9 are); open it in Procmon and save it again, or export it as CSV\n"
        )
    }
}

/// PML versions of the fixture scenarios, written by scripts/make-procmon-export --format pml.
enum PMLFixture {
    /// Each scenario is written once, however many tests ask for it at the same time.
    private actor Store {
        var made: [String: Task<String, any Error>] = [:]
        func path(_ scenario: String) async throws -> String {
            if let task = made[scenario] { return try await task.value }
            let task = Task { try await PMLFixture.write(scenario) }
            made[scenario] = task
            return try await task.value
        }
    }
    private static let store = Store()

    static func make(_ scenario: String) async throws -> String { try await store.path(scenario) }

    private static func write(_ scenario: String) async throws -> String {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("wa-e2e-\(getpid())-\(scenario).pml")
            .path
        if FileManager.default.fileExists(atPath: out) { return out }
        let run = try await Run(
            program: "/usr/bin/env",
            [
                "python3", Run.root.appendingPathComponent("scripts/make-procmon-export").path, scenario, out,
                "--format", "pml",
            ])
        #expect(run.status == 0, "\(run.stderr)")
        return out
    }
}
