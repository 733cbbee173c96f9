import Foundation
import TestSupport
import Testing
import WindowsSecurity

/// The hostile inputs in ../shared/reference/crafted (gzip'd), each as a user would run it: what each broke
/// before, and what it must do now. They are also the first seeds of scripts/fuzz.
private let crafted = Run.root.deletingLastPathComponent().appendingPathComponent("shared/reference/crafted").path
private let ntfsReference = Run.root.deletingLastPathComponent().appendingPathComponent("shared/reference/ntfs").path

/// A scratch folder holding gunzipped copies, removed at the end.
private final class Unpacked {
    let dir: String
    init() throws {
        dir = NSTemporaryDirectory() + "wa-crafted-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: dir) }

    func file(_ name: String, from folder: String = crafted) async throws -> String {
        let out = dir + "/" + name.replacingOccurrences(of: ".gz", with: "")
        let run = try await Run(program: "/bin/sh", ["-c", "gzip -dc \"$0\" > \"$1\"", folder + "/" + name, out])
        try #require(run.status == 0, "gzip: \(run.stderr)")
        return out
    }

    /// The clean volume the crafted NTFS images were cut from: the partition inside the GPT disk whose only
    /// fault is its entry's last LBA.
    func cleanPartition() async throws -> String {
        try await slice(
            try await file("gpt-entry-last-lba-overflow.img.gz"), offset: 2048 * 512,
            as: "clean-\(UUID().uuidString).img")
    }

    /// Bytes `offset..<offset+count` of `path` as a new file (a partition cut out of a disk).
    func slice(_ path: String, offset: Int, as name: String) async throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let out = dir + "/" + name
        try data[offset...].write(to: URL(fileURLWithPath: out))
        return out
    }
}

private func json(_ run: Run) async throws -> [String: Any] {
    try #require(try await JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
}

