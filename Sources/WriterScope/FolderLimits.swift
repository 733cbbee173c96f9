/// The System Writer's folder limits: more subfolders or files than these in one folder breaks OnIdentify,
/// and a Win32 path longer than MAX_PATH - 1 characters is more than the writer's path handling takes.
public struct FolderLimits: Sendable, Codable, Equatable {
    public var maxSubfolders: Int
    public var maxFiles: Int
    /// The longest Windows path (in UTF-16 code units, drive included) that is not a finding: MAX_PATH - 1.
    public var maxPathLength: Int

    public init(maxSubfolders: Int = 1000, maxFiles: Int = 10000, maxPathLength: Int = 259) {
        self.maxSubfolders = maxSubfolders
        self.maxFiles = maxFiles
        self.maxPathLength = maxPathLength
    }

    /// What a folder breaks, when its counts are known exactly (a walked volume, a PML log).
    public enum Excess: String, Sendable, Codable, CaseIterable {
        case subfolders
        case files
        case pathLength = "path-length"
    }

    /// The limits a folder with these counts breaks, in a fixed order; empty when it is within them.
    public func excesses(subfolders: Int, files: Int, pathLength: Int) -> [Excess] {
        var over: [Excess] = []
        if subfolders > maxSubfolders { over.append(.subfolders) }
        if files > maxFiles { over.append(.files) }
        if pathLength > maxPathLength { over.append(.pathLength) }
        return over
    }

    /// How far over its worst limit a folder is, as a ratio (1.0 = at the limit); for sorting findings.
    public func severity(subfolders: Int, files: Int, pathLength: Int) -> Double {
        max(
            Double(subfolders) / Double(max(maxSubfolders, 1)), Double(files) / Double(max(maxFiles, 1)),
            Double(pathLength) / Double(max(maxPathLength, 1)))
    }

    /// What a count of listed names means when files and folders cannot be told apart (a CSV export).
    public enum Verdict: Equatable, Sendable {
        case withinLimits
        /// More names than files are allowed: over the file limit whatever they are.
        case overFileLimit(names: Int, limit: Int)
        /// More names than subfolders are allowed: over that limit if enough of them are folders.
        case maybeOverSubfolderLimit(names: Int, limit: Int)
    }

    public func judge(names: Int) -> Verdict {
        if names > maxFiles { return .overFileLimit(names: names, limit: maxFiles) }
        if names > maxSubfolders { return .maybeOverSubfolderLimit(names: names, limit: maxSubfolders) }
        return .withinLimits
    }
}
