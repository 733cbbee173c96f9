import BinaryFormat

/// Turns one PML event record into an `EventView`: names from the tables, path and Detail as Procmon prints
/// them, and for QueryDirectory the returned entries counted by kind.
///
/// Event header (52 bytes): u32 process index, u32 TID, u32 event class, u16 operation, 6 unknown, u64
/// duration (100 ns), u64 FILETIME, u32 NTSTATUS, u16 stack depth, 2 unknown, u32 details size, u32 offset
/// of the extra details from the event start (0 = none; there: u16 size, then the bytes). The stack
/// (depth × pointer size) follows the header, then the details.
final class PMLEventDecoder {
    static let headerSize = 52

    struct Malformed: Error {
        /// Offset within the event record.
        var at: Int
        var what: String
    }

    let pointerSize: Int
    let version: UInt32
    let processes: PMLProcessTable
    let network: PMLNetworkNames
    private let arena = NameArena()
    private var processNames: [UnsafeRawBufferPointer] = []
    private var operationCache: [UInt32: UnsafeRawBufferPointer] = [:]
    private var resultCache: [UInt32: UnsafeRawBufferPointer] = [:]
    private var createFileText: [UInt64: (access: UInt32, options: UInt32, attributes: UInt32, text: [UInt8])] = [:]
    private var lastResult: (UInt32, UnsafeRawBufferPointer)
    let path = TextScratch(capacity: 4096, limit: 1 << 20)
    let detail = TextScratch(capacity: 8192, limit: 1 << 20)
    let filterText = TextScratch(capacity: 256, limit: 1 << 16)
    private let time = TextScratch(capacity: 32, limit: 64)
    private let tid = TextScratch(capacity: 16, limit: 32)
    private let sequence = TextScratch(capacity: 24, limit: 32)

    /// Added to every time printed (100 ns): the capture's offset from UTC when it is known.
    var clockOffset: Int64 = 0

    /// What the last decoded event's class was (for columns such as Event Class).
    private(set) var eventClass: UInt32 = 0
    private(set) var duration: UInt64 = 0
    private(set) var filetime: UInt64 = 0
    private(set) var processPosition = 0

    init(version: UInt32, pointerSize: Int, processes: PMLProcessTable, network: PMLNetworkNames) {
        self.version = version
        self.pointerSize = pointerSize
        self.processes = processes
        self.network = network
        lastResult = (0, UnsafeRawBufferPointer(start: nil, count: 0))
        lastResult = (0, arena.intern("SUCCESS"))
        processNames = processes.processes.map { arena.intern($0.name) }
    }

    /// Decodes the event in `e` (the whole record, extra details included). `row` is its 1-based number.
    /// Returns nil for an event of a process the table does not know (counted by the caller).
    func decode(_ e: UnsafeRawBufferPointer, row: Int) throws(Malformed) -> EventView? {
        let processIndex = e.le32(0)
        guard let position = processes.position(of: processIndex) else { return nil }
        processPosition = position
        let cls = e.le32(8)
        eventClass = cls
        let op = e.le16(12)
        duration = e.le64(20)
        filetime = e.le64(28)
        let status = e.le32(36)
        let detailsStart = Self.headerSize + Int(e.le16(40)) * pointerSize
        let detailsSize = Int(e.le32(44))
        let d = UnsafeRawBufferPointer(rebasing: e[detailsStart..<detailsStart + detailsSize])
        let extraOffset = Int(e.le32(48))
        var extra: UnsafeRawBufferPointer? = nil
        if extraOffset != 0 {
            let size = Int(e.le16(extraOffset))
            extra = UnsafeRawBufferPointer(rebasing: e[extraOffset + 2..<extraOffset + 2 + size])
        }
        path.reset()
        detail.reset()
        var entries: DirectoryEntries? = nil
        var minor: UInt32 = 0
        switch PMLNames.EventClass(rawValue: cls) {
        case .fileSystem, .ipc:
            minor = try fileSystem(op: op, d, extra: extra, entries: &entries)
        case .registry:
            try registry(op: op, d, extra: extra)
        case .process:
            try process(op: op, d, tid: e.le32(4))
        case .network:
            minor = try network(d)
        case .profiling:
            profiling(op: op, d, tid: e.le32(4))
        case .none:
            break
        }
        detail.truncate(toCharacters: DirectoryListing.detailCap)
        let tidValue = e.le32(4)
        tid.reset()
        tid.append(unsigned: UInt64(tidValue), grouped: false)
        sequence.reset()
        sequence.append(unsigned: UInt64(row - 1), grouped: false)
        formatTime(UInt64(bitPattern: Int64(bitPattern: filetime) &+ clockOffset))
        return EventView(
            row: row, pid: processes.processes[position].pid, processName: processNames[position],
            operation: operationName(cls, op, minor), path: path.bytes, result: resultName(status),
            detail: detail.bytes, timeOfDay: time.bytes, tid: tid.bytes, sequence: sequence.bytes, entries: entries)
    }