/// One line on stderr naming the file: what every exit 2 must print.
private func expectOneLine(
    _ run: Run, naming file: String, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(run.status == 2, "\(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stderr.filter { $0 == "\n" }.count == 1, "\(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stderr.hasPrefix("writer-audit: \(file): "), "\(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stderr.contains(fragment), "\(run.stderr)", sourceLocation: sourceLocation)
}

@Suite("Crafted hostile inputs, end to end")
struct CraftedInputTests {
    /// The clean volume the crafted NTFS images were made from: the partition inside the GPT disk whose only
    /// fault is its entry's last LBA. Its counts are what a damaged copy must still find.
    private static func cleanCounts(_ files: Unpacked) async throws -> (folders: Int, files: Int, others: Int) {
        let partition = try await files.cleanPartition()
        let run = try await Run(["volume", partition, "--format", "json"])
        let o = try await json(run)
        return (o["folders"] as! Int, o["files"] as! Int, o["others"] as! Int)
    }

    @Test("a boot sector whose total sectors overflow 64 bits: exit 2 at byte 40, no trap")
    func bootOverflow() async throws {
        let files = try Unpacked()
        let path = try await files.file("boot-total-sectors-overflow.img.gz")
        for command in ["volume", "acl"] {
            expectOneLine(
                try await Run([command, path]), naming: path,
                "byte offset 40: the boot sector gives more than 2^64 bytes")
        }
    }

    @Test("GPT entries at LBA 2^63, and an entry whose first LBA is near 2^64: exit 2 naming the place, no trap")
    func gptOverflow() async throws {
        let files = try Unpacked()
        let entries = try await files.file("gpt-entries-lba-overflow.img.gz")
        expectOneLine(
            try await Run(["volume", entries]), naming: entries,
            "byte offset 584: the GPT partition entries at LBA 9223372036854775808")
        let first = try await files.file("gpt-entry-first-lba-overflow.img.gz")
        expectOneLine(try await Run(["volume", first]), naming: first, "no NTFS partition")
    }

    @Test("a GPT entry whose last LBA is 0xFFFF…: the partition is read as far as the disk goes")
    func gptLastLBA() async throws {
        let files = try Unpacked()
        let disk = try await files.file("gpt-entry-last-lba-overflow.img.gz")
        let partition = try await files.cleanPartition()
        var a = try await json(try await Run(["volume", disk, "--format", "json"]))
        var b = try await json(try await Run(["volume", partition, "--format", "json"]))
        // The same volume, and the disk's claim past its end said once.
        let warnings = a["warnings"] as? [String] ?? []
        #expect(
            warnings == [
                "\(disk): byte offset 1064: GPT entry 1's last LBA 18446744073709551615 lies past the disk's end (12288 sectors): the partition is read as far as the disk goes"
            ], "\(warnings)")
        for key in ["root", "seconds", "warnings"] { a[key] = nil; b[key] = nil }
        #expect(NSDictionary(dictionary: a).isEqual(to: b), "\(a) vs \(b)")
        #expect((a["folders"] as? Int ?? 0) > 10)
    }

    @Test(
        "parent references in a loop, and a folder its own parent: warned by record, and nothing below is lost",
        arguments: [
            "parent-loop-windows.img.gz", "parent-self.img.gz",
        ])
    func parentLoops(_ name: String) async throws {
        let files = try Unpacked()
        let clean = try await Self.cleanCounts(files)
        let path = try await files.file(name)
        let run = try await Run(["volume", path, "--format", "json"])
        let o = try await json(run)
        #expect(
            o["folders"] as? Int == clean.folders && o["files"] as? Int == clean.files
                && o["others"] as? Int == clean.others)
        let warnings = o["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("MFT record 64 (Windows) names folder record") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("index lists record 64 (Windows)") }, "\(warnings)")
        let acl = try await json(try await Run(["acl", path, "--format", "json"]))
        let cleanACL = try await json(try await Run(["acl", try await files.cleanPartition(), "--format", "json"]))
        #expect(acl["entries"] as? Int == cleanACL["entries"] as? Int)
    }

    @Test("extension records that name themselves as base: the names still count, and their descriptors are read")
    func selfBasedExtensions() async throws {
        let files = try Unpacked()
        let path = try await files.file("extension-records-self-base.img.gz")
        let volume = try await json(try await Run(["volume", path, "--format", "json"]))
        let warnings = volume["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("names itself as its base record, but record") }, "\(warnings)")
        let acl = try await json(try await Run(["acl", path, "--format", "json"]))
        #expect((acl["errors"] as? [Any])?.isEmpty == true, "\(acl["errors"] ?? "")")
    }

    @Test(
        "extension records that name themselves as base: the same counts and ACL entries as the ntfs-3g mount",
        .mountTests)
    func selfBasedExtensionsMount() async throws {
        try await requireMount()
        let files = try Unpacked()
        let path = try await files.file("extension-records-self-base.img.gz")
        let volume = try await json(try await Run(["volume", path, "--format", "json"]))
        let acl = try await json(try await Run(["acl", path, "--format", "json"]))
        let mount = files.dir + "/mnt"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        let script = Run.root.appendingPathComponent("scripts/mount-ntfs-image").path
        #expect(try await Run(program: "/usr/bin/env", ["python3", script, path, mount]).status == 0)
        defer { ProcessRun.runToEnd("/usr/bin/env", ["python3", script, "--unmount", mount]) }
        let mounted = try await json(try await Run(["volume", mount, "--format", "json"]))
        #expect(
            volume["files"] as? Int == mounted["files"] as? Int
                && volume["folders"] as? Int == mounted["folders"] as? Int)
        let mountedACL = try await json(try await Run(["acl", mount, "--format", "json"]))
        #expect(acl["entries"] as? Int == mountedACL["entries"] as? Int)
    }

    @Test(
        "names in extension records (a folder and a file with 40 streams, a file with 40 hard links): image and mount agree",
        .mountTests)
    func overflowedAttributesMount() async throws {
        try await requireMount()
        let files = try Unpacked()
        let path = files.dir + "/overflow.img"
        let made = try await Run(
            program: "/usr/bin/env",
            ["python3", Run.root.appendingPathComponent("scripts/make-overflow-image").path, path])
        try #require(made.status == 0, "\(made.stderr)")
        let volume = try await json(try await Run(["volume", path, "--format", "json"]))
        let acl = try await json(try await Run(["acl", path, "--format", "json"]))
        let mount = files.dir + "/mnt"
        let script = Run.root.appendingPathComponent("scripts/mount-ntfs-image").path
        #expect(try await Run(program: "/usr/bin/env", ["python3", script, path, mount]).status == 0)
        defer { ProcessRun.runToEnd("/usr/bin/env", ["python3", script, "--unmount", mount]) }
        let mounted = try await json(try await Run(["volume", mount, "--format", "json"]))
        let mountedACL = try await json(try await Run(["acl", mount, "--format", "json"]))
        // 30 files and a subfolder under the folder whose name is in an extension record, 41 names of one file.
        #expect(volume["files"] as? Int == 71 && volume["folders"] as? Int == 6, "\(volume)")
        #expect(
            volume["files"] as? Int == mounted["files"] as? Int
                && volume["folders"] as? Int == mounted["folders"] as? Int)
        #expect((volume["warnings"] as? [String] ?? []).isEmpty, "\(volume["warnings"] ?? "")")
        #expect(
            acl["entries"] as? Int == mountedACL["entries"] as? Int,
            "\(acl["entries"] ?? "") vs \(mountedACL["entries"] ?? "")")
        #expect(acl["entries"] as? Int == 75)
    }

    @Test("a $SDS that declares 256 MiB on a 4 MiB image: read as far as its runs map, in little memory")
    func sdsSize() async throws {
        let files = try Unpacked()
        let path = try await files.file("sds-size-256MiB.img.gz")
        let rss = files.dir + "/rss"
        let run = try await Run(
            program: "/usr/bin/time", ["-q", "-f", "%M", "-o", rss, Run.binary, "acl", path, "--format", "json"])
        #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
        let peakKB = Int(try String(contentsOfFile: rss, encoding: .utf8).split(separator: "\n").last ?? "") ?? .max
        #expect(peakKB < 64 << 10, "peak \(peakKB) KB")
        #expect((try await json(run)["entries"] as? Int ?? 0) > 10)
    }

    @Test("one file's damaged $SECURITY_DESCRIPTOR is that entry's error; the volume is still judged")
    func damagedDescriptor() async throws {
        let files = try Unpacked()
        // All of Windows, not only what the writer reads: the damaged file is in WinSxS.
        let clean = try await json(
            try await Run(["acl", try await files.cleanPartition(), "--scope", "Windows", "--format", "json"]))
        let path = try await files.file("sd-attribute-nonresident-flag.img.gz")
        let run = try await Run(["acl", path, "--scope", "Windows", "--format", "json"])
        #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
        let o = try await json(run)
        let errors = o["errors"] as? [[String: Any]] ?? []
        #expect(errors.count == 1, "\(errors)")
        #expect((errors.first?["path"] as? String)?.hasSuffix("\\a00001.dll") == true, "\(errors)")
        #expect(o["entries"] as? Int == clean["entries"] as? Int)
    }

    @Test("icacls display output with 50,000 ACEs on one path is read in one pass (no quadratic copy)")
    func manyACEs() async throws {
        let files = try Unpacked()
        let path = try await files.file("icacls-display-50000-aces.txt.gz")
        // A hang guard, not a benchmark: the quadratic copy took 47 s of CPU; one pass takes about 1 s in a
        // debug build. Limited in the child's own CPU time, which a busy machine does not inflate.
        let run = try await Run(["acl", "--icacls-display", path, "--format", "json"], cpuSeconds: 15)
        #expect(run.status == 0 || run.status == 1, "status \(run.status) (152 or 137: over 15 s of CPU) \(run.stderr)")
        #expect(try await json(run)["entries"] as? Int == 1)
    }

    @Test("a PML cut after its signature is called a cut-off PML, not a CSV")
    func pmlSignatureOnly() async throws {
        let files = try Unpacked()
        let path = try await files.file("pml-4-bytes.PML.gz")
        for command in ["trace", "events"] {
            expectOneLine(
                try await Run([command, path]), naming: path,
                "a PML log needs a 936-byte header, the file has only 4 bytes (cut off)")
        }
    }

    @Test("CSV headers with a line break, a bare CR in a PID, 1,025 columns: one escaped line naming the file")
    func csvMessages() async throws {
        let files = try Unpacked()
        let linebreak = try await files.file("csv-header-linebreak.csv.gz")
        expectOneLine(try await Run(["trace", linebreak]), naming: linebreak, "\"Proc\\nName\"")
        expectOneLine(try await Run(["acl", "--getacl-csv", linebreak]), naming: linebreak, "Proc\\nName")
        let cr = try await files.file("csv-pid-bare-cr.csv.gz")
        expectOneLine(try await Run(["trace", cr]), naming: cr, "row 1: PID \"18\\r68\" is not a number")
        let wide = try await files.file("csv-1025-columns.csv.gz")
        for args in [["trace", wide], ["acl", "--getacl-csv", wide]] {
            let run = try await Run(args)
            expectOneLine(run, naming: wide, "header: more than 1024 fields")
            #expect(!run.stderr.contains("Procmon"), "\(run.stderr)")
        }
    }

    @Test("an SDDL ACL over 64 KB is refused: AclSize cannot hold it")
    func sddlOver64K() async throws {
        let files = try Unpacked()
        let text = try String(contentsOfFile: try await files.file("sddl-acl-over-64k.txt.gz"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let run = try await Run(["sddl", text])
        #expect(run.status == 2)
        #expect(run.stderr.filter { $0 == "\n" }.count == 1)
        #expect(run.stderr.contains("more than the 65,535 an ACL can hold"), "\(run.stderr)")
    }

    @Test("ntfs3-orphan: a name its folder's index does not list is not counted, and is warned about")
    func orphan() async throws {
        let files = try Unpacked()
        let path = try await files.file("ntfs3-orphan.raw.gz", from: ntfsReference)
        let o = try await json(try await Run(["volume", path, "--format", "json"]))
        // `test` holds 2.txt and 3.txt in its index; 1.txt (record 28) names it but is not listed.
        #expect(o["files"] as? Int == 2, "\(o)")
        let warnings = o["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("MFT record 28 (1.txt) names folder record 27 (test)") }, "\(warnings)")
    }

    @Test("ntfs3-orphan: the image and its ntfs-3g mount give the same counts", .mountTests)
    func orphanMount() async throws {
        try await requireMount()
        let files = try Unpacked()
        let path = try await files.file("ntfs3-orphan.raw.gz", from: ntfsReference)
        let o = try await json(try await Run(["volume", path, "--format", "json"]))
        let mount = files.dir + "/mnt"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        let script = Run.root.appendingPathComponent("scripts/mount-ntfs-image").path
        #expect(try await Run(program: "/usr/bin/env", ["python3", script, path, mount]).status == 0)
        defer { ProcessRun.runToEnd("/usr/bin/env", ["python3", script, "--unmount", mount]) }
        let mounted = try await json(try await Run(["volume", mount, "--format", "json"]))
        #expect(mounted["files"] as? Int == o["files"] as? Int && mounted["folders"] as? Int == o["folders"] as? Int)
    }

    @Test("an output location the user cannot write is a user error (exit 2, one line), not an internal one")
    func remediateIntoProc() async throws {
        let files = try Unpacked()
        try FileManager.default.createDirectory(atPath: files.dir + "/vol/Windows", withIntermediateDirectories: true)
        let run = try await Run(["remediate", files.dir + "/vol", "--out", "/proc/writer-audit-nowhere"])
        expectOneLine(run, naming: "/proc/writer-audit-nowhere", "cannot write the plan")
        let inside = try await Run(["remediate", files.dir + "/vol", "--out", files.dir + "/vol/out"])
        expectOneLine(inside, naming: files.dir + "/vol/out", "inside the audited volume")
    }

    @Test("a quote left open across line breaks is refused naming its row; one cut in its last line is a warning")
    func openQuote() async throws {
        let files = try Unpacked()
        let header = "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n"
        let row = "\"1:00\",\"a.exe\",\"12\",\"CreateFile\",\"C:\\x\",\"SUCCESS\",\"\"\r\n"
        let open = files.dir + "/open.csv"
        try
            (header + row + "\"1:01\",\"a.exe\",\"12\",\"CreateFile\",\"C:\\y\",\"SUCCESS\",\"abc\r\n"
            + String(repeating: "more text, more, text\r\n", count: 1000)).write(
                toFile: open, atomically: true, encoding: .utf8)
        expectOneLine(
            try await Run(["trace", open]), naming: open, "row 2: a quote opened on this row is never closed")
        let cut = files.dir + "/cut.csv"
        try (header + row + "\"1:01\",\"a.exe\",\"12\",\"CreateFile\",\"C:\\y\",\"SUCCESS\",\"abc, de").write(
            toFile: cut, atomically: true, encoding: .utf8)
        let run = try await Run(["trace", cut, "--format", "json"])
        #expect(run.status == 4, "no IDENTIFY in it: the capture cannot decide \(run.stderr)")
        #expect(
            run.stdout.contains("row 2: the file ends inside this row (inside a quoted field)"),
            "\(run.stdout.prefix(400))")
    }

    @Test("an image in an 8 GiB sparse file whose $MFT claims the whole file: only the records in use are read")
    func sparseMFT() async throws {
        let files = try Unpacked()
        let partition = try await files.cleanPartition()
        let clean = try await json(try await Run(["volume", partition, "--format", "json"]))
        var b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: partition)))
        func le(_ at: Int, _ n: Int) -> Int { (0..<n).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) } }
        func put(_ at: Int, _ n: Int, _ v: Int) { for k in 0..<n { b[at + k] = UInt8((v >> (8 * k)) & 0xFF) } }
        let cluster = le(0x0B, 2) * Int(b[0x0D])
        let mftLCN = le(0x30, 8)
        let total = 8 << 30
        put(0x28, 8, total / 512 - 1)
        // Record 0's unnamed $DATA: one run from the $MFT's cluster to the end of the 8 GiB, sizes to match.
        let record = mftLCN * cluster
        var at = record + le(record + 20, 2)
        while le(at, 4) != 0x80 || b[at + 9] != 0 { at += le(at + 4, 4) }
        let clusters = total / cluster - mftLCN - 1  // the last cluster: the backup boot sector
        let runs = at + le(at + 32, 2)
        try #require(
            le(at + 4, 4) - (runs - at) >= 8 && clusters < 1 << 23 && mftLCN < 1 << 23, "no room for the runlist")
        b[runs] = 0x33
        put(runs + 1, 3, clusters)
        put(runs + 4, 3, mftLCN)
        b[runs + 7] = 0
        put(at + 24, 8, clusters - 1)
        for field in [40, 48, 56] { put(at + field, 8, clusters * cluster) }
        let sparse = files.dir + "/sparse-8GiB.img"
        try Data(b).write(to: URL(fileURLWithPath: sparse))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: sparse))
        try handle.truncate(atOffset: UInt64(total))
        try handle.close()
        for command in ["volume", "acl"] {
            // A hang guard in the child's own CPU time: reading 8 GiB of zeros took 20 s.
            let run = try await Run([command, sparse, "--format", "json"], cpuSeconds: 10)
            #expect(
                run.status == 0 || run.status == 1, "status \(run.status) (152 or 137: over 10 s of CPU) \(run.stderr)")
            let o = try await json(run)
            if command == "volume" {
                #expect(
                    o["files"] as? Int == clean["files"] as? Int && o["folders"] as? Int == clean["folders"] as? Int)
                let warnings = o["warnings"] as? [String] ?? []
                #expect(
                    warnings.contains { $0.contains("the $MFT's runs map") && $0.contains("not read") }, "\(warnings)")
            }
        }
    }

    @Test("a folder whose record's in-use flag is cleared keeps its subtree: its parent's index still lists it")
    func folderNotInUse() async throws {
        let files = try Unpacked()
        let partition = try await files.cleanPartition()
        let clean = try await json(Run(["volume", partition, "--format", "json"]))
        // Clear the in-use flag (offset 22 of the record) of the folder named WinSxS.
        var b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: partition)))
        func le(_ at: Int, _ n: Int) -> Int { (0..<n).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) } }
        let mft = le(0x30, 8) * le(0x0B, 2) * Int(b[0x0D])
        let target = Array("WinSxS".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        var cleared: Int? = nil
        for n in 16..<200 where cleared == nil {
            let r = mft + n * 1024
            guard r + 1024 <= b.count, b[r..<r + 4].elementsEqual(Array("FILE".utf8)), le(r + 22, 2) & 3 == 3 else {
                continue
            }
            var at = r + le(r + 20, 2)
            while at + 8 < r + 1024, le(at, 4) != 0xFFFF_FFFF, le(at, 4) != 0x30 { at += max(8, le(at + 4, 4)) }
            guard le(at, 4) == 0x30 else { continue }
            let v = at + le(at + 20, 2)
            if b[(v + 0x42)..<(v + 0x42 + 2 * Int(b[v + 0x40]))].elementsEqual(target) {
                b[r + 22] &= 0xFE
                cleared = n
            }
        }
        let n = try #require(cleared, "no WinSxS folder record")
        let damaged = files.dir + "/not-in-use.img"
        try Data(b).write(to: URL(fileURLWithPath: damaged))
        let o = try await json(Run(["volume", damaged, "--format", "json"]))
        #expect(o["folders"] as? Int == clean["folders"] as? Int && o["files"] as? Int == clean["files"] as? Int)
        let warnings = o["warnings"] as? [String] ?? []
        #expect(
            warnings.contains { $0.contains("index lists record \(n) (WinSxS), whose record is not in use") },
            "\(warnings)")
        let acl = try await json(Run(["acl", damaged, "--scope", "Windows\\WinSxS", "--format", "json"]))
        let errors = acl["errors"] as? [[String: Any]] ?? []
        #expect(
            errors.contains { ($0["error"] as? String)?.contains("MFT record \(n) is not in use") == true }, "\(errors)"
        )
    }

    @Test("an $MFT runlist whose runs map the same clusters twice is refused, naming them")
    func overlappingMFTRuns() async throws {
        let files = try Unpacked()
        let partition = try await files.cleanPartition()
        var b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: partition)))
        func le(_ at: Int, _ n: Int) -> Int { (0..<n).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) } }
        let cluster = le(0x0B, 2) * Int(b[0x0D])
        let record = le(0x30, 8) * cluster
        var at = record + le(record + 20, 2)
        while le(at, 4) != 0x80 || b[at + 9] != 0 { at += le(at + 4, 4) }
        let runs = at + le(at + 32, 2)
        let length = Int(b[runs + 1])
        try #require(b[runs] == 0x11 && length > 2, "expected a one-byte run at the start: \(b[runs])")
        // A second run of the same length, one cluster after the first: most of it maps the same clusters.
        b[runs + 3] = 0x11
        b[runs + 4] = UInt8(length)
        b[runs + 5] = 1
        b[runs + 6] = 0
        let path = files.dir + "/overlap.img"
        try Data(b).write(to: URL(fileURLWithPath: path))
        expectOneLine(try await Run(["volume", path]), naming: path, "the $MFT's runs overlap")
    }
}
