import Testing

@testable import ProcmonTrace
@testable import TraceAudit

@Suite("Diagnosis of the fixtures")
struct DiagnosisTests {
    @Test(
        "gives each scenario its verdict and evidence",
        arguments: [
            ("healthy.csv", Diagnosis.Kind.clean, "C:\\Windows\\System32\\ntdll.dll"),
            ("folder-files.csv", .folderLimit, "Temporary ASP.NET Files\\root\\5c1f8a2e\\assembly\\dl3"),
            ("folder-subfolders.csv", .folderLimit, "Temporary ASP.NET Files\\root"),
            ("permissions.csv", .permissions, "C:\\Windows\\WinSxS\\FileMaps\\$$.cdf-ms"),
            ("both-permissions-last.csv", .permissions, "GAC_MSIL\\Locked\\x.dll"),
            ("both-folder-last.csv", .folderLimit, "Temporary ASP.NET Files\\root\\77aa01bc"),
            ("crash.csv", .incomplete, "Temporary ASP.NET Files\\root\\0d1e2f3a"),
            ("capture-ended.csv", .incomplete, "C:\\Windows\\System32\\ntdll.dll"),
        ] as [(String, Diagnosis.Kind, String)])
    func verdict(fixture: String, kind: Diagnosis.Kind, pathEnd: String) throws {
        let report = try analyze(fixture)
        let verdict = try #require(report.verdict)
        #expect(verdict.kind == kind)
        #expect(verdict.path?.hasSuffix(pathEnd) == true, "\(verdict.path ?? "nil")")
        #expect(report.exitCode == (kind == .clean ? 0 : kind == .incomplete ? 4 : 1))
    }

    @Test("over the file limit past 10,000 names, over the subfolder limit 'if they are folders' past 1,000")
    func overLimits() throws {
        let files = try #require(try analyze("folder-files.csv").verdict?.folder)
        #expect(files.names == 12_500 && !files.atLeast && files.over == .files)
        #expect(files.lastWork)
        #expect(files.files == nil && files.subfolders == nil)  // a CSV cannot tell files from folders
        let folders = try #require(try analyze("folder-subfolders.csv").verdict?.folder)
        #expect(folders.names == 1_500 && folders.over == .maybeSubfolders)
        #expect(folders.area == .temporaryASPNET)
        #expect(!folders.lastWork)
    }

    @Test("rendering: a folder-limit summary says the count, the limit, the place and whether it was the last work")
    func limitWording() throws {
        let files = try #require(try analyze("folder-files.csv").verdict)
        #expect(files.summary.contains("12,500 names"))
        #expect(files.summary.contains("10,000-file limit"))
        #expect(files.summary.contains("last file-system work"))
        let folders = try #require(try analyze("folder-subfolders.csv").verdict)
        #expect(folders.summary.contains("1,500 names"))
        #expect(folders.summary.contains("if they are folders"))
        #expect(folders.summary.contains("in Temporary ASP.NET Files"))
        #expect(!folders.summary.contains("last file-system work"))
        let crash = try analyze("crash.csv")
        #expect(crash.verdict?.summary.contains("0xC0000005") == true)
    }

    @Test("lists the farther finding too when both kinds are present")
    func both() throws {
        let permissionsLast = try #require(try analyze("both-permissions-last.csv").verdict)
        #expect(permissionsLast.also.map(\.kind) == [.folderLimit])
        let folderLast = try #require(try analyze("both-folder-last.csv").verdict)
        #expect(folderLast.also.map(\.kind) == [.permissions])
        #expect(folderLast.row! > folderLast.also[0].row)
    }

    @Test("tells a crash's exit status and keeps what it found before")
    func crash() throws {
        let report = try analyze("crash.csv")
        let window = try #require(report.writers.first?.windows.last)
        #expect(window.end == .processExit)
        #expect(window.exitStatus == -1_073_741_819)
        #expect(window.leaveRow == nil)
        #expect(report.verdict?.kind == .incomplete)
        #expect(report.verdict?.also.map(\.kind) == [.folderLimit])
    }

