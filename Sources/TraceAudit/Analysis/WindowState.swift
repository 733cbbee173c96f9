/// An IDENTIFY window while the trace is being read: counts, the ring of last events, failures, listings.
package final class WindowState {
    enum End {
        case leave(TraceEvent)
        case processExit(row: Int, status: Int64?)
        case pidReused(row: Int, by: String)
        case enteredAgain(row: Int)
        case captureEnded(lastRow: Int)
    }

    struct Tally {
        var path: String
        var current = 0
        var currentTruncated = false
        var best = 0
        var bestTruncated = false
        var lastRow = 0
        /// Exact kinds (PML): files and subfolders of the current and the best listing; nil when unknown.
        var currentKinds: (files: Int, folders: Int)? = nil
        var bestKinds: (files: Int, folders: Int)? = nil
    }

    let writer: String
    let pid: Int
    let process: String
    let processBytes: [UInt8]
    let enter: TraceEvent
    var end: End? = nil
    var events = 0
    var ring: EventRing
    var lastFileSystem = EventRing(capacity: 1)
    var failures: [TraceEvent] = []
    var failureCount = 0
    var lastAccessFailure: TraceEvent? = nil
    var tallies: [String: Int] = [:]
    var tallyList: [Tally] = []

    init(writer: String, enter: EventView, context: Int) {
        self.writer = writer
        self.pid = enter.pid
        self.process = Bytes.string(enter.processName)
        self.processBytes = Array(enter.processName)
        self.enter = enter.owned()
        self.ring = EventRing(capacity: context)
    }

    func isSameProcess(_ name: UnsafeRawBufferPointer) -> Bool {
        name.elementsEqual(processBytes)
    }

    func add(_ e: EventView) {
        events += 1
        ring.push(e)
        let fileSystem = Self.isFileSystem(e)
        if fileSystem { lastFileSystem.push(e) }
        if !ResultClass.isSuccess(e.result) {
            let kind = ResultClass.of(Bytes.string(e.result))
            if kind != .benign {
                failureCount += 1
                let owned = e.owned()
                if failures.count < TraceAnalyzer.maxFailuresKept { failures.append(owned) }
                if kind == .accessFailure && fileSystem { lastAccessFailure = owned }
            }
        }
        if Bytes.equals(e.operation, "QueryDirectory") { tally(e) }
    }

    private func tally(_ e: EventView) {
        let names: Int
        let truncated: Bool
        let starts: Bool
        let filter: String?
        var kinds: (files: Int, folders: Int)? = nil
        if let entries = e.entries {
            // A PML log: entries are counted exactly, with their kinds from FileAttributes.
            names = entries.names
            truncated = false
            starts = entries.filter != nil
            filter = entries.filter.map(Bytes.string)
            if entries.unknown == 0 { kinds = (entries.files, entries.folders) }
        } else {
            let listing = DirectoryListing(detail: e.detail)
            names = listing.names
            truncated = listing.truncated
            starts = listing.startsListing
            filter = listing.filter
        }
        let path = Self.folder(of: Bytes.string(e.path), filter: filter)
        let key = path.uppercased()
        let index: Int
        if let i = tallies[key] {
            index = i
        } else {
            index = tallyList.count
            tallies[key] = index
            tallyList.append(Tally(path: path))
        }
        var t = tallyList[index]
        if starts || (t.current == 0 && t.currentKinds == nil) {
            t.current = 0
            t.currentTruncated = false
            t.currentKinds = (0, 0)
        }
        t.current += names
        t.currentTruncated = t.currentTruncated || truncated
        // Kinds hold only while every call of the listing had them.
        if let k = kinds, let c = t.currentKinds {
            t.currentKinds = (c.files + k.files, c.folders + k.folders)
        } else {
            t.currentKinds = nil
        }
        if t.current >= t.best {
            t.best = t.current
            t.bestTruncated = t.currentTruncated
            t.bestKinds = t.currentKinds
        }
        t.lastRow = e.row
        tallyList[index] = t
    }

    /// The folder a QueryDirectory path names: the first call of a listing carries the filter as a last
    /// component (`C:\Dir\*`, `C:\Dir\gcc.*`, `C:\Dir\name` for a lookup); the calls after it name the folder.
    static func folder(of path: String, filter: String?) -> String {
        guard let slash = path.lastIndex(of: "\\") else { return path }
        let last = path[path.index(after: slash)...]
        let wildcard = last.contains(where: { "*?<>\"".contains($0) })
        let isFilter = filter.map { last.caseInsensitiveCompare($0) } ?? false
        guard wildcard || isFilter else { return path }
        var folder = String(path[..<slash])
        if folder.hasSuffix(":") { folder += "\\" }
        return folder
    }

    /// File-system work: a path on a drive, a UNC share or a device, from an operation that is not registry,
    /// network or process bookkeeping.
    static func isFileSystem(_ e: EventView) -> Bool {
        let p = e.path
        guard p.count >= 2 else { return false }
        let op = e.operation
        if op.count >= 3, op[0] == 0x52, op[1] == 0x65, op[2] == 0x67 { return false }  // Reg…
        if op.count >= 3, (op[0] == 0x54 || op[0] == 0x55), op[1] == 0x43 || op[1] == 0x44 { return false }  // TCP/UDP
        if op.count >= 7, Bytes.startsWith(op, processPrefix) || Bytes.startsWith(op, threadPrefix) { return false }
        let drive = p.count >= 3 && ((p[0] | 0x20) >= 0x61 && (p[0] | 0x20) <= 0x7A) && p[1] == 0x3A && p[2] == 0x5C
        return drive || (p[0] == 0x5C && p[1] == 0x5C) || Bytes.startsWith(p, devicePrefix)
    }

    private static let processPrefix = Bytes.lowercased("process ")
    private static let threadPrefix = Bytes.lowercased("thread ")
    private static let devicePrefix = Bytes.lowercased("\\device\\")
}

extension Substring {
    fileprivate func caseInsensitiveCompare(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}
