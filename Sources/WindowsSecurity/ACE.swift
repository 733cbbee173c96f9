import BinaryFormat

/// An access control entry (MS-DTYP 2.4.4).
public struct ACE: Equatable, Sendable {
    public enum Kind: UInt8, Sendable {
        case accessAllowed = 0, accessDenied = 1, systemAudit = 2, systemAlarm = 3
        case accessAllowedObject = 5, accessDeniedObject = 6, systemAuditObject = 7, systemAlarmObject = 8
        case accessAllowedCallback = 9, accessDeniedCallback = 10, accessAllowedCallbackObject = 11
        case accessDeniedCallbackObject = 12, systemAuditCallback = 13, systemAuditCallbackObject = 14
        case systemMandatoryLabel = 17, systemResourceAttribute = 18, systemScopedPolicyID = 19
        case systemProcessTrustLabel = 20, systemAccessFilter = 21

        /// SDDL type strings; callback ACEs without a textual form here have none.
        static let sddlNames: [(String, Kind)] = [
            ("A", .accessAllowed), ("D", .accessDenied), ("OA", .accessAllowedObject), ("OD", .accessDeniedObject),
            ("AU", .systemAudit), ("AL", .systemAlarm), ("OU", .systemAuditObject), ("OL", .systemAlarmObject),
            ("ML", .systemMandatoryLabel), ("XA", .accessAllowedCallback), ("XD", .accessDeniedCallback),
            ("ZA", .accessAllowedCallbackObject), ("XU", .systemAuditCallback), ("RA", .systemResourceAttribute),
            ("SP", .systemScopedPolicyID), ("TL", .systemProcessTrustLabel), ("FL", .systemAccessFilter),
        ]

        public var sddl: String? { Self.sddlNames.first { $0.1 == self }?.0 }

        public var isObject: Bool {
            [
                .accessAllowedObject, .accessDeniedObject, .systemAuditObject, .systemAlarmObject,
                .accessAllowedCallbackObject, .accessDeniedCallbackObject, .systemAuditCallbackObject,
            ].contains(self)
        }

        /// Types that belong in a SACL, not a DACL.
        public var isSystem: Bool {
            [
                .systemAudit, .systemAlarm, .systemAuditObject, .systemAlarmObject, .systemAuditCallback,
                .systemAuditCallbackObject, .systemMandatoryLabel, .systemResourceAttribute, .systemScopedPolicyID,
                .systemProcessTrustLabel, .systemAccessFilter,
            ].contains(self)
        }

        public var isAllow: Bool {
            [.accessAllowed, .accessAllowedObject, .accessAllowedCallback, .accessAllowedCallbackObject].contains(self)
        }

        public var isDeny: Bool {
            [.accessDenied, .accessDeniedObject, .accessDeniedCallback, .accessDeniedCallbackObject].contains(self)
        }

        public var isCallback: Bool {
            [
                .accessAllowedCallback, .accessDeniedCallback, .accessAllowedCallbackObject,
                .accessDeniedCallbackObject,
                .systemAuditCallback, .systemAuditCallbackObject,
            ].contains(self)
        }
    }

    /// ACE flags (MS-DTYP 2.4.4.1) with their SDDL names, in the order Windows prints them.
    public static let flagNames: [(String, UInt8)] = [
        ("OI", 0x01), ("CI", 0x02), ("NP", 0x04), ("IO", 0x08), ("ID", 0x10), ("CR", 0x20), ("SA", 0x40), ("FA", 0x80),
    ]
    public static let inheritOnly: UInt8 = 0x08

    public var kind: Kind
    public var flags: UInt8
    public var mask: UInt32
    public var sid: SID
    public var objectType: [UInt8]?
    public var inheritedObjectType: [UInt8]?
    /// What follows the SID: a callback ACE's condition or a resource attribute, kept as bytes.
    public var applicationData: [UInt8] = []
    /// The condition or attribute as SDDL text, when the ACE came from SDDL (kept opaque).
    public var opaqueText: String? = nil

    public init(
        kind: Kind, flags: UInt8 = 0, mask: UInt32, sid: SID, objectType: [UInt8]? = nil,
        inheritedObjectType: [UInt8]? = nil
    ) {
        self.kind = kind
        self.flags = flags
        self.mask = mask
        self.sid = sid
        self.objectType = objectType
        self.inheritedObjectType = inheritedObjectType
    }

    public var isInheritOnly: Bool { flags & Self.inheritOnly != 0 }

    /// Size in bytes when encoded.
    public var byteCount: Int {
        var n = 8 + sid.byteCount
        if kind.isObject { n += 4 + (objectType == nil ? 0 : 16) + (inheritedObjectType == nil ? 0 : 16) }
        n += applicationData.count
        return (n + 3) & ~3
    }

    public func encode() -> [UInt8] {
        var out: [UInt8] = [kind.rawValue, flags, 0, 0]
        out += le32(mask)
        if kind.isObject {
            let present = UInt32(objectType == nil ? 0 : 1) | UInt32(inheritedObjectType == nil ? 0 : 2)
            out += le32(present)
            if let objectType { out += objectType }
            if let inheritedObjectType { out += inheritedObjectType }
        }
        out += sid.bytes
        out += applicationData
        while out.count % 4 != 0 { out.append(0) }
        out[2] = UInt8(out.count & 0xFF)
        out[3] = UInt8(out.count >> 8)
        return out
    }

    /// Decodes the ACE at `offset` within `limit` (the end of its ACL); returns it and its declared size.
    public static func decode(_ b: [UInt8], at offset: Int, limit: Int) throws -> (ACE, Int) {
        guard offset + 4 <= limit else {
            throw SecurityError(.badDescriptor, at: .byteOffset(UInt64(offset)), "ACE header runs past the ACL")
        }
        let size = Int(b.le16(offset + 2))
        guard size >= 8, offset + size <= limit else {
            throw SecurityError(
                .badDescriptor, at: .byteOffset(UInt64(offset)), "ACE size \(size) does not fit the ACL")
        }
        guard let kind = Kind(rawValue: b[offset]) else {
            throw SecurityError(.badDescriptor, at: .byteOffset(UInt64(offset)), "unknown ACE type \(b[offset])")
        }
        let end = offset + size
        var p = offset + 8
        let mask = b.le32(offset + 4)
        var objectType: [UInt8]? = nil
        var inherited: [UInt8]? = nil
        if kind.isObject {
            guard p + 4 <= end else {
                throw SecurityError(.badDescriptor, at: .byteOffset(UInt64(p)), "object ACE flags past the ACE")
            }
            let present = b.le32(p)
            p += 4
            if present & 1 != 0 {
                guard p + 16 <= end else {
                    throw SecurityError(.badDescriptor, at: .byteOffset(UInt64(p)), "GUID past the ACE")
                }
                objectType = Array(b[p..<(p + 16)])
                p += 16
            }
            if present & 2 != 0 {
                guard p + 16 <= end else {
                    throw SecurityError(.badDescriptor, at: .byteOffset(UInt64(p)), "GUID past the ACE")
                }
                inherited = Array(b[p..<(p + 16)])
                p += 16
            }
        }
        let (sid, sidLength) = try SID.decode(Array(b[p..<end]), at: 0)
        var ace = ACE(
            kind: kind, flags: b[offset + 1], mask: mask, sid: sid, objectType: objectType,
            inheritedObjectType: inherited)
        let after = p + sidLength
        if kind.isCallback || kind == .systemResourceAttribute || kind == .systemScopedPolicyID {
            ace.applicationData = Array(b[after..<end])
        }
        return (ace, size)
    }
}

func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
