import WriterScope

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Walks a mounted tree without recursion and reports each folder's counts to a `FolderSink`.
///
/// - Never follows symbolic links (ntfs-3g shows junctions and symlinks as symlinks): they count as
///   "other", and every directory is opened with `O_NOFOLLOW`.
/// - Never enters another filesystem (`find -xdev`): a folder whose device differs from the root's is
///   listed in its parent and reported, not walked.
/// - Opens everything read-only; uses `d_type` from readdir and stats only when a filesystem says
///   `DT_UNKNOWN`.
/// - Memory: one level per depth, holding the names of the subfolders still to visit (so bounded by the
///   depth, and by the subfolder count of the folders on the current path, which is over the limits only
///   for folders that are findings anyway). At most `openLevels` directories stay open; deeper ones are
///   reopened through `..` and checked by device and inode, so a 10,000-level tree needs no more
///   descriptors than a shallow one and no path longer than one name is ever passed to the kernel.
public struct TreeWalker {
    public let root: String
    public var drive: String
    /// Directories kept open along the current path; deeper levels are reopened through `..`.
    public var openLevels = 256
    /// Called every `progressInterval` folders with (folders, entries) so far.
    public var progress: ((Int, Int) -> Void)? = nil
    public var progressInterval = 4096
    /// Called for every entry listed (not "." or ".."): the listing folder's descriptor and path, the name and
    /// its d_type (after the stat fallback). For audits that look at each file (ACLs); walk sequentially then.
    public var onEntry:
        (
            (_ folderFd: Int32, _ folderPath: UnsafeRawBufferPointer, _ name: UnsafeRawBufferPointer, _ type: UInt8) ->
                Void
        )? = nil

    public init(root: String, drive: String = "C:") {
        self.root = root
        self.drive = drive
    }

    struct Level {
        var fd: Int32
        var dev: UInt64
        var ino: UInt64
        /// Subfolder names still to visit, each ended by a 0 byte.
        var pending: [UInt8] = []
        var cursor = 0
        var pathEnd: Int
        var windowsLength: Int
        var parentWindowsLength: Int
        var area: WriterArea
        var depth: Int
    }

    /// A folder to start from: its path below the root (`/`-separated components, already resolved).
    public struct Start: Sendable {
        public var components: [[UInt8]]
        public init(components: [[UInt8]]) { self.components = components }
        public static let root = Start(components: [])
    }

    /// Walks the subtree at `start` (the whole volume by default) in the calling thread.
    public func walk<S: FolderSink>(from start: Start = .root, into sink: inout S) throws {
        var (level, path, rootDev) = try openStart(start)
        var folders = 0
        var entries = 0
        list(&level, path: &path, sink: &sink, entries: &entries)
        folders += 1
        walkBelow(level, path: &path, rootDev: rootDev, into: &sink, folders: &folders, entries: &entries)
        progress?(folders, entries)
    }

