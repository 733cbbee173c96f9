import Foundation
import TestSupport
import Testing

@testable import ProcmonTrace
@testable import TraceAudit

/// Collects what a CSV row and a PML event share: process name, PID, operation, path, result (and Detail).
private struct Collect: EventSink {
    var events: [[String]] = []
    var details: [String] = []
    var times: [String] = []
    mutating func event(_ e: EventView) {
        times.append(Bytes.string(e.timeOfDay))
        events.append([
            Bytes.string(e.processName), String(e.pid), Bytes.string(e.operation), Bytes.string(e.path),
            Bytes.string(e.result),
        ])
        details.append(Bytes.string(e.detail))
    }
}

/// Undoes the capturing machine's locale in an export's Detail: grouped numbers (`1.024`, `70 651`) and
/// local date-times (`10/12/2020 17:48:57`, UTC+2) become what `events` prints (`1,024`, `12/10/2020 3:48:57 PM`).
enum ExportLocale {
    static let grouped = try! NSRegularExpression(pattern: "(?<=\\d)[. \u{00A0}](?=\\d{3}(?!\\d))")
    static let date = try! NSRegularExpression(
        pattern: "(\\d{1,2})/(\\d{1,2})/(\\d{4}) (\\d{1,2}):(\\d{2}):(\\d{2})( [AP]M)?")

    static func hour(_ time: String) -> Int {
        let h = Int(time.prefix { $0.isNumber }) ?? 0
        if time.hasSuffix("PM") { return h % 12 + 12 }
        if time.hasSuffix("AM") { return h % 12 }
        return h
    }

    /// The capture's offset from UTC (hours, from Time of Day) and whether its dates put the day first (some
    /// date's first number is over 12).
    fileprivate static func clock(_ theirs: Collect, _ ours: Collect, pairs: [(csvRow: Int, pml: Int)]) -> (Int, Bool) {
        guard let first = pairs.first else { return (0, false) }
        let offset = (hour(theirs.times[first.csvRow]) - hour(ours.times[first.pml]) + 36) % 24 - 12
        let dayFirst = theirs.details.contains { d in
            date.matches(in: d, range: NSRange(d.startIndex..., in: d)).contains { m in
                Range(m.range(at: 1), in: d).map { Int(d[$0])! > 12 } ?? false
            }
        }
        return (offset, dayFirst)
    }

    static func normalized(_ s: String, offset: Int, dayFirst: Bool) -> String {
        let numbers = grouped.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: ",")
        var out = ""
        var last = numbers.startIndex
        for m in date.matches(in: numbers, range: NSRange(numbers.startIndex..., in: numbers)) {
            let r = Range(m.range, in: numbers)!
            out += numbers[last..<r.lowerBound]
            func group(_ k: Int) -> String { Range(m.range(at: k), in: numbers).map { String(numbers[$0]) } ?? "" }
            let (a, b) = (Int(group(1))!, Int(group(2))!)
            var h = Int(group(4))!
            if group(7) == " PM" { h = h % 12 + 12 } else if group(7) == " AM" { h %= 12 }
            var c = DateComponents()
            c.year = Int(group(3))
            c.month = dayFirst ? b : a
            c.day = dayFirst ? a : b
            c.hour = h
            c.minute = Int(group(5))
            c.second = Int(group(6))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            if let local = calendar.date(from: c) {
                let t = calendar.dateComponents(
                    [.year, .month, .day, .hour, .minute, .second],
                    from: local.addingTimeInterval(Double(-offset * 3600)))
                let h12 = t.hour! % 12 == 0 ? 12 : t.hour! % 12
                out +=
                    "\(t.month!)/\(t.day!)/\(t.year!) \(h12):" + String(format: "%02d:%02d", t.minute!, t.second!)
                    + (t.hour! < 12 ? " AM" : " PM")
            } else {
                out += numbers[r]
            }
            last = r.upperBound
        }
        out += numbers[last...]
        return out
    }
}

