import WriterScope

/// What the case comes to: the primary cause, how sure, the chain of evidence and the fix.
public struct CaseVerdict: Sendable, Encodable, Equatable {
    public enum Kind: String, Sendable, Encodable, CaseIterable {
        case folderLimit = "folder-limit"
        case permissions
        case serviceAccess = "service-access"
        case serviceNotRunning = "service-not-running"
        /// VSS refuses the writer's account (VssAccessControl, VSS 8213).
        case vssAccessControl = "vss-access-control"
        /// Windows says setup is in progress: the writer does not start.
        case setupInProgress = "setup-in-progress"
        /// The writer failed to start or in OnIdentify, and the evidence says no more of where.
        case writerFailed = "writer-failed"
        /// A driver's ImagePath fails system state backup (KB968247): the writer is there.
        case imagePath = "image-path"
        case incomplete
        case clean
        case unknown
    }

    public typealias Confidence = WriterScope.Confidence

    public var kind: Kind
    public var summary: String
    public var confidence: Confidence
    public var chain: [EvidenceLink]
    public var fix: [String]
}

/// Which audit a piece of evidence comes from.
public enum EvidenceSource: String, Sendable, Encodable {
    case eventlog, trace, volume, acl, services
    /// `vssadmin list writers`: whether the writer is listed, its state and last error (the symptom).
    case vssadmin
    /// The SOFTWARE hive: the Windows version, and whether the writer model holds for it.
    case software

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
    /// The verdict kind this finding points to, when it is a cause (its impact `missing-writer` or `backup-fails`).
    public var cause: CaseVerdict.Kind?
    public var impact: Impact
    /// Why it has that impact (for benign findings: why it is safe to ignore, and the source).
    public var why: String?

    public init(
        source: EvidenceSource, kind: String, file: String, where: String, summary: String, cause: CaseVerdict.Kind?,
        impact: Impact, why: String? = nil
    ) {
        self.source = source
        self.kind = kind
        self.file = file
        self.where = `where`
        self.summary = summary
        self.cause = impact.isCause ? cause : nil
        self.impact = impact
        self.why = why
    }

    enum CodingKeys: String, CodingKey { case source, kind, impact, file, `where`, summary, cause, why }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encode(kind, forKey: .kind)
        try c.encode(impact, forKey: .impact)
        try c.encode(file, forKey: .file)
        try c.encode(`where`, forKey: .where)
        try c.encode(summary, forKey: .summary)
        try c.encode(cause, forKey: .cause)
        try c.encode(why, forKey: .why)
    }
}
