/// The two-letter SID strings of SDDL (MS-DTYP 2.4.2.4): well-known SIDs, and RIDs relative to a domain.
public struct SIDAliases: Sendable {
    /// The domain that `DA`, `DU`, `LA` … stand for (and root-domain aliases `EA`, `SA`, `CA`, `RO`, `EK`).
    public var domain: SID?

    public init(domain: SID? = nil) { self.domain = domain }

    static let wellKnown: [(String, SID)] = [
        ("AA", SID(authority: 5, [32, 579])), ("AC", SID(authority: 15, [2, 1])), ("AN", SID(authority: 5, [7])),
        ("AO", SID(authority: 5, [32, 548])), ("AS", SID(authority: 18, [1])), ("AU", SID(authority: 5, [11])),
        ("BA", SID(authority: 5, [32, 544])), ("BG", SID(authority: 5, [32, 546])),
        ("BO", SID(authority: 5, [32, 551])),
        ("BU", SID(authority: 5, [32, 545])), ("CD", SID(authority: 5, [32, 574])), ("CG", SID(authority: 3, [1])),
        ("CO", SID(authority: 3, [0])), ("CY", SID(authority: 5, [32, 569])), ("ED", SID(authority: 5, [9])),
        ("ER", SID(authority: 5, [32, 573])), ("ES", SID(authority: 5, [32, 576])),
        ("HA", SID(authority: 5, [32, 578])),
        ("HI", SID(authority: 16, [12288])), ("IS", SID(authority: 5, [32, 568])), ("IU", SID(authority: 5, [4])),
        ("LS", SID(authority: 5, [19])), ("LU", SID(authority: 5, [32, 559])), ("LW", SID(authority: 16, [4096])),
        ("ME", SID(authority: 16, [8192])), ("MP", SID(authority: 16, [8448])), ("MS", SID(authority: 5, [32, 577])),
        ("MU", SID(authority: 5, [32, 558])), ("NO", SID(authority: 5, [32, 556])), ("NS", SID(authority: 5, [20])),
        ("NU", SID(authority: 5, [2])), ("OW", SID(authority: 3, [4])), ("PO", SID(authority: 5, [32, 550])),
        ("PS", SID(authority: 5, [10])), ("PU", SID(authority: 5, [32, 547])), ("RA", SID(authority: 5, [32, 575])),
        ("RC", SID(authority: 5, [12])), ("RD", SID(authority: 5, [32, 555])), ("RE", SID(authority: 5, [32, 552])),
        ("RM", SID(authority: 5, [32, 580])), ("RU", SID(authority: 5, [32, 554])), ("SI", SID(authority: 16, [16384])),
        ("SO", SID(authority: 5, [32, 549])), ("SS", SID(authority: 18, [2])), ("SU", SID(authority: 5, [6])),
        ("SY", SID(authority: 5, [18])), ("UD", SID(authority: 5, [84, 0, 0, 0, 0, 0])), ("WD", SID(authority: 1, [0])),
        ("WR", SID(authority: 5, [33])),
    ]

    static let domainRelative: [(String, UInt32)] = [
        ("AP", 525), ("CA", 517), ("CN", 522), ("DA", 512), ("DC", 515), ("DD", 516), ("DG", 514), ("DU", 513),
        ("EA", 519), ("EK", 527), ("KA", 526), ("LA", 500), ("LG", 501), ("PA", 520), ("RO", 498), ("RS", 553),
        ("SA", 518),
    ]

    /// The SID an alias names (case-insensitive, as Windows reads it), or nil.
    public func sid(forAlias alias: String) -> SID? {
        let key = alias.uppercased()
        if let hit = Self.wellKnown.first(where: { $0.0 == key }) { return hit.1 }
        if let rid = Self.domainRelative.first(where: { $0.0 == key })?.1 {
            let base = domain ?? SID(authority: 5, [21, 0, 0, 0])
            return SID(authority: base.authority, base.subAuthorities + [rid])
        }
        return nil
    }

    /// The alias Windows prints for a SID, or nil to print it as `S-1-…`.
    public func alias(for sid: SID) -> String? {
        if let hit = Self.wellKnown.first(where: { $0.1 == sid }) { return hit.0 }
        if let domain, sid.authority == domain.authority, sid.subAuthorities.count == domain.subAuthorities.count + 1,
            Array(sid.subAuthorities.dropLast()) == domain.subAuthorities,
            let hit = Self.domainRelative.first(where: { $0.1 == sid.subAuthorities.last })
        {
            return hit.0
        }
        return nil
    }

    /// Friendly names for reports.
    public static func name(of sid: SID) -> String {
        switch sid {
        case .networkService: "NETWORK SERVICE"
        case .localSystem: "SYSTEM"
        case .localService: "LOCAL SERVICE"
        case .everyone: "Everyone"
        case .administrators: "BUILTIN\\Administrators"
        case .users: "BUILTIN\\Users"
        case .authenticatedUsers: "Authenticated Users"
        case .creatorOwner: "CREATOR OWNER"
        case .ownerRights: "OWNER RIGHTS"
        case .service: "SERVICE"
        default:
            sid == SID.service("CryptSvc") ? "NT SERVICE\\CryptSvc" : sid.description
        }
    }
}