    // MARK: names

    private func operationName(_ cls: UInt32, _ op: UInt16, _ minor: UInt32) -> UnsafeRawBufferPointer {
        let key = cls << 28 | UInt32(op) << 12 | (minor & 0xFFF)
        if let n = operationCache[key] { return n }
        let name: String
        switch PMLNames.EventClass(rawValue: cls) {
        case .process: name = Self.named(PMLNames.process, op)
        case .registry: name = Self.named(PMLNames.registry, op)
        case .profiling: name = Self.named(PMLNames.profiling, op)
        case .network: name = (minor & 1 == 1 ? "TCP " : "UDP ") + Self.named(PMLNames.network, op)
        case .fileSystem, .ipc:
            let sub = minor & 0xFF
            if minor & 0x100 != 0 {
                name = PMLNames.subOperation(op, UInt8(sub), version: version) ?? "<Unknown>"
            } else {
                name = Self.named(PMLNames.fileSystem, op)
            }
        case .none: name = "<Unknown>"
        }
        let interned = arena.intern(name)
        if operationCache.count < 1 << 16 { operationCache[key] = interned }
        return interned
    }

    private static func named(_ table: [String], _ op: UInt16) -> String {
        Int(op) < table.count ? table[Int(op)] : "<Unknown>"
    }

    @inline(__always)
    private func resultName(_ status: UInt32) -> UnsafeRawBufferPointer {
        if status == lastResult.0 { return lastResult.1 }
        let r: UnsafeRawBufferPointer
        if let cached = resultCache[status] {
            r = cached
        } else {
            r = arena.intern(PMLNames.result(status))
            if resultCache.count < 1 << 16 { resultCache[status] = r }
        }
        lastResult = (status, r)
        return r
    }

    /// Time of day from a FILETIME, in UTC unless the capture's offset is given (the log does not record the
    /// capturing machine's time zone): `6:55:07.0236729 AM`.
    private func formatTime(_ ft: UInt64) {
        time.reset()
        let day = ft % 864_000_000_000
        let seconds = day / 10_000_000
        let h = Int(seconds / 3600)
        time.append(unsigned: UInt64(h % 12 == 0 ? 12 : h % 12), grouped: false)
        time.append(UInt8(ascii: ":"))
        time.append(twoDigits: Int(seconds / 60 % 60))
        time.append(UInt8(ascii: ":"))
        time.append(twoDigits: Int(seconds % 60))
        time.append(UInt8(ascii: "."))
        var frac = day % 10_000_000
        var div: UInt64 = 1_000_000
        for _ in 0..<7 {
            time.append(UInt8(truncatingIfNeeded: frac / div) + 0x30)
            frac %= div
            div /= 10
        }
        time.append(h < 12 ? " AM" : " PM")
    }

    // MARK: detail strings

    /// A detail string's info word: top bit = one byte per character, low 15 bits = character count.
    @inline(__always)
    private static func stringBytes(_ info: UInt16) -> Int {
        info & 0x8000 != 0 ? Int(info & 0x7FFF) : Int(info & 0x7FFF) * 2
    }

    /// Appends the string described by `info` at `at` in `d` to `out`; returns the offset after it.
    @discardableResult
    func string(_ d: UnsafeRawBufferPointer, _ info: UInt16, at: Int, into out: TextScratch, what: String)
        throws(Malformed) -> Int
    {
        let n = Self.stringBytes(info)
        guard at >= 0, at + n <= d.count else {
            throw Malformed(at: at, what: "the \(what) (\(n) bytes) runs past the event's \(d.count)-byte details")
        }
        out.append(stored: UnsafeRawBufferPointer(rebasing: d[at..<at + n]), ascii: info & 0x8000 != 0)
        return at + n
    }

