import WriterScope

/// Counts what a source reports and keeps the folders over the System Writer's limits, judged by where
/// they are (WriterScope): a cause only inside `Windows\Microsoft.NET`, context elsewhere.
///
/// Knows nothing of where the folders come from (a mounted tree, an NTFS image). Memory grows with the
/// findings only. A path over the writer's limit is reported once, at the folder where the branch crosses
/// it; the folders below it are counted, not listed (a 10,000-level tree would otherwise list 10,000 paths).
public struct FolderAudit: FolderSink {
    public let limits: FolderLimits
    public let drive: String
    public private(set) var folders = 0
    public private(set) var files = 0
    public private(set) var others = 0
    public private(set) var findings: [VolumeFinding] = []
    public private(set) var unreadable: [UnreadableFolder] = []
    public private(set) var otherFilesystems: [String] = []
    /// Folders below a reported path-length finding whose paths are over the limit too.
    public private(set) var foldersBelowLongPaths = 0
    /// What is under `Windows\Microsoft.NET`, the tree the writer walks file by file.
    public private(set) var microsoftNET = MicrosoftNETTotals()

    /// Every folder's own counts, when asked for (`Volume.Options.listFolders`): a second reading any
    /// other tool's listing can be held against, folder by folder.
    public private(set) var folderCounts: [FolderCount]? = nil

    public init(limits: FolderLimits = FolderLimits(), drive: String = "C:", listFolders: Bool = false) {
        self.limits = limits
        self.drive = drive
        if listFolders { folderCounts = [] }
    }

    /// The listed folders by path (nil when not asked for).
    public var sortedFolderCounts: [FolderCount]? { folderCounts?.sorted { $0.path < $1.path } }

    /// Subfolders seen in listings (every folder but the start counts once in its parent's listing).
    public private(set) var subfolderEntries = 0

    public mutating func folder(_ v: FolderVisit) {
        folders += 1
        subfolderEntries += v.subfolders
        files += v.files
        others += v.others
        if folderCounts != nil {
            folderCounts!.append(
                FolderCount(
                    path: WindowsPath.make(drive: drive, relative: v.path), subfolders: v.subfolders, files: v.files,
                    others: v.others))
        }
        let walked = v.area.reading == .walkedFileByFile
        if walked {
            microsoftNET.folders += 1
            microsoftNET.files += v.files
            if v.area == .temporaryASPNET { microsoftNET.temporaryASPNETFiles += v.files }
            microsoftNET.longestPath = max(microsoftNET.longestPath, v.windowsPathLength, v.longestEntryPath)
        }
        var over = limits.excesses(
            subfolders: v.subfolders, files: v.files, pathLength: v.windowsPathLength,
            longestEntryPath: v.longestEntryPath)
        // Below a folder already reported for its path: this one is its long entry, or under it.
        if over.contains(.pathLength)
            && (v.windowsPathLength > limits.maxEntryPath || v.parentWindowsPathLength > limits.maxListedFolderPath)
        {
            foldersBelowLongPaths += 1
            over.removeAll { $0 == .pathLength }
        }
        guard !over.isEmpty else { return }
        let path = WindowsPath.make(drive: drive, relative: v.path)
        // For a path finding, the longest path (its own or an entry's); else the folder's own.
        let pathLength = over.contains(.pathLength) ? max(v.windowsPathLength, v.longestEntryPath) : v.windowsPathLength
        let judgement = limits.judge(over, area: v.area, path: path, subfolders: v.subfolders, files: v.files)
        findings.append(
            VolumeFinding(
                path: path, subfolders: v.subfolders, files: v.files,
                others: v.others, pathLength: pathLength, over: over, inWriterScope: v.area.inWriterScope,
                area: v.area, reading: v.area.reading, judgement: judgement,
                severity: limits.severity(subfolders: v.subfolders, files: v.files, pathLength: pathLength)))
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
        if let theirs = other.folderCounts { folderCounts = (folderCounts ?? []) + theirs }
        unreadable += other.unreadable
        otherFilesystems += other.otherFilesystems
        microsoftNET.folders += other.microsoftNET.folders
        microsoftNET.files += other.microsoftNET.files
        microsoftNET.temporaryASPNETFiles += other.microsoftNET.temporaryASPNETFiles
        microsoftNET.longestPath = max(microsoftNET.longestPath, other.microsoftNET.longestPath)
    }

    /// The findings, causes first, then the worst first (how far over its worst limit), then by path; with
    /// the total under `Windows\Microsoft.NET` judged when the walk saw it.
    public var sortedFindings: [VolumeFinding] {
        var all = findings
        if let total = microsoftNETReport, let judgement = total.judgement, judgement.impact.isCause {
            all.append(
                VolumeFinding(
                    path: drive + "\\Windows\\Microsoft.NET", subfolders: total.folders - 1, files: total.files,
                    others: 0, pathLength: total.longestPath, over: [.totalFiles], inWriterScope: true,
                    area: .microsoftNET, reading: .walkedFileByFile, judgement: judgement,
                    severity: Double(total.files) / Double(max(limits.maxMicrosoftNETFiles, 1))))
        }
        return all.sorted { ($0.impact, -$0.severity, $0.path) < ($1.impact, -$1.severity, $1.path) }
    }

    /// The Microsoft.NET totals as reported (nil when the walk did not reach it).
    public var microsoftNETReport: MicrosoftNETTotals? {
        guard microsoftNET.folders > 0 else { return nil }
        var t = microsoftNET
        let explained = findings.contains { $0.area.reading == .walkedFileByFile && $0.impact.isCause }
        t.judgement = limits.judgeMicrosoftNETTotal(
            files: t.files, temporaryASPNETFiles: t.temporaryASPNETFiles, explainedByAFolder: explained)
        return t
    }
}
