/// An IDENTIFY window while the trace is being read: counts, the ring of last events, failures, listings.
final class WindowState {
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
        let listing = DirectoryListing(detail: e.detail)
        let path = Self.folder(of: Bytes.string(e.path), filter: listing.filter)
        let key = path.uppercased()
        let index: Int
        if let i = tallies[key] {
            index = i
        } else {
            index = tallyList.count
            tallies[key] = index
            tallyList.append(Tally(path: path))
        }
        if listing.startsListing {
            tallyList[index].current = 0
            tallyList[index].currentTruncated = false
        }
        tallyList[index].current += listing.names
        tallyList[index].currentTruncated = tallyList[index].currentTruncated || listing.truncated
        if tallyList[index].current >= tallyList[index].best {
            tallyList[index].best = tallyList[index].current
            tallyList[index].bestTruncated = tallyList[index].currentTruncated
        }
        tallyList[index].lastRow = e.row
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
        if op.count >= 7, Bytes.find(op, processPrefix) == 0 || Bytes.find(op, threadPrefix) == 0 { return false }
        let drive = p.count >= 3 && ((p[0] | 0x20) >= 0x61 && (p[0] | 0x20) <= 0x7A) && p[1] == 0x3A && p[2] == 0x5C
        return drive || (p[0] == 0x5C && p[1] == 0x5C) || Bytes.find(p, devicePrefix) == 0
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
