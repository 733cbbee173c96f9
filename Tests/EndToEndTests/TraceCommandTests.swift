import Foundation
import TestSupport
import Testing

/// Runs the built `writer-audit` and captures what a user sees.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var binary: String { ProjectPaths.binary }

    static func fixture(_ name: String) -> String { root.appendingPathComponent("Fixtures/procmon/\(name)").path }

    init(_ arguments: [String]) async throws {
        try await self.init(program: Self.binary, arguments)
    }

    /// Runs the binary with `directory` as the working directory (for outputs that name relative paths).
    init(_ arguments: [String], in directory: String) async throws {
        try await self.init(program: Self.binary, arguments, in: directory)
    }

    /// Runs the binary with a limit of `cpuSeconds` of its own CPU time (`ulimit -t`): a hang guard that a
    /// busy machine or a starved test runner cannot trip, since waiting costs the child no CPU. Over the
    /// limit the kernel ends it with SIGXCPU or SIGKILL, so `status` is 128 + that signal.
    init(_ arguments: [String], cpuSeconds: Int) async throws {
        try await self.init(
            program: "/bin/bash", ["-c", "ulimit -t \(cpuSeconds) && exec \"$0\" \"$@\"", Self.binary] + arguments)
    }

    init(program: String, _ arguments: [String], in directory: String? = nil) async throws {
        let run = try await ProcessRun.run(program, arguments, in: directory)
        status = run.status
        stdout = run.stdout
        stderr = run.stderr
    }
}

@Suite("writer-audit trace, end to end")
struct TraceCommandTests {
    @Test("text: the verdict comes first, then the evidence row; exit 1 for a problem")
    func text() async throws {
        let run = try await Run(["trace", Run.fixture("folder-files.csv")])
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "System Writer: FOLDER-LIMIT")
        #expect(lines.dropFirst(2).first?.hasPrefix("  evidence: row 145  C:\\Windows\\Microsoft.NET\\") == true)
        #expect(run.stdout.contains("Last 25 events of PID 1868 before Leave:"))
        #expect(run.stderr.isEmpty)
    }

    @Test("a clean IDENTIFY exits 0 and shows the last path touched")
    func clean() async throws {
        let run = try await Run(["trace", Run.fixture("healthy.csv")])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("System Writer: CLEAN\n"))
        #expect(run.stdout.contains("C:\\Windows\\System32\\ntdll.dll"))
    }

    @Test("json: the documented shape, with null for a missing Leave")
    func json() async throws {
        let run = try await Run(["trace", Run.fixture("crash.csv"), "--format", "json", "--context", "3"])
        #expect(run.status == 4, "IDENTIFY did not end: the capture cannot decide")
        let object = try #require(try await JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["rows"] as? Int == 148)
        #expect(object["warnings"] is [Any])
        let writers = try #require(object["writers"] as? [[String: Any]])
        #expect(writers.first?["name"] as? String == "System Writer")
        let window = try #require((writers.first?["windows"] as? [[String: Any]])?.first)
        #expect(window["phase"] as? String == "IDENTIFY")
        #expect(window["pid"] as? Int == 1868)
        #expect(window["process"] as? String == "svchost.exe")
        #expect(window["enterRow"] as? Int == 42)
        #expect(window["leaveRow"] is NSNull)
        #expect((window["lastEvents"] as? [Any])?.count == 3)
        #expect(window["failures"] is [Any])
        let directories = try #require(window["directories"] as? [[String: Any]])
        #expect(
            directories.contains {
                $0["entries"] as? Int == 3000 && ($0["path"] as? String)?.hasSuffix("0d1e2f3a") == true
            })
        let diagnosis = try #require(window["diagnosis"] as? [String: Any])
        #expect(diagnosis["kind"] as? String == "incomplete")
        #expect(diagnosis["row"] as? Int == 87)
        #expect(diagnosis["summary"] is String)
    }

    @Test("csv: the judged window's events in Procmon's format, Enter and Leave included")
    func csv() async throws {
        let json = try await Run(["trace", Run.fixture("permissions.csv"), "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let window = ((object["writers"] as! [[String: Any]])[0]["windows"] as! [[String: Any]])[0]
        let run = try await Run(["trace", Run.fixture("permissions.csv"), "--format", "csv"])
        #expect(run.status == 1)
        #expect(
            run.stdout.hasPrefix(
                "\u{FEFF}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\",\"Row\"\r\n"
            ))
        let lines = run.stdout.split(separator: "\r\n")
        #expect(lines.count == 1 + (window["events"] as! Int) + 2)
        #expect(lines.dropFirst().allSatisfy { $0.contains(",\"1868\",") })
        #expect(lines.last?.contains("IDENTIFY (Leave)") == true)
    }

    @Test(
        "refusals: one line on stderr naming the file, exit 2",
        arguments: [
            "refuse-empty.csv", "refuse-binary.bin", "refuse-stack-export.csv", "refuse-unterminated-quote.csv",
            "refuse-quote-to-end.csv", "refuse-pid-not-number.csv", "refuse-short-row.csv", "no-such-file.csv",
        ])
    func refusal(fixture: String) async throws {
        let run = try await Run(["trace", Run.fixture(fixture)])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("writer-audit: \(Run.fixture(fixture)): "))
        #expect(run.stderr.filter { $0 == "\n" }.count == 1)
    }

    @Test("bad usage exits 2")
    func usage() async throws {
        #expect(try await Run(["trace"]).status == 2)
        #expect(try await Run(["trace", Run.fixture("healthy.csv"), "--format", "xml"]).status == 2)
        #expect(try await Run(["trace", Run.fixture("healthy.csv"), "--context", "-1"]).status == 2)
    }

    @Test("no writer markers: exit 4 (the evidence cannot decide) with capture advice")
    func notFound() async throws {
        let run = try await Run(["trace", Run.fixture("no-markers.csv")])
        #expect(run.status == 4)
        #expect(run.stdout.hasPrefix("System Writer: IDENTIFY NOT FOUND\n"))
        #expect(run.stdout.contains("vssadmin list writers"))
    }

    @Test("no progress bar when stderr is not a terminal")
    func quietStderr() async throws {
        let run = try await Run(["trace", Run.fixture("folder-files.csv"), "--format", "json"])
        #expect(run.stderr.isEmpty)
    }
}
