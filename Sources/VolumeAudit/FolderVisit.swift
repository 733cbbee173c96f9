import WriterScope

/// One folder as a source of directory entries reports it: where it is and what it holds.
///
/// Sources (the mounted-tree walker, the NTFS image reader) emit these; the audit counts and judges them
/// without knowing where they came from. `path` is only valid during the sink call.
public struct FolderVisit {
    /// The folder's path below the volume root, components separated by `/`, as raw bytes (empty for the root).
    public var path: UnsafeRawBufferPointer
    /// 0 for the volume root.
    public var depth: Int
    public var subfolders: Int
    public var files: Int
    /// Symbolic links, junctions and other reparse points, devices, sockets ...: never followed.
    public var others: Int
    /// Length of the folder's Windows path (`C:\…`) in UTF-16 code units, and of its parent's.
    public var windowsPathLength: Int
    public var parentWindowsPathLength: Int
    public var area: WriterArea
    /// The longest name of an entry listed in it (file, folder or other), in UTF-16 code units; 0 when empty.
    public var longestEntryName: Int = 0

    /// The longest Windows path of an entry in it (0 when it is empty).
    public var longestEntryPath: Int {
        longestEntryName == 0 ? 0 : windowsPathLength + (depth == 0 ? 0 : 1) + longestEntryName
    }
}

/// Receives what a source finds.
public protocol FolderSink {
    mutating func folder(_ visit: FolderVisit)
    /// A folder that could not be listed (its path as in `FolderVisit.path`) and why.
    mutating func unreadable(path: UnsafeRawBufferPointer, reason: String)
    /// A folder that is another mounted filesystem: listed in its parent, not entered.
    mutating func otherFilesystem(path: UnsafeRawBufferPointer)
}
