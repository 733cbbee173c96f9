import BinaryFormat

/// A key node ("nk" cell): its name and where its subkeys, values, security and class name are.
public struct KeyNode: Sendable, Equatable {
    /// Cell offset (relative to the hive bins data).
    public var cell: UInt32
    public var name: String
    public var flags: UInt16
    public var lastWritten: FileTime
    public var parentCell: UInt32
    public var subkeyCount: UInt32
    public var subkeyListCell: UInt32
    public var valueCount: UInt32
    public var valueListCell: UInt32
    public var securityCell: UInt32
    public var classCell: UInt32
    public var classLength: UInt16

    /// KEY_HIVE_ENTRY: the root key of the hive.
    public var isRoot: Bool { flags & 0x0004 != 0 }
    /// KEY_SYM_LINK: a symbolic link (its target is in the value SymbolicLinkValue).
    public var isSymbolicLink: Bool { flags & 0x0010 != 0 }
}

extension Hive {
    /// The key node at `cell`, or nil with a warning when the cell is not one.
    public func key(at cell: UInt32) -> KeyNode? {
        guard let c = self.cell(cell, "key node") else { return nil }
        guard c.count >= 76, c[0] == 0x6E, c[1] == 0x6B else {
            warn(cell: cell, "expected a key node (\"nk\"), found \(Self.signature(c))")
            return nil
        }
        let nameLength = Int(c.le16(72))
        let flags = c.le16(2)
        var nameBytes = UnsafeRawBufferPointer(rebasing: c[76...])
        if nameLength > nameBytes.count {
            warn(cell: cell, "key name of \(nameLength) bytes runs past its cell; cut to \(nameBytes.count)")
        } else {
            nameBytes = UnsafeRawBufferPointer(rebasing: nameBytes[..<nameLength])
        }
        let name = flags & 0x0020 != 0 ? Self.latin1(nameBytes) : UTF16LE.string(nameBytes)
        return KeyNode(
            cell: cell, name: name, flags: flags, lastWritten: FileTime(raw: c.le64(4)), parentCell: c.le32(16),
            subkeyCount: c.le32(20), subkeyListCell: c.le32(28), valueCount: c.le32(36), valueListCell: c.le32(40),
            securityCell: c.le32(44), classCell: c.le32(48), classLength: c.le16(74))
    }

    /// The key's subkeys in stored order (sorted by upper-case name, as Windows keeps them). Lists are
    /// followed one level through an index root ("ri"); counts are bounded by the cells holding them. A
    /// list or key cell named twice, or a second subkey with a name already seen, is warned about once and
    /// left out: each key is counted once, and an index root that repeats one list thousands of times
    /// costs no more memory than the hive holds.
    public func subkeys(of key: KeyNode) -> [KeyNode] {
        guard key.subkeyCount > 0, key.subkeyListCell != 0xFFFF_FFFF else { return [] }
        var listing = SubkeyListing()
        appendSubkeyCells(key.subkeyListCell, into: &listing, depth: 0, owner: key)
        if listing.entries != Int(key.subkeyCount) {
            warn(
                cell: key.cell,
                "key \"\(key.name)\" declares \(key.subkeyCount) subkeys, its lists hold \(listing.entries)")
        }
        if listing.repeatedCells > 0 {
            warn(
                cell: key.subkeyListCell,
                "the subkey lists of key \"\(key.name)\" name \(listing.repeatedCells) key or list cells again; each counted once"
            )
        }
        var keys: [KeyNode] = []
        keys.reserveCapacity(listing.cells.count)
        var names: Set<String> = []
        for cell in listing.cells {
            guard let k = self.key(at: cell) else { continue }
            // Names that do not decode (an unpaired UTF-16 surrogate, read as U+FFFD) can differ in their
            // stored units and still print alike: those keys are distinct, as libregf lists them.
            if listing.cells.count > 1, !k.name.unicodeScalars.contains("\u{FFFD}") {
                let upper = k.name.uppercased()
                guard names.insert(upper).inserted else {
                    warn(
                        cell: cell,
                        "key \"\(key.name)\" has a second subkey named \"\(k.name)\"; the first is read, this one left out"
                    )
                    continue
                }
            }
            keys.append(k)
        }
        return keys
    }

