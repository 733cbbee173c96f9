import WriterScope

/// A folder over the System Writer's limits.
public struct VolumeFinding: Codable, Sendable, Equatable {
    /// The Windows path, e.g. `C:\Windows\Microsoft.NET\…`.
    public var path: String
    public var subfolders: Int
    public var files: Int
    public var others: Int
    /// The Windows path's length in UTF-16 code units.
    public var pathLength: Int
    public var over: [FolderLimits.Excess]
    /// Under `Windows`: the System Writer enumerates it in OnIdentify.
    public var inWriterScope: Bool
    /// Where in that scope: `Microsoft.NET`, `WinSxS`, `Temporary ASP.NET Files` are the usual culprits.
    public var area: WriterArea
    /// How far over its worst limit (1.0 = at the limit); findings are sorted by it.
    public var severity: Double
}

/// A folder that could not be listed, and why.
public struct UnreadableFolder: Codable, Sendable, Equatable {
    public var path: String
    public var error: String
}

/// The result of auditing a volume: a plain value the CLI renders as text, JSON or CSV.
public struct VolumeReport: Codable, Sendable {
    /// The mount root (or image) audited.
    public var root: String
    public var drive: String
    /// The subtrees walked (Windows paths); the whole volume when empty.
    public var scopes: [String]
    public var folders: Int
    public var files: Int
    public var others: Int
    public var seconds: Double
    public var limits: FolderLimits
    /// Worst first.
    public var findings: [VolumeFinding]
    /// Folders below a reported path-length finding whose paths are over MAX_PATH as well.
    public var foldersBelowLongPaths: Int
    public var unreadable: [UnreadableFolder]
    /// Folders that are other mounted filesystems: listed in their parent, not walked.
    public var otherFilesystems: [String]
    /// `mount` (a walked folder tree) or `image` (an NTFS image read through its MFT).
    public var source = "mount"
    /// What the reader noticed and went on from (damaged MFT records, for one).
    public var warnings: [String] = []

    /// 1 when a folder is over the limits, else 0.
    public var exitCode: Int32 { findings.isEmpty ? 0 : 1 }
}
