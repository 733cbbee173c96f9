/// How much a finding matters to the System Writer (WRITER-MODEL.md §0).
///
/// Only the first two are causes: they set exit 1 and make a case's verdict. `benign` and `info` never do.
public enum Impact: String, Sendable, Codable, CaseIterable, Comparable {
    /// Explains a System Writer that is absent from `vssadmin list writers` or fails IDENTIFY.
    case missingWriter = "missing-writer"
    /// The writer is there, but system state backup still fails (KB968247's bad ImagePath).
    case backupFails = "backup-fails"
    /// Logged or unusual, and nothing the backup needs changed: known noise, with why and the source.
    case benign
    /// Context: sizes, a comparison with stock Windows, settings as found.
    case info

    public var isCause: Bool { self == .missingWriter || self == .backupFails }

    private var rank: Int {
        switch self {
        case .missingWriter: 0
        case .backupFails: 1
        case .benign: 2
        case .info: 3
        }
    }

    /// Causes first.
    public static func < (a: Impact, b: Impact) -> Bool { a.rank < b.rank }
}

/// How sure a judgement is: `confirmed` (the writer's code or Microsoft says so and the state shows it),
/// `likely` (the field's experience or two sources), `possible` (an inference, one source).
public enum Confidence: String, Sendable, Codable, CaseIterable, Comparable {
    case possible, likely, confirmed

    private var rank: Int { self == .possible ? 0 : self == .likely ? 1 : 2 }
    public static func < (a: Confidence, b: Confidence) -> Bool { a.rank < b.rank }
}

/// A judgement of the model: the impact, how sure, why (in words a support engineer reads) and the source
/// it rests on (a KB article, the writer's code, the field).
public struct Judgement: Sendable, Codable, Equatable {
    public var impact: Impact
    public var confidence: Confidence
    public var why: String
    public var source: String

    public init(_ impact: Impact, _ confidence: Confidence, why: String, source: String) {
        self.impact = impact
        self.confidence = confidence
        self.why = why
        self.source = source
    }
}