    /// Opens the folder a walk starts at, component by component without following links.
    func openStart(_ start: Start) throws -> (Level, [UInt8], UInt64) {
        let rootFd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw VolumeError(.badRoot, "\(root): cannot open as a directory: \(reason)")
        }
        var st = stat()
        guard fstat(rootFd, &st) == 0 else {
            close(rootFd)
            throw VolumeError(.badRoot, "\(root): cannot stat: \(String(cString: strerror(errno)))")
        }
        let rootDev = UInt64(st.st_dev)
        var path: [UInt8] = []
        var fd = rootFd
        var area = WriterArea.outside
        var windowsLength = drive.utf16.count + 1
        var parentWindowsLength = 0
        for (i, name) in start.components.enumerated() {
            let child = name.withUnsafeBytes { openChild(fd, $0) }
            let reason = String(cString: strerror(errno))
            close(fd)
            let shown = WindowsPath.make(drive: drive, relative: path + (path.isEmpty ? [] : [0x2F]) + name)
            guard child >= 0 else { throw VolumeError(.badScope, "\(root): scope \(shown): cannot open: \(reason)") }
            fd = child
            if !path.isEmpty { path.append(0x2F) }
            path += name
            area = area.child(named: name, depth: i + 1)
            parentWindowsLength = windowsLength
            windowsLength += (i == 0 ? 0 : 1) + name.withUnsafeBytes { WindowsPath.utf16Length($0) }
        }
        guard fstat(fd, &st) == 0, UInt64(st.st_dev) == rootDev else {
            close(fd)
            throw VolumeError(
                .badScope, "\(root): scope \(WindowsPath.make(drive: drive, relative: path)) is on another filesystem")
        }
        let level = Level(
            fd: fd, dev: UInt64(st.st_dev), ino: UInt64(st.st_ino), pathEnd: path.count,
            windowsLength: windowsLength, parentWindowsLength: parentWindowsLength, area: area,
            depth: start.components.count)
        return (level, path, rootDev)
    }

    /// Opens the subfolder `name` of `parent` (whose path is `path`) as a new level, or reports why not.
    /// `path` ends up as the child's path either way.
    func descend<S: FolderSink>(
        _ parent: Level, name: UnsafeRawBufferPointer, path: inout [UInt8], rootDev: UInt64, into sink: inout S
    ) -> Level? {
        path.removeSubrange(parent.pathEnd...)
        if !path.isEmpty { path.append(0x2F) }
        path += name
        let child = openChild(parent.fd, name)
        if child < 0 {
            let reason = String(cString: strerror(errno))
            path.withUnsafeBytes { sink.unreadable(path: $0, reason: reason) }
            return nil
        }
        var cst = stat()
        guard fstat(child, &cst) == 0 else {
            let reason = String(cString: strerror(errno))
            close(child)
            path.withUnsafeBytes { sink.unreadable(path: $0, reason: reason) }
            return nil
        }
        if UInt64(cst.st_dev) != rootDev {
            close(child)
            path.withUnsafeBytes { sink.otherFilesystem(path: $0) }
            return nil
        }
        let depth = parent.depth + 1
        return Level(
            fd: child, dev: UInt64(cst.st_dev), ino: UInt64(cst.st_ino), pathEnd: path.count,
            windowsLength: parent.windowsLength + (parent.depth == 0 ? 0 : 1) + WindowsPath.utf16Length(name),
            parentWindowsLength: parent.windowsLength, area: parent.area.child(named: name, depth: depth),
            depth: depth)
    }

    /// Walks everything below a level that has been listed; closes its directory when done.
    func walkBelow<S: FolderSink>(
        _ first: Level, path: inout [UInt8], rootDev: UInt64, into sink: inout S, folders: inout Int,
        entries: inout Int
    ) {
        var stack = [first]
        while !stack.isEmpty {
            let top = stack.count - 1
            if stack[top].cursor < stack[top].pending.count {
                // Next subfolder of the top level.
                let nameStart = stack[top].cursor
                var nameEnd = nameStart
                while stack[top].pending[nameEnd] != 0 { nameEnd += 1 }
                stack[top].cursor = nameEnd + 1
                if stack[top].fd < 0 { continue }  // could not be reopened; already reported
                let opened = stack[top].pending.withUnsafeBytes {
                    descend(
                        stack[top], name: UnsafeRawBufferPointer(rebasing: $0[nameStart..<nameEnd]), path: &path,
                        rootDev: rootDev, into: &sink)
                }
                guard var child = opened else { continue }
                // Past the open-level budget, the parent's directory is closed and reopened on the way back.
                if stack.count >= openLevels, stack[top].fd >= 0 {
                    close(stack[top].fd)
                    stack[top].fd = -1
                }
                list(&child, path: &path, sink: &sink, entries: &entries)
                stack.append(child)
                folders += 1
                if folders % progressInterval == 0 { progress?(folders, entries) }
            } else {
                // Done with the top level: go back up.
                let finished = stack.removeLast()
                if let parent = stack.indices.last {
                    path.removeSubrange(stack[parent].pathEnd...)
                    if stack[parent].fd < 0 && stack[parent].cursor < stack[parent].pending.count {
                        // Reopen the parent through ".." while the child is still open.
                        stack[parent].fd = reopenParent(of: finished.fd, expecting: stack[parent])
                        if stack[parent].fd < 0 {
                            stack[parent].cursor = stack[parent].pending.count
                            path.withUnsafeBytes {
                                sink.unreadable(
                                    path: $0, reason: "could not return to it through '..' to list the rest")
                            }
                        }
                    }
                }
                if finished.fd >= 0 { close(finished.fd) }
            }
        }
    }

    /// Opens a subfolder by name, read-only, refusing to follow a symbolic link.
    private func openChild(_ parent: Int32, _ name: UnsafeRawBufferPointer) -> Int32 {
        var buffer = [CChar](repeating: 0, count: name.count + 1)
        buffer.withUnsafeMutableBytes { $0.copyMemory(from: name) }
        return openat(parent, buffer, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    }

    private func reopenParent(of childFd: Int32, expecting level: Level) -> Int32 {
        guard childFd >= 0 else { return -1 }
        let fd = openat(childFd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return -1 }
        var st = stat()
        guard fstat(fd, &st) == 0, UInt64(st.st_dev) == level.dev, UInt64(st.st_ino) == level.ino else {
            close(fd)
            return -1
        }
        return fd
    }

    /// Reads one folder's entries: counts them, keeps the names of subfolders, and reports the folder.
    func list<S: FolderSink>(_ level: inout Level, path: inout [UInt8], sink: inout S, entries: inout Int) {
        // fdopendir takes the descriptor; keep our own for openat.
        let dup = fcntl(level.fd, F_DUPFD_CLOEXEC, 0)
        guard dup >= 0, let dir = fdopendir(dup) else {
            let reason = String(cString: strerror(errno))
            if dup >= 0 { close(dup) }
            path.withUnsafeBytes { sink.unreadable(path: $0, reason: reason) }
            return
        }
        defer { closedir(dir) }
        var subfolders = 0
        var files = 0
        var others = 0
        var longestName = 0
        var failure: String? = nil
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { failure = String(cString: strerror(errno)) }
                break
            }
            let type = entry.pointee.d_type
            let done: Bool = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                let length = strnlen(raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)
                let name = UnsafeRawBufferPointer(rebasing: raw[0..<length])
                if name.count <= 2 && name.allSatisfy({ $0 == 0x2E }) { return false }  // "." and ".."
                var kind = type
                if kind == UInt8(DT_UNKNOWN) { kind = typeByStat(level.fd, raw.baseAddress!) }
                if let onEntry { path.withUnsafeBytes { onEntry(level.fd, $0, name, kind) } }
                if name.count > longestName { longestName = max(longestName, WindowsPath.utf16Length(name)) }
                switch Int32(kind) {
                case Int32(DT_DIR):
                    subfolders += 1
                    level.pending.append(contentsOf: name)
                    level.pending.append(0)
                case Int32(DT_REG):
                    files += 1
                default:
                    others += 1
                }
                return false
            }
            if done { break }
        }
        entries += subfolders + files + others
        path.withUnsafeBytes { bytes in
            sink.folder(
                FolderVisit(
                    path: bytes, depth: level.depth, subfolders: subfolders, files: files, others: others,
                    windowsPathLength: level.windowsLength, parentWindowsPathLength: level.parentWindowsLength,
                    area: level.area, longestEntryName: longestName))
            if let failure { sink.unreadable(path: bytes, reason: "listing stopped part-way: \(failure)") }
        }
    }

    /// The entry type when readdir does not know it, without following a symlink.
    private func typeByStat(_ dirFd: Int32, _ name: UnsafeRawPointer) -> UInt8 {
        var st = stat()
        guard fstatat(dirFd, name.assumingMemoryBound(to: CChar.self), &st, AT_SYMLINK_NOFOLLOW) == 0 else {
            return UInt8(DT_UNKNOWN)
        }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return UInt8(DT_DIR)
        case S_IFREG: return UInt8(DT_REG)
        case S_IFLNK: return UInt8(DT_LNK)
        default: return UInt8(DT_UNKNOWN)
        }
    }
}
