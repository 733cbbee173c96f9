import Foundation
import TestSupport
import Testing
import WindowsSecurity

@testable import ACLExports
@testable import DiskImage
@testable import NTFS
@testable import VolumeAudit

/// Per-folder counts as `find -xdev` sees them: the same answer by hand.
func findCounts(_ root: String) async throws -> [String: Collect.Counts] {
    let listing = try await run("/usr/bin/find", [root, "-xdev", "-printf", "%h\\0%y\\0%P\\0"])
    var counts: [String: Collect.Counts] = [:]
    var fields = listing.stdout.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
    fields.removeLast()
    var i = 0
    while i + 2 < fields.count {
        let (parent, type, relative) = (fields[i], fields[i + 1], fields[i + 2])
        i += 3
        if relative.isEmpty { continue }  // the root itself
        if type == "d" { counts[relative, default: .init()] = counts[relative] ?? .init() }
        let key = parent == root ? "" : String(parent.dropFirst(root.count + 1))
        switch type {
        case "d": counts[key, default: .init()].subfolders += 1
        case "f": counts[key, default: .init()].files += 1
        default: counts[key, default: .init()].others += 1
        }
    }
    if counts[""] == nil { counts[""] = .init() }
    return counts
}

@Suite("Real NTFS image (mkntfs + ntfs-3g, mounted read-only)", .serialized)
struct NTFSImageTests {
    @Test("every folder's counts match find on the same mount, and the findings are the edges that break", .imageTests)
    func matchesFind() async throws {
        try requireImages()
        let image = try await MountedImage.make(spec: "writer-limits.spec")
        defer { image.unmount() }
        var sink = Collect()
        try TreeWalker(root: image.mount).walk(into: &sink)
        let expected = try await findCounts(image.mount)
        #expect(sink.folders.count == expected.count)
        for (path, counts) in expected {
            #expect(sink.folders[path] == counts, "\(path)")
        }
        #expect(sink.folders["Windows"]?.others == 1)  // the loop link
        let report = try audit(image.mount)
        let sequential = try audit(image.mount) { $0.threads = 1 }
        #expect(report.findings == sequential.findings)
        #expect(report.folders == sequential.folders && report.files == sequential.files)
        let over = Dictionary(uniqueKeysWithValues: report.findings.map { ($0.path, $0.over) })
        #expect(over["C:\\Windows\\WinSxS"] == [.subfolders])
        #expect(over["C:\\Windows\\assembly\\NativeImages_v4.0.30319_64"] == nil)
        #expect(
            over[
                "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\root\\5c1f8a2e\\assembly\\dl3"
            ] == [.files])
        #expect(over["C:\\Windows\\Microsoft.NET\\assembly\\GAC_MSIL"] == nil)
        #expect(over["C:\\inetpub\\logs"] == [.files])
        #expect(report.findings.first { $0.path == "C:\\inetpub\\logs" }?.inWriterScope == false)
        #expect(report.findings.filter { $0.over == [.pathLength] }.count == 1)
        #expect(report.unreadable.isEmpty)
        #expect(report.files == expected.values.reduce(0) { $0 + $1.files })
        var acl = ACLAudit()
        try MountedACLReader(root: image.mount).read(scopes: [], into: &acl)
        #expect(
            acl.findings.map(\.path) == ["C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Config\\machine.config"])
        #expect(acl.findings.first?.ace == "(D;;FA;;;NS)")
        #expect(acl.errors.isEmpty)

        // End to end: the built command on the same mount says the same, exit 1 for the findings.
        let binary = ProjectPaths.binary
        if FileManager.default.isExecutableFile(atPath: binary) {
            let run = try await run(binary, ["volume", image.mount, "--format", "json"])
            #expect(run.status == 1)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(object["folders"] as? Int == expected.count)
            #expect(object["files"] as? Int == report.files)
            #expect(object["others"] as? Int == expected.values.reduce(0) { $0 + $1.others })
            #expect((object["findings"] as? [Any])?.count == report.findings.count)
        } else {
            Issue.record("\(binary) is not built: run swift build --build-tests first")
        }
    }

    @Test(
        "ACLs set through system.ntfs_acl: each case judged right; ntfssecaudit and the MFT reader read the same bytes",
        .imageTests)
    func acls() async throws {
        try requireImages()
        let cases: [(String, String)] = [
            ("Windows/WinSxS/FileMaps", "O:BAG:SYD:PAI(D;OICI;FA;;;NS)(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;BU)"),
            ("Windows/WinSxS/Temp/x.dll", "O:BAG:SYD:P(A;;FA;;;SY)(A;;FA;;;BA)"),
            ("Windows/WinSxS/InheritOnly", "O:BAG:SYD:P(A;OICIIO;FA;;;WD)(A;OICI;FA;;;SY)"),
            ("Windows/WinSxS/null.txt", "O:BAG:SYD:NO_ACCESS_CONTROL"),
            ("Windows/WinSxS/empty.txt", "O:BAG:SYD:"),
            ("Windows/Microsoft.NET/ok.dll", "O:BAG:SYD:(A;;FA;;;SY)(A;;0x1200a9;;;BU)"),
        ]
        var spec = "size 32M\ndir \"Windows/WinSxS/FileMaps\"\ndir \"Windows/WinSxS/InheritOnly\"\n"
        spec +=
            "file \"Windows/WinSxS/Temp/x.dll\"\nfile \"Windows/WinSxS/null.txt\"\nfile \"Windows/WinSxS/empty.txt\"\n"
        spec += "file \"Windows/Microsoft.NET/ok.dll\"\n"
        var hexOf: [String: String] = [:]
        for (path, sddl) in cases {
            let hex = try SDDL.parse(sddl).encode().map { String($0, radix: 16).leftPadded(2) }.joined()
            hexOf[path] = hex
            spec += "acl \"\(path)\" \(hex)\n"
        }
        let image = try await MountedImage.make(specText: spec)
        defer { image.unmount() }
        // The whole of WinSxS, to judge every case (by default only FileMaps, what the writer enumerates).
        let scopes = ["Windows/WinSxS", "Windows/Microsoft.NET"]
        var audit = ACLAudit()
        try MountedACLReader(root: image.mount).read(scopes: scopes, into: &audit)
        let report = audit.report(source: image.mount)
        var byDefault = ACLAudit()
        try MountedACLReader(root: image.mount).read(scopes: [], into: &byDefault)
        #expect(
            byDefault.findings.map(\.path).sorted() == ["C:\\Windows\\WinSxS\\FileMaps"],
            "default scope: \(byDefault.findings.map(\.path))")
        #expect(byDefault.findings.first?.impact == .missingWriter)
        let byPath = Dictionary(grouping: report.findings, by: { (f: ACLFinding) in f.path })
        #expect(byPath["C:\\Windows\\WinSxS\\FileMaps"]?.first?.ace == "(D;OICI;FA;;;NS)")
        #expect(byPath["C:\\Windows\\WinSxS\\Temp\\x.dll"]?.first?.ace == nil)
        #expect(byPath["C:\\Windows\\WinSxS\\Temp\\x.dll"]?.first?.reason.contains("no ACE grants it") == true)
        #expect(byPath["C:\\Windows\\WinSxS\\InheritOnly"] != nil)
        #expect(byPath["C:\\Windows\\WinSxS\\null.txt"] == nil)
        #expect(byPath["C:\\Windows\\WinSxS\\empty.txt"]?.first?.reason.contains("DACL is empty") == true)
        #expect(byPath["C:\\Windows\\Microsoft.NET\\ok.dll"] == nil)
        #expect(report.errors.isEmpty, "\(report.errors)")
        // ntfs-3g's own auditor reads the same bytes from the unmounted image.
        image.unmountOnly()
        for (path, _) in cases {
            let out = try await run("/usr/bin/env", ["ntfssecaudit", "-v", image.image, "/" + path])
            var bytes = ""
            for line in out.stdout.split(separator: "\n") where line.hasPrefix("        0") {
                bytes += line.split(separator: " ").dropFirst().map(String.init).joined()
            }
            #expect(bytes == hexOf[path], "\(path): ntfssecaudit shows \(bytes)")
            let decoded = try SecurityDescriptor.decode(hex: bytes)
            #expect(out.stdout.contains("Windows owner \(decoded.owner!)"))
            #expect(out.stdout.contains("Windows group \(decoded.group!)"))
        }
        // Read from the unmounted image through its MFT: the same bytes ntfssecaudit showed, the same findings.
        var direct = ACLAudit()
        var bytes: [String: String] = [:]
        _ = try ImageACLReader(path: image.image).read(scopes: scopes, into: &direct) { path, descriptor in
            bytes[path] = descriptor.map { String($0, radix: 16).leftPadded(2) }.joined()
        }
        for (path, _) in cases {
            let windows = "C:\\" + path.replacingOccurrences(of: "/", with: "\\")
            #expect(bytes[windows] == hexOf[path], "\(windows)")
        }
        let key = { (f: ACLFinding) in "\(f.path) \(f.missing) \(f.ace ?? "-") \(f.reason)" }
        #expect(direct.findings.map(key).sorted() == report.findings.map(key).sorted())
        #expect(direct.entries == audit.entries)
    }

    @Test("a volume mounted inside the tree is listed, not entered (-xdev)", .imageTests)
    func otherFilesystem() async throws {
        try requireImages()
        let tree = try ScratchTree()
        try tree.files("Windows", 3)
        let image = try await MountedImage.make(spec: "writer-limits.spec", mountInside: tree.root)
        defer { image.unmount() }
        let report = try audit(tree.root)
        #expect(report.otherFilesystems == ["C:\\mnt"])
        #expect(report.files == 3)
        #expect(report.findings.isEmpty)
    }
}