/// PML/CSV twins in the shared reference data (SOURCES.md lists the pairs).
private let twins = [
    ("pml/prsp0007_samples_Logfile.PML", "prsp0007_samples_Logfile.CSV", 9, 13_465),
    ("pml/zingus_Crysis-Nanny_Logfile.PML", "zingus_Crysis-Nanny_Logfile.CSV", 9, 15_757),
    ("pml/Noriben_Sample_2013.pml", "Noriben_Sample_2013.csv", 7, 623),
]

@Suite("Procmon PML reader", .enabled(if: Paths.hasReference || underCI, "../shared/reference is not beside the clone"))
struct PMLReferenceTests {
    /// Each export row's event in its PML (an export holds only what passed the display filter: an ordered
    /// subsequence of the log), and how many Details are equal once the export's locale is undone; the rows
    /// whose Detail still differs, with both texts.
    static func compare(pml: String, csv: String, version: Int, events: Int) throws -> (
        matched: Int, rows: Int, equal: Int, differing: [(operation: String, text: String)]
    ) {
        var fromPML = Collect()
        let outcome = try ProcmonPMLReader(path: Paths.reference + "/" + pml).read(into: &fromPML)
        #expect(outcome.version == UInt32(version))
        #expect(outcome.rows == events)
        #expect(fromPML.events.count == events, "read completely")
        #expect(outcome.warnings.isEmpty, "\(outcome.warnings)")
        var fromCSV = Collect()
        _ = try ProcmonCSVReader(path: Paths.reference + "/" + csv).read(into: &fromCSV)
        var j = 0
        var pairs: [(csvRow: Int, pml: Int)] = []
        for (i, row) in fromCSV.events.enumerated() {
            var k = j
            while k < fromPML.events.count && fromPML.events[k] != row { k += 1 }
            guard k < fromPML.events.count else {
                Issue.record("\(csv) row \(i + 1) not found in order: \(row)")
                continue
            }
            pairs.append((i, k))
            j = k + 1
        }
        let (offset, dayFirst) = ExportLocale.clock(fromCSV, fromPML, pairs: pairs)
        var equal = 0
        var differing: [(String, String)] = []
        for (i, k) in pairs {
            let theirs = ExportLocale.normalized(fromCSV.details[i], offset: offset, dayFirst: dayFirst)
            if theirs == fromPML.details[k] {
                equal += 1
            } else {
                differing.append(
                    (
                        fromCSV.events[i][2],
                        "\(csv) row \(i + 1) \(fromCSV.events[i][2]): theirs \(theirs) / ours \(fromPML.details[k])"
                    ))
            }
        }
        return (pairs.count, fromCSV.events.count, equal, differing)
    }