    @Test("follows every window of a restarted service and judges the last")
    func restart() throws {
        let report = try analyze("restart.csv")
        let windows = try #require(report.writers.first { $0.name == "System Writer" }?.windows)
        #expect(windows.count == 2)
        #expect(windows[0].end == .processExit)
        #expect(windows[0].exitStatus == 0)
        #expect(windows[0].pid != windows[1].pid)
        #expect(windows[1].diagnosis.kind == .folderLimit)
        #expect(report.verdict == windows[1].diagnosis)
    }

    @Test("never mixes a reused PID's events into the writer's window")
    func pidReuse() throws {
        let report = try analyze("pid-reuse.csv")
        let windows = try #require(report.writers.first?.windows)
        #expect(windows.count == 2)
        #expect(windows[0].end == .pidReused)
        #expect(windows[0].failures.isEmpty)
        #expect(windows[0].directories.allSatisfy { $0.overLimit == nil })
        #expect(windows[0].lastEvents.allSatisfy { $0.process == "svchost.exe" })
        #expect(report.verdict?.kind == .clean)
        #expect(report.warnings.contains { $0.contains("without an Enter") })
    }

    @Test("with no markers for the writer, says so, lists who logged, explains the capture")
    func notFound() throws {
        let none = try analyze("no-markers.csv")
        #expect(none.verdict == nil)
        #expect(none.exitCode == 4)
        #expect(none.advice.contains { $0.contains("vssadmin list writers") })
        let others = try analyze("other-writers.csv")
        #expect(others.verdict == nil)
        #expect(others.writers.map(\.name) == ["Registry Writer", "COM+ REGDB Writer"])
        #expect(others.advice.contains { $0.contains("Registry Writer, COM+ REGDB Writer") })
        let registry = try analyze("other-writers.csv") { $0.writer = "registry writer" }
        #expect(registry.verdict?.kind == .clean)
    }

    @Test("--pid limits the verdict to that process")
    func pidOption() throws {
        let first = try analyze("restart.csv") { $0.pid = 1868 }
        #expect(first.verdict?.kind == .incomplete)
        let missing = try analyze("restart.csv") { $0.pid = 4 }
        #expect(missing.verdict == nil)
    }

    @Test("keeps the last N events before Leave, ending right before it", arguments: [0, 1, 25, 1000])
    func context(n: Int) throws {
        let report = try analyze("folder-files.csv") { $0.context = n }
        let window = try #require(report.writers.first?.windows.first)
        #expect(window.lastEvents.count == min(n, window.events))
        if n > 0 { #expect(window.lastEvents.last?.row == window.leaveRow! - 1) }
        let rows = window.lastEvents.map(\.row)
        #expect(rows == rows.sorted())
    }

    @Test("limits can be set: a lower file limit turns the healthy Microsoft.NET listing into a cause")
    func limits() throws {
        let report = try analyze("healthy.csv") { $0.limits = FolderLimits(maxSubfolders: 100, maxFiles: 250) }
        #expect(report.verdict?.kind == .folderLimit)
        #expect(report.verdict?.impact == .missingWriter)
        #expect(report.verdict?.path == "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319")
        #expect(report.verdict?.folder?.names == 300)
        #expect(report.exitCode == 1)
    }

    @Test("a WinSxS listing over the limits is context, never the verdict: the writer adds WinSxS whole")
    func winSxSIsNotACause() throws {
        let report = try analyze("healthy.csv") { $0.limits = FolderLimits(maxSubfolders: 1000, maxFiles: 800) }
        let verdict = try #require(report.verdict)
        #expect(verdict.kind == .clean && verdict.impact == .info)
        #expect(report.exitCode == 0)
        let context = try #require(verdict.also.first { $0.path == "C:\\Windows\\WinSxS\\Manifests" })
        #expect(context.kind == .folderLimit && context.impact == .info)
    }
}