    @inline(__always)
    func need(_ d: UnsafeRawBufferPointer, _ n: Int, _ what: String) throws(Malformed) {
        guard n <= d.count else {
            throw Malformed(at: 0, what: "the \(what) needs \(n) bytes of details, the event has \(d.count)")
        }
    }

    // MARK: file system

    /// Returns the sub-operation (with bit 8 set when there is one) for the operation name.
    private func fileSystem(
        op: UInt16, _ d: UnsafeRawBufferPointer, extra: UnsafeRawBufferPointer?, entries: inout DirectoryEntries?
    )
        throws(Malformed) -> UInt32
    {
        let fixed = pointerSize * 5 + 0x14
        let pathInfoAt = 4 + fixed
        try need(d, pathInfoAt + 4, "file-system details")
        let sub = d[0]
        let info = d.le16(pathInfoAt)
        var after = try string(d, info, at: pathInfoAt + 4, into: path, what: "path")
        // A sub-operation names the operation; one Procmon has no name for is `<Unknown>`, as it prints it.
        let minor: UInt32 = sub != 0 && PMLNames.hasSubOperations(op) ? 0x100 | UInt32(sub) : 0
        if op == PMLNames.FileSystemOperation.createFile && sub == 0 && d.count >= after + 8 {
            createFileDetail(d, fixed: UnsafeRawBufferPointer(rebasing: d[4..<4 + fixed]), at: after, extra: extra)
        } else if op != PMLNames.FileSystemOperation.directoryControl || sub == 2 {
            fileDetail(
                op: op, sub: sub, p: UnsafeRawBufferPointer(rebasing: d[4..<4 + fixed]), d: d, after: after,
                extra: extra)
        }
        if op == PMLNames.FileSystemOperation.directoryControl && sub == PMLNames.FileSystemOperation.queryDirectory {
            // The filter follows the path; Procmon shows it joined to the path.
            try need(d, after + 2, "QueryDirectory filter")
            let filterInfo = d.le16(after)
            after += 2
            filterText.reset()
            try string(d, filterInfo, at: after, into: filterText, what: "QueryDirectory filter")
            let io = UnsafeRawBufferPointer(rebasing: d[4..<4 + fixed])
            let classAt = pointerSize == 8 ? 0x1C : 0x14
            let infoClass = io.count >= classAt + 4 ? io.le32(classAt) : 0
            entries = queryDirectory(infoClass: infoClass, extra: extra)
        }
        return minor
    }

    /// CreateFile's Detail as Procmon prints it: `Desired Access: Generic Read, Disposition: Open, Options: …,
    /// Attributes: n/a, ShareMode: Read, Write, AllocationSize: n/a[, Impersonating: …][, OpenResult: Opened]`.
    /// The access mask and the impersonated SID's length follow the path; disposition, options, attributes,
    /// share mode and allocation sit in the parameter block; the open result is the extra details.
    private func createFileDetail(
        _ d: UnsafeRawBufferPointer, fixed: UnsafeRawBufferPointer, at: Int, extra: UnsafeRawBufferPointer?
    ) {
        let wide = pointerSize == 8
        let dispositionAt = wide ? 0x14 : 0x10
        let attributesAt = wide ? 0x1C : 0x14
        let allocationAt = attributesAt + 4 + 4 + 2 * pointerSize
        guard fixed.count >= allocationAt + 4 else { return }
        let dispositionAndOptions = fixed.le32(dispositionAt)
        let disposition = dispositionAndOptions >> 24
        let access = d.le32(at)
        let attributesAndShare = fixed.le32(attributesAt)
        // The named part repeats across a capture: spelled once per distinct (access, options, attributes).
        let key = UInt64(access) << 32 | UInt64(dispositionAndOptions) ^ UInt64(attributesAndShare) << 7
        if let known = createFileText[key], known.access == access, known.options == dispositionAndOptions,
            known.attributes == attributesAndShare
        {
            known.text.withUnsafeBytes { detail.append($0) }
        } else {
            var text = "Desired Access: " + PMLFlags.fileAccess(access) + ", Disposition: "
            text += Int(disposition) < PMLFlags.dispositions.count ? PMLFlags.dispositions[Int(disposition)] : ""
            text += ", Options: " + PMLFlags.names(dispositionAndOptions & 0xFF_FFFF, PMLFlags.createOptions, ", ")
            let attributes = attributesAndShare & 0xFFFF
            text +=
                ", Attributes: " + (attributes == 0 ? "n/a" : PMLFlags.names(attributes, PMLFlags.attributeLetters, ""))
            let share = attributesAndShare >> 16
            text += ", ShareMode: " + (share == 0 ? "None" : PMLFlags.names(share, PMLFlags.shareModes, ", "))
            let bytes = Array(text.utf8)
            if createFileText.count < 4096 {
                createFileText[key] = (access, dispositionAndOptions, attributesAndShare, bytes)
            }
            bytes.withUnsafeBytes { detail.append($0) }
        }
        detail.append(", AllocationSize: ")
        if [0, 2, 3, 5].contains(disposition) {
            detail.append(unsigned: UInt64(fixed.le32(allocationAt)), grouped: true)
        } else {
            detail.append("n/a")
        }
        let sidLength = Int(d[at + 4])
        if sidLength > 0, at + 8 + sidLength <= d.count {
            detail.append(", Impersonating: ")
            detail.append(PMLFlags.account(UnsafeRawBufferPointer(rebasing: d[(at + 8)..<(at + 8 + sidLength)])))
        }
        // Procmon prints nothing for a value it has no name for.
        if let extra, extra.count >= 4 {
            let result = extra.le32(0)
            detail.append(", OpenResult: ")
            detail.append(Int(result) < PMLFlags.openResults.count ? PMLFlags.openResults[Int(result)] : "")
        }
    }