    @Test(
        "every row of each CSV twin appears, in order, among its PML's events, with the same Detail", arguments: twins)
    func twinsMatch(pml: String, csv: String, version: Int, events: Int) throws {
        let r = try Self.compare(pml: pml, csv: csv, version: version, events: events)
        #expect(r.rows > 500 && r.matched == r.rows)
        // What still differs must be written down in docs/PML-FORMAT.md: CreateFileMapping's page protection,
        // which the log does not hold as Procmon showed it.
        for (operation, text) in r.differing { #expect(operation == "CreateFileMapping", "\(text)") }
        print("\(pml): \(r.matched)/\(r.rows) CSV rows matched in order, Detail equal in \(r.equal)")
    }

    @Test("Detail equals the exports' in at least 99% of the three logs' rows")
    func detailOverall() throws {
        var equal = 0, rows = 0
        for (pml, csv, version, events) in twins {
            let r = try Self.compare(pml: pml, csv: csv, version: version, events: events)
            equal += r.equal
            rows += r.matched
        }
        print("Detail equal in \(equal)/\(rows) rows")
        #expect(rows > 4000 && Double(equal) >= 0.99 * Double(rows), "\(equal)/\(rows)")
    }

    @Test("a PML log is analysed like its CSV export: the same writers and no verdict from either")
    func analysedAlike() throws {
        for (pml, csv, _, _) in twins {
            let a = try Trace.analyze(path: Paths.reference + "/" + pml)
            let b = try Trace.analyze(path: Paths.reference + "/" + csv)
            #expect(a.verdict == nil && b.verdict == nil)
            #expect(a.writers.map(\.name) == b.writers.map(\.name))
            #expect(a.encoding.hasPrefix("PML v"))
        }
    }
}

/// Writes the fixture scenarios as PML with scripts/make-procmon-export --format pml (python3).
enum ScenarioPML {
    static let directory: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("writer-audit-pml-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    private static let lock = NSLock()

    static func make(_ scenario: String, bits: Int = 64) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let out = directory + "/\(scenario)-\(bits).pml"
        if FileManager.default.fileExists(atPath: out) { return out }
        let status = ProcessRun.runToEnd(
            "/usr/bin/env",
            [
                "python3", Paths.root.appendingPathComponent("scripts/make-procmon-export").path, scenario,
                out + ".tmp", "--format", "pml", "--pml-bits", String(bits),
            ])
        #expect(status == 0)
        try FileManager.default.moveItem(atPath: out + ".tmp", toPath: out)
        return out
    }
}

@Suite("PML and CSV give the same verdict")
struct PMLScenarioTests {
    static let scenarios = [
        "healthy", "folder-files", "folder-subfolders", "permissions", "both-permissions-last", "both-folder-last",
        "crash", "capture-ended", "restart", "pid-reuse", "no-markers", "other-writers",
    ]

    /// The verdict without its wording: kind, evidence path and row.
    static func shape(_ d: Diagnosis?) -> String {
        guard let d else { return "none" }
        return "\(d.kind.rawValue) \(d.path ?? "-") \(d.row ?? -1)"
    }

    @Test("for every fixture scenario, in 64-bit and 32-bit captures", arguments: scenarios, [64, 32])
    func sameVerdict(scenario: String, bits: Int) throws {
        let csv = try Trace.analyze(path: Paths.fixture("\(scenario).csv"))
        let pml = try Trace.analyze(path: try ScenarioPML.make(scenario, bits: bits))
        #expect(pml.rows == csv.rows)
        #expect(Self.shape(pml.verdict) == Self.shape(csv.verdict))
        // Findings listed under the verdict agree too, except where the CSV could only guess: a folder of
        // 1,001 to 10,000 names is "over the subfolder limit if they are folders"; the PML knows they are files.
        let directories = { (r: TraceReport) in r.writers.flatMap(\.windows).flatMap(\.directories) }
        let pmlAlso = pml.verdict?.also.map { "\($0.kind.rawValue) \($0.path) \($0.row)" } ?? []
        for finding in csv.verdict?.also ?? []
        where !pmlAlso.contains("\(finding.kind.rawValue) \(finding.path) \(finding.row)") {
            let guessed = directories(csv).first { $0.path == finding.path && $0.lastRow == finding.row }
            let exact = directories(pml).first { $0.path == finding.path && $0.lastRow == finding.row }
            #expect(guessed?.overLimit == .maybeSubfolders, "\(scenario): \(finding.path)")
            #expect(exact?.overLimit == nil && (exact?.subfolders ?? .max) <= 1000, "\(scenario): \(finding.path)")
        }
        #expect(pmlAlso.count <= (csv.verdict?.also.count ?? 0))
        #expect(pml.exitCode == csv.exitCode)
        #expect(pml.writers.map(\.name) == csv.writers.map(\.name))
        let windows = { (r: TraceReport) in
            r.writers.flatMap(\.windows).map { "\($0.pid) \($0.enterRow) \($0.leaveRow ?? -1) \($0.end)" }
        }
        #expect(windows(pml) == windows(csv))
        // Every listing has the same number of names, counted exactly in the PML.
        let listings = { (r: TraceReport) in
            r.writers.flatMap(\.windows).flatMap(\.directories).map { "\($0.path) \($0.entries) \($0.lastRow)" }
        }
        #expect(listings(pml) == listings(csv))
    }

