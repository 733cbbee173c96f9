import BinaryFormat
import Foundation
import WindowsSecurity

/// Reads `icacls <dir> /t` display output:
///
///     crazy NT AUTHORITY\SYSTEM:(I)(OI)(CI)(F)
///           BUILTIN\Administrators:(I)(OI)(CI)(F)
///
///     Successfully processed 2 files; Failed processing 0 files
///
/// Each entry starts with its path; its ACEs follow, one per line, continuation lines indented to where
/// the first principal begins. Principals are account names (English), `*S-1-…` when unresolved; names
/// that cannot be mapped to a SID (domain accounts) match no token.
public struct IcaclsDisplayReader {
    public let path: String
    public init(path: String) { self.path = path }

    public func read<Sink: ACLEntrySink>(into audit: inout Sink) throws {
        let lines = try TextFile.lines(path)
        var current: (path: String, column: Int, aces: [ACE], line: Int, bad: String?)? = nil
        func flush(_ audit: inout Sink) {
            guard let c = current else { return }
            if let bad = c.bad {
                audit.error(path: c.path, bad)
            } else {
                audit.entry(
                    path: c.path, folder: nil,
                    descriptor: SecurityDescriptor(control: .daclPresent, dacl: ACL(aces: c.aces)))
            }
            current = nil
        }
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if line.trimmingCharacters(in: " \t").isEmpty || line.hasPrefix("Successfully processed")
                || line.hasPrefix("$ ")
                || line.hasPrefix("PS ")
            {
                flush(&audit)
                continue
            }
            let indent = line.prefix { $0 == " " }.count
            if let column = current?.column, indent > 0, indent == column {
                // Appended in place: a copy of the entry per line made 50,000 ACEs take 47 s.
                do { current!.aces.append(try Self.ace(String(line.dropFirst(indent)))) } catch let e as Failure {
                    current!.bad = current!.bad ?? "\(path): line \(number): \(e.message)"
                }
                continue
            }
            flush(&audit)
            // A new entry: split the path from the first ACE at the column the next line is indented to,
            // else at the known principal that ends the line.
            guard let colon = line.range(of: ":(", options: .backwards) else {
                audit.error(path: line, "\(path): line \(number): expected 'path principal:(rights)'")
                continue
            }
            var column: Int? = nil
            if index + 1 < lines.count {
                let next = lines[index + 1]
                let nextIndent = next.prefix { $0 == " " }.count
                if nextIndent > 0, nextIndent < line.count, next.contains(":(") { column = nextIndent }
            }
            if column == nil {
                let head = line[..<colon.lowerBound]
                column = Self.principalStart(in: String(head))
            }
            guard let start = column, start > 1, start < line.count else {
                audit.error(path: line, "\(path): line \(number): cannot tell the path from the principal")
                continue
            }
            let entryPath = String(line.prefix(start - 1))
            var entry = (path: entryPath, column: start, aces: [ACE](), line: number, bad: String?.none)
            do { entry.aces.append(try Self.ace(String(line.dropFirst(start)))) } catch let e as Failure {
                entry.bad = "\(path): line \(number): \(e.message)"
            }
            current = entry
        }
        flush(&audit)
    }

    struct Failure: Error { let message: String }

    /// Where the principal starts in `path principal` (known names first, then the last space).
    static func principalStart(in head: String) -> Int? {
        for name in principals.keys.sorted(by: { $0.count > $1.count }) where head.hasSuffix(" " + name) {
            return head.count - name.count
        }
        if let star = head.range(of: " *S-1-", options: .backwards) {
            return head.distance(from: head.startIndex, to: star.lowerBound) + 1
        }
        if let space = head.lastIndex(of: " ") { return head.distance(from: head.startIndex, to: space) + 1 }
        return nil
    }

    /// `NT AUTHORITY\SYSTEM:(I)(OI)(CI)(F)` → an ACE.
    static func ace(_ text: String) throws -> ACE {
        guard let colon = text.range(of: ":(", options: .backwards) else {
            throw Failure(message: "expected principal:(rights)")
        }
        let principal = String(text[..<colon.lowerBound])
        var rest = text[text.index(after: colon.lowerBound)...]
        var flags: UInt8 = 0
        var deny = false
        var mask: UInt32? = nil
        while rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { throw Failure(message: "unclosed '(' in \(text)") }
            let token = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            switch token {
            case "I": flags |= 0x10
            case "OI": flags |= 0x01
            case "CI": flags |= 0x02
            case "IO": flags |= 0x08
            case "NP": flags |= 0x04
            case "DENY": deny = true
            default:
                guard let m = rightsMask(token) else { throw Failure(message: "unknown rights \"\(token)\"") }
                mask = (mask ?? 0) | m
            }
        }
        guard String(rest).trimmingCharacters(in: " \t").isEmpty else {
            throw Failure(message: "unexpected text after the rights: \(rest)")
        }
        guard let mask else { throw Failure(message: "no rights for \(principal)") }
        return ACE(kind: deny ? .accessDenied : .accessAllowed, flags: flags, mask: mask, sid: sid(principal))
    }

    static func rightsMask(_ token: String) -> UInt32? { AccessMask.icacls(token) }

    static let principals: [String: SID] = [
        "NT AUTHORITY\\SYSTEM": .localSystem, "BUILTIN\\Administrators": .administrators, "BUILTIN\\Users": .users,
        "NT AUTHORITY\\Authenticated Users": .authenticatedUsers, "Everyone": .everyone, "CREATOR OWNER": .creatorOwner,
        "CREATOR GROUP": SID(authority: 3, [1]), "OWNER RIGHTS": .ownerRights,
        "NT AUTHORITY\\NETWORK SERVICE": .networkService,
        "NT AUTHORITY\\LOCAL SERVICE": .localService, "NT AUTHORITY\\SERVICE": .service,
        "NT AUTHORITY\\INTERACTIVE": SID(authority: 5, [4]),
        "BUILTIN\\IIS_IUSRS": SID(authority: 5, [32, 568]),
        "APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES": SID(authority: 15, [2, 1]),
        "APPLICATION PACKAGE AUTHORITY\\ALL RESTRICTED APPLICATION PACKAGES": SID(authority: 15, [2, 2]),
    ]

    /// The SID of an account name; `NT SERVICE\x` is computed; unknown names get the NULL SID (matches nobody).
    static func sid(_ principal: String) -> SID {
        if let known = principals[principal] { return known }
        if principal.hasPrefix("*"), let (sid, _) = SID.parse(Substring(principal.dropFirst())) { return sid }
        if principal.hasPrefix("NT SERVICE\\") { return SID.service(String(principal.dropFirst("NT SERVICE\\".count))) }
        return SID(authority: 0, [0])
    }
}
