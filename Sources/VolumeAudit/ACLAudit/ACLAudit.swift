import WindowsSecurity
import WriterScope

/// A file or folder the System Writer's account (or another principal checked) cannot read.
public struct ACLFinding: Codable, Sendable, Equatable {
    public var path: String
    public var principal: String
    public var sid: String
    /// The rights it lacks (FILE_* names).
    public var missing: [String]
    /// The ACE that denied them, in SDDL, or nil when no ACE grants them.
    public var ace: String?
    public var reason: String
    /// What the denial does to the writer, by where the entry is (WriterScope's WriterAccess): a folder under
    /// Microsoft.NET it cannot list, or WinSxS\\FileMaps and Temp\\PendingRenames, are `missing-writer`.
    public var impact: Impact
    public var why: String
}

/// An entry whose descriptor could not be read or parsed, with the position.
public struct ACLError: Codable, Sendable, Equatable {
    public var path: String
    public var error: String
}

public struct ACLReport: Codable, Sendable {
    /// What was read: the mount root, or the export file and its form.
    public var source: String
    public var principals: [String]
    public var entries: Int
    public var findings: [ACLFinding]
    public var errors: [ACLError]

    /// The findings that stop the writer.
    public var causes: [ACLFinding] { findings.filter { $0.impact.isCause } }

    /// 1 when a denial stops the writer, else 0 (denials elsewhere are context).
    public var exitCode: Int32 { (causes.isEmpty ? ExitStatus.nothingFound : .causeFound).rawValue }
}

/// Judges each entry's descriptor for each token. Knows nothing of where descriptors come from.
public struct ACLAudit {
    public let tokens: [Token]
    public let aliases: SIDAliases
    public private(set) var entries = 0
    public private(set) var findings: [ACLFinding] = []
    public private(set) var errors: [ACLError] = []

    public init(tokens: [Token] = [.networkServiceCryptSvc], aliases: SIDAliases = SIDAliases()) {
        self.tokens = tokens
        self.aliases = aliases
    }

    /// `folder` nil when the source cannot tell (exports): an entry with inheritable ACEs is taken for a
    /// folder (files cannot carry OI/CI ACEs), anything else is judged as a file, the stricter need.
    public mutating func entry(path: String, folder: Bool?, descriptor: SecurityDescriptor) {
        entries += 1
        let isFolder = folder ?? (descriptor.dacl?.aces.contains { $0.flags & 0x03 != 0 } ?? false)
        for token in tokens {
            let v = AccessCheck.judge(descriptor, token: token, folder: isFolder, aliases: aliases)
            guard !v.allowed else { continue }
            findings.append(finding(path: path, folder: isFolder, token: token, verdict: v))
        }
    }

    /// Judges an entry whose descriptor many entries share (an NTFS security id): the verdicts are worked
    /// out once per `key` and kind, and the path is built only when there is something to report.
    public mutating func entry(
        path: () -> String, folder: Bool?, descriptor: SecurityDescriptor, key: Int
    ) {
        entries += 1
        let isFolder = folder ?? (descriptor.dacl?.aces.contains { $0.flags & 0x03 != 0 } ?? false)
        let cacheKey = key &* 2 &+ (isFolder ? 1 : 0)
        let verdicts: [AccessCheck.Verdict]
        if let known = verdictCache[cacheKey] {
            verdicts = known
        } else {
            verdicts = tokens.map { AccessCheck.judge(descriptor, token: $0, folder: isFolder, aliases: aliases) }
            verdictCache[cacheKey] = verdicts
        }
        guard verdicts.contains(where: { !$0.allowed }) else { return }
        let shown = path()
        for (token, v) in zip(tokens, verdicts) where !v.allowed {
            findings.append(finding(path: shown, folder: isFolder, token: token, verdict: v))
        }
    }

    private func finding(path: String, folder: Bool, token: Token, verdict v: AccessCheck.Verdict) -> ACLFinding {
        // A path relative to the folder an export was saved in (icacls /save without --base) is taken as
        // relative to C:\Windows, where the writer's areas are and where the collectors save.
        let rooted = path.hasPrefix("\\") || path.dropFirst().first == ":"
        let judgement = WriterAccess.judgeDenied(windowsPath: rooted ? path : "C:\\Windows\\" + path, folder: folder)
        return ACLFinding(
            path: path, principal: token.name, sid: token.user.description,
            missing: AccessMask.fileRightNames(v.missing),
            ace: v.denyingACE, reason: Self.reason(v, token: token), impact: judgement.impact, why: judgement.why)
    }

    private var verdictCache: [Int: [AccessCheck.Verdict]] = [:]

    /// The finding's `reason`, in words: which rights the token lacks and why.
    static func reason(_ v: AccessCheck.Verdict, token: Token) -> String {
        let names = AccessMask.fileRightNames(v.missing).joined(separator: ", ")
        switch v.denial {
        case .deniedByACE(let index, let sddl):
            return "\(token.name) lacks \(names): denied by ACE #\(index + 1) \(sddl)"
        case .emptyDACL: return "\(token.name) lacks \(names): the DACL is empty, so no ACE grants anything"
        case .noGrantingACE: return "\(token.name) lacks \(names): no ACE grants it"
        case nil: return ""
        }
    }

    public mutating func error(path: String, _ message: String) {
        entries += 1
        errors.append(ACLError(path: path, error: message))
    }

    public func report(source: String) -> ACLReport {
        ACLReport(
            source: source, principals: tokens.map { "\($0.name) (\($0.user))" }, entries: entries,
            findings: findings, errors: errors)
    }
}
extension ACLAudit: ACLEntrySink {}
