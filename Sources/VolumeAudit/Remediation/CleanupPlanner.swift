import BinaryFormat
import WriterScope

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Builds a cleanup plan in the same walk as the folder audit: while the walker lists the volume, the
/// entries inside each `Windows\Microsoft.NET\Framework*\v*\Temporary ASP.NET Files` folder are totalled per
/// item (the application folders `root\5c1f8a2e`, and loose files), with sizes and change times.
public struct CleanupPlanner {
    public struct Options: Sendable {
        public var drive = "C:"
        public var limits = FolderLimits()
        public var olderThanDays: Int? = nil
        /// `Framework64\v4.0.30319`, `Framework64` or `v4.0.30319`, compared case-insensitively.
        public var framework: String? = nil
        /// Seconds since 1970 that "older than" counts back from.
        public var now: Int64 = Int64(time(nil))
        public init() {}
    }

    public let root: String
    public var options: Options

    public init(root: String, options: Options = .init()) {
        self.root = root
        self.options = options
    }

    final class Collector {
        struct Item {
            var relative: [UInt8]
            var temp: [UInt8]
            var isFolder: Bool
            var files = 0
            var folders = 0
            var bytes: Int64 = 0
            var newest: Int64 = 0
            var reparse = false
            var selfIsLink = false
        }
        var items: [[UInt8]: Item] = [:]
        var order: [[UInt8]] = []
        var temps: [[UInt8]] = []
    }

    public func plan() throws -> (CleanupPlan, VolumeReport) {
        var options = Volume.Options()
        options.drive = self.options.drive
        options.limits = self.options.limits
        let collector = Collector()
        var walker = TreeWalker(root: root, drive: self.options.drive)
        walker.onEntry = { folderFd, folderPath, name, type in
            Self.observe(collector, folderFd: folderFd, folderPath: folderPath, name: name, type: type)
        }
        var audit = FolderAudit(limits: options.limits, drive: options.drive)
        var st = stat()
        if let special = SpecialFile(following: root) { throw VolumeError(.badRoot, "\(root): \(special.refusal)") }
        guard stat(root, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw VolumeError(.badRoot, "\(root): not a directory, expected the mounted volume's root folder")
        }
        let started = Volume.monotonicSeconds()
        try walker.walk(into: &audit)
        let report = VolumeReport(
            root: root, drive: options.drive, scopes: [], folders: audit.folders, files: audit.files,
            others: audit.others, seconds: Volume.monotonicSeconds() - started, limits: options.limits,
            findings: audit.sortedFindings, foldersBelowLongPaths: audit.foldersBelowLongPaths,
            unreadable: audit.unreadable, otherFilesystems: audit.otherFilesystems,
            microsoftNET: audit.microsoftNETReport)
        return (makePlan(collector, report: report), report)
    }

    /// Components of a Temporary ASP.NET Files folder: Windows/Microsoft.NET/Framework*/v*/Temporary ASP.NET Files.
    static func isTempFolder(_ components: [[UInt8]]) -> Bool {
        guard components.count == 5 else { return false }
        let lower = components.map { String(decoding: $0, as: UTF8.self).lowercased() }
        return lower[0] == "windows" && lower[1] == "microsoft.net" && lower[2].hasPrefix("framework")
            && lower[3].hasPrefix("v") && lower[4] == "temporary asp.net files"
    }

    /// One entry as a source reports it: a mounted tree's walker, an image's indexes, a listing's rows.
    enum EntryKind { case folder, file, link }

