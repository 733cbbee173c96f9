import WriterScope

/// One thing to delete inside a Temporary ASP.NET Files folder (or a reason it is left alone).
public struct CleanupItem: Codable, Sendable, Equatable {
    /// The Windows path, e.g. `C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Temporary ASP.NET Files\root\5c1f8a2e`.
    public var path: String
    /// The same path below the mount root, `/`-separated (what remediate.sh deletes).
    public var relativePath: String
    /// The Temporary ASP.NET Files folder it is in (never deleted itself), below the mount root.
    public var tempFolder: String
    public var kind: CleanupKind
    public var files: Int
    public var folders: Int
    public var bytes: Int64
    /// Newest modification time inside, seconds since 1970 (UTC).
    public var newestChange: Int64
    /// `Framework64\v4.0.30319`.
    public var framework: String

    public var willDelete: Bool { kind == .folder || kind == .file }
}

/// What a flagged folder of the volume audit would hold after the cleanup.
public struct ProjectedFolder: Codable, Sendable, Equatable {
    public var path: String
    public var subfolders: Int
    public var files: Int
    public var subfoldersAfter: Int
    public var filesAfter: Int
    /// Whether the cleanup can bring it under the limits, and if not, what to do.
    public var note: String
}

public struct CleanupPlan: Codable, Sendable {
    public var root: String
    public var drive: String
    public var tempFolders: [String]
    public var items: [CleanupItem]
    public var projected: [ProjectedFolder]
    public var olderThanDays: Int?
    public var framework: String?
    /// What the plan was made from: a mounted tree (remediate.sh can apply it there), an image or the
    /// collector's listing (remediate.ps1 applies it on the server).
    public enum Source: String, Codable, Sendable { case mount, image, listing }
    public var source: Source = .mount

    public var deletions: [CleanupItem] { items.filter(\.willDelete) }
    /// 1 when there is something to clean.
    public var exitCode: Int32 { deletions.isEmpty ? 0 : 1 }
}

/// What the plan does with an item; the raw values are the JSON's and plan.csv's `kind`.
public enum CleanupKind: String, Codable, Sendable {
    case folder
    case file
    case skippedReparsePoint = "skipped: reparse point"
    case skippedContainsReparsePoint = "skipped: contains a reparse point"
    case keptOtherFramework = "kept: other framework"
    case keptChangedRecently = "kept: changed recently"
}
