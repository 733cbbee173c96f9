import BinaryFormat

/// An access control list: its ACEs in stored order, and the revision and size it was stored with.
public struct ACL: Equatable, Sendable {
    public var aces: [ACE]
    /// 2, or 4 when object ACEs are present (what Windows writes); kept as read for exact re-encoding.
    public var revision: UInt8
    /// The declared AclSize when it was larger than the ACEs need (padding), else nil.
    public var declaredSize: Int?

    public init(aces: [ACE], revision: UInt8? = nil, declaredSize: Int? = nil) {
        self.aces = aces
        self.revision = revision ?? (aces.contains { $0.kind.isObject } ? 4 : 2)
        self.declaredSize = declaredSize
    }

    public var byteCount: Int { max(8 + aces.reduce(0) { $0 + $1.byteCount }, declaredSize ?? 0) }

    public func encode() -> [UInt8] {
        var out: [UInt8] = [revision, 0] + le16(byteCount) + le16(aces.count) + [0, 0]
        for ace in aces { out += ace.encode() }
        while out.count < byteCount { out.append(0) }
        return out
    }

    /// Decodes the ACL at `offset`: AclSize and AceCount are honoured, ACEs never read past AclSize.
    public static func decode(_ b: [UInt8], at offset: Int) throws -> ACL {
        guard offset >= 0, offset + 8 <= b.count else {
            throw SecurityError(
                .badDescriptor, at: .byteOffset(UInt64(offset)), "ACL header runs past the end (\(b.count) bytes)")
        }
        let revision = b[offset]
        guard revision == 2 || revision == 4 else {
            throw SecurityError(
                .badDescriptor, at: .byteOffset(UInt64(offset)), "ACL revision \(revision), expected 2 or 4")
        }
        let size = Int(b.le16(offset + 2))
        let count = Int(b.le16(offset + 4))
        guard size >= 8, offset + size <= b.count else {
            throw SecurityError(
                .badDescriptor, at: .byteOffset(UInt64(offset)), "ACL size \(size) runs past the end (\(b.count) bytes)"
            )
        }
        var aces: [ACE] = []
        var p = offset + 8
        for _ in 0..<count {
            let (ace, aceSize) = try ACE.decode(b, at: p, limit: offset + size)
            aces.append(ace)
            p += aceSize
        }
        let used = p - offset
        return ACL(aces: aces, revision: revision, declaredSize: size > used ? size : nil)
    }
}
