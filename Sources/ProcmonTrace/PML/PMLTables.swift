import BinaryFormat

/// The string table: u32 count, u32 offsets (from the table start), then each string as u32 byte length and
/// UTF-16LE text. Strings are looked up one at a time (only processes and modules name them), so memory does
/// not grow with the table.
struct PMLStringTable {
    let file: PMLFile
    let offset: UInt64
    let count: UInt32
    /// Longest string accepted, in bytes: a larger length is corruption, not a name.
    static let maxStringBytes: UInt32 = 1 << 20

    init(file: PMLFile, offset: UInt64) throws {
        self.file = file
        self.offset = offset
        count = try file.bytes(4, at: offset, what: "the string table count").le32(0)
        guard UInt64(count) * 4 <= file.remaining(after: offset + 4) else {
            throw file.error(
                at: offset, "the string table claims \(count) strings, more than the rest of the file can hold")
        }
    }

    func string(_ index: UInt32) throws -> String {
        guard index < count else {
            throw file.error(at: offset, "string index \(index) is outside the string table of \(count) strings")
        }
        let relative = try file.bytes(4, at: offset + 4 + UInt64(index) * 4, what: "string \(index)'s offset").le32(0)
        let at = offset + UInt64(relative)
        let length = try file.bytes(4, at: at, what: "string \(index)'s length").le32(0)
        guard length <= Self.maxStringBytes else {
            throw file.error(at: at, "string \(index) claims \(length) bytes (at most \(Self.maxStringBytes) expected)")
        }
        let raw = try file.bytes(Int(length), at: at + 4, what: "string \(index)")
        return UTF16LE.string(raw).trimmingNul()
    }
}

/// One process of the process table; events name it by index, so PID reuse is exact.
struct PMLProcess {
    var index: UInt32
    var pid: Int
    var parentPID: Int
    var session: UInt32
    var authenticationID: UInt64
    var virtualized: Bool
    var is64Bit: Bool
    var name: [UInt8]
    var imagePath: String
    var commandLine: String
    var user: String
    var integrity: String
    var company: String
    var version: String
    var description: String
}

/// The process table: u32 count, u32 process indices[count], u32 offsets[count] (from the table start), then
/// each process: u32 index, PID, parent PID, 4 unknown, u64 authentication id, u32 session, 4 unknown, FILETIME
/// start and end, u32 virtualized, u32 is-64-bit, then string indices of integrity, user, process name, image
/// path, command line, company, version and description (then icons and modules, not needed here).
struct PMLProcessTable {
    private(set) var processes: [PMLProcess] = []
    /// Process index → position in `processes` (+1; 0 = none), when indices are dense enough for an array.
    private var slots: [Int32] = []
    private var sparse: [UInt32: Int] = [:]
    static let maxProcesses: UInt32 = 1 << 20
    static let recordBytes = 88

    init(file: PMLFile, offset: UInt64, strings: PMLStringTable) throws {
        let count = try file.bytes(4, at: offset, what: "the process table count").le32(0)
        guard count <= Self.maxProcesses, UInt64(count) * 8 <= file.remaining(after: offset + 4) else {
            throw file.error(at: offset, "the process table claims \(count) processes, more than the file can hold")
        }
        let offsets = try file.bytes(Int(count) * 4, at: offset + 4 + UInt64(count) * 4, what: "process offsets")
        var cache: [UInt32: String] = [:]
        func text(_ i: UInt32) throws -> String {
            if let s = cache[i] { return s }
            let s = try strings.string(i)
            cache[i] = s
            return s
        }
        var maxIndex: UInt32 = 0
        for k in 0..<Int(count) {
            let at = offset + UInt64(offsets.le32(k * 4))
            let r = try file.bytes(Self.recordBytes, at: at, what: "process \(k)")
            let p = PMLProcess(
                index: r.le32(0), pid: Int(r.le32(4)), parentPID: Int(r.le32(8)), session: r.le32(24),
                authenticationID: r.le64(16), virtualized: r.le32(48) != 0, is64Bit: r.le32(52) != 0,
                name: Array(try text(r.le32(64)).utf8),
                imagePath: try text(r.le32(68)), commandLine: try text(r.le32(72)), user: try text(r.le32(60)),
                integrity: try text(r.le32(56)), company: try text(r.le32(76)), version: try text(r.le32(80)),
                description: try text(r.le32(84)))
            maxIndex = max(maxIndex, p.index)
            processes.append(p)
        }
        if UInt64(maxIndex) < UInt64(count) * 4 + 65536 {
            slots = [Int32](repeating: 0, count: Int(maxIndex) + 1)
            for (i, p) in processes.enumerated() { slots[Int(p.index)] = Int32(i + 1) }
        } else {
            for (i, p) in processes.enumerated() { sparse[p.index] = i }
        }
    }

