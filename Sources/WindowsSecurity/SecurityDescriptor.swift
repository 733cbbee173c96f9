import BinaryFormat

/// A security descriptor in self-relative form (MS-DTYP 2.4.6): what ntfs-3g's `system.ntfs_acl` holds.
public struct SecurityDescriptor: Equatable, Sendable {
    public struct Control: OptionSet, Sendable, Hashable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        public static let ownerDefaulted = Control(rawValue: 0x0001)
        public static let groupDefaulted = Control(rawValue: 0x0002)
        public static let daclPresent = Control(rawValue: 0x0004)
        public static let daclDefaulted = Control(rawValue: 0x0008)
        public static let saclPresent = Control(rawValue: 0x0010)
        public static let saclDefaulted = Control(rawValue: 0x0020)
        public static let daclAutoInheritRequired = Control(rawValue: 0x0100)
        public static let saclAutoInheritRequired = Control(rawValue: 0x0200)
        public static let daclAutoInherited = Control(rawValue: 0x0400)
        public static let saclAutoInherited = Control(rawValue: 0x0800)
        public static let daclProtected = Control(rawValue: 0x1000)
        public static let saclProtected = Control(rawValue: 0x2000)
        public static let selfRelative = Control(rawValue: 0x8000)
    }

    public var control: Control
    public var owner: SID?
    public var group: SID?
    /// nil with `daclPresent` is a NULL DACL (everyone gets everything); nil without it, no DACL at all.
    public var dacl: ACL?
    public var sacl: ACL?

    public init(control: Control = [], owner: SID? = nil, group: SID? = nil, dacl: ACL? = nil, sacl: ACL? = nil) {
        self.control = control
        self.owner = owner
        self.group = group
        self.dacl = dacl
        self.sacl = sacl
    }

    /// Encodes as Windows lays it out: header, SACL, DACL, owner, group.
    public func encode() -> [UInt8] {
        var body: [UInt8] = []
        var offsets = [0, 0, 0, 0]  // owner, group, sacl, dacl
        if let sacl {
            offsets[2] = 20 + body.count
            body += sacl.encode()
        }
        if let dacl {
            offsets[3] = 20 + body.count
            body += dacl.encode()
        }
        if let owner {
            offsets[0] = 20 + body.count
            body += owner.bytes
        }
        if let group {
            offsets[1] = 20 + body.count
            body += group.bytes
        }
        var c = control.union(.selfRelative)
        if dacl != nil { c.insert(.daclPresent) }
        if sacl != nil { c.insert(.saclPresent) }
        var out: [UInt8] = [1, 0] + le16(Int(c.rawValue))
        for o in offsets { out += le32(UInt32(o)) }
        return out + body
    }

    /// Decodes a self-relative descriptor: offsets are authoritative, every length and offset is bounds-checked.
    public static func decode(_ b: [UInt8]) throws -> SecurityDescriptor {
        guard b.count >= 20 else {
            throw SecurityError(.badDescriptor, at: .byteOffset(0), "\(b.count) bytes, a descriptor needs at least 20")
        }
        guard b[0] == 1 else {
            throw SecurityError(.badDescriptor, at: .byteOffset(0), "descriptor revision \(b[0]), expected 1")
        }
        let control = Control(rawValue: UInt16(b.le16(2)))
        guard control.contains(.selfRelative) else {
            throw SecurityError(
                .badDescriptor, at: .byteOffset(2),
                "not self-relative (control 0x\(String(control.rawValue, radix: 16)))")
        }
        func offset(_ at: Int) throws -> Int? {
            let o = Int(b.le32(at))
            if o == 0 { return nil }
            guard o >= 20, o < b.count else {
                throw SecurityError(
                    .badDescriptor, at: .byteOffset(UInt64(at)), "offset \(o) outside the \(b.count)-byte descriptor")
            }
            return o
        }
        var sd = SecurityDescriptor(control: control)
        if let o = try offset(4) { sd.owner = try SID.decode(b, at: o).0 }
        if let o = try offset(8) { sd.group = try SID.decode(b, at: o).0 }
        if control.contains(.saclPresent), let o = try offset(12) { sd.sacl = try ACL.decode(b, at: o) }
        if control.contains(.daclPresent), let o = try offset(16) { sd.dacl = try ACL.decode(b, at: o) }
        return sd
    }

    public static func decode(hex: String) throws -> SecurityDescriptor {
        var text = hex.filter { !$0.isWhitespace }
        if text.hasPrefix("0x") || text.hasPrefix("0X") { text.removeFirst(2) }
        var bytes: [UInt8] = []
        var i = text.startIndex
        var n = 0
        while i < text.endIndex {
            let j = text.index(i, offsetBy: 2, limitedBy: text.endIndex) ?? text.endIndex
            guard text.distance(from: i, to: j) == 2, let v = UInt8(text[i..<j], radix: 16) else {
                throw SecurityError(.badDescriptor, at: .hexCharacter(n), "expected two hex digits per byte")
            }
            bytes.append(v)
            i = j
            n += 2
        }
        return try decode(bytes)
    }
}