    /// Counts the entries of a QueryDirectory result and writes Procmon's Detail for it:
    /// `FileInformationClass: X, Filter: F, 2: a, 3: b` (numbering after the labels).
    private func queryDirectory(infoClass: UInt32, extra: UnsafeRawBufferPointer?) -> DirectoryEntries {
        var result = DirectoryEntries()
        let hasFilter = filterText.count > 0
        if hasFilter {
            if path.count > 0 && path.bytes[path.count - 1] != 0x5C { path.append(UInt8(ascii: "\\")) }
            path.append(filterText.bytes)
            result.filter = filterText.bytes
        }
        detail.append("FileInformationClass: ")
        detail.append(PMLNames.fileInformationClass[infoClass] ?? String(infoClass))
        if hasFilter {
            detail.append(", Filter: ")
            detail.append(filterText.bytes)
        }
        guard let blob = extra, let layout = Self.entryLayout(infoClass) else { return result }
        var slot = hasFilter ? 2 : 1
        var at = 0
        var guardCount = blob.count / 8 + 1
        while at + layout.nameAt <= blob.count && guardCount > 0 {
            guardCount -= 1
            let next = Int(blob.le32(at))
            let nameLength = Int(blob.le32(at + layout.lengthAt))
            let nameStart = at + layout.nameAt
            guard nameStart + nameLength <= blob.count else { break }
            let name = UnsafeRawBufferPointer(rebasing: blob[nameStart..<nameStart + nameLength])
            let isDot = nameLength == 2 && name[0] == 0x2E && name[1] == 0
            let isDotDot = nameLength == 4 && name[0] == 0x2E && name[1] == 0 && name[2] == 0x2E && name[3] == 0
            if !isDot && !isDotDot {
                if let attributesAt = layout.attributesAt {
                    if blob.le32(at + attributesAt) & 0x10 != 0 { result.folders += 1 } else { result.files += 1 }
                } else {
                    result.unknown += 1
                }
            }
            detail.append(", ")
            detail.append(unsigned: UInt64(slot), grouped: false)
            detail.append(": ")
            detail.append(stored: name, ascii: false)
            slot += 1
            if next == 0 { break }
            at += next
        }
        return result
    }

    /// Where the name length, name and attributes sit in each FILE_*_INFORMATION entry Procmon records.
    private static func entryLayout(_ infoClass: UInt32) -> (lengthAt: Int, nameAt: Int, attributesAt: Int?)? {
        switch infoClass {
        case 1: (60, 64, 56)  // FileDirectoryInformation
        case 2: (60, 68, 56)  // FileFullDirectoryInformation
        case 3: (60, 94, 56)  // FileBothDirectoryInformation
        case 12: (8, 12, nil)  // FileNamesInformation
        case 37: (60, 104, 56)  // FileIdBothDirectoryInformation
        case 38: (60, 80, 56)  // FileIdFullDirectoryInformation
        case 50: (60, 92, 56)  // FileIdGlobalTxDirectoryInformation
        case 60: (60, 88, 56)  // FileIdExtdDirectoryInformation
        case 63: (60, 114, 56)  // FileIdExtdBothDirectoryInformation
        default: nil
        }
    }

