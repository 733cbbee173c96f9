import BinaryFormat

/// SDDL (MS-DTYP 2.5.1): parsing as Windows' ConvertStringSecurityDescriptorToSecurityDescriptor accepts it,
/// and printing as ConvertSecurityDescriptorToStringSecurityDescriptor writes it (the canonical form).
///
/// Where Samba and Windows disagree, this follows Windows (the reference vectors were made there):
/// - whitespace: Windows skips it before a section's content, between DACL/SACL flags and ACEs, before each
///   ACE field, inside a numeric SID after a dash, and after a two-letter SID alias; it rejects it after
///   rights, GUIDs and numeric SIDs and before a section's colon (windows_is_less_fussy, should_fail);
/// - ACE types, flags, rights and aliases are read case-insensitively; section letters are not (`d:` fails);
/// - numbers are read like `wcstoul`: `0x` hex, a leading `-` negates modulo 2^32, values past 32 bits
///   saturate to 0xffffffff, and SID components too (windows_is_weird); a 48-bit authority is allowed;
/// - audit and alarm ACEs are refused in a DACL, and allow/deny ACEs in a SACL (windows_is_fussy).
public enum SDDL {
    public static func parse(_ text: String, aliases: SIDAliases = SIDAliases()) throws -> SecurityDescriptor {
        var p = Parser(chars: Array(text.utf8), aliases: aliases)
        return try p.descriptor()
    }

    public static func string(_ sd: SecurityDescriptor, aliases: SIDAliases = SIDAliases()) -> String {
        var out = ""
        if let owner = sd.owner { out += "O:" + sidString(owner, aliases) }
        if let group = sd.group { out += "G:" + sidString(group, aliases) }
        if sd.control.contains(.daclPresent) || sd.dacl != nil {
            out +=
                "D:"
                + aclFlags(
                    sd.control, protected: .daclProtected, required: .daclAutoInheritRequired,
                    inherited: .daclAutoInherited)
            out += sd.dacl.map { aceStrings($0, aliases) } ?? "NO_ACCESS_CONTROL"
        }
        if sd.control.contains(.saclPresent) || sd.sacl != nil {
            out +=
                "S:"
                + aclFlags(
                    sd.control, protected: .saclProtected, required: .saclAutoInheritRequired,
                    inherited: .saclAutoInherited)
            out += sd.sacl.map { aceStrings($0, aliases) } ?? "NO_ACCESS_CONTROL"
        }
        return out
    }

    /// A service's descriptor as `sc.exe sdshow` prints it and `sc.exe sdset` takes it: the DACL and the
    /// SACL (`D:…S:…`), no owner or group (sdset keeps the service's own).
    public static func serviceControlString(_ sd: SecurityDescriptor, aliases: SIDAliases = SIDAliases()) -> String {
        var bare = sd
        bare.owner = nil
        bare.group = nil
        return string(bare, aliases: aliases)
    }

    public static func sidString(_ sid: SID, _ aliases: SIDAliases) -> String {
        aliases.alias(for: sid) ?? sid.description
    }

    static func aclFlags(
        _ c: SecurityDescriptor.Control, protected: SecurityDescriptor.Control,
        required: SecurityDescriptor.Control, inherited: SecurityDescriptor.Control
    ) -> String {
        (c.contains(protected) ? "P" : "") + (c.contains(required) ? "AR" : "") + (c.contains(inherited) ? "AI" : "")
    }

    static func aceStrings(_ acl: ACL, _ aliases: SIDAliases) -> String {
        acl.aces.map { aceString($0, aliases) }.joined()
    }

    public static func aceString(_ ace: ACE, _ aliases: SIDAliases = SIDAliases()) -> String {
        let type = ace.kind.sddl ?? "0x" + String(ace.kind.rawValue, radix: 16)
        let flags = ACE.flagNames.filter { ace.flags & $0.1 != 0 }.map(\.0).joined()
        let unknownFlags = ace.flags & ~ACE.flagNames.reduce(0) { $0 | $1.1 }
        let rights = AccessMask.sddl(ace.mask, mandatoryLabel: ace.kind == .systemMandatoryLabel)
        var fields = [
            type, flags + (unknownFlags != 0 ? "0x" + String(unknownFlags, radix: 16) : ""), rights,
            ace.objectType.map(guidString) ?? "", ace.inheritedObjectType.map(guidString) ?? "",
            sidString(ace.sid, aliases),
        ]
        if let text = ace.opaqueText {
            fields.append(text)
        } else if !ace.applicationData.isEmpty {
            fields.append("(opaque 0x" + Hex.string(ace.applicationData) + ")")
        }
        return "(" + fields.joined(separator: ";") + ")"
    }

