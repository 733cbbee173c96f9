import Foundation
import TestSupport
import Testing

/// A scratch tree for the command's end-to-end runs, readable by everyone (the unreadable test runs as nobody).
private final class Tree {
    let root: String
    init() throws {
        root = "/tmp/writer-audit-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        chmod(root, 0o755)
    }
    deinit { try? FileManager.default.removeItem(atPath: root) }

    func files(_ path: String, _ count: Int) async throws {
        try FileManager.default.createDirectory(atPath: root + "/" + path, withIntermediateDirectories: true)
        for i in 0..<count { _ = FileManager.default.createFile(atPath: "\(root)/\(path)/f\(i)", contents: nil) }
    }
}

private func system2(_ program: String, _ arguments: [String]) async -> Int32 {
    (try? await ProcessRun.run(program, arguments))?.status ?? -1
}

@Suite("writer-audit volume, end to end")
struct VolumeCommandTests {
    @Test(
        "causes first (only under Microsoft.NET), then the Microsoft.NET totals, then context, then the summary; exit 1"
    )
    func text() async throws {
        let tree = try Tree()
        try await tree.files("Windows/Microsoft.NET/Framework/v4.0.30319/Temporary ASP.NET Files/root/x", 12)
        try await tree.files("Windows/WinSxS/Temp", 11)
        let run = try await Run(["volume", tree.root, "--max-files", "10", "--drive", "d:"])
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "CAUSES: folders that stop the System Writer (missing-writer), worst first:")
        #expect(
            lines[2].hasPrefix("  missing-writer")
                && lines[2].contains(
                    "D:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\Temporary ASP.NET Files\\root\\x")
        )
        #expect(lines[3].contains("KB3098315"))
        #expect(
            lines.contains(
                "Windows\\Microsoft.NET: 12 files in 6 folders, longest path 80 characters (stock Windows 10 1,779, Server 2016 1,797, Server 2019 1,980 files)"
            ))
        let context = try #require(lines.firstIndex { $0.hasPrefix("Context (info, not a cause)") })
        #expect(lines[context + 2].hasPrefix("  info") && lines[context + 2].contains("D:\\Windows\\WinSxS\\Temp"))
        #expect(lines[context + 3].contains("never walked by the System Writer"))
        let last = try #require(lines.last { !$0.isEmpty })
        #expect(last.hasPrefix("\(tree.root): ") && last.contains("23 files"))
        #expect(last.hasSuffix("1 cause, 1 for context"))
    }

    @Test("json: the documented shape; exit 0 without findings")
    func json() async throws {
        let tree = try Tree()
        try await tree.files("Windows/System32", 5)
        let run = try await Run(["volume", tree.root, "--format", "json"])
        #expect(run.status == 0)
        let object = try #require(try await JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["root"] as? String == tree.root)
        #expect(object["folders"] as? Int == 3)
        #expect(object["files"] as? Int == 5)
        #expect(object["others"] as? Int == 0)
        #expect(object["seconds"] is Double)
        #expect((object["findings"] as? [Any])?.isEmpty == true)
        #expect((object["unreadable"] as? [Any])?.isEmpty == true)
    }

    @Test("csv: one row per finding")
    func csv() async throws {
        let tree = try Tree()
        try await tree.files("inetpub/logs", 3)
        let run = try await Run(["volume", tree.root, "--format", "csv", "--max-files", "2"])
        // Outside Windows: context, not a cause.
        #expect(run.status == 0)
        #expect(
            run.stdout
                == "\"path\",\"subfolders\",\"files\",\"others\",\"pathLength\",\"over\",\"inWriterScope\",\"area\",\"impact\",\"why\"\r\n\"C:\\inetpub\\logs\",\"0\",\"3\",\"0\",\"15\",\"files\",\"false\",\"outside\",\"info\",\"not read by the System Writer\"\r\n"
        )
    }

    @Test("an unreadable folder is listed with its error and the walk goes on")
    func unreadable() async throws {
        let tree = try Tree()
        try await tree.files("Windows/WinSxS/FileMaps", 2)
        try await tree.files("Windows/System32", 3)
        chmod(tree.root + "/Windows/WinSxS/FileMaps", 0)
        defer { chmod(tree.root + "/Windows/WinSxS/FileMaps", 0o755) }
        // Root reads everything: run as nobody then.
        let asRoot = getuid() == 0
        let arguments = ["volume", tree.root, "--format", "json"]
        let run =
            asRoot
            ? try await Run(
                program: "/usr/bin/setpriv",
                ["--reuid=65534", "--regid=65534", "--clear-groups", Run.binary] + arguments)
            : try await Run(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try await JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let unreadable = try #require(object["unreadable"] as? [[String: Any]])
        #expect(unreadable.count == 1)
        #expect(unreadable.first?["path"] as? String == "C:\\Windows\\WinSxS\\FileMaps")
        #expect((unreadable.first?["error"] as? String)?.contains("ermission denied") == true)
        #expect(object["files"] as? Int == 3)
    }

    @Test("a root that is missing or not a directory: one line, exit 2")
    func badRoot() async throws {
        for root in ["/nonexistent/mnt/c", "/etc/hostname"] {
            let run = try await Run(["volume", root])
            #expect(run.status == 2)
            #expect(run.stderr.hasPrefix("writer-audit: \(root): "))
            #expect(run.stderr.filter { $0 == "\n" }.count == 1)
        }
        #expect(try await Run(["volume", "/tmp", "--drive", "CC"]).status == 2)
        #expect(try await Run(["volume", "/tmp", "--scope", "C:\\NoSuchFolder"]).status == 2)
    }
}