    /// Position of the process with this index in `processes`, or nil.
    @inline(__always)
    func position(of index: UInt32) -> Int? {
        if !slots.isEmpty {
            guard Int(index) < slots.count else { return nil }
            let s = slots[Int(index)]
            return s == 0 ? nil : Int(s) - 1
        }
        return sparse[index]
    }
}

/// The hosts and ports tables at the end of the log: names Procmon resolved while capturing, used to print
/// network paths (`host:port -> host:port`). Layout: u32 count, then 16-byte address, u32 byte length and
/// UTF-16 name; then u32 count, then u16 port, u16 is-TCP, u32 byte length and UTF-16 name.
struct PMLNetworkNames {
    var hosts: [[UInt8]: String] = [:]
    var ports: [UInt32: String] = [:]
    /// A damaged table is skipped with this warning: addresses then print as numbers.
    var warning: String? = nil
    static let maxBytes: UInt64 = 64 << 20

    init() {}

    init(file: PMLFile, offset: UInt64) {
        guard offset >= UInt64(PMLHeader.size), offset < file.size else { return }
        let length = min(file.size - offset, Self.maxBytes)
        do {
            let t = try file.bytes(Int(length), at: offset, what: "the hosts and ports tables")
            var i = 0
            func need(_ n: Int) throws {
                guard n >= 0, i + n <= t.count else {
                    throw file.error(at: offset + UInt64(i), "the hosts and ports tables run past the end of the file")
                }
            }
            try need(4)
            let hostCount = Int(t.le32(i))
            i += 4
            for _ in 0..<hostCount {
                try need(20)
                let address = Array(t[i..<i + 16])
                let n = Int(t.le32(i + 16))
                i += 20
                try need(n)
                hosts[address] = UTF16LE.string(t[i..<i + n]).trimmingNul()
                i += n
            }
            try need(4)
            let portCount = Int(t.le32(i))
            i += 4
            for _ in 0..<portCount {
                try need(8)
                let port = UInt32(t.le16(i)) | (t.le16(i + 2) != 0 ? 1 << 16 : 0)
                let n = Int(t.le32(i + 4))
                i += 8
                try need(n)
                ports[port] = UTF16LE.string(t[i..<i + n]).trimmingNul()
                i += n
            }
        } catch {
            warning = "\(error); network paths show numeric addresses"
        }
    }

    func host(_ address: UnsafeRawBufferPointer, ipv4: Bool) -> String {
        if let name = hosts[Array(address)], !name.isEmpty { return name }
        if ipv4 { return "\(address[0]).\(address[1]).\(address[2]).\(address[3])" }
        var groups: [String] = []
        for g in 0..<8 { groups.append(String(address.be16(g * 2), radix: 16)) }
        return groups.joined(separator: ":")
    }

    func port(_ value: UInt16, tcp: Bool) -> String {
        ports[UInt32(value) | (tcp ? 1 << 16 : 0)] ?? String(value)
    }
}

extension String {
    /// The text before the first NUL, as Procmon shows stored strings.
    func trimmingNul() -> String {
        guard let nul = firstIndex(of: "\0") else { return self }
        return String(self[..<nul])
    }
}
