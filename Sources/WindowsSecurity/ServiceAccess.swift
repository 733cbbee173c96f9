/// A service's descriptor judged for a token: what it is granted of what it needs, and if it falls short,
/// the descriptor that would grant it.
public struct ServiceAccess: Sendable, Equatable {
    public var granted: UInt32
    public var required: UInt32
    public var missing: UInt32 { required & ~granted }
    public var allowed: Bool { missing == 0 }
    public var denial: AccessCheck.Denial?

    /// The access check for `token` wanting `required` on a service protected by `sd`. No DACL grants all.
    public static func judge(
        _ sd: SecurityDescriptor, token: Token, required: UInt32, aliases: SIDAliases = SIDAliases()
    )
        -> ServiceAccess
    {
        guard sd.dacl != nil else {
            return ServiceAccess(granted: ServiceRights.allAccess, required: required, denial: nil)
        }
        let result = AccessCheck.check(sd, token: token, wanted: required)
        let missing = required & ~result.granted
        var denial: AccessCheck.Denial? = nil
        if missing != 0 {
            if let (index, ace) = result.denyingACE {
                denial = .deniedByACE(index: index, sddl: SDDL.aceString(ace, aliases))
            } else {
                denial = sd.dacl?.aces.isEmpty == true ? .emptyDACL : .noGrantingACE
            }
        }
        return ServiceAccess(granted: result.granted, required: required, denial: denial)
    }

    /// `sd` changed as little as it takes to grant `token` the rights `required`: the deny ACEs that take
    /// them from the token are removed, and `(A;;CCLCSWLOCRRC;;;SU)` goes after the remaining deny ACEs
    /// (explicit denies first, as Windows orders a DACL). Nil when even that does not grant them (the token
    /// is not in SERVICE, or more than the service user rights are required).
    public static func fixed(_ sd: SecurityDescriptor, token: Token, required: UInt32) -> SecurityDescriptor? {
        guard var dacl = sd.dacl else { return nil }
        dacl.aces.removeAll { ace in
            ace.kind.isDeny && !ace.isInheritOnly && ace.objectType == nil && token.contains(ace.sid)
                && ace.mask & required != 0
        }
        guard let grant = try? SDDL.parse("D:" + ServiceRights.serviceUserACE).dacl?.aces.first else { return nil }
        let position = dacl.aces.firstIndex { !$0.kind.isDeny } ?? dacl.aces.count
        dacl.aces.insert(grant, at: position)
        var out = sd
        out.dacl = dacl
        out.control.insert(.daclPresent)
        return judge(out, token: token, required: required).allowed ? out : nil
    }
}
