/// The folder limits the System Writer is judged by (WRITER-MODEL.md §2), and what breaking one means in
/// each area.
///
/// The counts are the field's rule of thumb (ntdebugging [S8]: a folder over 1,000 subfolders or 10,000
/// files); the writer's code has no such constant, so they are a cause only where the writer walks file by
/// file (`Windows\Microsoft.NET`). The path limits are in its code: TraverseDir builds `dir\name` and
/// `dir\*` in 260-character buffers (MAX_PATH, the NUL included).
public struct FolderLimits: Sendable, Codable, Equatable {
    public var maxSubfolders: Int
    public var maxFiles: Int
    /// The longest path of a file or folder (UTF-16 code units, drive included) the writer's walk can build: 259.
    public var maxEntryPath: Int
    /// The longest folder path it can list (`folder\*` must fit in the same buffer): 257.
    public var maxListedFolderPath: Int
    /// Files under `Windows\Microsoft.NET` (all depths) past which its metadata is judged too long even when
    /// no single folder is over: five times the largest stock total (1,980 on Server 2019), the field's 10,000.
    public var maxMicrosoftNETFiles: Int

    public init(maxSubfolders: Int = 1000, maxFiles: Int = 10000) {
        self.maxSubfolders = maxSubfolders
        self.maxFiles = maxFiles
        self.maxEntryPath = 259
        self.maxListedFolderPath = 257
        self.maxMicrosoftNETFiles = 10_000
    }

    /// What a folder breaks.
    public enum Excess: String, Sendable, Codable, CaseIterable {
        case subfolders
        case files
        /// Its path, or the path of an entry in it, is longer than the writer's walk can build.
        case pathLength = "path-length"
        /// The files under `Windows\Microsoft.NET` together (the total the writer lists).
        case totalFiles = "total-files"
    }

    /// The limits a folder breaks, in a fixed order; empty when it is within them. `pathLength` is the
    /// folder's own path, `longestEntryPath` the longest path of an entry in it (0 when it is empty).
    public func excesses(subfolders: Int, files: Int, pathLength: Int, longestEntryPath: Int = 0) -> [Excess] {
        var over: [Excess] = []
        if subfolders > maxSubfolders { over.append(.subfolders) }
        if files > maxFiles { over.append(.files) }
        if pathTooLong(folder: pathLength, longestEntry: longestEntryPath) { over.append(.pathLength) }
        return over
    }

    /// A folder the writer cannot list (`folder\*` does not fit) or holding an entry whose path does not fit.
    public func pathTooLong(folder: Int, longestEntry: Int) -> Bool {
        folder > maxListedFolderPath || longestEntry > maxEntryPath
    }

    /// How far over its worst limit a folder is, as a ratio (1.0 = at the limit); for sorting findings.
    public func severity(subfolders: Int, files: Int, pathLength: Int) -> Double {
        max(
            Double(subfolders) / Double(max(maxSubfolders, 1)), Double(files) / Double(max(maxFiles, 1)),
            Double(pathLength) / Double(max(maxEntryPath, 1)))
    }

    /// What breaking `over` means for a folder in `area` at `path` (a Windows path): a cause only where the
    /// writer walks file by file; elsewhere context, beside the stock size.
    public func judge(_ over: [Excess], area: WriterArea, path: String, subfolders: Int, files: Int) -> Judgement {
        switch area.reading {
        case .walkedFileByFile:
            if over.contains(.pathLength) {
                return Judgement(
                    .missingWriter, .confirmed,
                    why:
                        "the System Writer walks Windows\\Microsoft.NET file by file and builds each path in a 260-character buffer: a path this long fails OnIdentify (CAPI2 513 \"TraverseDir : Unable to build file path\")",
                    source: "WRITER-MODEL.md §2 (TraverseDir, MAX_PATH)")
            }
            let temporary = area == .temporaryASPNET
            return Judgement(
                .missingWriter, .likely,
                why:
                    "the System Writer lists every file under Windows\\Microsoft.NET in its metadata; a folder this large makes it too long (VSS 8193 \"XML document is too long\")"
                    + (temporary ? "; Temporary ASP.NET Files is a compilation cache, safe to empty" : ""),
                source: "ntdebugging \"Missing System Writer Case Explained\"; KB3098315")
        case .addedWhole:
            let stock = over.contains(.subfolders) ? StockSizes.of(path, .subfolders) : StockSizes.of(path, .files)
            let measure =
                over.contains(.subfolders)
                ? "\(StockSize.grouped(subfolders)) subfolders" : "\(StockSize.grouped(files)) files"
            return Judgement(
                .info, .confirmed,
                why: "\(measure)" + (stock.map { "; \($0.text)" } ?? "")
                    + "; added whole (one recursive file spec), never walked by the System Writer",
                source: "WRITER-MODEL.md §1-§3")
        case .notRead:
            return Judgement(
                .info, .confirmed, why: "not read by the System Writer", source: "WRITER-MODEL.md §1")
        }
    }

    /// What the total of files under `Windows\Microsoft.NET` means; a cause only when it is far above stock
    /// and no single folder there already explains the writer's failure.
    /// `temporaryASPNETFiles`: how many of `files` are in Temporary ASP.NET Files folders, named in the why as
    /// what can safely go.
    public func judgeMicrosoftNETTotal(files: Int, temporaryASPNETFiles: Int = 0, explainedByAFolder: Bool)
        -> Judgement
    {
        let stock = StockSizes.of("Windows\\Microsoft.NET", .filesRecursive)!
        let text = "\(StockSize.grouped(files)) files under Windows\\Microsoft.NET; \(stock.text)"
        guard files > maxMicrosoftNETFiles else {
            return Judgement(
                .info, .confirmed, why: text + "; the System Writer lists each of them", source: "WRITER-MODEL.md §2-§3"
            )
        }
        if explainedByAFolder {
            return Judgement(
                .info, .confirmed, why: text + "; the folders over the limits account for it",
                source: "WRITER-MODEL.md §2")
        }
        let temporary =
            temporaryASPNETFiles > 0
            ? "; \(StockSize.grouped(temporaryASPNETFiles)) of them in Temporary ASP.NET Files (stock 0), which ASP.NET rebuilds: safe to clear"
            : ""
        return Judgement(
            .missingWriter, .possible,
            why: text
                + ": far above stock; the System Writer lists every one of them in its metadata, which grows too long (VSS 8193)"
                + temporary,
            source: "WRITER-MODEL.md §2 (the total of listed files, INF); KB3098315")
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