    static func observe(
        _ c: Collector, folderFd: Int32, folderPath: UnsafeRawBufferPointer, name: UnsafeRawBufferPointer, type: UInt8
    ) {
        let kind: EntryKind = type == UInt8(DT_DIR) ? .folder : type == UInt8(DT_LNK) ? .link : .file
        observe(c, folderPath: Array(folderPath), name: Array(name), kind: kind) {
            var cname = Array(name)
            cname.append(0)
            var st = stat()
            let ok = cname.withUnsafeBufferPointer {
                fstatat(
                    folderFd, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), &st,
                    AT_SYMLINK_NOFOLLOW) == 0
            }
            return ok ? (Int64(st.st_size), Int64(st.st_mtim.tv_sec)) : nil
        }
    }

    /// Totals `name` (in the folder `folderPath`, `/`-separated below the volume root) into its item when it
    /// lies in a Temporary ASP.NET Files folder; `measure` gives its size and change time (seconds since
    /// 1970) when asked.
    static func observe(
        _ c: Collector, folderPath: [UInt8], name: [UInt8], kind: EntryKind,
        measure: () -> (size: Int64, changed: Int64)?
    ) {
        let components = folderPath.split(separator: 0x2F).map(Array.init)
        let isDir = kind == .folder
        let isLink = kind == .link
        // Where is the listing folder relative to a temp folder? depth 0 = the temp folder itself.
        guard components.count >= 5, isTempFolder(Array(components.prefix(5))) else {
            if components.count == 4, isDir, isTempFolder(components + [name]) {
                c.temps.append(folderPath + [0x2F] + name)
            }
            return
        }
        let temp = Array(components.prefix(5).joined(separator: [0x2F]))
        let depth = components.count - 5
        func account(_ item: inout Collector.Item) {
            guard let (size, changed) = measure() else { return }
            if !isDir {
                item.files += 1
                item.bytes += size
            }
            item.newest = max(item.newest, changed)
        }
        // Item key: temp/<a>/<b> for entries two levels down or deeper; temp/<a> for loose files (and links) at level one.
        let key: [UInt8]
        if depth == 0 {
            if isDir { return }  // a vdir folder such as "root": its children are the items
            key = temp + [0x2F] + name
            var item = c.items[key] ?? Collector.Item(relative: key, temp: temp, isFolder: false)
            if c.items[key] == nil { c.order.append(key) }
            item.selfIsLink = isLink
            item.reparse = isLink
            if !isLink { account(&item) }
            c.items[key] = item
            return
        }
        let itemComponents = Array(components.prefix(6)) + (depth == 1 ? [name] : [components[6]])
        key = Array(itemComponents.joined(separator: [0x2F]))
        var item = c.items[key] ?? Collector.Item(relative: key, temp: temp, isFolder: depth > 1 || isDir)
        if c.items[key] == nil { c.order.append(key) }
        if depth == 1 {
            item.isFolder = isDir
            item.selfIsLink = isLink
            if isLink { item.reparse = true }
            if !isLink && !isDir { account(&item) }
        } else {
            if isLink { item.reparse = true }
            if isDir { item.folders += 1 }
            if !isLink { account(&item) }
        }
        c.items[key] = item
    }

    func makePlan(_ c: Collector, report: VolumeReport) -> CleanupPlan {
        let drive = options.drive
        func windows(_ rel: [UInt8]) -> String { WindowsPath.make(drive: drive, relative: rel) }
        func text(_ rel: [UInt8]) -> String { String(decoding: rel, as: UTF8.self) }
        var items: [CleanupItem] = []
        for key in c.order {
            guard let i = c.items[key] else { continue }
            let parts = text(i.temp).split(separator: "/")
            let framework = "\(parts[2])\\\(parts[3])"
            var kind: CleanupKind = i.isFolder ? .folder : .file
            if i.selfIsLink {
                kind = .skippedReparsePoint
            } else if i.reparse {
                kind = .skippedContainsReparsePoint
            } else if let filter = options.framework, !Self.matches(framework: framework, filter: filter) {
                kind = .keptOtherFramework
            } else if let days = options.olderThanDays, i.newest > options.now - Int64(days) * 86400 {
                kind = .keptChangedRecently
            }
            items.append(
                CleanupItem(
                    path: windows(i.relative), relativePath: text(i.relative), tempFolder: text(i.temp), kind: kind,
                    files: i.files, folders: i.folders + (i.isFolder ? 1 : 0), bytes: i.bytes, newestChange: i.newest,
                    framework: framework))
        }
        let deleting = Set(items.filter(\.willDelete).map { $0.path.uppercased() })
        let tempPaths = c.temps.map { windows($0).uppercased() }
        var projected: [ProjectedFolder] = []
        // Only the folders that stop the writer (inside Windows\Microsoft.NET): WinSxS and the other areas the writer
        // adds whole are never advised on.
        for f in report.findings
        where f.impact.isCause && (f.over.contains(.subfolders) || f.over.contains(.files)) {
            let upper = f.path.uppercased()
            var subAfter = f.subfolders
            var filesAfter = f.files
            var note: String
            if deleting.contains(where: { upper == $0 || upper.hasPrefix($0 + "\\") }) {
                subAfter = 0
                filesAfter = 0
                note = "removed with the cleanup"
            } else if tempPaths.contains(where: { upper == $0 || upper.hasPrefix($0 + "\\") }) {
                let children = items.filter {
                    $0.willDelete && $0.path.uppercased().hasPrefix(upper + "\\")
                        && !$0.path.dropFirst(upper.count + 1).contains("\\")
                }
                subAfter -= children.filter { $0.kind == .folder }.count
                filesAfter -= children.filter { $0.kind == .file }.count
                note =
                    subAfter <= options.limits.maxSubfolders && filesAfter <= options.limits.maxFiles
                    ? "under the limits after the cleanup"
                    : "still over the limits after the cleanup (filters keep too much)"
            } else {
                note =
                    "not in a temporary location: cannot be cleaned this way. See KB2807849; remove or repair the product that fills it."
            }
            projected.append(
                ProjectedFolder(
                    path: f.path, subfolders: f.subfolders, files: f.files, subfoldersAfter: subAfter,
                    filesAfter: filesAfter, note: note))
        }
        return CleanupPlan(
            root: root, drive: drive, tempFolders: c.temps.map(windows), items: items, projected: projected,
            olderThanDays: options.olderThanDays, framework: options.framework)
    }

    static func matches(framework: String, filter: String) -> Bool {
        let f = framework.lowercased()
        let want = filter.lowercased().replacingSlashes()
        return f == want || f.hasPrefix(want + "\\") || f.hasSuffix("\\" + want)
    }
}

extension String {
    fileprivate func replacingSlashes() -> String { String(map { $0 == "/" ? "\\" : $0 }) }
}
