import Foundation
import TestSupport
import Testing

/// A folder of its own for one test's upload.
func caseFolder() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("case-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Runs a script of the project (python or shell) and expects it to succeed.
func script(_ name: String, _ arguments: [String]) async throws {
    let r = try await ProcessRun.run(ProjectPaths.script(name), arguments)
    #expect(r.status == 0, "\(name): \(r.stderr.suffix(400))")
}

/// A reference hive copied into the upload (with its logs), or changed by scripts/make-hive-fixture.
func hive(_ name: String, into dir: String, edits: [String] = []) async throws {
    let source = try await ReferenceHives.path(name)
    if edits.isEmpty {
        try FileManager.default.copyItem(atPath: source, toPath: dir + "/SYSTEM")
    } else {
        let r = try await ProcessRun.run(
            "/usr/bin/env", ["python3", ProjectPaths.script("make-hive-fixture"), source, dir + "/SYSTEM"] + edits)
        #expect(r.status == 0, "make-hive-fixture: \(r.stderr)")
    }
}

struct CaseJSON {
    let status: Int32
    let object: [String: Any]
    var verdict: [String: Any] { object["verdict"] as? [String: Any] ?? [:] }
    var kind: String { verdict["kind"] as? String ?? "" }
    var confidence: String { verdict["confidence"] as? String ?? "" }
    var chain: [[String: Any]] { verdict["chain"] as? [[String: Any]] ?? [] }
    var supporting: [String] {
        chain.filter { $0["stance"] as? String == "supports" }.compactMap { $0["source"] as? String }
    }
    var disagreeing: [String] {
        chain.filter { $0["stance"] as? String == "disagrees" }.compactMap { $0["source"] as? String }
    }
    var fix: [String] { verdict["fix"] as? [String] ?? [] }
    var inputs: [[String: Any]] { object["inputs"] as? [[String: Any]] ?? [] }
    var missing: [String] { object["missing"] as? [String] ?? [] }

    init(_ paths: [String]) async throws {
        let run = try await Run(["case", "--format", "json"] + paths)
        status = run.status
        object = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]) ?? [:]
        #expect(!object.isEmpty, "no JSON: \(run.stderr.suffix(400))")
    }
}

@Suite(
    "case: one verdict per cause, with its chain of evidence",
    ConditionTrait.enabled(if: ReferenceHives.present || underCI, "../shared/reference is not beside the clone"))