    @Test("PML verdicts state exact file and subfolder counts")
    func exactCounts() throws {
        let files = try #require(try Trace.analyze(path: try ScenarioPML.make("folder-files")).verdict?.folder)
        #expect(files.files == 12_500 && files.over == .files, "\(files)")
        let folders = try #require(try Trace.analyze(path: try ScenarioPML.make("folder-subfolders")).verdict?.folder)
        #expect(folders.subfolders == 1_500 && folders.over == .subfolders, "\(folders)")
        let report = try Trace.analyze(path: try ScenarioPML.make("folder-subfolders"))
        let sites = try #require(
            report.writers.flatMap(\.windows).last?.directories.first {
                $0.path.hasSuffix("Temporary ASP.NET Files\\root")
            })
        #expect(sites.subfolders == 1500 && sites.files == 0 && sites.overLimit == .subfolders)
        let manifests = try #require(
            report.writers.flatMap(\.windows).last?.directories.first { $0.path.hasSuffix("Manifests") })
        #expect(manifests.files == 901 && manifests.subfolders == 0 && manifests.overLimit == nil)
    }
}

@Suite("Malformed PML logs")
struct PMLMalformedTests {
    /// A valid log to damage: the healthy scenario.
    static func healthy() throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: try ScenarioPML.make("healthy"))))
    }

    static func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = ScenarioPML.directory + "/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func put32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) {
        for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
    }

    static func u64(_ b: [UInt8], _ at: Int) -> Int {
        (0..<8).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) }
    }

    /// Reads the damaged log and returns the one-line error it must give.
    static func refusal(_ bytes: [UInt8], _ name: String) throws -> TraceError? {
        let path = try write(bytes, name)
        do {
            _ = try Trace.analyze(path: path)
            Issue.record("\(name) was accepted")
            return nil
        } catch let e as TraceError {
            #expect(!e.message.contains("\n"), "\(e.message)")
            #expect(e.message.hasPrefix(path + ": "), "\(e.message)")
            return e
        }
    }

    @Test("each damage gets a one-line error naming the byte offset")
    func refusals() throws {
        let good = try Self.healthy()
        var cases: [(String, [UInt8], String)] = []
        cases.append(("cut-header.pml", Array(good[0..<100]), "header"))
        cases.append(("cut-half.pml", Array(good[0..<good.count / 2]), "outside the file"))
        var v8 = good
        v8[4] = 8
        cases.append(("version-8.pml", v8, "version 8 is not supported"))
        var open = good
        for i in 0x240..<0x268 { open[i] = 0 }
        cases.append(("not-closed.pml", open, "not closed cleanly"))
        var badOffset = good
        Self.put32(&badOffset, Self.u64(good, 0x248) + 5 * 3, 0xFFFF_FFF0)
        cases.append(("event-offset.pml", badOffset, "lies outside the file"))
        var hugeDetails = good
        Self.put32(&hugeDetails, Self.u64(good, 0x240) + 44, 0x7FFF_FFFF)
        cases.append(("details-size.pml", hugeDetails, "claims"))
        var strings = good
        Self.put32(&strings, Self.u64(good, 0x258), 0xFFFF_FFFF)
        cases.append(("string-count.pml", strings, "string table claims"))
        var processes = good
        Self.put32(&processes, Self.u64(good, 0x250), 0x0FFF_FFFF)
        cases.append(("process-count.pml", processes, "process table claims"))
        for (name, bytes, expected) in cases {
            let e = try Self.refusal(bytes, name)
            if case .byteOffset = e?.position {} else { Issue.record("\(name): no byte offset: \(e?.message ?? "")") }
            #expect(e?.message.contains(expected) == true, "\(name): \(e?.message ?? "")")
        }
        var signature = good
        signature[3] = 0x58  // "PMLX": not a PML; the CSV reader refuses the binary data
        let e = try Self.refusal(signature, "signature.pml")
        #expect(e?.code == .notAnExport)
    }

    @Test("fuzz: 2,000 mutated logs end in a verdict or a one-line error, never a crash or a hang")
    func fuzz() throws {
        let good = try Self.healthy()
        let tables = Self.u64(good, 0x248)
        var rng = SplitMix(seed: 0x5EED)
        var refused = 0
        for round in 0..<2000 {
            var b = good
            let edits = 1 + Int(rng.next() % 8)
            for _ in 0..<edits {
                let r = rng.next()
                // Aim at the header, the tables or the events, with bytes and 32-bit values.
                let region: Range<Int> =
                    switch r % 3 {
                    case 0: 0..<PMLHeader.size
                    case 1: tables..<b.count
                    default: PMLHeader.size..<tables
                    }
                let at = region.lowerBound + Int((r >> 8) % UInt64(region.count))
                switch (r >> 40) % 4 {
                case 0: b[at] = UInt8(truncatingIfNeeded: r >> 48)
                case 1 where at + 4 <= b.count: Self.put32(&b, at, UInt32(truncatingIfNeeded: rng.next()))
                case 2 where at + 4 <= b.count: Self.put32(&b, at, [0, 0xFFFF_FFFF, 0x8000_0000, 1][Int(r >> 56) % 4])
                default: b[at] ^= 0xFF
                }
            }
            if rng.next() % 10 == 0 { b = Array(b[0..<Int(rng.next() % UInt64(b.count))]) }
            let path = try Self.write(b, "fuzz.pml")
            do {
                _ = try Trace.analyze(path: path)
            } catch let e as TraceError {
                refused += 1
                #expect(!e.message.contains("\n"), "round \(round): \(e.message)")
            } catch {
                Issue.record("round \(round): unexpected \(error)")
            }
        }
        #expect(refused > 0)
    }
}

