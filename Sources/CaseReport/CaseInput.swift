import BinaryFormat
#if canImport(Glibc)
    import Glibc
#endif
import Crypto
import Foundation
import ZIPFoundation

/// One file of the upload: what it is, its size and SHA-256 (for the report's inputs table), or why it
/// is ignored.
public struct CaseInput: Sendable, Encodable {
    public var file: String
    public var kind: InputKind
    public var bytes: UInt64
    public var sha256: String?
    public var ignored: String?

    enum CodingKeys: String, CodingKey { case file, kind, bytes, sha256, ignored }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(kind, forKey: .kind)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(ignored, forKey: .ignored)
    }

    /// SHA-256 of a file, read in 1 MiB blocks (swift-crypto).
    static func sha256(of path: String) throws -> String {
        let file = try ReadOnlyFile(path: path)
        var hasher = SHA256()
        let block = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: block, alignment: 16)
        defer { buffer.deallocate() }
        var offset: UInt64 = 0
        while offset < file.size {
            let n = try file.readSome(into: buffer.baseAddress!, count: block, at: offset)
            guard n > 0 else { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            offset += UInt64(n)
        }
        return hasher.finalize().map { Hex.padded($0, width: 2) }.joined()
    }
}

/// The files of an upload: the paths given, every file in each folder at any depth (a folder holding
/// `Windows\System32` is a mounted volume, taken whole), and the members of each .zip (a .zip inside one
/// too), extracted to a private temporary folder (never beside the input) that `removeExtracted` deletes.
/// A member is named as the customer would name it, `upload.zip/Server01/System.evtx`; `names` turns the
/// temporary paths back into those names wherever an audit quoted them.
public struct CaseInputs {
    public private(set) var paths: [String] = []
    /// Where a path came from, when it is a member of a .zip: "upload.zip/Server01/Logfile.PML".
    public private(set) var shownAs: [String: String] = [:]
    /// What was found and not read, with why: a special file, a symbolic link, a folder that cannot be listed.
    public private(set) var skipped: [(file: String, why: String)] = []
    /// Each extraction folder and the name of the .zip it holds.
    public private(set) var names = CaseNames()
    private var extracted: String? = nil

    /// Folders are searched this deep; deeper ones are listed as skipped.
    static let maxDepth = 32
    /// A .zip inside a .zip is opened this deep.
    static let maxZipDepth = 3

    public init(_ given: [String]) throws(CaseError) {
        do {
            try gather(given)
        } catch {
            removeExtracted()
            throw error
        }
    }

