import Foundation
import Testing

@testable import VolumeAudit

/// A real NTFS image built by scripts/make-ntfs-image, mounted read-only with ntfs-3g for one test.
struct MountedImage {
    let image: String
    let mount: String

    /// Why images cannot be mounted here, or nil when they can.
    static var unavailableReason: String? {
        if !FileManager.default.fileExists(atPath: "/dev/fuse") { return "/dev/fuse is missing (no FUSE)" }
        let which =
            (try? run(
                "/bin/sh",
                ["-c", "command -v ntfs-3g && (command -v mkntfs || test -x /usr/sbin/mkntfs || test -x /sbin/mkntfs)"]))
        if which?.status != 0 { return "ntfs-3g/mkntfs not installed (apt-get install ntfs-3g)" }
        return nil
    }

    /// Builds the image from a spec and mounts it read-only; the caller unmounts.
    static func make(spec: String, mountInside parent: String? = nil) throws -> MountedImage {
        let dir = NSTemporaryDirectory() + "ntfs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let image = dir + "/volume.img"
        let built = try run(
            "/usr/bin/env", ["python3", Paths.script("make-ntfs-image"), Paths.fixture("ntfs/\(spec)"), image])
        guard built.status == 0 else { throw MountError(message: "make-ntfs-image: \(built.stderr)") }
        let mount = parent.map { $0 + "/mnt" } ?? dir + "/mnt"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        let mounted = try run("/usr/bin/env", ["python3", Paths.script("mount-ntfs-image"), image, mount])
        guard mounted.status == 0 else { throw MountError(message: mounted.stderr) }
        return MountedImage(image: image, mount: mount)
    }

    func unmount() {
        _ = try? run("/usr/bin/env", ["python3", Paths.script("mount-ntfs-image"), "--unmount", mount])
        _ = try? run("/bin/rm", ["-rf", (image as NSString).deletingLastPathComponent])
    }

    struct MountError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

/// Fails in CI and warns loudly elsewhere when images cannot be mounted.
func requireImages() -> Bool {
    guard let reason = MountedImage.unavailableReason else { return true }
    let message = "NTFS IMAGE TESTS NOT RUN: \(reason)"
    if ProcessInfo.processInfo.environment["CI"] != nil {
        Issue.record(Comment(rawValue: message))
    } else {
        print("⚠️  \(message)")
    }
    return false
}

/// Per-folder counts as `find -xdev` sees them: the same answer by hand.
func findCounts(_ root: String) throws -> [String: Collect.Counts] {
    let listing = try run("/usr/bin/find", [root, "-xdev", "-printf", "%h\\0%y\\0%P\\0"])
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
    @Test("every folder's counts match find on the same mount, and the findings are the edges that break")
    func matchesFind() throws {
        guard requireImages() else { return }
        let image = try MountedImage.make(spec: "writer-limits.spec")
        defer { image.unmount() }
        var sink = Collect()
        try TreeWalker(root: image.mount).walk(into: &sink)
        let expected = try findCounts(image.mount)
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

        // End to end: the built command on the same mount says the same, exit 1 for the findings.
        let binary = Paths.root.appendingPathComponent(".build/debug/writer-audit").path
        if FileManager.default.isExecutableFile(atPath: binary) {
            let run = try run(binary, ["volume", image.mount, "--format", "json"])
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

    @Test("a volume mounted inside the tree is listed, not entered (-xdev)")
    func otherFilesystem() throws {
        guard requireImages() else { return }
        let tree = try ScratchTree()
        try tree.files("Windows", 3)
        let image = try MountedImage.make(spec: "writer-limits.spec", mountInside: tree.root)
        defer { image.unmount() }
        let report = try audit(tree.root)
        #expect(report.otherFilesystems == ["C:\\mnt"])
        #expect(report.files == 3)
        #expect(report.findings.isEmpty)
    }
}