/// A small deterministic generator for the fuzz rounds.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// procmon-parser (PyPI), the other PML reader, when python3 can import it (scripts/test installs it).
enum ProcmonParser {
    static let available: Bool = ProcessRun.runToEnd("/usr/bin/env", ["python3", "-c", "import procmon_parser"]) == 0

    /// Run where procmon-parser is installed; under CI always (scripts/test installs it), so a missing peer fails.
    static let shouldRun = available || ["true", "1"].contains(ProcessInfo.processInfo.environment["CI"] ?? "")

    /// Every event as procmon-parser reads it: process name, PID, operation, path, NTSTATUS.
    static func events(_ path: String) throws -> [[String]] {
        let script = """
            import sys
            from procmon_parser import ProcmonLogsReader
            from procmon_parser.consts import EventClass
            out = []
            for e in ProcmonLogsReader(open(sys.argv[1], "rb"), should_get_stacktrace=False):
                op = getattr(e.operation, "csv_name", None) or e.operation.name.replace("_", " ")
                if e.event_class == EventClass.Network:
                    op = e.network_protocol + " " + op
                out.append("\\t".join([e.process.process_name, str(e.process.pid), op, e.path, str(e.result)]))
            sys.stdout.write("\\n".join(out))
            """
        let output = NSTemporaryDirectory() + "procmon-parser-\(UUID().uuidString).tsv"
        defer { unlink(output) }
        let status = ProcessRun.runToEnd("/usr/bin/env", ["python3", "-c", script, path], stdout: output)
        try #require(status == 0, "procmon-parser failed on \(path) (python3 -m pip install procmon-parser)")
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }
}

