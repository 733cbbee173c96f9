/// What the case comes to: the primary cause, how sure, the chain of evidence and the fix.
public struct CaseVerdict: Sendable, Encodable, Equatable {
    public enum Kind: String, Sendable, Encodable, CaseIterable {
        case folderLimit = "folder-limit"
        case permissions
        case serviceAccess = "service-access"
        case serviceNotRunning = "service-not-running"
        case incomplete
        case clean
        case unknown
    }

    public enum Confidence: String, Sendable, Encodable, Comparable {
        case possible, likely, confirmed

        private var rank: Int { self == .possible ? 0 : self == .likely ? 1 : 2 }
        public static func < (a: Confidence, b: Confidence) -> Bool { a.rank < b.rank }
    }

    public var kind: Kind
    public var summary: String
    public var confidence: Confidence
    public var chain: [EvidenceLink]
    public var fix: [String]
}

/// Which audit a piece of evidence comes from.
public enum EvidenceSource: String, Sendable, Encodable {
    case eventlog, trace, volume, acl, services

    /// The event log says what failed and when; the trace where; the volume, the ACLs and the hive show
    /// the state that explains it.
    public var isState: Bool { self == .volume || self == .acl || self == .services }
}

/// One link of the chain: the audit, the file, where in it (record, row, path, key) and what it shows.
public struct EvidenceLink: Sendable, Encodable, Equatable {
    public enum Stance: String, Sendable, Encodable {
        /// Supports the verdict.
        case supports
        /// Speaks against it, or against another link (a capture from after a fix, say).
        case disagrees
    }

    public var source: EvidenceSource
    public var file: String
    public var `where`: String
    public var finding: String
    public var stance: Stance = .supports

    enum CodingKeys: String, CodingKey { case source, file, `where`, finding, stance }
}

/// Every finding of every audit in one shape, for the report's list under the verdict.
public struct CaseFinding: Sendable, Encodable, Equatable {
    public var source: EvidenceSource
    /// The audit's own kind (`metadata-too-long`, `folder-limit`, `service-access` ...).
    public var kind: String
    public var file: String
    public var `where`: String
    public var summary: String
    /// The verdict kind this finding points to, when it points to one.
    public var cause: CaseVerdict.Kind?

    enum CodingKeys: String, CodingKey { case source, kind, file, `where`, summary, cause }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encode(kind, forKey: .kind)
        try c.encode(file, forKey: .file)
        try c.encode(`where`, forKey: .where)
        try c.encode(summary, forKey: .summary)
        try c.encode(cause, forKey: .cause)
    }
}
