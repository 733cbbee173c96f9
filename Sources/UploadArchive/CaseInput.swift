import BinaryFormat
import Crypto
import Foundation
import ZIPFoundation

#if canImport(Glibc)
    import Glibc
#endif

/// One file of the upload: what it is, its size and SHA-256 (for the report's inputs table), or why it
/// is ignored.
public struct CaseInput: Sendable, Encodable {
    public var file: String
    public var kind: InputKind
    public var bytes: UInt64
    public var sha256: String?
    public var ignored: String?

    enum CodingKeys: String, CodingKey { case file, kind, bytes, sha256, ignored }

    package init(file: String, kind: InputKind, bytes: UInt64, sha256: String? = nil, ignored: String? = nil) {
        self.file = file
        self.kind = kind
        self.bytes = bytes
        self.sha256 = sha256
        self.ignored = ignored
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(kind, forKey: .kind)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(ignored, forKey: .ignored)
    }

    /// SHA-256 of a file, read in 1 MiB blocks (swift-crypto).
    package static func sha256(of path: String) throws -> String {
        let file = try ReadOnlyFile(path: path, blockDevice: true)
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
    /// What was odd in the archives and stepped around (a member not extracted, a count that disagrees).
    public private(set) var warnings: [String] = []
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
                throw CaseError(
                    .unreadable, file: path,
                    "\(errno == ENOENT ? "no such file or folder" : String(cString: strerror(errno)))")
            }
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR {
                try folder(path, depth: 0, root: Self.realPath(path) ?? path)
            } else if type != S_IFREG && type != S_IFBLK {
                // Opening a pipe would block forever; a socket or a terminal is not evidence.
                throw CaseError(
                    .unreadable, file: path,
                    "\(SpecialFile(mode: st.st_mode)?.refusal ?? "not a regular file: not read")")
            } else {
                try file(path, shown: nil, zipDepth: 0)
            }
        }
    }

    /// A folder of the upload: a mounted volume whole, else every entry at any depth. Symbolic links are
    /// not followed (they could lead out of the upload) and special files are never opened.
    private mutating func folder(_ path: String, depth: Int, root: String) throws(CaseError) {
        if FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("Windows/System32")) {
            paths.append(path)
            return
        }
        guard depth < Self.maxDepth else {
            skipped.append((path, "a folder nested more than \(Self.maxDepth) deep: not searched"))
            return
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            if depth == 0 { throw CaseError(.unreadable, file: path, "the folder cannot be read") }
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
            case S_IFDIR: try folder(entry, depth: depth + 1, root: root)
            case S_IFREG: try file(entry, shown: nil, zipDepth: 0)
            case S_IFLNK: skipped.append((entry, Self.linkReason(entry, root: root)))
            default:
                skipped.append(
                    (entry, SpecialFile(mode: st.st_mode)?.refusal ?? "a special file, not a regular file: not read"))
            }
        }
    }

    /// Why a symbolic link in an upload folder is not followed: its target is either outside the upload (never
    /// read) or inside it (read there, so following the link would read it twice).
    static func linkReason(_ link: String, root: String) -> String {
        guard let target = realPath(link) else { return "a symbolic link whose target does not exist: not followed" }
        if target == root || target.hasPrefix(root.hasSuffix("/") ? root : root + "/") {
            return "a symbolic link to \(target), inside the upload: read there, not twice"
        }
        return "a symbolic link to \(target), outside the upload: not followed"
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
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
    /// A member larger than this that inflates more than `maxRatio` times is not extracted: real evidence
    /// (event logs, hives, captures) deflates 2 to 20 times; a zip bomb thousands.
    static let ratioFloor: UInt64 = 256 << 20
    static let maxRatio: UInt64 = 200
    /// Room left free in the temporary folder after extraction.
    static let spareBytes: UInt64 = 512 << 20

    static func isZip(_ path: String) -> Bool {
        guard let file = try? ReadOnlyFile(path: path), file.size >= 4,
            let head = try? file.bytes(4, at: 0, what: "a signature")
        else {
            return false
        }
        return head == [0x50, 0x4B, 0x03, 0x04]
    }

    /// Extracts every file member into a folder of its own (mode 0700) under the temporary folder: the
    /// directory checked first (`ZipDirectory`), stored members copied, deflated ones inflated by
    /// ZIPFoundation from exactly their bytes, each checked against its size and CRC-32. Members whose
    /// bytes overlap another's, that inflate like a zip bomb, or that repeat another's name and bytes are
    /// not extracted (a warning each); a name repeated with other bytes is extracted apart and shown as
    /// `upload.zip (record 7)/…`, so neither copy hides the other.
    private mutating func unzip(_ path: String, shown: String, zipDepth: Int) throws(CaseError) {
        let (directory, problem) = ZipDirectory.read(path)
        guard let directory else {
            throw CaseError(.badArchive, file: shown, at: problem?.position, problem?.reason ?? "not a readable .zip")
        }
        warnings += directory.warnings.map { "\(shown): \($0)" }
        for m in directory.members {
            let parts = m.name.split(whereSeparator: { $0 == "/" || $0 == "\\" })
            if m.name.hasPrefix("/") || m.name.hasPrefix("\\") || (m.name.count >= 2 && m.name.dropFirst().first == ":")
                || parts.contains("..")
            {
                throw CaseError(
                    .badArchive, file: shown,
                    "central directory record \(m.record), member \(QuotedText.oneLine(m.name)): a path that climbs out of the archive or is absolute; refused"
                )
            }
        }
        // Which members are extracted, and where (a name repeated with other bytes goes to a folder of its own).
        var chosen: [(member: ZipDirectory.Member, name: String, apart: Bool)] = []
        var firstByName: [String: ZipDirectory.Member] = [:]
        for m in directory.members where m.isFile && m.skipped == nil {
            let name = m.name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).joined(separator: "/")
            let at = "\(shown): central directory record \(m.record), member \(QuotedText.oneLine(m.name))"
            if m.uncompressed > Self.ratioFloor, m.uncompressed / max(1, m.compressed) > Self.maxRatio {
                warnings.append(
                    "\(at): inflates from \(m.compressed) to \(m.uncompressed) bytes (more than \(Self.maxRatio) to 1, as a zip bomb does); not extracted. If it is real evidence, unzip the archive yourself and give the folder"
                )
                continue
            }
            if let first = firstByName[name] {
                if first.crc == m.crc && first.uncompressed == m.uncompressed {
                    warnings.append("\(at): repeats the name of record \(first.record) with the same bytes; read once")
                    continue
                }
                warnings.append(
                    "\(at): repeats the name of record \(first.record) with other bytes; both read, this one as \(shown) (record \(m.record))/\(name)"
                )
                chosen.append((m, name, true))
                continue
            }
            firstByName[name] = m
            chosen.append((m, name, false))
        }
        let declared = chosen.reduce(UInt64(0)) { $0 &+ $1.member.uncompressed }
        if declared > Self.maxExtracted {
            throw CaseError(
                .badArchive, file: shown, at: .byteOffset(directory.endRecord),
                "the end of central directory: its members would take more than \(Self.maxExtracted >> 30) GiB unpacked; refused"
            )
        }
        let root = try extractionFolder()
        if let free = Self.freeBytes(root), declared > free || free - declared < Self.spareBytes {
            throw CaseError(
                .badArchive, file: shown, at: .byteOffset(directory.endRecord),
                "the end of central directory: its members take \(declared >> 20) MiB unpacked and the temporary folder \(NSTemporaryDirectory()) has \(free >> 20) MiB free; unzip it elsewhere and give the folder, or set TMPDIR"
            )
        }
        let folder = (root as NSString).appendingPathComponent("\(names.count)")
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CaseError(.badOutput, file: shown, "a private temporary folder for it cannot be created (\(error))")
        }
        names.add(folder, shownAs: shown)
        let source: ReadOnlyFile
        do {
            source = try ReadOnlyFile(path: path)
        } catch {
            throw CaseError(.unreadable, file: shown, at: error.position, error.reason)
        }
        for (m, name, apart) in chosen {
            var base = folder
            var shownBase = shown
            if apart {
                base = (folder as NSString).appendingPathComponent(".record-\(m.record)")
                shownBase = "\(shown) (record \(m.record))"
                names.add(base, shownAs: shownBase)
            }
            let target = (base as NSString).appendingPathComponent(name)
            let member = "central directory record \(m.record), member \(QuotedText.oneLine(m.name))"
            do {
                try Interruption.check()
                try FileManager.default.createDirectory(
                    atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try ZipMemberExtraction.extract(m, from: source, to: target)
            } catch let error as CaseError {
                if error.code == .interrupted { throw error }
                throw CaseError(
                    .badArchive, file: shown, at: error.position,
                    "\(member): \(error.file.isEmpty ? "" : error.file + ": ")\(error.reason)")
            } catch {
                throw CaseError(.badArchive, file: shown, "\(member): cannot be extracted (\(error))")
            }
            try file(target, shown: shownBase + "/" + name, zipDepth: zipDepth + 1)
        }
    }

    /// Bytes free for this user in the file system holding `path`.
    static func freeBytes(_ path: String) -> UInt64? {
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { return nil }
        let (free, overflow) = UInt64(s.f_bavail).multipliedReportingOverflow(by: UInt64(s.f_frsize))
        return overflow ? .max : free
    }

    private mutating func extractionFolder() throws(CaseError) -> String {
        if let extracted { return extracted }
        try Interruption.check()
        let base = (NSTemporaryDirectory() as NSString).appendingPathComponent("writer-audit-case-XXXXXX")
        var template = Array(base.utf8CString)
        guard let made = mkdtemp(&template) else {
            throw CaseError(.badOutput, file: base, "a private temporary folder cannot be made")
        }
        let path = String(cString: made)
        extracted = path
        Interruption.removeOnSignal(path)
        return path
    }

    /// Deletes the members extracted from .zip uploads.
    public func removeExtracted() {
        if let extracted {
            try? FileManager.default.removeItem(atPath: extracted)
            Interruption.forget(extracted)
        }
    }
}
