/// The System Writer's folder limits: more subfolders or files than these in one folder breaks OnIdentify.
public struct FolderLimits: Sendable, Codable, Equatable {
    public var maxSubfolders: Int
    public var maxFiles: Int

    public init(maxSubfolders: Int = 1000, maxFiles: Int = 10000) {
        self.maxSubfolders = maxSubfolders
        self.maxFiles = maxFiles
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