extension Trait where Self == ConditionTrait {
    /// Tests that mount NTFS images with ntfs-3g: skipped where FUSE or ntfs-3g is missing, run under CI.
    static var mountTests: Self {
        .enabled(
            if: ImageCommandTests.canMount || ["true", "1"].contains(ProcessInfo.processInfo.environment["CI"] ?? ""),
            "needs /dev/fuse and ntfs-3g (apt-get install ntfs-3g)")
    }
}

struct MountUnavailable: Error, CustomStringConvertible {
    var description: String { "NTFS images cannot be mounted here (no /dev/fuse or no ntfs-3g), and CI needs them" }
}

func requireMount() async throws { if !ImageCommandTests.canMount { throw MountUnavailable() } }

@Suite("writer-audit volume and acl on an NTFS image file", .serialized)
struct ImageCommandTests {
    static var canMount: Bool {
        FileManager.default.fileExists(atPath: "/dev/fuse") && ProcessRun.which("ntfs-3g") != nil
    }

    @Test(
        "the same JSON and exit code as the mounted volume (but root, source and time); as an ordinary user",
        .mountTests)
    func sameAsMount() async throws {
        try await requireMount()
        let dir = NSTemporaryDirectory() + "wa-image-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let image = dir + "/server-C.img"
        let mount = dir + "/mnt"
        let script = Run.root.appendingPathComponent("scripts").path
        #expect(
            await system2(
                "/usr/bin/env",
                [
                    "python3", script + "/make-ntfs-image",
                    Run.root.appendingPathComponent("Fixtures/ntfs/writer-limits.spec").path, image,
                ]) == 0)
        #expect(await system2("/usr/bin/env", ["python3", script + "/mount-ntfs-image", image, mount]) == 0)
        defer { ProcessRun.runToEnd("/usr/bin/env", ["python3", script + "/mount-ntfs-image", "--unmount", mount]) }
        func json(_ args: [String]) async throws -> (Int32, [String: Any]) {
            let run = try await Run(args + ["--format", "json"])
            var object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
            for key in ["root", "seconds", "source", "source"] { object[key] = nil }
            return (run.status, object)
        }
        let (imageStatus, fromImage) = try await json(["volume", image])
        let (mountStatus, fromMount) = try await json(["volume", mount])
        #expect(imageStatus == 1 && mountStatus == 1)
        #expect(NSDictionary(dictionary: fromImage).isEqual(to: fromMount))
        let (aclImageStatus, aclImage) = try await json(["acl", image])
        let (aclMountStatus, aclMount) = try await json(["acl", mount])
        #expect(aclImageStatus == aclMountStatus)
        #expect(aclImage["entries"] as? Int == aclMount["entries"] as? Int)
        #expect((aclImage["findings"] as? [[String: Any]])?.count == 1)
        #expect(
            NSArray(array: aclImage["findings"] as? [Any] ?? []).isEqual(to: aclMount["findings"] as? [Any] ?? []))
        // No root, no FUSE: an ordinary user who can read the file.
        _ = await system2("/bin/chmod", ["755", dir])
        _ = await system2("/bin/chmod", ["644", image])
        let asNobody = try await Run(
            program: "/usr/bin/setpriv",
            ["--reuid", "65534", "--regid", "65534", "--clear-groups", Run.binary, "volume", image, "--format", "json"])
        #expect(asNobody.status == 1, "\(asNobody.stderr)")
        var nobody = try JSONSerialization.jsonObject(with: Data(asNobody.stdout.utf8)) as? [String: Any] ?? [:]
        for key in ["root", "seconds", "source"] { nobody[key] = nil }
        #expect(NSDictionary(dictionary: nobody).isEqual(to: fromImage))
        // --partition names a partition of an image; given with a folder it is a usage error.
        let wrongPartition = try await Run(["volume", mount, "--partition", "1"])
        #expect(wrongPartition.status == 2)
    }
}
