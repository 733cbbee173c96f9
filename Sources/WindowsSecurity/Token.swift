/// The SIDs an access token carries: who the access check is done for.
public struct Token: Sendable, Equatable {
    public var name: String
    public var user: SID
    public var groups: [SID]

    public init(name: String, user: SID, groups: [SID]) {
        self.name = name
        self.user = user
        self.groups = groups
    }

    public var sids: [SID] { [user] + groups }

    public func contains(_ sid: SID) -> Bool { sid == user || groups.contains(sid) }

    /// NETWORK SERVICE as the Cryptographic Services svchost runs it, i.e. the System Writer's account.
    /// Source: the token model of the project's ACL issue (#4), which lists the groups of
    /// `svchost.exe -k NetworkService -s CryptSvc`: Everyone, BUILTIN\Users, SERVICE, CONSOLE LOGON,
    /// Authenticated Users, This Organization, LOCAL, and the service SID NT SERVICE\CryptSvc, which is
    /// computed here from the service name (SID.service), as Windows derives it. Not yet checked against a
    /// live `whoami /groups` in that process: `--token-sids` replaces the model when one is at hand.
    public static let networkServiceCryptSvc = Token(
        name: "NETWORK SERVICE", user: .networkService,
        groups: [
            .everyone, .users, .service, .consoleLogon, .authenticatedUsers, .thisOrganization, .local,
            SID.service("CryptSvc"),
        ])

    /// LOCAL SYSTEM: the user S-1-5-18 with BUILTIN\Administrators, Everyone and Authenticated Users
    /// (source: the same issue's model of the SYSTEM token).
    public static let localSystem = Token(
        name: "SYSTEM", user: .localSystem, groups: [.administrators, .everyone, .authenticatedUsers])

    /// A token of one SID (with Everyone), for `--principal`.
    public static func principal(_ sid: SID) -> Token {
        Token(name: SIDAliases.name(of: sid), user: sid, groups: sid == .everyone ? [] : [.everyone])
    }
}

extension Token {
    /// The tokens an access check is done for, as a user names them: one token per principal (a SID or a
    /// two-letter SDDL alias: `NS`, `BU`), or one token of the SIDs listed (the user first), or, with
    /// neither, the System Writer's (`networkServiceCryptSvc`).
    public static func named(principals: [String], tokenSIDs: String?) throws(SecurityError) -> [Token] {
        let aliases = SIDAliases()
        func sid(_ text: String) throws(SecurityError) -> SID {
            let t = String(text.drop { $0 == " " })
            if let s = aliases.sid(forAlias: t), t.count == 2 { return s }
            guard let (s, used) = SID.parse(Substring(t)), used == t.utf8.count else {
                throw SecurityError(.badSID, at: nil, "not a SID or SDDL alias: \(text)")
            }
            return s
        }
        if !principals.isEmpty {
            var tokens: [Token] = []
            for p in principals { tokens.append(.principal(try sid(p))) }
            return tokens
        }
        if let tokenSIDs {
            var sids: [SID] = []
            for part in tokenSIDs.split(separator: ",") { sids.append(try sid(String(part))) }
            guard let user = sids.first else { throw SecurityError(.badSID, at: nil, "--token-sids: no SIDs") }
            return [Token(name: SIDAliases.name(of: user), user: user, groups: Array(sids.dropFirst()))]
        }
        return [.networkServiceCryptSvc]
    }
}
