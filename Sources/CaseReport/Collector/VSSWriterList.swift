import BinaryFormat
import Foundation
import VolumeAudit

/// What `vssadmin list writers` printed: each writer VSS lists, its state and last error. A writer that is
/// not listed did not register (or failed to start), which is the symptom the case explains.
public struct VSSWriterList: Sendable, Encodable, Equatable {
    public struct Writer: Sendable, Encodable, Equatable {
        public var name: String
        public var id: String?
        /// The number in `State: [1] Stable`, and the words.
        public var stateNumber: Int?
        public var state: String
        public var lastError: String
        /// The line `Writer name:` is on (1-based).
        public var line: Int

        /// Stable (1) or waiting for completion (5), with no error.
        public var healthy: Bool {
            (stateNumber == 1 || stateNumber == 5) && lastError.lowercased() == "no error"
        }
    }

    public var file: String
    public var writers: [Writer]

    /// Reads the output (UTF-8 or UTF-16, as `>` or Out-File saved it). English output is read; a writer
    /// block is a `Writer name: '…'` line and the indented lines under it.
    public static func read(_ path: String) throws -> VSSWriterList {
        let lines = try TextFile.lines(path)
        var writers: [Writer] = []
        for (i, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("Writer name:") {
                let name = value(line).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
                writers.append(Writer(name: name, id: nil, stateNumber: nil, state: "", lastError: "", line: i + 1))
            } else if !writers.isEmpty {
                if line.hasPrefix("Writer Id:") { writers[writers.count - 1].id = value(line) }
                if line.hasPrefix("State:") {
                    let v = value(line)
                    if v.hasPrefix("["), let close = v.firstIndex(of: "]") {
                        writers[writers.count - 1].stateNumber = Int(v[v.index(after: v.startIndex)..<close])
                        writers[writers.count - 1].state = v[v.index(after: close)...].trimmingCharacters(
                            in: .whitespaces)
                    } else {
                        writers[writers.count - 1].state = v
                    }
                }
                if line.hasPrefix("Last error:") { writers[writers.count - 1].lastError = value(line) }
            }
        }
        guard !writers.isEmpty || lines.contains(where: { $0.contains("vssadmin") }) else {
            throw CaseError(
                .unreadable, file: path, at: .line(1), "not vssadmin list writers output (no Writer name: line)")
        }
        return VSSWriterList(file: path, writers: writers)
    }

    private static func value(_ line: String) -> String {
        guard let colon = line.firstIndex(of: ":") else { return "" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    public func writer(named name: String) -> Writer? {
        writers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }
}
