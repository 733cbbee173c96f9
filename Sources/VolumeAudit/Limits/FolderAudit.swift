import WriterScope

/// Counts what a source reports and keeps the folders over the System Writer's limits.
///
/// Knows nothing of where the folders come from (a mounted tree, an NTFS image). Memory grows with the
/// findings only. A path over MAX_PATH is reported once, at the folder where the branch crosses the limit;
/// the folders below it are counted, not listed (a 10,000-level tree would otherwise list 10,000 paths).
public struct FolderAudit: FolderSink {
    public let limits: FolderLimits
    public let drive: String
    public private(set) var folders = 0
    public private(set) var files = 0
    public private(set) var others = 0
    public private(set) var findings: [VolumeFinding] = []
    public private(set) var unreadable: [UnreadableFolder] = []
    public private(set) var otherFilesystems: [String] = []
    /// Folders below a reported path-length finding whose paths are over MAX_PATH too.
    public private(set) var foldersBelowLongPaths = 0

    public init(limits: FolderLimits = FolderLimits(), drive: String = "C:") {
        self.limits = limits
        self.drive = drive
    }

    /// Subfolders seen in listings (every folder but the start counts once in its parent's listing).
    public private(set) var subfolderEntries = 0

    public mutating func folder(_ v: FolderVisit) {
        folders += 1
        subfolderEntries += v.subfolders
        files += v.files
        others += v.others
        var over = limits.excesses(subfolders: v.subfolders, files: v.files, pathLength: v.windowsPathLength)
        if over.contains(.pathLength) && v.parentWindowsPathLength > limits.maxPathLength {
            foldersBelowLongPaths += 1
            over.removeAll { $0 == .pathLength }
        }
        guard !over.isEmpty else { return }
        findings.append(
            VolumeFinding(
                path: WindowsPath.make(drive: drive, relative: v.path), subfolders: v.subfolders, files: v.files,
                others: v.others, pathLength: v.windowsPathLength, over: over, inWriterScope: v.area.inWriterScope,
                area: v.area,
                severity: limits.severity(subfolders: v.subfolders, files: v.files, pathLength: v.windowsPathLength)))
    }

    public mutating func unreadable(path: UnsafeRawBufferPointer, reason: String) {
        unreadable.append(UnreadableFolder(path: WindowsPath.make(drive: drive, relative: path), error: reason))
    }

    public mutating func otherFilesystem(path: UnsafeRawBufferPointer) {
        otherFilesystems.append(WindowsPath.make(drive: drive, relative: path))
    }

    /// Adds what another audit of other folders of the same volume found (a parallel walk's share).
    public mutating func merge(_ other: FolderAudit) {
        folders += other.folders
        files += other.files
        others += other.others
        subfolderEntries += other.subfolderEntries
        foldersBelowLongPaths += other.foldersBelowLongPaths
        findings += other.findings
        unreadable += other.unreadable
        otherFilesystems += other.otherFilesystems
    }

    /// The findings, the worst first: by how far over its worst limit, then by path.
    public var sortedFindings: [VolumeFinding] {
        findings.sorted { ($0.severity, $1.path) > ($1.severity, $0.path) }
    }
}
