/// The access a token gets from a security descriptor: MS-DTYP 2.5.3.2 with MAXIMUM_ALLOWED.
///
/// - ACEs are taken in stored order; an allow grants the bits not yet denied, a deny denies the bits not yet
///   granted (so an allow before a deny wins for the bits it granted, as on Windows).
/// - Inherit-only ACEs are skipped; object ACEs with an object type do not apply to files.
/// - No DACL (or a NULL DACL): everything, the file mapping of GENERIC_ALL (0x1F01FF). An empty DACL: nothing.
/// - Generic bits in the *requested* access are mapped with the file mapping. Generic bits stored in an
///   effective ACE are NOT mapped at check time: the access check compares the mask as stored (MS-DTYP
///   2.5.3.2 only maps the desired access), and Windows maps generic bits when it writes a descriptor
///   (SeSetSecurityDescriptorInfo), so a raw GA in an effective ACE, as a Linux tool can write it, grants
///   nothing on Windows. Those ACEs are reported as granting nothing.
/// - The owner gets READ_CONTROL and WRITE_DAC unless an OWNER RIGHTS (S-1-3-4) ACE applies; OWNER RIGHTS
///   ACEs apply to the owner.
/// - Callback (conditional) ACEs cannot be evaluated here: an allow is not applied, a deny is (the safe side,
///   as Windows does when a condition is unknown for deny ACEs).
public enum AccessCheck {
    public struct Result: Sendable, Equatable {
        public var granted: UInt32
        /// The ACE that denied a bit the token asked for, with its index, if one did.
        public var denyingACE: (index: Int, ace: ACE)?

        public static func == (a: Result, b: Result) -> Bool {
            a.granted == b.granted && a.denyingACE?.index == b.denyingACE?.index
        }
    }

    /// What the token is granted, and which ACE first denied a bit of `wanted`.
    public static func check(_ sd: SecurityDescriptor, token: Token, wanted: UInt32 = AccessMask.fileAllAccess)
        -> Result
    {
        guard let dacl = sd.dacl else { return Result(granted: AccessMask.fileAllAccess, denyingACE: nil) }
        let wantedMapped = AccessMask.mapGeneric(wanted)
        let isOwner = sd.owner.map(token.contains) ?? false
        let effective = dacl.aces.enumerated().filter { !$0.element.isInheritOnly }
        let ownerRightsPresent = effective.contains { $0.element.sid == .ownerRights }
        var granted: UInt32 = 0
        var denied: UInt32 = 0
        var denyingACE: (Int, ACE)? = nil
        if isOwner && !ownerRightsPresent { granted |= AccessMask.readControl | AccessMask.writeDAC }
        for (index, ace) in effective {
            let applies = token.contains(ace.sid) || (ace.sid == .ownerRights && isOwner)
            guard applies, ace.objectType == nil else { continue }
            if ace.kind.isAllow && !ace.kind.isCallback {
                granted |= ace.mask & ~denied
            } else if ace.kind.isDeny {
                let newlyDenied = ace.mask & ~granted
                if denyingACE == nil && newlyDenied & wantedMapped != 0 { denyingACE = (index, ace) }
                denied |= newlyDenied
            }
        }
        return Result(granted: granted & 0x01FF_FFFF & ~denied, denyingACE: denyingACE)
    }

    /// The verdict on one entry for one token: can it be read (a file) or listed (a folder), and if not, why.
    public struct Verdict: Sendable, Equatable {
        public var granted: UInt32
        public var required: UInt32
        public var missing: UInt32 { required & ~granted }
        public var allowed: Bool { missing == 0 }
        /// SDDL of the ACE that denied a needed bit, or nil when no ACE grants it.
        public var denyingACE: String?
        /// Why the needed rights are missing (nil when allowed).
        public var denial: Denial?
    }

    /// Why an access check refused: an ACE denied it, or no ACE grants it (the DACL is empty, or holds none).
    public enum Denial: Sendable, Equatable {
        /// The deny ACE at `index` (0-based, stored order), as SDDL.
        case deniedByACE(index: Int, sddl: String)
        case emptyDACL
        case noGrantingACE
    }

    public static func judge(_ sd: SecurityDescriptor, token: Token, folder: Bool, aliases: SIDAliases = SIDAliases())
        -> Verdict
    {
        let required = folder ? AccessMask.listFolder : AccessMask.readFile
        let result = check(sd, token: token, wanted: required)
        let missing = required & ~result.granted
        var denial: Denial? = nil
        var aceText: String? = nil
        if missing != 0 {
            if let (index, ace) = result.denyingACE {
                aceText = SDDL.aceString(ace, aliases)
                denial = .deniedByACE(index: index, sddl: aceText!)
            } else if sd.dacl?.aces.isEmpty == true {
                denial = .emptyDACL
            } else {
                denial = .noGrantingACE
            }
        }
        return Verdict(granted: result.granted, required: required, denyingACE: aceText, denial: denial)
    }
}