    /// `1131f6aa-9c07-11d1-f79f-00c04fc2dcd2` from its 16 bytes (first three fields little-endian).
    public static func guidString(_ b: [UInt8]) -> String {
        func hex(_ r: [Int]) -> String { r.map { String(b[$0], radix: 16).leftPadded(2) }.joined() }
        return [hex([3, 2, 1, 0]), hex([5, 4]), hex([7, 6]), hex([8, 9]), hex(Array(10..<16))].joined(separator: "-")
    }

    struct Parser {
        let chars: [UInt8]
        let aliases: SIDAliases
        var i = 0

        init(chars: [UInt8], aliases: SIDAliases) {
            self.chars = chars
            self.aliases = aliases
        }

        func fail(_ what: String, at position: Int? = nil) -> SecurityError {
            let at = position ?? i
            return SecurityError(.badSDDL, at: .sddlCharacter(at), "\(what)")
        }

        var current: UInt8? { i < chars.count ? chars[i] : nil }

        mutating func skipSpace() {
            while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 }
        }

        mutating func descriptor() throws -> SecurityDescriptor {
            var sd = SecurityDescriptor()
            var seen = Set<UInt8>()
            skipSpace()
            while true {
                skipSpace()
                guard let tag = current else { break }
                guard i + 1 < chars.count, chars[i + 1] == 0x3A, [0x4F, 0x47, 0x44, 0x53].contains(tag) else {
                    throw fail("expected O:, G:, D: or S:")
                }
                guard seen.insert(tag).inserted else { throw fail("\(Character(Unicode.Scalar(tag))): given twice") }
                i += 2
                skipSpace()
                switch tag {
                case 0x4F: sd.owner = try sectionSID()
                case 0x47: sd.group = try sectionSID()
                case 0x44:
                    let (flags, acl) = try aclSection(dacl: true)
                    sd.control.insert(.daclPresent)
                    if flags.protected { sd.control.insert(.daclProtected) }
                    if flags.required { sd.control.insert(.daclAutoInheritRequired) }
                    if flags.inherited { sd.control.insert(.daclAutoInherited) }
                    sd.dacl = acl
                default:
                    let (flags, acl) = try aclSection(dacl: false)
                    sd.control.insert(.saclPresent)
                    if flags.protected { sd.control.insert(.saclProtected) }
                    if flags.required { sd.control.insert(.saclAutoInheritRequired) }
                    if flags.inherited { sd.control.insert(.saclAutoInherited) }
                    sd.sacl = acl
                }
            }
            return sd
        }

        mutating func aclSection(dacl: Bool) throws -> ((protected: Bool, required: Bool, inherited: Bool), ACL?) {
            var flags = (protected: false, required: false, inherited: false)
            var null = false
            while let c = current, c != 0x28 {
                if matchWord("NO_ACCESS_CONTROL") {
                    null = true
                } else if matchWord("P") {
                    flags.protected = true
                } else if matchWord("AR") {
                    flags.required = true
                } else if matchWord("AI") {
                    flags.inherited = true
                } else if c == 0x20 || c == 0x09 {
                    i += 1
                } else if i + 1 < chars.count, chars[i + 1] == 0x3A {
                    break  // the next section
                } else {
                    throw fail("expected ACL flags (P, AR, AI) or an ACE")
                }
            }
            var aces: [ACE] = []
            while true {
                skipSpace()
                guard current == 0x28 else { break }
                aces.append(try ace(dacl: dacl))
            }
            if null {
                guard aces.isEmpty else { throw fail("NO_ACCESS_CONTROL with ACEs") }
                return (flags, nil)
            }
            let acl = ACL(aces: aces)
            // AclSize is 16 bits (MS-DTYP 2.4.5): a longer ACL has no binary form, and Windows refuses it.
            guard acl.byteCount <= Int(UInt16.max) else {
                throw fail("the ACL would take \(acl.byteCount) bytes, more than the 65,535 an ACL can hold")
            }
            return (flags, acl)
        }