    private mutating func gather(_ given: [String]) throws(CaseError) {
        for path in given {
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw CaseError(.unreadable, "\(path): \(errno == ENOENT ? "no such file or folder" : String(cString: strerror(errno)))")
            }
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR {
                try folder(path, depth: 0)
            } else if type != S_IFREG && type != S_IFBLK {
                // Opening a pipe would block forever; a socket or a terminal is not evidence.
                throw CaseError(.unreadable, "\(path): a special file (a pipe, socket or character device), not a file of the upload: not read")
            } else {
                try file(path, shown: nil, zipDepth: 0)
            }
        }
    }

    /// A folder of the upload: a mounted volume whole, else every entry at any depth. Symbolic links are
    /// not followed (they could lead out of the upload) and special files are never opened.
    private mutating func folder(_ path: String, depth: Int) throws(CaseError) {
        if FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("Windows/System32")) {
            paths.append(path)
            return
        }
        guard depth < Self.maxDepth else {
            skipped.append((path, "a folder nested more than \(Self.maxDepth) deep: not searched"))
            return
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            if depth == 0 { throw CaseError(.unreadable, "\(path): the folder cannot be read") }
            skipped.append((path, "a folder that cannot be listed"))
            return
        }
        for name in names.sorted() where !name.hasPrefix(".") {
            let entry = (path as NSString).appendingPathComponent(name)
            var st = stat()
            guard lstat(entry, &st) == 0 else {
                skipped.append((entry, "cannot be read: \(String(cString: strerror(errno)))"))
                continue
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR: try folder(entry, depth: depth + 1)
            case S_IFREG: try file(entry, shown: nil, zipDepth: 0)
            case S_IFLNK: skipped.append((entry, "a symbolic link: not followed"))
            default: skipped.append((entry, "a special file (a pipe, socket or device): not read"))
            }
        }
    }

    private mutating func file(_ path: String, shown: String?, zipDepth: Int) throws(CaseError) {
        if Self.isZip(path), zipDepth < Self.maxZipDepth {
            try unzip(path, shown: shown ?? path, zipDepth: zipDepth)
        } else {
            paths.append(path)
            if let shown { shownAs[path] = shown }
        }
    }

    /// What an upload's .zip may unpack to, all members together (their declared sizes).
    static let maxExtracted: UInt64 = 64 << 30

    static func isZip(_ path: String) -> Bool {
        guard let file = try? ReadOnlyFile(path: path), file.size >= 4, let head = try? file.bytes(4, at: 0, what: "a signature") else {
            return false
        }
        return head == [0x50, 0x4B, 0x03, 0x04]
    }

    /// Extracts every file member into a folder of its own (mode 0700) under the temporary folder: the
    /// directory checked first (`ZipDirectory`), stored members copied, deflated ones inflated by
    /// ZIPFoundation from exactly their bytes, each checked against its size and CRC-32.
    private mutating func unzip(_ path: String, shown: String, zipDepth: Int) throws(CaseError) {
        let (directory, problem) = ZipDirectory.read(path)
        guard let directory else { throw CaseError(.badArchive, "\(shown): \(problem ?? "not a readable .zip")") }
        let declared = directory.members.reduce(UInt64(0)) { $0 &+ $1.uncompressed }
        if declared > Self.maxExtracted {
            throw CaseError(.badArchive, "\(shown): byte offset \(directory.endRecord) (the end of central directory): its members would take more than \(Self.maxExtracted >> 30) GiB unpacked; refused")
        }
        for m in directory.members {
            let parts = m.name.split(whereSeparator: { $0 == "/" || $0 == "\\" })
            if m.name.hasPrefix("/") || m.name.hasPrefix("\\") || (m.name.count >= 2 && m.name.dropFirst().first == ":") || parts.contains("..") {
                throw CaseError(.badArchive, "\(shown): central directory record \(m.record), member \(QuotedText.oneLine(m.name)): a path that climbs out of the archive or is absolute; refused")
            }
        }
        let root = try extractionFolder()
        let folder = (root as NSString).appendingPathComponent("\(names.count)")
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CaseError(.badOutput, "a private temporary folder for \(shown) cannot be created (\(error))")
        }
        names.add(folder, shownAs: shown)
        let source: ReadOnlyFile
        do {
            source = try ReadOnlyFile(path: path)
        } catch {
            throw CaseError(.unreadable, error.message)
        }
        for m in directory.members where m.isFile {
            let name = m.name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).joined(separator: "/")
            let target = (folder as NSString).appendingPathComponent(name)
            let at = "\(shown): central directory record \(m.record), member \(QuotedText.oneLine(m.name))"
            do {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try ZipMemberExtraction.extract(m, from: source, to: target)
            } catch let error as CaseError {
                throw CaseError(.badArchive, "\(at): \(error.message)")
            } catch {
                throw CaseError(.badArchive, "\(at): cannot be extracted (\(error))")
            }
            try file(target, shown: shown + "/" + name, zipDepth: zipDepth + 1)
        }
    }

    private mutating func extractionFolder() throws(CaseError) -> String {
        if let extracted { return extracted }
        let base = (NSTemporaryDirectory() as NSString).appendingPathComponent("writer-audit-case-XXXXXX")
        var template = Array(base.utf8CString)
        guard let made = mkdtemp(&template) else {
            throw CaseError(.badOutput, "\(base): a private temporary folder cannot be made")
        }
        let path = String(cString: made)
        extracted = path
        return path
    }

    /// Deletes the members extracted from .zip uploads.
    public func removeExtracted() {
        if let extracted { try? FileManager.default.removeItem(atPath: extracted) }
    }
}
