import WriterScope

/// A folder over the System Writer's limits, judged by where it is.
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
    /// Where in that scope: `Microsoft.NET` and `Temporary ASP.NET Files` are walked file by file.
    public var area: WriterArea
    /// How the writer reads the area: only `walked-file-by-file` makes counts and path lengths a cause.
    public var reading: WriterArea.Reading
    /// `missing-writer` inside Windows\Microsoft.NET, `info` elsewhere.
    public var impact: Impact
    public var confidence: Confidence
    /// Why, with the stock size where the model has one.
    public var why: String
    /// What the judgement rests on.
    public var basis: String
    /// How far over its worst limit (1.0 = at the limit); findings are sorted by it.
    public var severity: Double

    public init(
        path: String, subfolders: Int, files: Int, others: Int, pathLength: Int, over: [FolderLimits.Excess],
        inWriterScope: Bool, area: WriterArea, reading: WriterArea.Reading, judgement: Judgement, severity: Double
    ) {
        self.path = path
        self.subfolders = subfolders
        self.files = files
        self.others = others
        self.pathLength = pathLength
        self.over = over
        self.inWriterScope = inWriterScope
        self.area = area
        self.reading = reading
        self.impact = judgement.impact
        self.confidence = judgement.confidence
        self.why = judgement.why
        self.basis = judgement.source
        self.severity = severity
    }

    public var judgement: Judgement { Judgement(impact, confidence, why: why, source: basis) }
}

/// The tree the System Writer walks file by file, `Windows\Microsoft.NET`, in figures: what makes its
/// metadata long (stock: 1.8 to 2.0 thousand files, longest path 242 characters).
public struct MicrosoftNETTotals: Codable, Sendable, Equatable {
    public var folders = 0
    public var files = 0
    /// Of `files`, those under a `Temporary ASP.NET Files` folder (stock 0): what ASP.NET rebuilds, so what the
    /// cleanup can take away.
    public var temporaryASPNETFiles = 0
    /// The longest path of a folder or file under it, in characters.
    public var longestPath = 0
    public var stockFiles: StockSize? = StockSizes.of("Windows\\Microsoft.NET", .filesRecursive)
    public var judgement: Judgement? = nil

    public init() {}
}

/// A folder that could not be listed, and why.
public struct UnreadableFolder: Codable, Sendable, Equatable {
    public var path: String
    public var error: String
}

/// One folder's entries as the audit counted them (`volume --folders`).
public struct FolderCount: Codable, Sendable, Equatable {
    /// The Windows path (`C:\Windows`).
    public var path: String
    public var subfolders: Int
    public var files: Int
    public var others: Int
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
    /// Files, folders and the longest path under `Windows\Microsoft.NET` (nil when the walk did not reach it).
    public var microsoftNET: MicrosoftNETTotals? = nil
    /// Every folder's own counts, by path, when asked for (`--folders`); absent otherwise.
    public var folderCounts: [FolderCount]? = nil

    /// The findings that stop the writer (`missing-writer`, `backup-fails`).
    public var causes: [VolumeFinding] { findings.filter { $0.impact.isCause } }

    /// 1 when a finding is a cause, else 0 (context never changes it).
    public var exitCode: Int32 { (causes.isEmpty ? ExitStatus.nothingFound : .causeFound).rawValue }
}
