import BinaryFormat
import Crypto

/// A security identifier: revision 1, a 48-bit identifier authority, up to 15 sub-authorities (MS-DTYP 2.4.2).
public struct SID: Hashable, Sendable, CustomStringConvertible, Comparable {
    public var authority: UInt64
    public var subAuthorities: [UInt32]

    public init(authority: UInt64, _ subAuthorities: [UInt32]) {
        self.authority = authority
        self.subAuthorities = subAuthorities
    }

    /// `S-1-5-18`; an authority of 2^32 or more is written in hex, as MS-DTYP 2.4.2.1 says.
    public var description: String {
        let auth = authority >= 1 << 32 ? "0x" + String(authority, radix: 16) : String(authority)
        return (["S-1-" + auth] + subAuthorities.map(String.init)).joined(separator: "-")
    }

    /// Bytes in a self-relative descriptor: revision, count, 6-byte big-endian authority, little-endian sub-authorities.
    public var bytes: [UInt8] {
        var out: [UInt8] = [1, UInt8(subAuthorities.count)]
        for i in (0..<6).reversed() { out.append(UInt8(truncatingIfNeeded: authority >> (UInt64(i) * 8))) }
        for s in subAuthorities {
            out += [UInt8(s & 0xFF), UInt8(s >> 8 & 0xFF), UInt8(s >> 16 & 0xFF), UInt8(s >> 24)]
        }
        return out
    }

    public var byteCount: Int { 8 + 4 * subAuthorities.count }

    /// Reads a SID at `offset`, bounds-checked; returns it and its length.
    public static func decode(_ b: [UInt8], at offset: Int) throws -> (SID, Int) {
        guard offset >= 0, offset + 8 <= b.count else {
            throw SecurityError(
                .badDescriptor, at: .byteOffset(UInt64(offset)), "SID runs past the end (\(b.count) bytes)")
        }
        guard b[offset] == 1 else {
            throw SecurityError(
                .badDescriptor, at: .byteOffset(UInt64(offset)), "SID revision \(b[offset]), expected 1")
        }
        let count = Int(b[offset + 1])
        guard count <= 15 else {
            throw SecurityError(
                .badDescriptor, at: .byteOffset(UInt64(offset)), "SID with \(count) sub-authorities, at most 15")
        }
        let length = 8 + 4 * count
        guard offset + length <= b.count else {
            throw SecurityError(
                .badDescriptor, at: .byteOffset(UInt64(offset)), "SID of \(length) bytes runs past the end")
        }
        // The bounds are checked above, so the byte layer's reading cannot fail here.
        guard let s = b.withUnsafeBytes({ SIDBytes.read($0, at: offset) }) else {
            throw SecurityError(.badDescriptor, at: .byteOffset(UInt64(offset)), "SID runs past the end")
        }
        return (SID(authority: s.authority, s.subAuthorities), length)
    }

    /// Parses `S-1-…` as Windows does: components read like `wcstoul` (leading spaces, `0x` hex, values past
    /// 32 bits saturate to 4294967295); the authority may take 48 bits. Returns the SID and characters used.
    public static func parse(_ text: Substring) -> (SID, Int)? {
        let chars = Array(text.utf8)
        guard chars.count >= 2, chars[0] | 0x20 == 0x73, chars[1] == 0x2D else { return nil }
        var i = 2
        // Windows quirk (windows_is_weird): once the revision is written in hex, every later component is
        // read as hex too (S-0x1-20-0-579 is S-1-32-0-1401).
        var defaultRadix: UInt64 = 10
        func number() -> UInt64? {
            while i < chars.count, chars[i] == 0x20 || chars[i] == 0x09 { i += 1 }
            var radix = defaultRadix
            if i + 1 < chars.count, chars[i] == 0x30, chars[i + 1] | 0x20 == 0x78 {
                radix = 16
                i += 2
            }
            let start = i
            var value: UInt64 = 0
            var saturated = false
            while i < chars.count, let d = digit(chars[i], radix) {
                if value > (UInt64.max - d) / radix { saturated = true } else { value = value * radix + d }
                i += 1
            }
            guard i > start else { return nil }
            return saturated ? UInt64.max : value
        }
        let hexRevision = chars.count > 3 && chars[2] == 0x30 && chars[3] | 0x20 == 0x78
        guard let revision = number(), revision == 1 else { return nil }
        if hexRevision { defaultRadix = 16 }
        guard i < chars.count, chars[i] == 0x2D else { return nil }
        i += 1
        guard let authority = number(), authority < 1 << 48 else { return nil }
        var subs: [UInt32] = []
        while i + 1 < chars.count, chars[i] == 0x2D {
            let save = i
            i += 1
            guard let v = number() else {
                i = save
                return nil
            }
            subs.append(UInt32(min(v, 0xFFFF_FFFF)))
        }
        if i < chars.count, chars[i] == 0x2D { return nil }  // trailing dash
        guard subs.count <= 15 else { return nil }
        return (SID(authority: authority, subs), i)
    }

    private static func digit(_ c: UInt8, _ radix: UInt64) -> UInt64? {
        let v: UInt64
        switch c {
        case 0x30...0x39: v = UInt64(c - 0x30)
        case 0x61...0x66: v = UInt64(c - 0x61 + 10)
        case 0x41...0x46: v = UInt64(c - 0x41 + 10)
        default: return nil
        }
        return v < radix ? v : nil
    }

    /// The SID Windows gives a service, `NT SERVICE\<name>`: S-1-5-80 followed by the SHA-1 of the upper-cased
    /// name in UTF-16LE, read as five little-endian 32-bit numbers (the scheme `sc showsid` reports).
    public static func service(_ name: String) -> SID {
        let d = Array(Insecure.SHA1.hash(data: UTF16LE.encode(name.uppercased())))
        let subs: [UInt32] = (0..<5).map { i in d.le32(4 * i) }
        return SID(authority: 5, [80] + subs)
    }

    public static func < (a: SID, b: SID) -> Bool { a.description < b.description }

    // Well-known SIDs the audit names.
    public static let everyone = SID(authority: 1, [0])
    public static let creatorOwner = SID(authority: 3, [0])
    public static let ownerRights = SID(authority: 3, [4])
    public static let localSystem = SID(authority: 5, [18])
    public static let networkService = SID(authority: 5, [20])
    public static let localService = SID(authority: 5, [19])
    public static let administrators = SID(authority: 5, [32, 544])
    public static let users = SID(authority: 5, [32, 545])
    public static let authenticatedUsers = SID(authority: 5, [11])
    public static let service = SID(authority: 5, [6])
    public static let thisOrganization = SID(authority: 5, [15])
    public static let local = SID(authority: 2, [0])
    public static let consoleLogon = SID(authority: 2, [1])
}
