import BinaryFormat
@_exported import WriterScope

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Entry point of the folder-limit audit of a mounted volume.
public enum Volume {
    public struct Options: Sendable {
        public var drive = "C:"
        public var limits = FolderLimits()
        /// Subtrees to walk (Windows or mount-relative paths); the whole volume when empty.
        public var scopes: [String] = []
        /// Walker threads; 1 walks in the calling thread. Default: the cores online, at most 4.
        public var threads = max(1, min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 4))
        /// Keep every folder's counts in the report (`folderCounts`): memory then grows with the folders.
        public var listFolders = false
        public init() {}
    }

    public static func audit(
        root: String, options: Options = .init(), progress: ((Int, Int) -> Void)? = nil
    ) throws -> VolumeReport {
        var st = stat()
        guard stat(root, &st) == 0 else {
            throw VolumeError(
                .badRoot, "\(root): \(String(cString: strerror(errno))), expected the mounted volume's root folder")
        }
        if let special = SpecialFile(mode: st.st_mode) { throw VolumeError(.badRoot, "\(root): \(special.refusal)") }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            throw VolumeError(.badRoot, "\(root): not a directory, expected the mounted volume's root folder")
        }
        let started = monotonicSeconds()
        let resolver = ScopeResolver(root: root)
        var starts = try options.scopes.map { try resolver.resolve($0) }
        starts = ScopeNesting.outermost(starts.map(\.components)).map { starts[$0] }
        if starts.isEmpty { starts = [.root] }
        var walker = TreeWalker(root: root, drive: options.drive)
        walker.progress = progress
        var audit = FolderAudit(limits: options.limits, drive: options.drive, listFolders: options.listFolders)
        for start in starts {
            if options.threads > 1 {
                try walker.walkInParallel(from: start, threads: options.threads, into: &audit)
            } else {
                try walker.walk(from: start, into: &audit)
            }
        }
        return VolumeReport(
            root: root, drive: options.drive,
            scopes: options.scopes.isEmpty
                ? []
                : starts.map {
                    WindowsPath.make(drive: options.drive, relative: Array($0.components.joined(separator: [0x2F])))
                },
            folders: audit.folders, files: audit.files, others: audit.others, seconds: monotonicSeconds() - started,
            limits: options.limits, findings: audit.sortedFindings, foldersBelowLongPaths: audit.foldersBelowLongPaths,
            unreadable: audit.unreadable.sorted { $0.path < $1.path },
            otherFilesystems: audit.otherFilesystems.sorted(),
            microsoftNET: audit.microsoftNETReport, folderCounts: audit.sortedFolderCounts)
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
