import BinaryFormat

/// Where the columns the analysis reads sit in an export's header; Procmon writes them in the user's order.
struct ProcmonColumns {
    /// The columns every event export has, and the analysis cannot do without.
    static let required = ["Process Name", "PID", "Operation", "Path", "Result"]
    /// Read when present.
    static let optional = ["Detail", "Time of Day", "TID", "Sequence"]

    /// Slot order of the kept columns: required first, then optional.
    static var all: [String] { required + optional }

    /// Column index in the file for each slot of `all`, or -1 when the export lacks it.
    let indexOfSlot: [Int]
    /// Number of columns in the header.
    let headerCount: Int

    init(header: [String], file: String) throws {
        func key(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces).lowercased() }
        var position: [String: Int] = [:]
        for (i, name) in header.enumerated() where position[key(name)] == nil { position[key(name)] = i }
        let missing = Self.required.filter { position[key($0)] == nil }
        guard missing.isEmpty else {
            let shown = header.prefix(12).map { "\"\(QuotedText.escape($0, limit: 40))\"" }
            let more = header.count > 12 ? ", … (\(header.count) columns)" : ""
            throw TraceError(
                .notAnExport, file: file, at: .header,
                "not a Procmon event export: found columns \(shown.joined(separator: ","))\(more); an event export needs \(Self.required.joined(separator: ", ")) (missing: \(missing.joined(separator: ", ")))"
            )
        }
        indexOfSlot = Self.all.map { position[key($0)] ?? -1 }
        headerCount = header.count
    }

    enum Slot: Int {
        case processName = 0, pid, operation, path, result, detail, timeOfDay, tid, sequence
    }
}

extension String {
    fileprivate func trimmingCharacters(in _: Whitespace) -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\u{FEFF}" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }
    fileprivate enum Whitespace { case whitespaces }
}
