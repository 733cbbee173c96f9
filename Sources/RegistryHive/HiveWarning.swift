/// Damage the reader stepped around: the cell or file offset where it is, and what was wrong.
public struct HiveWarning: Sendable, Equatable, CustomStringConvertible {
    /// Byte offset in the hive file (base block included), when one is known.
    public var fileOffset: UInt64?
    public var reason: String

    public init(fileOffset: UInt64?, _ reason: String) {
        self.fileOffset = fileOffset
        self.reason = reason
    }

    public var description: String { fileOffset.map { "byte offset \($0): \(reason)" } ?? reason }
}

/// Warnings kept in order, each text once, at most `limit` of them (a hostile hive can damage every cell);
/// the rest are counted.
public struct HiveWarnings: Sendable {
    public static let limit = 200
    public private(set) var kept: [HiveWarning] = []
    public private(set) var suppressed = 0
    private var seen: Set<String> = []

    public init() {}

    mutating func add(_ w: HiveWarning) {
        let key = w.description
        guard !seen.contains(key) else { return }
        guard kept.count < Self.limit else {
            suppressed += 1
            return
        }
        seen.insert(key)
        kept.append(w)
    }

    /// Every warning as one line, with a last line counting those left out.
    public var lines: [String] {
        kept.map(\.description) + (suppressed > 0 ? ["\(suppressed) more warnings not shown"] : [])
    }
}