    // MARK: registry

    private func registry(op: UInt16, _ d: UnsafeRawBufferPointer, extra: UnsafeRawBufferPointer?) throws(Malformed) {
        try need(d, 2, "registry details")
        let info = d.le16(0)
        let fields: Int
        switch op {
        case 12, 14: fields = 2  // RegLoadKey, RegRenameKey: the new path's info
        case 0, 1: fields = 6  // RegOpenKey, RegCreateKey: desired access
        case 3, 5: fields = 10  // RegQueryKey, RegQueryValue: length, information class
        case 6, 7, 8, 4: fields = 14  // enumerations, RegSetInfoKey, RegSetValue
        default: fields = 0
        }
        try need(d, 2 + fields, "registry details")
        let after = try string(d, info, at: 2 + fields, into: path, what: "registry path")
        if op == 4 {
            registryValue(d, type: d.le32(4), length: d.le32(8), dataLength: UInt32(d.le16(12)), at: after)
        } else if op == 12 || op == 14 {
            // The hive file RegLoadKey loaded, the name RegRenameKey gave: the second string, after the path.
            detail.append(op == 12 ? "Hive Path: " : "New Name: ")
            try string(d, d.le16(2), at: after, into: detail, what: op == 12 ? "hive path" : "new name")
        } else {
            registryDetail(op: op, d, extra: extra)
        }
    }

    /// RegSetValue's Detail: `Type: REG_SZ, Length: 12, Data: hehda`; the data follows the path.
    private func registryValue(_ d: UnsafeRawBufferPointer, type: UInt32, length: UInt32, dataLength: UInt32, at: Int) {
        let n = max(0, min(Int(dataLength), d.count - at))
        registryData(
            type: type, length: length,
            data: UnsafeRawBufferPointer(rebasing: d[min(at, d.count)..<(min(at, d.count) + n)]))
    }

    // MARK: process

    private func process(op: UInt16, _ d: UnsafeRawBufferPointer, tid: UInt32) throws(Malformed) {
        switch op {
        case 0, 1:  // Process Defined, Process Create
            try need(d, 0x34, "Process Create details")
            let pathInfo = d.le16(0x2E)
            let commandInfo = d.le16(0x30)
            let at = 0x34 + Int(d[0x2C]) + Int(d[0x2D])
            let after = try string(d, pathInfo, at: at, into: path, what: "image path")
            detail.append("PID: ")
            detail.append(unsigned: UInt64(d.le32(4)), grouped: false)
            detail.append(", Command line: ")
            try string(d, commandInfo, at: after, into: detail, what: "command line")
        case 2:  // Process Exit
            try need(d, 52, "Process Exit details")
            detail.append("Exit Status: ")
            detail.append(decimal: Int64(Int32(bitPattern: d.le32(0))))
            detail.append(", User Time: ")
            detail.append(duration: d.le64(12))
            detail.append(" seconds, Kernel Time: ")
            detail.append(duration: d.le64(4))
            detail.append(" seconds, Private Bytes: ")
            detail.append(unsigned: d.le64(36), grouped: true)
            detail.append(", Peak Private Bytes: ")
            detail.append(unsigned: d.le64(44), grouped: true)
            detail.append(", Working Set: ")
            detail.append(unsigned: d.le64(20), grouped: true)
            detail.append(", Peak Working Set: ")
            detail.append(unsigned: d.le64(28), grouped: true)
        case 3:  // Thread Create
            try need(d, 4, "Thread Create details")
            detail.append("Thread ID: ")
            detail.append(unsigned: UInt64(d.le32(0)), grouped: false)
        case 4:  // Thread Exit
            try need(d, 20, "Thread Exit details")
            detail.append("Thread ID: ")
            detail.append(unsigned: UInt64(tid), grouped: false)
            detail.append(", User Time: ")
            detail.append(duration: d.le64(12))
            detail.append(", Kernel Time: ")
            detail.append(duration: d.le64(4))
        case 5:  // Load Image
            let p = pointerSize
            try need(d, p + 8, "Load Image details")
            let base = p == 8 ? d.le64(0) : UInt64(d.le32(0))
            let size = d.le32(p)
            try string(d, d.le16(p + 4), at: p + 8, into: path, what: "image path")
            detail.append("Image Base: ")
            detail.append(hex: base)
            detail.append(", Image Size: ")
            detail.append(hex: UInt64(size))
        case 7:  // Process Start
            try need(d, 4, "Process Start details")
            detail.append("Parent PID: ")
            detail.append(unsigned: UInt64(d.le32(0)), grouped: false)
            // Version 7 (XP-era Procmon) records only the parent PID.
            guard d.count >= 12 else { return }
            detail.append(", Command line: ")
            let after = try string(d, d.le16(4), at: 12, into: detail, what: "command line")
            detail.append(", Current directory: ")
            let environmentAt = try string(d, d.le16(6), at: after, into: detail, what: "current directory")
            // The environment block: NUL-separated UTF-16 strings, shown each after CR ";" TAB, as Procmon exports them.
            detail.append(", Environment: ")
            let end = min(d.count, environmentAt + Int(d.le32(8)) * 2)
            var start = environmentAt
            var i = environmentAt
            while i + 1 < end {
                if d[i] == 0 && d[i + 1] == 0 {
                    if i > start {
                        detail.append("\r;\t")
                        detail.append(stored: UnsafeRawBufferPointer(rebasing: d[start..<i]), ascii: false)
                    }
                    start = i + 2
                }
                i += 2
            }
        default:
            break
        }
    }

