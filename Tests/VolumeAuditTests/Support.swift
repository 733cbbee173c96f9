import Foundation
import TestSupport
import Testing

@testable import ACLExports
@testable import DiskImage
@testable import NTFS
@testable import VolumeAudit

/// Collects every folder a source reports, keyed by its path below the root.
struct Collect: FolderSink {
    struct Counts: Equatable, CustomStringConvertible {
        var subfolders = 0
        var files = 0
        var others = 0
        var description: String { "\(subfolders)/\(files)/\(others)" }
    }
    var folders: [String: Counts] = [:]
    var visits: [FolderVisit] = []
    var unreadable: [String] = []
    var otherFilesystems: [String] = []

    mutating func folder(_ v: FolderVisit) {
        folders[String(decoding: v.path, as: UTF8.self)] = Counts(
            subfolders: v.subfolders, files: v.files, others: v.others)
    }
    mutating func unreadable(path: UnsafeRawBufferPointer, reason: String) {
        unreadable.append(String(decoding: path, as: UTF8.self))
    }
    mutating func otherFilesystem(path: UnsafeRawBufferPointer) {
        otherFilesystems.append(String(decoding: path, as: UTF8.self))
    }
}

/// A scratch directory tree, removed at the end.
final class ScratchTree {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "volume-audit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { ProcessRun.runToEnd("/bin/rm", ["-rf", root]) }

    func dir(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: root + "/" + path, withIntermediateDirectories: true)
    }

    func dirs(_ path: String, _ count: Int) throws {
        try dir(path)
        for i in 0..<count { try dir("\(path)/d\(i)") }
    }

    func files(_ path: String, _ count: Int) throws {
        try dir(path)
        for i in 0..<count {
            _ = FileManager.default.createFile(atPath: "\(root)/\(path)/f\(i).dll", contents: nil)
        }
    }

    func symlink(_ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: root + "/" + path, withDestinationPath: target)
    }
}

func audit(_ root: String, configure: (inout Volume.Options) -> Void = { _ in }) throws -> VolumeReport {
    var options = Volume.Options()
    configure(&options)
    return try Volume.audit(root: root, options: options)
}

typealias Paths = ProjectPaths