@Suite("PML reader against procmon-parser", .enabled(if: ProcmonParser.shouldRun, "procmon-parser is not installed"))
struct PMLCrossCheckTests {
    static func compare(_ path: String) throws -> (same: Int, total: Int) {
        var mine = Collect()
        _ = try ProcmonPMLReader(path: path).read(into: &mine)
        let theirs = try ProcmonParser.events(path)
        #expect(theirs.count == mine.events.count, "\(path)")
        var same = 0
        for (i, (a, b)) in zip(mine.events, theirs).enumerated() {
            guard b.count == 5, let status = UInt32(b[4]) else { continue }
            let expected = [b[0], b[1], b[2], b[3], PMLNames.result(status)]
            if a == expected {
                same += 1
            } else if i - same < 5 {
                Issue.record("\(path) event \(i + 1): \(a) vs \(expected)")
            }
        }
        return (same, theirs.count)
    }

    @Test("reads the project's PML files as procmon-parser does, event for event")
    func projectFiles() throws {
        for (scenario, bits) in [("folder-files", 64), ("restart", 64), ("permissions", 32), ("folder-subfolders", 32)]
        {
            let r = try Self.compare(try ScenarioPML.make(scenario, bits: bits))
            #expect(r.same == r.total && r.total > 0)
        }
    }

    @Test(
        "Detail as procmon-parser decodes it, where it does; where the two differ the export sides with us",
        .enabled(if: Paths.hasReference || underCI, "../shared/reference is not beside the clone"))
    func referenceDetails() throws {
        let script = """
            import sys
            from procmon_parser import ProcmonLogsReader
            for e in ProcmonLogsReader(open(sys.argv[1], "rb"), should_get_stacktrace=False):
                sys.stdout.write(e.get_compatible_csv_info(is_utc=True)["Detail"].replace("\\n", " ") + "\\n")
            """
        // Operations where procmon-parser prints another Detail than Procmon's own export of the same log
        // (checked in the twins test): it leaves the set-basic and volume details empty, orders QueryDirectory's
        // filter first, names 0x100 of a security information mask, and reads CreateFileMapping's protection
        // where Procmon shows none.
        let exportSidesWithUs: Set<String> = [
            "CreateFileMapping", "SetBasicInformationFile", "QueryDirectory", "QueryInformationVolume",
            "QueryAttributeInformationVolume", "QuerySecurityFile", "QueryAllInformationFile",
        ]
        for file in ["pml/prsp0007_samples_Logfile.PML", "pml/zingus_Crysis-Nanny_Logfile.PML"] {
            let path = Paths.reference + "/" + file
            let output = NSTemporaryDirectory() + "procmon-parser-\(UUID().uuidString).txt"
            defer { unlink(output) }
            let status = ProcessRun.runToEnd("/usr/bin/env", ["python3", "-c", script, path], stdout: output)
            try #require(status == 0, "procmon-parser failed on \(path)")
            let theirs = String(decoding: try Data(contentsOf: URL(fileURLWithPath: output)), as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var mine = Collect()
            _ = try ProcmonPMLReader(path: path).read(into: &mine)
            #expect(theirs.count >= mine.details.count)
            var equal = 0
            for (i, (a, b)) in zip(mine.details, theirs).enumerated() {
                if a.replacingOccurrences(of: "\n", with: " ") == b {
                    equal += 1
                } else {
                    #expect(
                        exportSidesWithUs.contains(mine.events[i][2]),
                        "\(file) event \(i + 1) \(mine.events[i][2]): procmon-parser \(b) / ours \(a)")
                }
            }
            print("\(file): Detail equal to procmon-parser's in \(equal)/\(mine.details.count) events")
            #expect(Double(equal) >= 0.97 * Double(mine.details.count))
        }
    }

    @Test(
        "reads every event of the reference version 9 logs as procmon-parser does",
        .enabled(if: Paths.hasReference || underCI, "../shared/reference is not beside the clone"))
    func referenceFiles() throws {
        for file in ["pml/prsp0007_samples_Logfile.PML", "pml/zingus_Crysis-Nanny_Logfile.PML"] {
            let r = try Self.compare(Paths.reference + "/" + file)
            print("\(file): \(r.same)/\(r.total) events equal to procmon-parser's")
            #expect(r.same == r.total)
        }
    }
}
