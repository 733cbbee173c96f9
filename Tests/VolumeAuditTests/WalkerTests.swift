import Foundation
import TestSupport
import Testing

@testable import ACLExports
@testable import DiskImage
@testable import NTFS
@testable import VolumeAudit

@Suite("Folder limits on a walked tree")
struct WalkerTests {
    @Test("1,000 subfolders and 10,000 files are fine; 1,001 and 10,001 are findings")
    func edges() throws {
        let tree = try ScratchTree()
        try tree.dirs("Windows/WinSxS", 1001)
        try tree.dirs("Windows/assembly", 1000)
        try tree.files("Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files/root/abc", 10001)
        try tree.files("Windows/Microsoft.NET/assembly/GAC_MSIL", 10000)
        let report = try audit(tree.root)
        #expect(
            report.findings.map(\.path).sorted() == [
                "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files\\root\\abc",
                "C:\\Windows\\WinSxS",
            ])
        let winsxs = try #require(report.findings.first { $0.path.hasSuffix("WinSxS") })
        #expect(winsxs.over == [.subfolders])
        #expect(winsxs.subfolders == 1001)
        #expect(winsxs.area == .winSxS)
        let temp = try #require(report.findings.first { $0.path.hasSuffix("abc") })
        #expect(temp.over == [.files])
        #expect(temp.files == 10001)
        #expect(temp.area == .temporaryASPNET)
        #expect(report.files == 20001)
        #expect(report.exitCode == 1)
    }

    @Test("a finding outside Windows says it is outside the writer's scope; names match case-insensitively")
    func scope() throws {
        let tree = try ScratchTree()
        try tree.files("inetpub/logs", 11)
        try tree.files("WINDOWS/winsxs/x", 11)
        let report = try audit(tree.root) { $0.limits = FolderLimits(maxSubfolders: 10, maxFiles: 10) }
        let byPath = Dictionary(uniqueKeysWithValues: report.findings.map { ($0.path, $0) })
        #expect(byPath["C:\\inetpub\\logs"]?.inWriterScope == false)
        #expect(byPath["C:\\WINDOWS\\winsxs\\x"]?.inWriterScope == true)
        #expect(byPath["C:\\WINDOWS\\winsxs\\x"]?.area == .winSxS)
    }

    @Test("--scope takes Windows or mount-relative paths in any case and walks only that subtree")
    func scopeOption() throws {
        let tree = try ScratchTree()
        try tree.files("Windows/WinSxS/big", 11)
        try tree.files("Users/big", 11)
        for scope in ["c:\\windows\\WINSXS", "windows/winsxs", "\\Windows\\WinSxS", tree.root + "/Windows/WinSxS"] {
            let report = try audit(tree.root) {
                $0.scopes = [scope]
                $0.limits = FolderLimits(maxSubfolders: 10, maxFiles: 10)
            }
            #expect(report.findings.map(\.path) == ["C:\\Windows\\WinSxS\\big"], "\(scope)")
            #expect(report.scopes == ["C:\\Windows\\WinSxS"])
            #expect(report.folders == 2)
        }
        #expect(throws: VolumeError(.badScope, "")) { try audit(tree.root) { $0.scopes = ["C:\\Windows\\Nope"] } }
    }

    @Test("symbolic links are counted as other and never followed, loops included")
    func symlinks() throws {
        let tree = try ScratchTree()
        try tree.dirs("Windows/System32", 2)
        try tree.symlink("Windows/loop", to: "..")
        try tree.symlink("Windows/System32/self", to: ".")
        try tree.symlink("Windows/dangling", to: "/nonexistent")
        var sink = Collect()
        try TreeWalker(root: tree.root).walk(into: &sink)
        #expect(sink.folders["Windows"] == Collect.Counts(subfolders: 1, files: 0, others: 2))
        #expect(sink.folders["Windows/System32"] == Collect.Counts(subfolders: 2, files: 0, others: 1))
        #expect(sink.folders.count == 5)
    }

    @Test("names that are not UTF-8 are reported escaped")
    func nonUTF8() throws {
        let tree = try ScratchTree()
        let name: [UInt8] = Array("Windows/bad".utf8) + [0xFF, 0xFE] + Array("name".utf8)
        try tree.dir("Windows")
        let made = name.withUnsafeBufferPointer { buffer -> Int32 in
            let path = Array((tree.root + "/").utf8) + buffer + [0]
            return path.withUnsafeBufferPointer {
                mkdir(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), 0o755)
            }
        }
        #expect(made == 0)
        for i in 0..<3 { _ = FileManager.default.createFile(atPath: tree.root + "/Windows/x\(i)", contents: nil) }
        let report = try audit(tree.root) { $0.limits = FolderLimits(maxSubfolders: 0, maxFiles: 100) }
        #expect(report.findings.map(\.path).contains("C:\\Windows"))
        var sink = Collect()
        try TreeWalker(root: tree.root).walk(into: &sink)
        #expect(sink.folders.count == 3)
        #expect(WindowsPath.make(drive: "C:", relative: name) == "C:\\Windows\\bad\\xFF\\xFEname")
    }

    @Test("a 10,000-level tree: no stack overflow, no descriptor or PATH_MAX exhaustion", arguments: [8, 256])
    func deep(openLevels: Int) async throws {
        let tree = try ScratchTree()
        try tree.dir("Windows/Deep")
        var fd = open(tree.root + "/Windows/Deep", O_RDONLY | O_DIRECTORY)
        for _ in 0..<10_000 {
            #expect(mkdirat(fd, "dd", 0o755) == 0)
            let child = openat(fd, "dd", O_RDONLY | O_DIRECTORY)
            close(fd)
            fd = child
        }
        #expect(mkdirat(fd, "leaf-sibling", 0o755) == 0)
        close(fd)
        var walker = TreeWalker(root: tree.root)
        walker.openLevels = openLevels
        var audit = FolderAudit()
        try walker.walk(into: &audit)
        #expect(audit.folders == 3 + 10_000 + 1)
        #expect(audit.unreadable.isEmpty)
        // C:\Windows\Deep = 15 characters, each level adds 3: level 81 (258 characters) is the first folder the
        // writer cannot list (`folder\*` needs 260 with its NUL), and its subfolder's path is 261 characters.
        let long = audit.findings.filter { $0.over.contains(.pathLength) }
        #expect(long.count == 1)
        #expect(long.first?.pathLength == 15 + 82 * 3)
        #expect(audit.foldersBelowLongPaths == 10_000 - 81 + 1)
        _ = try? await run("/bin/rm", ["-rf", tree.root])
    }

    @Test("a Windows path over 259 characters is a finding at the folder holding it")
    func maxPath() throws {
        let tree = try ScratchTree()
        let long = String(repeating: "n", count: 130)
        try tree.dir("Windows/\(long)/\(long)/inside")
        let report = try audit(tree.root)
        #expect(report.findings.count == 1)
        let f = try #require(report.findings.first)
        #expect(f.over == [.pathLength])
        #expect(f.pathLength == "C:\\Windows\\".count + 130 + 1 + 130)
        #expect(f.path == "C:\\Windows\\" + long)
        // Outside Microsoft.NET the writer never builds the path: context, not a cause.
        #expect(f.impact == .info)
        #expect(report.foldersBelowLongPaths == 2)
    }

    @Test("walking with several threads gives the same report as one thread", arguments: [2, 3, 8])
    func parallel(threads: Int) throws {
        let tree = try ScratchTree()
        try tree.dirs("Windows/WinSxS", 1001)
        for i in 0..<40 { try tree.files("Windows/WinSxS/d\(i)/sub", i) }
        try tree.files("Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files/root/abc", 10001)
        try tree.symlink("Windows/loop", to: "..")
        try tree.dir("Users/\(String(repeating: "u", count: 200))/\(String(repeating: "v", count: 100))/deeper")
        let one = try audit(tree.root) { $0.threads = 1 }
        let many = try audit(tree.root) { $0.threads = threads }
        #expect(many.folders == one.folders)
        #expect(many.files == one.files)
        #expect(many.others == one.others)
        #expect(many.findings == one.findings)
        #expect(many.foldersBelowLongPaths == one.foldersBelowLongPaths)
        #expect(many.unreadable == one.unreadable)
        // root, Windows, WinSxS, d*, d*/sub, .NET chain, Users chain
        #expect(one.folders == 1 + 1 + 1 + 1001 + 40 + 6 + 4)
    }

    @Test("a missing root or a file as root is a one-line error")
    func badRoot() throws {
        #expect(throws: VolumeError(.badRoot, "")) { try audit("/nonexistent/volume") }
        #expect(throws: VolumeError(.badRoot, "")) { try audit("/etc/hostname") }
    }
}