        mutating func matchWord(_ word: String) -> Bool {
            let w = Array(word.utf8)
            guard i + w.count <= chars.count, Array(chars[i..<(i + w.count)]) == w else { return false }
            i += w.count
            return true
        }

        /// Reads up to the next `;` or `)` at this nesting level.
        mutating func field() -> (text: [UInt8], start: Int) {
            skipSpace()
            let start = i
            var depth = 0
            var quoted = false
            while let c = current {
                if c == 0x22 { quoted.toggle() }
                if !quoted {
                    if c == 0x28 { depth += 1 }
                    if c == 0x29 {
                        if depth == 0 { break }
                        depth -= 1
                    }
                    if c == 0x3B && depth == 0 { break }
                }
                i += 1
            }
            return (Array(chars[start..<i]), start)
        }

        mutating func ace(dacl: Bool) throws -> ACE {
            let open = i
            i += 1  // (
            var fields: [([UInt8], Int)] = []
            while true {
                fields.append(field())
                guard let c = current else { throw fail("ACE opened at character \(open) is not closed") }
                i += 1
                if c == 0x29 { break }
                if fields.count > 7 { throw fail("too many fields in the ACE opened at character \(open)") }
            }
            let typeText = String(decoding: fields[0].0, as: UTF8.self).uppercased()
            guard let kind = ACE.Kind.sddlNames.first(where: { $0.0 == typeText })?.1 else {
                throw fail("unknown ACE type \"\(String(decoding: fields[0].0, as: UTF8.self))\"", at: fields[0].1)
            }
            let extra = kind.isCallback || kind == .systemResourceAttribute
            guard fields.count == (extra ? 7 : 6) else {
                throw fail("ACE opened at character \(open) has \(fields.count) fields, expected \(extra ? 7 : 6)")
            }
            if dacl && kind.isSystem { throw fail("\(typeText) ACE in a DACL", at: fields[0].1) }
            if !dacl && (kind.isAllow || kind.isDeny) { throw fail("\(typeText) ACE in a SACL", at: fields[0].1) }
            let flags = try aceFlags(fields[1])
            let mask = try rights(fields[2], label: kind == .systemMandatoryLabel)
            let objectType = try guid(fields[3])
            let inherited = try guid(fields[4])
            if !kind.isObject && (objectType != nil || inherited != nil) {
                throw fail("object GUID on a \(typeText) ACE", at: fields[3].1)
            }
            var p = Parser(chars: fields[5].0, aliases: aliases)
            let sid = try p.sid(trailingSpace: true, offset: fields[5].1)
            guard p.i == fields[5].0.count else { throw fail("unexpected text after the SID", at: fields[5].1 + p.i) }
            var ace = ACE(
                kind: kind, flags: flags, mask: mask, sid: sid, objectType: objectType, inheritedObjectType: inherited)
            if extra { ace.opaqueText = String(decoding: fields[6].0, as: UTF8.self) }
            return ace
        }

        func aceFlags(_ f: ([UInt8], Int)) throws -> UInt8 {
            var flags: UInt8 = 0
            let t = f.0.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
            var j = 0
            while j < t.count {
                guard j + 1 < t.count, let hit = ACE.flagNames.first(where: { Array($0.0.utf8) == [t[j], t[j + 1]] })
                else {
                    throw fail("unknown ACE flag", at: f.1 + j)
                }
                flags |= hit.1
                j += 2
            }
            return flags
        }

        func rights(_ f: ([UInt8], Int), label: Bool) throws -> UInt32 {
            let t = f.0
            guard let first = t.first else { return 0 }
            if (first >= 0x30 && first <= 0x39) || first == 0x2D {
                return try number(t, at: f.1)
            }
            let upper = t.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
            var mask: UInt32 = 0
            var j = 0
            let tables =
                label
                ? AccessMask.label + AccessMask.single : AccessMask.compound + AccessMask.single + AccessMask.label
            while j < upper.count {
                // Windows skips spaces between right names, but not tabs, not a split name, not trailing ones.
                if upper[j] == 0x20, j > 0, j + 1 < upper.count {
                    j += 1
                    continue
                }
                guard j + 1 < upper.count,
                    let hit = tables.first(where: { Array($0.0.utf8) == [upper[j], upper[j + 1]] })
                else {
                    throw fail("unknown right \"\(String(decoding: t, as: UTF8.self))\"", at: f.1 + j)
                }
                mask |= hit.1
                j += 2
            }
            return mask
        }