struct CaseVerdictTests {
    @Test("folder limit: the event log says what, the trace where; no volume, so likely and the volume is missing")
    func folderLimit() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await script("make-procmon-export", ["folder-files", dir + "/Logfile.PML", "--format", "pml"])
        try await script("make-event-log", ["application-metadata-too-long", dir + "/Application.evtx"])
        let c = try await CaseJSON([dir])
        #expect(c.status == 1)
        #expect(c.kind == "folder-limit" && c.confidence == "likely")
        #expect(c.supporting == ["eventlog", "trace"] && c.disagreeing.isEmpty)
        #expect(
            c.chain.contains {
                ($0["where"] as? String)?.contains("Temporary ASP.NET Files\\root\\5c1f8a2e\\assembly\\dl3") == true
            })
        #expect(c.chain.first?["where"] as? String == "record 362, 2026-11-30T02:00:00.000000Z")
        // No volume to plan from: the folder the trace names, emptied by hand, IIS stopped around it.
        #expect(
            c.fix.first
                == "iisreset /stop; Remove-Item -LiteralPath 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\root\\5c1f8a2e\\assembly\\dl3\\*' -Recurse -Force; iisreset /start"
        )
        #expect(
            c.missing.contains { $0.hasPrefix("The system volume") }
                && c.missing.contains { $0.hasPrefix("The SYSTEM hive") })
    }

    @Test(
        "file permissions: the event log, the trace's denied file and the icacls export's folder agree; the fix grants NETWORK SERVICE"
    )
    func permissions() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Run.fixture("permissions.csv"), toPath: dir + "/Logfile.CSV")
        try await script("make-event-log", ["application-file-access", dir + "/Application.evtx"])
        try FileManager.default.copyItem(
            atPath: ProjectPaths.fixture("acl/icacls-save.txt"), toPath: dir + "/winsxs.acl")
        let c = try await CaseJSON([dir])
        #expect(c.kind == "permissions" && c.confidence == "confirmed", "\(c.verdict)")
        #expect(c.supporting == ["eventlog", "trace", "acl"] && c.disagreeing.isEmpty)
        #expect(c.fix.contains("icacls \"C:\\Windows\\WinSxS\\FileMaps\" /grant *S-1-5-20:(RX)"), "\(c.fix)")
        #expect(Set(c.inputs.compactMap { $0["kind"] as? String }) == ["procmon-csv", "evtx", "icacls-save"])
    }

    @Test(
        "a driver's descriptor (MSLLDP): CAPI2 513 and the hive agree, and it is known noise: no cause, exit 0 (KB3209092)"
    )
    func serviceDescriptorIsNoise() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await script("make-event-log", ["application-service-access", dir + "/Application.evtx"])
        try await hive("SYSTEM_WIN_10_1709", into: dir)
        let c = try await CaseJSON([dir])
        #expect(c.status == 0)
        #expect(c.kind == "clean", "\(c.verdict)")
        #expect((c.verdict["summary"] as? String)?.contains("Known noise, safe to ignore") == true)
        let findings = try #require(c.object["findings"] as? [[String: Any]])
        let mslldp = findings.filter { ($0["where"] as? String)?.hasSuffix("\\Services\\MsLldp") == true }
        #expect(mslldp.count == 1 && mslldp.first?["impact"] as? String == "benign" && mslldp.first?["cause"] is NSNull)
        #expect(
            findings.filter { $0["source"] as? String == "eventlog" }.allSatisfy { $0["impact"] as? String == "benign" }
        )
        #expect(findings.allSatisfy { $0["cause"] is NSNull })
    }

    @Test("COM+ Event System's descriptor without LC: the writer never registers; service-access from the hive")
    func eventSystemDescriptor() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let noLC =
            "D:(A;;CCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCSWLOCRRC;;;IU)(A;;CCSWLOCRRC;;;SU)"
        let made = try await Run(["sddl", noLC, "--format", "json"])
        let hex = try #require(
            (try JSONSerialization.jsonObject(with: Data(made.stdout.utf8)) as? [String: Any])?["hex"] as? String)
        try await hive(
            "SYSTEM", into: dir,
            edits: [
                "--subkeys-of", "ControlSet001\\Services\\EventSystem", "ControlSet001\\Services\\RpcSs",
                "--binary", "ControlSet001\\Services\\RpcSs\\Security", "Security", hex,
            ])
        let c = try await CaseJSON([dir])
        #expect(c.status == 1)
        #expect(c.kind == "service-access" && c.supporting == ["services"], "\(c.verdict)")
        #expect(
            c.fix.contains { $0.hasPrefix("sc.exe sdset EventSystem ") && $0.contains("(A;;CCLCSWLOCRRC;;;SU)") },
            "\(c.fix)")
    }

    @Test(
        "COM+ Event System not running: the SCM's events and the hive's disabled start type; start it and set it automatic"
    )
    func eventSystem() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await script("make-event-log", ["system-event-system-stopped", dir + "/System.evtx"])
        try await hive("SYSTEM", into: dir, edits: ["--dword", "ControlSet001\\Services\\EventSystem", "Start", "4"])
        let c = try await CaseJSON([dir])
        #expect(c.kind == "service-not-running" && c.confidence == "confirmed", "\(c.verdict)")
        #expect(c.supporting == ["eventlog", "services"])
        #expect(c.fix.contains { $0.contains("sc.exe config EventSystem start= auto") }, "\(c.fix)")
        // The hive's own service-access findings (IPBusEnum ...) are listed, not the verdict.
        #expect(
            (c.object["findings"] as? [[String: Any]])?.contains { $0["kind"] as? String == "service-access" } == true)
    }

    @Test("clean: IDENTIFY ends clean and the logs hold nothing: exit 0, confirmed")
    func clean() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Run.fixture("healthy.csv"), toPath: dir + "/Logfile.CSV")
        try await script("make-event-log", ["application-clean", dir + "/Application.evtx"])
        try await script("make-event-log", ["system-healthy", dir + "/System.evtx"])
        let c = try await CaseJSON([dir])
        #expect(c.status == 0 && c.kind == "clean" && c.confidence == "confirmed", "\(c.verdict)")
        #expect(c.fix.isEmpty && c.supporting.first == "trace")
    }

    @Test("disagreement: the log says metadata too long, the trace's IDENTIFY ends clean; stated, and only possible")
    func disagreement() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Run.fixture("healthy.csv"), toPath: dir + "/Logfile.CSV")
        try await script("make-event-log", ["application-metadata-too-long", dir + "/Application.evtx"])
        let c = try await CaseJSON([dir])
        #expect(c.kind == "folder-limit" && c.confidence == "possible")
        #expect(c.disagreeing == ["trace"])
        #expect(c.chain.contains { ($0["finding"] as? String)?.contains("after a fix") == true })
    }
}

