import BinaryFormat

/// The `sddl` command's report: canonical SDDL, bytes, ACEs, and the two accounts' access.
public struct DescriptorReport: Encodable, Sendable {
    public struct ACEEntry: Encodable, Sendable {
        public var type: String
        public var flags: String
        public var mask: String
        public var sid: String
        public var sddl: String
    }
    public struct Access: Encodable, Sendable {
        public var principal: String
        public var sid: String
        public var granted: String
        public var canReadFile: Bool
        public var canListFolder: Bool
        public var missing: [String]
        /// For a service's descriptor: the service rights granted, by name.
        public var grantedRights: [String]?
        /// For a service's descriptor: whether the System Writer can read the service's configuration.
        public var canQueryConfig: Bool?
    }
    public var sddl: String
    public var hex: String
    public var owner: String?
    public var group: String?
    public var aces: [ACEEntry]
    public var access: [Access]

    /// Describes `sd` and runs the access check for the System Writer's account and SYSTEM, for the rights
    /// of `object` (a file or folder: read and list; a service: the service user rights).
    public init(_ sd: SecurityDescriptor, aliases: SIDAliases, object: ProtectedObject = .file) {
        sddl = SDDL.string(sd, aliases: aliases)
        let opaque = ((sd.dacl?.aces ?? []) + (sd.sacl?.aces ?? [])).contains {
            $0.opaqueText != nil && $0.applicationData.isEmpty
        }
        // Conditional and resource-attribute ACEs are kept as text: their binary form is not compiled here.
        hex =
            opaque
            ? "" : Hex.string(sd.encode())
        owner = sd.owner.map { SDDL.sidString($0, aliases) }
        group = sd.group.map { SDDL.sidString($0, aliases) }
        aces = (sd.dacl?.aces ?? []).map { ace in
            ACEEntry(
                type: ace.kind.sddl ?? String(ace.kind.rawValue),
                flags: ACE.flagNames.filter { ace.flags & $0.1 != 0 }.map(\.0).joined(),
                mask: AccessMask.hex(ace.mask), sid: SDDL.sidString(ace.sid, aliases),
                sddl: SDDL.aceString(ace, aliases))
        }
        access = [Token.networkServiceCryptSvc, Token.localSystem].map { token in
            if object == .service {
                let a = ServiceAccess.judge(sd, token: token, required: ServiceRights.serviceUser, aliases: aliases)
                return Access(
                    principal: token.name, sid: token.user.description, granted: AccessMask.hex(a.granted),
                    canReadFile: false, canListFolder: false, missing: ServiceRights.names(a.missing),
                    grantedRights: ServiceRights.names(a.granted),
                    canQueryConfig: a.granted & ServiceRights.queryConfig != 0)
            }
            let file = AccessCheck.judge(sd, token: token, folder: false, aliases: aliases)
            let folder = AccessCheck.judge(sd, token: token, folder: true, aliases: aliases)
            return Access(
                principal: token.name, sid: token.user.description, granted: AccessMask.hex(file.granted),
                canReadFile: file.allowed, canListFolder: folder.allowed,
                missing: AccessMask.fileRightNames(file.missing | folder.missing))
        }
    }
}
