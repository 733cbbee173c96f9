import BinaryFormat

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The folder-limit audit of an NTFS image, read through its MFT: the same findings as walking the mounted
/// volume, without a mount.
extension Volume {
    public static func audit(
        image path: String, partition: Int? = nil, options: Options = .init(), progress: ((Int, Int) -> Void)? = nil
    ) throws -> VolumeReport {
        let started = monotonicSeconds()
        return try audit(
            indexed: IndexedVolume(path: path, partition: partition), options: options, started: started,
            progress: progress)
    }

    /// The folder-limit audit of an image whose MFT index is built already (a case shares it with the ACL
    /// audit and the cleanup plan).
    public static func audit(
        indexed volume: IndexedVolume, options: Options = .init(), started: Double? = nil,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> VolumeReport {
        let started = started ?? monotonicSeconds()
        let (path, image, index, scan, root) = (volume.path, volume.image, volume.index, volume.scan, volume.root)
        var warnings = scan.firstDamaged
        if scan.damaged > scan.firstDamaged.count {
            warnings.append("\(scan.damaged - scan.firstDamaged.count) more damaged MFT records skipped")
        }
        warnings += index.warnings.map { "\(path): \($0)" }
        warnings += image.unreadWarnings
        var scopes = try options.scopes.map { try ImageScope(text: $0, drive: options.drive) }
        // As for a mount, with names compared as NTFS does (case-insensitively).
        scopes = ScopeNesting.outermost(scopes.map { $0.components.map(ImageScope.fold) }).map { scopes[$0] }
        var audit = FolderAudit(limits: options.limits, drive: options.drive, listFolders: options.listFolders)
        let found = try FolderTreeEmitter(index: index, source: path, drive: options.drive, scopes: scopes).emit(
            from: root, into: &audit)
        progress?(audit.folders, audit.files + audit.others)
        return VolumeReport(
            root: path, drive: options.drive,
            scopes: found.map { WindowsPath.make(drive: options.drive, relative: $0) },
            folders: audit.folders, files: audit.files, others: audit.others, seconds: monotonicSeconds() - started,
            limits: options.limits, findings: audit.sortedFindings, foldersBelowLongPaths: audit.foldersBelowLongPaths,
            unreadable: [], otherFilesystems: [], source: image.isBareMFT ? "mft" : "image", warnings: warnings,
            microsoftNET: audit.microsoftNETReport, folderCounts: audit.sortedFolderCounts)
    }

    /// Whether `path` names an image to read (a regular file or a block device) rather than a folder to walk.
    public static func isImage(_ path: String) -> Bool { ImageFile.isImage(path) }
}

/// A `--scope` for an image: `C:\Windows\Microsoft.NET` or `Windows/Microsoft.NET`, as folder names.
struct ImageScope {
    let components: [[UInt8]]
    var relative: [UInt8] { Array(components.joined(separator: [0x2F])) }

    init(text: String, drive: String) throws {
        var s = Substring(text)
        if s.count >= 2, s.dropFirst().first == ":" { s = s.dropFirst(2) }
        components = s.split(whereSeparator: { $0 == "\\" || $0 == "/" }).map { Array($0.utf8) }
    }

    static func fold(_ name: some Collection<UInt8>) -> String { String(decoding: name, as: UTF8.self).lowercased() }
}

/// Walks the linked folder tree depth-first and hands each folder to the audit as a `FolderVisit`, building
/// the path in one buffer (a 10,000-level chain costs one path, not 10,000).
struct FolderTreeEmitter {
    let index: MFTIndex
    /// The image, for messages.
    let source: String
    let drive: String
    let scopes: [ImageScope]

    private struct Frame {
        var folder: Int
        var pathEnd: Int
        var windowsLength: Int
        var parentWindowsLength: Int
        var depth: Int
        var area: WriterArea
        /// Scope components matched so far (only while above every scope).
        var inScope: Bool
    }

    /// Emits the folders (all, or those in the scopes) and returns each scope's path as the volume spells it.
    func emit<S: FolderSink>(from root: Int, into sink: inout S) throws -> [[UInt8]] {
        let folded = scopes.map { $0.components.map(ImageScope.fold) }
        // A scope of the root itself (`C:\\`) is found at once.
        var found = scopes.map { $0.components.isEmpty ? [UInt8]() : nil }
        var path: [UInt8] = []
        var stack = [
            Frame(
                folder: root, pathEnd: 0, windowsLength: drive.utf16.count + 1, parentWindowsLength: 0, depth: 0,
                area: .outside, inScope: scopes.isEmpty || scopes.contains { $0.components.isEmpty })
        ]
        var foldedPath: [String] = []
        while let frame = stack.popLast() {
            path.removeSubrange(frame.pathEnd...)
            // Keep the parent's components (depth - 1 of them), then add this folder's.
            foldedPath.removeSubrange(min(max(frame.depth - 1, 0), foldedPath.count)...)
            let f = index.folders[frame.folder]
            if frame.depth > 0 {
                if frame.depth > 1 { path.append(0x2F) }
                path += index.name(of: f)
                foldedPath.append(ImageScope.fold(index.name(of: f)))
            }
            var inScope = frame.inScope
            if !inScope {
                // Above the scopes: go on only toward one; a scope reached starts its subtree.
                let towards = folded.enumerated().filter { _, s in
                    s.count >= foldedPath.count && Array(s.prefix(foldedPath.count)) == foldedPath
                }
                if towards.isEmpty { continue }
                if let hit = towards.first(where: { $0.element.count == foldedPath.count }) {
                    found[hit.offset] = path
                    inScope = true
                }
            }
            if inScope {
                let visit = FolderVisit(
                    path: UnsafeRawBufferPointer(start: nil, count: 0), depth: frame.depth,
                    subfolders: Int(f.subfolders),
                    files: Int(f.files), others: Int(f.others), windowsPathLength: frame.windowsLength,
                    parentWindowsPathLength: frame.parentWindowsLength, area: frame.area,
                    longestEntryName: Int(f.longestName))
                path.withUnsafeBytes { p in
                    var v = visit
                    v.path = p
                    sink.folder(v)
                }
            }
            let pathEnd = path.count
            var child = f.firstChild
            while child >= 0 {
                let c = index.folders[Int(child)]
                let name = index.name(of: c)
                let windowsLength =
                    frame.windowsLength + (frame.depth == 0 ? 0 : 1)
                    + name.withUnsafeBytes { WindowsPath.utf16Length($0) }
                stack.append(
                    Frame(
                        folder: Int(child), pathEnd: pathEnd, windowsLength: windowsLength,
                        parentWindowsLength: frame.windowsLength, depth: frame.depth + 1,
                        area: frame.area.child(named: name, depth: frame.depth + 1), inScope: inScope))
                child = c.nextSibling
            }
        }
        if let missing = found.firstIndex(where: { $0 == nil }) {
            throw VolumeError(
                .badScope,
                "\(source): scope \(WindowsPath.make(drive: drive, relative: scopes[missing].relative)) is not a folder on the volume"
            )
        }
        return found.compactMap { $0 }
    }
}

extension Volume {
    /// The files a disk is read from, `path` first, then its parent, its parent's parent ... (a checkpoint
    /// and the disks it was taken from); just `path` for anything else, nil when it cannot be opened.
    public static func diskChain(_ path: String) -> [String]? {
        guard let file = try? ImageFile(path: path) else { return nil }
        return file.chain
    }

    public static func probeImage(_ path: String) -> ImageProbe { NTFSImage.probe(path) }
}