    // MARK: profiling

    /// Process Profiling: user and kernel time, working set and private bytes (8 bytes each), printed
    /// `User Time: 0.0156001 seconds, Kernel Time: …, Private Bytes: 1,234, Working Set: 5,678`. Thread
    /// Profiling: user and kernel time and context switches (4 bytes each), its path `Thread TID`.
    private func profiling(op: UInt16, _ d: UnsafeRawBufferPointer, tid: UInt32) {
        switch op {
        case 1 where d.count >= 32:
            detail.append("User Time: ")
            detail.append(duration: d.le64(0))
            detail.append(" seconds, Kernel Time: ")
            detail.append(duration: d.le64(8))
            detail.append(" seconds, Private Bytes: ")
            detail.append(unsigned: d.le64(24), grouped: true)
            detail.append(", Working Set: ")
            detail.append(unsigned: d.le64(16), grouped: true)
        case 0 where d.count >= 12:
            path.append("Thread ")
            path.append(unsigned: UInt64(tid), grouped: false)
            detail.append("User Time: ")
            detail.append(duration: UInt64(d.le32(0)))
            detail.append(", Kernel Time: ")
            detail.append(duration: UInt64(d.le32(4)))
            detail.append(", Context Switches: ")
            detail.append(unsigned: UInt64(d.le32(8)), grouped: true)
        default:
            break
        }
    }

    // MARK: network

    /// Fills path (`host:port -> host:port`) and Detail (`Length: N`); returns 1 for TCP, 0 for UDP.
    private func network(_ d: UnsafeRawBufferPointer) throws(Malformed) -> UInt32 {
        try need(d, 44, "network details")
        let flags = d.le16(0)
        let tcp = flags & 4 != 0
        let source = network.host(UnsafeRawBufferPointer(rebasing: d[8..<24]), ipv4: flags & 1 != 0)
        let destination = network.host(UnsafeRawBufferPointer(rebasing: d[24..<40]), ipv4: flags & 2 != 0)
        path.append(source)
        path.append(":")
        path.append(network.port(d.le16(40), tcp: tcp))
        path.append(" -> ")
        path.append(destination)
        path.append(":")
        path.append(network.port(d.le16(42), tcp: tcp))
        detail.append("Length: ")
        detail.append(unsigned: UInt64(d.le32(4)), grouped: false)
        // Newer Procmon records more after the ports: NUL-separated UTF-16 names and values (`seqnum`, `connid`,
        // and for TCP connects and sends `mss`, `sackopt`, `rcvwin`, `startime`, `endtime`), printed in order.
        var at = 44
        var isName = true
        var pairs = 0
        while at + 1 < d.count, pairs < 64 {
            var end = at
            while end + 1 < d.count && (d[end] != 0 || d[end + 1] != 0) { end += 2 }
            if end == at { break }  // an empty string ends the list
            detail.append(isName ? ", " : ": ")
            detail.append(stored: UnsafeRawBufferPointer(rebasing: d[at..<end]), ascii: false)
            if !isName { pairs += 1 }
            isName.toggle()
            at = end + 2
        }
        return tcp ? 1 : 0
    }
}
