import Foundation
import TestSupport
import Testing

/// The bundled upload as the collector makes it (scripts/make-case --collector), unpacked once per test.
func collectorUpload() async throws -> (dir: String, zip: String) {
    let dir = try caseFolder()
    try await script("make-case", [dir, "--collector"])
    let zip = try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasSuffix(".zip") }
    return (dir, dir + "/" + (try #require(zip)))
}

/// Parses PowerShell with tree-sitter-powershell: no ERROR or MISSING node.
func expectParses(_ scripts: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let r = try await ProcessRun.run(ProjectPaths.script("ps-parse"), scripts)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)", sourceLocation: sourceLocation)
}

func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite(
    "Uploads as they arrive, the collector, exit codes and fixes that work",
    ConditionTrait.enabled(if: ReferenceHives.present || underCI, "../shared/reference is not beside the clone"))
struct UploadTests {
    @Test("the collector script is written, parses with tree-sitter-powershell, and gathers every part the case reads")
    func collector() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/Collect-WriterAudit.ps1"
        let run = try await Run(["collector", "-o", path])
        #expect(run.status == 0, "\(run.stderr)")
        try await expectParses([path])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for part in [
            "wevtutil.exe", "'epl'", "reg.exe", "'save'", "vssadmin.exe", "'sdshow'", "'qc'", "icacls.exe",
            "Get-ChildItem",
            "Export-Csv", "Compress-Archive", "manifest.json", "/BackingFile", "Stop-Service -Name CryptSvc",
            "#Requires -RunAsAdministrator", "'EventSystem'", "Win32_OperatingSystem",
        ] {
            #expect(text.contains(part), "\(part)")
        }
        // Standard output when no file is given: the same script.
        let stdout = try await Run(["collector"])
        func bare(_ s: String) -> String { s.hasPrefix("\u{FEFF}") ? String(s.dropFirst()) : s }
        #expect(stdout.status == 0 && bare(stdout.stdout) == bare(text))
        // The file starts with a byte-order mark: Windows PowerShell 5.1 reads one without as ANSI.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(3) == Data([0xEF, 0xBB, 0xBF]))
    }

    @Test(
        "the bundled collector upload: every part recognised, the folder-limit verdict, the fix lines, the server named"
    )
    func bundled() async throws {
        let (dir, zip) = try await collectorUpload()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try await Run(["case", zip, "--out", dir + "/fix"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("Server: DESKTOP-PM6C56D, Microsoft Windows 10 Pro"))
        #expect(run.stdout.contains("VERDICT: folder-limit (confirmed)"))
        #expect(run.stdout.contains("writer-audit case \(zip) --out fix"))
        #expect(run.stdout.contains(".\\remediate.ps1 -Apply -RestartIis"))
        #expect(!run.stdout.contains("MOUNT_ROOT"))
        let o = try jsonObject(try await Run(["case", zip, "--format", "json"]).stdout)
        let kinds = Set((o["inputs"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String })
        for kind in [
            "collector-manifest", "vssadmin-writers", "file-listing", "evtx", "procmon-pml", "software-hive", "hive",
            "sc-output",
        ] {
            #expect(kinds.contains(kind), "\(kind) in \(kinds)")
        }
        // Every service's sc output is read, also those whose sdshow prints the same descriptor as another's.
        let ignored = (o["inputs"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "ignored" }.compactMap {
            $0["file"] as? String
        }
        #expect(!ignored.contains { $0.hasSuffix("-sdshow.txt") || $0.hasSuffix("-qc.txt") }, "\(ignored)")
        let chain = (o["verdict"] as? [String: Any])?["chain"] as? [[String: Any]] ?? []
        #expect(Set(chain.compactMap { $0["source"] as? String }) == ["vssadmin", "eventlog", "trace", "volume"])
        let parts = o["parts"] as? [String: Any] ?? [:]
        #expect((parts["volume"] as? [String: Any])?["source"] as? String == "listing")
        #expect(((parts["software"] as? [String: Any])?["pnpLockdownFiles"]) as? Int == 2)
        let warnings = o["warnings"] as? [String] ?? []
        #expect(
            warnings.contains { $0.contains("could not collect event log Microsoft-Windows-CAPI2/Operational") },
            "\(warnings)")
        // The hive's descriptors are what sc.exe sdshow printed: no difference reported.
        #expect(!warnings.contains { $0.contains("the hive and the server differ") }, "\(warnings)")
        #expect(
            o["toolVersion"] as? String
                == (try await Run(["--version"])).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let written = try FileManager.default.contentsOfDirectory(atPath: dir + "/fix")
        #expect(
            Set(written).isSuperset(of: ["remediate.ps1", "plan.csv", "plan.json", "report.html"])
                && !written.contains("remediate.sh"), "\(written)")
        try await expectParses(written.filter { $0.hasSuffix(".ps1") }.map { dir + "/fix/" + $0 })
        let plan = try String(contentsOfFile: dir + "/fix/plan.csv", encoding: .utf8)
        #expect(plan.contains("Temporary ASP.NET Files\\root\\5c1f8a2e"))
    }

    @Test("no temporary path in text, JSON, Markdown or HTML: members are named upload.zip/folder/file")
    func noTemporaryPaths() async throws {
        let (dir, zip) = try await collectorUpload()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let html = dir + "/report.html"
        let temp = NSTemporaryDirectory()
        var outputs: [String] = []
        for format in ["text", "json", "markdown"] {
            let run = try await Run(["case", zip, "--format", format, "--html", html])
            #expect(run.status == 1, "\(run.stderr)")
            outputs += [run.stdout, run.stderr]
            #expect(
                run.stdout.contains(zip + "/WriterAudit-DESKTOP-PM6C56D-20261130-021500/logs/Application.evtx"),
                "\(format)")
        }
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains(zip + "/WriterAudit-DESKTOP-PM6C56D-20261130-021500/logs/Application.evtx"))
        outputs.append(page)
        for text in outputs {
            #expect(!text.contains("writer-audit-case-"), "\(text.prefix(2000))")
            #expect(!text.contains(temp + "writer-audit"))
        }
    }

    @Test("an upload with its files one folder down is read; what cannot be used is listed with why")
    func nested() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await script("make-case", [dir + "/flat"])
        let server = dir + "/upload/Server01"
        try FileManager.default.createDirectory(atPath: server + "/logs", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: dir + "/flat/Application.evtx", toPath: server + "/logs/Application.evtx")
        // A System log cut short: read as far as it goes, with the audit's warning shown at the case level.
        let system = try Data(contentsOf: URL(fileURLWithPath: dir + "/flat/System.evtx"))
        try system.prefix(70_000).write(to: URL(fileURLWithPath: server + "/logs/System.evtx"))
        // A hive that is only its signature: it cannot be read, and is listed with why.
        try Data("regf".utf8).write(to: URL(fileURLWithPath: server + "/SYSTEM"))
        try FileManager.default.copyItem(atPath: dir + "/flat/Logfile.PML", toPath: server + "/Logfile.PML")
        try "just some notes\n".write(toFile: server + "/notes.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: server + "/outside", withDestinationPath: "/etc")
        let run = try await Run(["case", dir + "/upload", "--format", "json"])
        #expect(run.status == 1, "\(run.stderr)")
        let o = try jsonObject(run.stdout)
        #expect((o["verdict"] as? [String: Any])?["kind"] as? String == "folder-limit")
        let inputs = o["inputs"] as? [[String: Any]] ?? []
        let notes = inputs.first { ($0["file"] as? String)?.hasSuffix("Server01/notes.txt") == true }
        #expect((notes?["ignored"] as? String)?.hasPrefix("not a Procmon log") == true, "\(inputs)")
        let link = inputs.first { ($0["file"] as? String)?.hasSuffix("Server01/outside") == true }
        #expect(link?["ignored"] as? String == "a symbolic link to /etc, outside the upload: not followed", "\(inputs)")
        let hive = inputs.first { ($0["file"] as? String)?.hasSuffix("Server01/SYSTEM") == true }
        #expect((hive?["ignored"] as? String)?.hasPrefix("could not be read: ") == true, "\(inputs)")
        let warnings = o["warnings"] as? [String] ?? []
        #expect(
            warnings.contains { $0.hasPrefix(server + "/logs/System.evtx: byte offset 42: the header counts") },
            "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix(server + "/SYSTEM") }, "\(warnings)")
        // Text lists them too.
        let text = try await Run(["case", dir + "/upload"])
        #expect(
            text.stdout.contains("Server01/notes.txt: ignored")
                && text.stdout.contains("(ignored: a symbolic link to /etc, outside the upload: not followed)"))
    }

    @Test(
        "the report is never written onto an input or inside an input folder; a pipe given as input is refused, not opened"
    )
    func outputsNeverOnEvidence() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await script("make-case", [dir + "/upload"])
        let evidence = dir + "/upload/Application.evtx"
        let before = try Data(contentsOf: URL(fileURLWithPath: evidence))
        for arguments in [
            ["--html", evidence], ["--html", dir + "/upload/report.html"], ["--out", dir + "/upload"],
            ["--out", dir + "/upload/fix"],
        ] {
            let run = try await Run(["case", dir + "/upload"] + arguments)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("would write onto the input \(dir)/upload"), "\(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
        let named = try await Run(["case", evidence, dir + "/upload/Logfile.PML", "--html", evidence])
        #expect(
            named.status == 2
                && named.stderr.hasPrefix("writer-audit: \(evidence): would write onto the input \(evidence)"),
            "\(named.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: evidence)) == before)
        #expect(
            !FileManager.default.fileExists(atPath: dir + "/upload/report.html")
                && !FileManager.default.fileExists(atPath: dir + "/upload/fix"))
        // Beside the upload is fine.
        #expect(try await Run(["case", dir + "/upload", "--html", dir + "/report.html"]).status == 1)
        // A FIFO named on the command line: refused at once (opening it would block forever).
        let fifo = dir + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        // timeout(1) ends a hang (124): a blocked open costs no CPU, so a CPU limit would not.
        let run = try await Run(program: "/usr/bin/env", ["timeout", "30", Run.binary, "case", fifo])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr == "writer-audit: \(fifo): a named pipe (FIFO), not a regular file: not read\n")
    }

    @Test("nothing usable: exit 2 and one line naming what was found; a user's hive alone is not judged as SYSTEM")
    func nothingUsable() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/upload", withIntermediateDirectories: true)
        try
            "{\"ROOT\": {\"Software\": {\"Microsoft\": {}}, \"Environment\": {\"@TEMP\": \"x\"}, \"Control Panel\": {}}}"
            .write(toFile: dir + "/user.json", atomically: true, encoding: .utf8)
        try await script("make-hive", [dir + "/upload/NTUSER.DAT", dir + "/user.json"])
        try "hello\n".write(toFile: dir + "/upload/readme.txt", atomically: true, encoding: .utf8)
        let run = try await Run(["case", dir + "/upload"])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stderr)")
        #expect(run.stderr.contains("nothing in the upload can be read for the writer"))
        #expect(run.stderr.contains("NTUSER.DAT: a user's NTUSER.DAT hive: not used"), "\(run.stderr)")
        // services refuses it, naming what it looks like.
        let services = try await Run(["services", dir + "/upload/NTUSER.DAT"])
        #expect(services.status == 2)
        #expect(services.stderr.contains("a user's NTUSER.DAT hive, not a SYSTEM hive"), "\(services.stderr)")
    }

    @Test(
        "Server 2008 R2 (build 7601): the case says the writer model may not hold and names the folders over the field's limits, never as a cause; build 17763 gets no such note"
    )
    func olderWindows() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sxs = dir + "/volume/Windows/WinSxS"
        try FileManager.default.createDirectory(
            atPath: dir + "/volume/Windows/System32", withIntermediateDirectories: true)
        for i in 0..<1_200 {
            try FileManager.default.createDirectory(atPath: sxs + "/amd64_c\(i)", withIntermediateDirectories: true)
        }
        try FileManager.default.createDirectory(
            atPath: dir + "/volume/Windows/Microsoft.NET/Framework64/v2.0.50727", withIntermediateDirectories: true)
        func software(_ build: String, _ name: String) async throws -> String {
            let tree =
                "{\"ROOT\": {\"Microsoft\": {\"Windows NT\": {\"CurrentVersion\": {\"@ProductName\": \"\(name)\", \"@CurrentBuild\": \"\(build)\"}}}}}"
            try tree.write(toFile: dir + "/sw.json", atomically: true, encoding: .utf8)
            let hive = dir + "/SOFTWARE-\(build)"
            try await script("make-hive", [hive, dir + "/sw.json"])
            return hive
        }
        func judged(_ hive: String) async throws -> (Int32, [String: Any]) {
            let run = try await Run(["case", dir + "/volume", hive, "--format", "json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            return (run.status, object)
        }
        let (status, old) = try await judged(try await software("7601", "Windows Server 2008 R2 Standard"))
        #expect(status == 0)
        let verdict = try #require(old["verdict"] as? [String: Any])
        #expect(verdict["kind"] as? String == "clean" && verdict["confidence"] as? String == "possible")
        #expect((verdict["summary"] as? String)?.contains("The writer model may not hold on this Windows") == true)
        let findings = (old["findings"] as? [[String: Any]]) ?? []
        let note = try #require(findings.first { $0["kind"] as? String == "model-coverage" })
        #expect(
            note["impact"] as? String == "info" && note["cause"] is NSNull && note["source"] as? String == "software")
        #expect(
            (note["summary"] as? String)?.contains("C:\\Windows\\WinSxS (1,200 subfolders, 0 files)") == true, "\(note)"
        )
        #expect((note["why"] as? String)?.contains("WRITER-MODEL.md §7") == true)

        // The volume alone: its own config\SOFTWARE is read for the version.
        try FileManager.default.createDirectory(
            atPath: dir + "/volume/Windows/System32/config", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: dir + "/SOFTWARE-7601", toPath: dir + "/volume/Windows/System32/config/SOFTWARE")
        let alone = try await Run(["case", dir + "/volume", "--format", "json"])
        let aloneObject = try #require(
            try JSONSerialization.jsonObject(with: Data(alone.stdout.utf8)) as? [String: Any])
        #expect(
            ((aloneObject["findings"] as? [[String: Any]]) ?? []).contains { $0["kind"] as? String == "model-coverage" }
        )
        #expect(((aloneObject["server"] as? [String: Any])?["windows"] as? String)?.contains("2008 R2") == true)
        try FileManager.default.removeItem(atPath: dir + "/volume/Windows/System32/config/SOFTWARE")

        let (newStatus, new) = try await judged(try await software("17763", "Windows Server 2019 Standard"))
        #expect(newStatus == 0)
        #expect(!((new["findings"] as? [[String: Any]]) ?? []).contains { $0["kind"] as? String == "model-coverage" })
        #expect(((new["verdict"] as? [String: Any])?["summary"] as? String)?.contains("may not hold") == false)
    }

    @Test("a SOFTWARE hive: services refuses it (exit 2); the case reads the Windows version from it")
    func softwareHive() async throws {
        let (dir, zip) = try await collectorUpload()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let unzip = try await ProcessRun.run(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); open(sys.argv[2],'wb').write(z.read([n for n in z.namelist() if n.endswith('SOFTWARE')][0]))",
                zip, dir + "/SOFTWARE",
            ])
        #expect(unzip.status == 0, "\(unzip.stderr)")
        let services = try await Run(["services", dir + "/SOFTWARE"])
        #expect(services.status == 2)
        #expect(
            services.stderr
                == "writer-audit: \(dir)/SOFTWARE: a SOFTWARE hive, not a SYSTEM hive (no Select key and control sets): give the hive saved with reg save HKLM\\SYSTEM\n"
        )
        let run = try await Run(["case", dir + "/SOFTWARE", "--format", "json"])
        // A SOFTWARE hive alone bears on nothing the writer needs: the evidence cannot decide.
        #expect(run.status == 4, "\(run.stderr)")
        let o = try jsonObject(run.stdout)
        #expect((o["server"] as? [String: Any])?["windows"] as? String == "Windows 10 Pro 1809 (build 17763.1879)")
    }

    @Test(
        "a capture without the writer's IDENTIFY is capture incomplete (exit 4), never clean; trace says so with 4 too")
    func identifyAbsent() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let capture = Run.fixture("no-markers.csv")
        let run = try await Run(["case", capture, "--format", "json"])
        #expect(run.status == 4, "\(run.stderr)")
        let verdict = try jsonObject(run.stdout)["verdict"] as? [String: Any]
        #expect(verdict?["kind"] as? String == "incomplete")
        #expect((verdict?["summary"] as? String)?.hasPrefix("Capture incomplete") == true)
        // With clean event logs beside it: still incomplete, not clean.
        try await script("make-case", [dir + "/flat"])
        let withLogs = try await Run(["case", capture, Run.fixture("healthy.csv")])
        #expect(withLogs.status == 4 || withLogs.status == 0)
        #expect(try await Run(["trace", capture]).status == 4)
    }

    @Test("exit codes mean one thing: 0 nothing found, 1 a cause, 2 bad usage or input, 4 the evidence cannot decide")
    func exitCodes() async throws {
        #expect(try await Run(["trace", Run.fixture("healthy.csv")]).status == 0)
        #expect(try await Run(["trace", Run.fixture("folder-files.csv")]).status == 1)
        #expect(try await Run(["trace", Run.fixture("refuse-empty.csv")]).status == 2)
        #expect(try await Run(["trace", Run.fixture("no-markers.csv")]).status == 4)
        #expect(try await Run(["case", Run.fixture("no-markers.csv")]).status == 4)
        #expect(try await Run(["case", Run.fixture("folder-files.csv")]).status == 1)
        #expect(try await Run(["case", "/nonexistent/upload"]).status == 2)
        #expect(try await Run(["no-such-command"]).status == 2)
        let help = try await Run(["--help"])
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("4 the evidence cannot decide"), "\(help.stdout)")
    }

    @Test(
        "usage errors are printed on real lines, --version answers, case comes first in the help, completions are generated"
    )
    func cli() async throws {
        let run = try await Run(["case"])
        #expect(run.status == 2)
        #expect(!run.stderr.contains("\\n"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count >= 2 && run.stderr.contains("Usage: writer-audit case"))
        let version = try await Run(["--version"])
        #expect(version.status == 0)
        #expect(
            version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(version.stdout)")
        let help = try await Run(["--help"])
        let subcommands = help.stdout.components(separatedBy: "SUBCOMMANDS:").last ?? ""
        #expect(
            subcommands.split(separator: "\n").first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.contains(
                "case") == true, "\(subcommands)")
        let bash = try await Run(["--generate-completion-script", "bash"])
        #expect(bash.status == 0 && bash.stdout.contains("collector") && bash.stdout.contains("remediate"))
    }

    @Test("progress on a terminal only: a status line on stderr, cleared at the end; none when stderr is a file")
    func progress() async throws {
        let (dir, zip) = try await collectorUpload()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // util-linux's script gives the command a terminal and copies what it writes there.
        let tty = try await ProcessRun.run(
            "/usr/bin/env", ["script", "-qec", "\(Run.binary) case '\(zip)' --format json > /dev/null", "/dev/null"])
        #expect(tty.status == 1, "\(tty.stdout.suffix(300))")
        #expect(tty.stdout.contains("case: reading the upload ("), "\(tty.stdout.prefix(300))")
        #expect(tty.stdout.contains("\r\u{1B}[K"))
        let file = try await Run(["case", zip, "--format", "json"])
        #expect(!file.stderr.contains("reading the upload"))
        let quiet = try await ProcessRun.run(
            "/usr/bin/env",
            ["script", "-qec", "\(Run.binary) case '\(zip)' --format json --no-progress > /dev/null", "/dev/null"])
        #expect(!quiet.stdout.contains("reading the upload"))
    }

    @Test(
        "a deny ACE that blocks the writer: its removal is its own step (-RemoveDeny), then the grant; each path once")
    func denyACE() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // icacls /save of C:\Windows\Microsoft.NET: NETWORK SERVICE denied by an explicit ACE, twice listed.
        let save =
            "microsoft.net\r\nD:(D;;FA;;;NS)(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)\r\n"
            + "microsoft.net\\framework64\r\nD:(A;OICIID;FA;;;SY)(A;OICIID;0x1200a9;;;BU)\r\n"
        try Data(([0xFF, 0xFE] as [UInt8]) + Array(save.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            .write(to: URL(fileURLWithPath: dir + "/dotnet.acl"))
        let run = try await Run(["case", dir + "/dotnet.acl", "--out", dir + "/fix"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("VERDICT: permissions"))
        let remove = "icacls \"C:\\Windows\\microsoft.net\" /remove:d *S-1-5-20"
        let grant = "icacls \"C:\\Windows\\microsoft.net\" /grant *S-1-5-20:(RX)"
        #expect(run.stdout.contains(remove) && run.stdout.contains(grant), "\(run.stdout)")
        #expect(run.stdout.components(separatedBy: grant).count == 2, "each fix line once")
        let script = try String(contentsOfFile: dir + "/fix/fix-acl.ps1", encoding: .utf8)
        #expect(script.contains("param([switch]$Apply, [switch]$RemoveDeny)"))
        #expect(script.contains("@('C:\\Windows\\microsoft.net', '*S-1-5-20', 'deny (D;;FA;;;NS)')"))
        #expect(script.contains("/remove:d $deny"))
        try await expectParses([dir + "/fix/fix-acl.ps1"])
    }

    @Test("sc.exe sdshow's form: D:…S:…, no owner or group; the S: part kept; fix-services.ps1 compares that")
    func sdshowForm() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let system = try await ReferenceHives.path("SYSTEM_B")
        let run = try await Run(["services", system, "--format", "json", "--out", dir])
        #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
        let services = try jsonObject(run.stdout)["services"] as? [[String: Any]] ?? []
        let sddls = services.compactMap { $0["sddl"] as? String }
        #expect(
            !sddls.isEmpty && sddls.allSatisfy { !$0.hasPrefix("O:") && !$0.contains("G:SY") }, "\(sddls.prefix(3))")
        let rpc = services.first { $0["name"] as? String == "RpcSs" }?["sddl"] as? String
        #expect(rpc?.hasPrefix("D:") == true && rpc?.contains("S:(AU;FA;") == true, "\(rpc ?? "")")
        let ps1 = try String(contentsOfFile: dir + "/fix-services.ps1", encoding: .utf8)
        let calls = ps1.split(separator: "\n").filter { $0.hasPrefix("Set-Descriptor ") }
        #expect(!calls.isEmpty)
        for call in calls { #expect(call.contains(" 'D:") && !call.contains("'O:"), "\(call)") }
        try await expectParses([dir + "/fix-services.ps1"])
    }

    @Test(
        "remediate from an NTFS image and from the collector's listing: the items a mount gives, remediate.ps1 for the server",
        .enabled(if: MountedImage.unavailableReason == nil || underCI, "ntfs-3g or FUSE is missing"))
    func remediateFromImage() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let mount = try await MountedImage.make(spec: "writer-limits.spec")
        defer { mount.unmount() }
        let image = mount.image
        func items(_ source: String, _ out: String) async throws -> [String] {
            let run = try await Run(["remediate", source, "--out", out, "--format", "json"])
            #expect(run.status == 1, "\(run.stderr)")
            let plan = try jsonObject(run.stdout)
            return (plan["items"] as? [[String: Any]] ?? []).map {
                "\($0["path"] ?? "") \($0["files"] ?? "") \($0["folders"] ?? "") \($0["kind"] ?? "")"
            }
        }
        let fromImage = try await items(image, dir + "/image-plan")
        #expect(!fromImage.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: dir + "/image-plan/remediate.sh"))
        try await expectParses([dir + "/image-plan/remediate.ps1"])
        let fromMount = try await items(mount.mount, dir + "/mount-plan")
        #expect(fromImage == fromMount)
        // The collector's listing of the bundled upload.
        let (udir, zip) = try await collectorUpload()
        defer { try? FileManager.default.removeItem(atPath: udir) }
        let unzip = try await ProcessRun.run(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); open(sys.argv[2],'wb').write(z.read([n for n in z.namelist() if n.endswith('Microsoft.NET.csv')][0]))",
                zip, udir + "/Microsoft.NET.csv",
            ])
        #expect(unzip.status == 0)
        let fromListing = try await items(udir + "/Microsoft.NET.csv", udir + "/plan")
        #expect(
            fromListing == [
                "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\root\\5c1f8a2e 12500 3 folder"
            ])
    }
}