        /// `wcstoul` with base 0: `0x` hex, leading 0 octal, else decimal; `-` negates; overflow saturates.
        func number(_ t: [UInt8], at position: Int) throws -> UInt32 {
            var j = 0
            var negative = false
            if t.first == 0x2D {
                negative = true
                j = 1
            }
            var radix: UInt64 = 10
            if j + 1 < t.count, t[j] == 0x30, t[j + 1] | 0x20 == 0x78 {
                radix = 16
                j += 2
            } else if j < t.count, t[j] == 0x30, t.count > j + 1 {
                radix = 8
            }
            let start = j
            var value: UInt64 = 0
            while j < t.count {
                let c = t[j] | 0x20
                let d: UInt64
                if t[j] >= 0x30 && t[j] <= 0x39 {
                    d = UInt64(t[j] - 0x30)
                } else if c >= 0x61 && c <= 0x66 {
                    d = UInt64(c - 0x61 + 10)
                } else {
                    throw fail("bad number in access mask", at: position + j)
                }
                guard d < radix else { throw fail("bad digit in access mask", at: position + j) }
                value = min(value * radix + d, 0x1_0000_0000)
                j += 1
            }
            guard j > start else { throw fail("access mask has no digits", at: position) }
            let saturated = UInt32(min(value, 0xFFFF_FFFF))
            return negative ? 0 &- saturated : saturated
        }

        func guid(_ f: ([UInt8], Int)) throws -> [UInt8]? {
            let t = f.0
            if t.isEmpty { return nil }
            let groups = t.split(separator: 0x2D, omittingEmptySubsequences: false)
            guard t.count == 36, groups.map(\.count) == [8, 4, 4, 4, 12],
                let hex = Optional(groups.flatMap { $0 }),
                hex.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) })
            else { throw fail("malformed GUID", at: f.1) }
            var bytes: [UInt8] = []
            var k = 0
            while k < hex.count {
                bytes.append(UInt8(String(decoding: hex[k..<(k + 2)], as: UTF8.self), radix: 16)!)
                k += 2
            }
            return [bytes[3], bytes[2], bytes[1], bytes[0], bytes[5], bytes[4], bytes[7], bytes[6]] + bytes[8...]
        }

        /// The SID of an O: or G: section: Windows cuts the text at the next section tag first, so
        /// `O:S-1-2-0x200D:` is S-1-2-0x200 followed by an empty DACL (non_canonical).
        mutating func sectionSID() throws -> SID {
            var end = i
            while end < chars.count {
                if end + 1 < chars.count, chars[end + 1] == 0x3A, [0x4F, 0x47, 0x44, 0x53].contains(chars[end]) {
                    break
                }
                end += 1
            }
            var p = Parser(chars: Array(chars[i..<end]), aliases: aliases)
            let sid = try p.sid(trailingSpace: true, offset: i)
            guard p.i == end - i else { throw fail("unexpected text after the SID", at: i + p.i) }
            i = end
            return sid
        }

        /// A SID: `S-1-…` or a two-letter alias (whitespace may follow an alias, as Windows allows).
        mutating func sid(trailingSpace: Bool, offset: Int = 0) throws -> SID {
            let start = i
            if let c = current, c | 0x20 == 0x73, i + 1 < chars.count, chars[i + 1] == 0x2D {
                let rest = Substring(String(decoding: chars[i...], as: UTF8.self))
                guard let (sid, used) = SID.parse(rest) else { throw fail("malformed SID", at: offset + start) }
                i += used
                return sid
            }
            guard i + 1 < chars.count || i + 2 == chars.count else { throw fail("expected a SID", at: offset + start) }
            guard i + 2 <= chars.count else { throw fail("expected a SID", at: offset + start) }
            let alias = String(decoding: chars[i..<(i + 2)], as: UTF8.self)
            guard let sid = aliases.sid(forAlias: alias) else {
                throw fail("unknown SID alias \"\(alias)\"", at: offset + start)
            }
            i += 2
            if trailingSpace { while current == 0x20 || current == 0x09 { i += 1 } }
            return sid
        }
    }
}