@Suite(
    "case: the upload as it comes",
    ConditionTrait.enabled(if: ReferenceHives.present || underCI, "../shared/reference is not beside the clone"))
struct CaseUploadTests {
    @Test("the bundled case (scripts/make-case): every input recognised, hashed, the folder-limit verdict")
    func bundled() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await script("make-case", [dir])
        try "not a log\n".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        let c = try await CaseJSON([dir])
        #expect(c.kind == "folder-limit")
        let kinds = Dictionary(
            uniqueKeysWithValues: c.inputs.map {
                (($0["file"] as? NSString)?.lastPathComponent ?? "", $0["kind"] as? String ?? "")
            })
        #expect(
            kinds == [
                "Logfile.PML": "procmon-pml", "Application.evtx": "evtx", "System.evtx": "evtx", "SYSTEM": "hive",
                "SYSTEM.LOG1": "hive-log", "SYSTEM.LOG2": "hive-log", "notes.txt": "ignored",
            ])
        let pml = try #require(c.inputs.first { ($0["file"] as? String)?.hasSuffix("Logfile.PML") == true })
        let sum = try await ProcessRun.run("/usr/bin/env", ["sha256sum", dir + "/Logfile.PML"])
        #expect(pml["sha256"] as? String == sum.stdout.split(separator: " ").first.map(String.init))
        let parts = try #require(c.object["parts"] as? [String: Any])
        #expect(
            parts["trace"] is [String: Any] && parts["eventlog"] is [String: Any] && parts["services"] is [String: Any])
        #expect(parts["volume"] is NSNull && parts["acl"] is NSNull)
    }

    @Test("a .zip upload gives the same verdict, its members named inside it; a member that climbs out is refused")
    func zip() async throws {
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await script("make-case", [dir + "/upload"])
        let zipper = """
            import os, sys, zipfile
            src, out, evil = sys.argv[1], sys.argv[2], sys.argv[3]
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
                for name in sorted(os.listdir(src)):
                    z.write(os.path.join(src, name), "upload/" + name)
            with zipfile.ZipFile(evil, "w") as z:
                z.writestr("Application.evtx", open(os.path.join(src, "Application.evtx"), "rb").read())
                z.writestr("../../etc/evil.evtx", b"ElfFile")
            """
        let z = try await ProcessRun.run(
            "/usr/bin/env", ["python3", "-c", zipper, dir + "/upload", dir + "/case.zip", dir + "/evil.zip"])
        #expect(z.status == 0, "\(z.stderr)")
        let c = try await CaseJSON([dir + "/case.zip"])
        #expect(c.kind == "folder-limit" && c.supporting == ["eventlog", "trace"])
        #expect(
            c.inputs.contains {
                $0["file"] as? String == dir + "/case.zip/upload/Logfile.PML" && $0["kind"] as? String == "procmon-pml"
            })
        let evil = try await Run(["case", dir + "/evil.zip"])
        #expect(evil.status == 2)
        #expect(
            evil.stderr
                == "writer-audit: \(dir)/evil.zip: central directory record 2, member ../../etc/evil.evtx: a path that climbs out of the archive or is absolute; refused\n"
        )
        #expect(!FileManager.default.fileExists(atPath: "/etc/evil.evtx"))
    }

    @Test("a path that does not exist: one line, exit 2")
    func missingPath() async throws {
        let run = try await Run(["case", "/nonexistent/upload"])
        #expect(run.status == 2 && run.stderr == "writer-audit: /nonexistent/upload: no such file or folder\n")
    }

    @Test("the bundled case with its volume image: the volume confirms the folder the trace names", .imageTests)
    func withImage() async throws {
        try requireImages()
        let dir = try caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await script("make-case", [dir, "--image"])
        let c = try await CaseJSON([dir])
        #expect(c.kind == "folder-limit" && c.confidence == "confirmed")
        #expect(c.supporting == ["eventlog", "trace", "volume"] && c.disagreeing.isEmpty)
        #expect((c.chain.last?["finding"] as? String)?.hasSuffix("(the folder the trace names)") == true)
        #expect((c.chain.last?["finding"] as? String)?.hasPrefix("10,001 files") == true)
        let parts = try #require(c.object["parts"] as? [String: Any])
        #expect(parts["volume"] is [String: Any] && parts["acl"] is [String: Any])
    }

    @Test(
        "a checkpoint with the disk it was taken from: the checkpoint is the volume, its parent read through it",
        .imageTests)
    func checkpoint() async throws {
        try requireImages()
        let dir = try caseFolder(), work = try caseFolder()
        defer {
            try? FileManager.default.removeItem(atPath: dir)
            try? FileManager.default.removeItem(atPath: work)
        }
        // The base volume, and a changed copy whose ASP.NET folder went over the subfolder limit.
        try await script("make-ntfs-image", [ProjectPaths.fixture("ntfs/mft-edges.spec"), work + "/base.raw"])
        try FileManager.default.copyItem(atPath: work + "/base.raw", toPath: work + "/changed.raw")
        let mount = work + "/mnt"
        try await script("mount-ntfs-image", ["--rw", work + "/changed.raw", mount])
        let asp = mount + "/Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files/root"
        try FileManager.default.createDirectory(atPath: asp, withIntermediateDirectories: true)
        for i in 0..<1003 {
            try FileManager.default.createDirectory(atPath: asp + "/d\(i)", withIntermediateDirectories: false)
        }
        try await script("mount-ntfs-image", ["--unmount", mount])
        let q = try await ProcessRun.run(
            "/usr/bin/env",
            [
                "qemu-img", "convert", "-f", "raw", "-O", "vhdx", "-o", "subformat=dynamic", work + "/base.raw",
                dir + "/Server01.vhdx",
            ])
        #expect(q.status == 0, "\(q.stderr)")
        try await script(
            "make-child-disk",
            [
                "vhdx-child", dir + "/Server01.vhdx", work + "/base.raw", work + "/changed.raw",
                dir + "/Server01_8A3F.avhdx", "--partial", "--relative", "Server01.vhdx",
            ])
        let c = try await CaseJSON([dir])
        let ignored = Dictionary(
            c.inputs.map {
                ((($0["file"] as? String ?? "") as NSString).lastPathComponent, $0["ignored"] as? String ?? "")
            }, uniquingKeysWith: { a, _ in a })
        #expect(ignored["Server01.vhdx"]?.hasPrefix("the parent of ") == true, "\(ignored)")
        #expect(c.kind == "folder-limit", "\(c.object["verdict"] ?? "")")
        let volume = try #require((c.object["parts"] as? [String: Any])?["volume"] as? [String: Any])
        #expect((volume["root"] as? String)?.hasSuffix("Server01_8A3F.avhdx") == true)
        let paths = (volume["findings"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(paths.contains { $0.hasSuffix("Temporary ASP.NET Files\\root") }, "\(paths)")
    }

    @Test(
        "the bundled case with a collected $MFT and $SDS instead of the image: the same verdict and ACL audit",
        .imageTests)
    func withCollectedMFT() async throws {
        try requireImages()
        let dir = try caseFolder(), imageDir = try caseFolder()
        defer {
            try? FileManager.default.removeItem(atPath: dir)
            try? FileManager.default.removeItem(atPath: imageDir)
        }
        try await script("make-case", [dir, "--mft"])
        let c = try await CaseJSON([dir])
        let kinds = Dictionary(
            c.inputs.map {
                ((($0["file"] as? String ?? "") as NSString).lastPathComponent, $0["kind"] as? String ?? "")
            }, uniquingKeysWith: { a, _ in a })
        #expect(kinds["$MFT"] == "mft" && kinds["$Secure_$SDS"] == "sds", "\(kinds)")
        #expect(c.kind == "folder-limit" && c.confidence == "confirmed")
        #expect(c.supporting == ["eventlog", "trace", "volume"] && c.disagreeing.isEmpty)
        // The same audits as the image the $MFT came from.
        try await script("make-case", [imageDir, "--image"])
        let i = try await CaseJSON([imageDir])
        let parts = try #require(c.object["parts"] as? [String: Any]),
            imageParts = try #require(i.object["parts"] as? [String: Any])
        let acl = try #require(parts["acl"] as? [String: Any]),
            imageACL = try #require(imageParts["acl"] as? [String: Any])
        #expect(acl["entries"] as? Int == imageACL["entries"] as? Int && (acl["entries"] as? Int ?? 0) > 1000)
        #expect(
            acl["findings"] as? NSArray == imageACL["findings"] as? NSArray && (acl["findings"] as? NSArray)?.count == 1
        )
        let volume = try #require(parts["volume"] as? [String: Any]),
            imageVolume = try #require(imageParts["volume"] as? [String: Any])
        #expect(volume["files"] as? Int == imageVolume["files"] as? Int)
        #expect(
            volume["findings"] as? NSArray == imageVolume["findings"] as? NSArray
                && (volume["findings"] as? NSArray)?.count == 4)
    }
}