/// Every entry under `root` (links not followed): kind, size and an FNV-1a hash of the contents.
func snapshot(_ root: String) throws -> [String: String] {
    var out: [String: String] = [:]
    var stack = [""]
    while let rel = stack.popLast() {
        let full = rel.isEmpty ? root : root + "/" + rel
        for name in try FileManager.default.contentsOfDirectory(atPath: full) {
            let r = rel.isEmpty ? name : rel + "/" + name
            let attributes = try FileManager.default.attributesOfItem(atPath: root + "/" + r)
            let type = attributes[.type] as? FileAttributeType
            if type == .typeDirectory {
                out[r] = "dir"
                stack.append(r)
            } else if type == .typeSymbolicLink {
                out[r] =
                    "link -> " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/" + r)) ?? "?")
            } else {
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                for b in FileManager.default.contents(atPath: root + "/" + r) ?? Data() {
                    h = (h ^ UInt64(b)) &* 0x100_0000_01b3
                }
                out[r] = "file \(attributes[.size] ?? 0) \(String(h, radix: 16))"
            }
        }
    }
    return out
}

@Suite("Remediation applied for real on an NTFS image", .serialized)
struct RemediationImageTests {
    @Test(
        "remediate.sh --apply removes exactly the planned items, hostile names included, and nothing else", .imageTests)
    func apply() async throws {
        try requireImages()
        let temp = "Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files"
        let spec = """
            size 64M
            files "\(temp)/root/5c1f8a2e/assembly/dl3" 10001 App_Web_
            files "Windows/System32" 5 important
            file "Windows/System32/config.ini" 100
            dir "\(temp)/root"

            """
        let image = try await MountedImage.make(specText: spec, readWrite: true)
        defer { image.unmount() }
        let m = image.mount
        // Hostile names inside the temp folder (items), a link pointing outside, and a look-alike outside.
        for name in hostileNames where !name.contains("\\") {
            try FileManager.default.createDirectory(
                atPath: "\(m)/\(temp)/root/\(name)", withIntermediateDirectories: true)
            _ = FileManager.default.createFile(
                atPath: "\(m)/\(temp)/root/\(name)/\(name).dll", contents: Data(name.utf8))
        }
        try FileManager.default.createSymbolicLink(
            atPath: "\(m)/\(temp)/root/escape", withDestinationPath: "../../../../../System32")
        try FileManager.default.createDirectory(
            atPath: "\(m)/Windows/Temporary ASP.NET Files/root/x", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(
            atPath: "\(m)/Windows/Temporary ASP.NET Files/root/x/keep.dll", contents: Data("k".utf8))

        let before = try snapshot(m)
        let (plan, report) = try CleanupPlanner(root: m).plan()
        #expect(report.findings.contains { $0.over == [.files] })
        let planned = plan.deletions.map(\.relativePath)
        #expect(planned.count == 1 + hostileNames.filter { !$0.contains("\\") }.count)
        #expect(plan.items.contains { $0.relativePath.hasSuffix("/escape") && $0.kind == .skippedReparsePoint })

        let dir = NSTemporaryDirectory() + "plan-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { ProcessRun.runToEnd("/bin/rm", ["-rf", dir]) }
        try RemediationScripts.shell(plan, generated: "test").write(
            toFile: dir + "/remediate.sh", atomically: true, encoding: .utf8)
        let dry = try await run("/bin/sh", [dir + "/remediate.sh"])
        #expect(dry.status == 0)
        #expect(try snapshot(m) == before)
        let applied = try await run("/bin/sh", [dir + "/remediate.sh", "--apply"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("\(planned.count) planned, \(planned.count) deleted, 0 refused, 0 failed"))

        let after = try snapshot(m)
        var expected = before
        for key in before.keys where planned.contains(where: { key == $0 || key.hasPrefix($0 + "/") }) {
            expected.removeValue(forKey: key)
        }
        #expect(after == expected)
        #expect(after[temp] == "dir")
        #expect(after["\(temp)/root/escape"] != nil)
        #expect(after["Windows/System32/config.ini"] == before["Windows/System32/config.ini"])
        #expect(try audit(m).findings.isEmpty)
    }

    @Test("remediate.sh refuses an item that became a link, and one moved outside the folder", .imageTests)
    func refuses() async throws {
        try requireImages()
        let temp = "Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files"
        let image = try await MountedImage.make(
            specText: "size 32M\nfiles \"\(temp)/root/a\" 2\nfiles \"Windows/System32\" 2\n", readWrite: true)
        defer { image.unmount() }
        let (plan, _) = try CleanupPlanner(root: image.mount).plan()
        var tampered = plan
        tampered.items.append(
            CleanupItem(
                path: "C:\\Windows\\System32", relativePath: "Windows/System32", tempFolder: temp, kind: .folder,
                files: 2, folders: 1, bytes: 0, newestChange: 0, framework: ""))
        tampered.items.append(
            CleanupItem(
                path: "", relativePath: temp, tempFolder: temp, kind: .folder, files: 0, folders: 0, bytes: 0,
                newestChange: 0, framework: ""))
        // Swap the planned item for a link to System32 after the plan was made.
        _ = try await run("/bin/rm", ["-rf", "\(image.mount)/\(temp)/root/a"])
        try FileManager.default.createSymbolicLink(
            atPath: "\(image.mount)/\(temp)/root/a", withDestinationPath: "../../../../../System32")
        let before = try snapshot(image.mount)
        let dir = NSTemporaryDirectory() + "plan-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { ProcessRun.runToEnd("/bin/rm", ["-rf", dir]) }
        try RemediationScripts.shell(tampered, generated: "test").write(
            toFile: dir + "/remediate.sh", atomically: true, encoding: .utf8)
        let applied = try await run("/bin/sh", [dir + "/remediate.sh", "--apply"])
        #expect(applied.status != 0)
        #expect(applied.stdout.contains("3 planned, 0 deleted, 3 refused"))
        #expect(try snapshot(image.mount) == before)
    }
}
