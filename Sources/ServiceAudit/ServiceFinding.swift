import WindowsSecurity
import WriterScope

/// What is wrong with a service, for the System Writer.
public enum ServiceFindingKind: String, Sendable, Codable {
    /// The writer's token is not granted what it needs by the service's descriptor.
    case serviceAccess = "service-access"
    /// A service the writer depends on is disabled (or, for COM+ Event System, not automatic).
    case serviceDisabled = "service-disabled"
    /// A service the writer depends on is not installed.
    case serviceMissing = "service-missing"
    /// Cryptographic Services does not run as NETWORK SERVICE.
    case serviceAccount = "service-account"
    /// The service's binary is missing from the volume or the writer cannot read it.
    case imagePath = "image-path"
    /// A driver's ImagePath the writer turns into an invalid path (KB968247).
    case imagePathSyntax = "image-path-syntax"
    /// Cryptographic Services is not hosted by `svchost.exe -k NetworkService`.
    case serviceHost = "service-host"
    /// `VSS\\VssAccessControl` does not allow NETWORK SERVICE (VSS 8213), or holds an entry VSS ignores.
    case vssAccessControl = "vss-access-control"
    /// `Setup\\SystemSetupInProgress` is not 0: the writer does not start.
    case setupInProgress = "setup-in-progress"
    /// `Control\\SystemWriter` settings, as found.
    case writerSetting = "writer-setting"
}

/// A registry setting as the audit found it.
public enum FoundSetting: Sendable, Equatable {
    case absent
    case dword(UInt32)
    /// There, but not a REG_DWORD (ignored by whoever reads it).
    case notDWORD
}

/// One finding: which service, what is wrong, and the fix as a command line for the server.
public struct ServiceFinding: Sendable, Equatable, Encodable {
    public var kind: ServiceFindingKind
    /// What it does to the writer (WriterScope): a per-service descriptor is `benign`, EventSystem's is not.
    public var impact: Impact = .missingWriter
    public var confidence: Confidence = .confirmed
    /// What the judgement rests on (a KB article, the model).
    public var basis: String = ""
    public var service: String
    public var displayName: String?
    /// Who is judged (the System Writer's account), for access findings.
    public var principal: String?
    /// Rights the principal lacks, Windows' names (SERVICE_QUERY_CONFIG, FILE_READ_DATA ...).
    public var missing: [String]
    public var sddl: String?
    public var fixedSddl: String?
    /// The command that fixes it (`sc.exe sdset ...`, `sc.exe config ...`), or what to do.
    public var fix: String
    /// What was seen, in words.
    public var detail: String
    /// For the fix scripts: the start type the audit saw (nil when not a start-type finding).
    public var sawStart: StartType?
    public var wantStart: StartType?
    /// For an access finding: why the check refused, as a value (`detail` is its rendering).
    public var denial: AccessCheck.Denial? = nil
    /// For a setting finding: the value as found (`detail` is its rendering).
    public var found: FoundSetting? = nil

    enum CodingKeys: String, CodingKey {
        case kind, impact, confidence, basis, service, displayName, principal, missing, sddl, fixedSddl, fix, detail
    }

    /// Every key is written, null when there is no value, so readers see one shape.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(impact, forKey: .impact)
        try c.encode(confidence, forKey: .confidence)
        try c.encode(basis, forKey: .basis)
        try c.encode(service, forKey: .service)
        try c.encode(displayName, forKey: .displayName)
        try c.encode(principal, forKey: .principal)
        try c.encode(missing, forKey: .missing)
        try c.encode(sddl, forKey: .sddl)
        try c.encode(fixedSddl, forKey: .fixedSddl)
        try c.encode(fix, forKey: .fix)
        try c.encode(detail, forKey: .detail)
    }
}