    /// The cells a key's subkey lists name, each once, and how many entries (repeats included) they hold.
    private struct SubkeyListing {
        var cells: [UInt32] = []
        var seen: Set<UInt32> = []
        var entries = 0
        var repeatedCells = 0
    }

    private func appendSubkeyCells(_ list: UInt32, into listing: inout SubkeyListing, depth: Int, owner: KeyNode) {
        guard let c = cell(list, "subkey list of key \"\(owner.name)\"") else { return }
        guard c.count >= 4 else { return }
        let sig = (c[0], c[1])
        let count = Int(c.le16(2))
        let stride: Int
        switch sig {
        case (0x6C, 0x66), (0x6C, 0x68): stride = 8  // lf, lh
        case (0x6C, 0x69), (0x72, 0x69): stride = 4  // li, ri
        default:
            warn(cell: list, "expected a subkey list (lf, lh, li, ri), found \(Self.signature(c))")
            return
        }
        var usable = count
        if count * stride > c.count - 4 {
            usable = (c.count - 4) / stride
            warn(cell: list, "subkey list declares \(count) entries, its cell holds \(usable)")
        }
        let isRoot = sig == (0x72, 0x69)
        if isRoot && depth > 0 {
            warn(cell: list, "an index root lists another index root; not followed")
            return
        }
        for i in 0..<usable {
            let target = c.le32(4 + i * stride)
            if isRoot {
                // A leaf list named twice by the index root is read once.
                guard listing.seen.insert(target | 1).inserted else {
                    listing.repeatedCells += 1
                    continue
                }
                appendSubkeyCells(target, into: &listing, depth: depth + 1, owner: owner)
            } else {
                listing.entries += 1
                guard listing.seen.insert(target).inserted else {
                    listing.repeatedCells += 1
                    continue
                }
                listing.cells.append(target)
            }
        }
    }

    /// The key's class name (UTF-16LE), if it has one.
    public func className(of key: KeyNode) -> String? {
        guard key.classCell != 0xFFFF_FFFF, key.classLength > 0,
            let c = cell(key.classCell, "class name of key \"\(key.name)\"")
        else { return nil }
        return UTF16LE.string(UnsafeRawBufferPointer(rebasing: c[..<min(c.count, Int(key.classLength))]))
    }

    /// The self-relative security descriptor of the key's "sk" cell, as bytes.
    public func securityDescriptor(of key: KeyNode) -> [UInt8]? {
        guard key.securityCell != 0xFFFF_FFFF, let c = cell(key.securityCell, "security cell of key \"\(key.name)\"")
        else { return nil }
        guard c.count >= 20, c[0] == 0x73, c[1] == 0x6B else {
            warn(cell: key.securityCell, "expected a security cell (\"sk\"), found \(Self.signature(c))")
            return nil
        }
        let size = Int(c.le32(16))
        guard size <= c.count - 20 else {
            warn(cell: key.securityCell, "security descriptor of \(size) bytes runs past its cell")
            return nil
        }
        return Array(c[20..<(20 + size)])
    }

    static func signature(_ c: UnsafeRawBufferPointer) -> String {
        guard c.count >= 2 else { return "a cell too small for a signature" }
        return "\"" + QuotedText.escape([c[0], c[1]]) + "\""
    }

    /// Names stored "compressed": one byte per character, Latin-1 (Windows' extended ASCII).
    static func latin1(_ b: UnsafeRawBufferPointer) -> String {
        if !b.contains(where: { $0 >= 0x80 }) { return String(decoding: b, as: UTF8.self) }
        var s = String.UnicodeScalarView()
        for byte in b { s.append(Unicode.Scalar(byte)) }
        return String(s)
    }
}
