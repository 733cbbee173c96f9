import BinaryFormat
import Foundation

/// Runs the Samba test vectors made on real Windows (see ../shared/reference/acl/SAMBA-VECTORS.md).
///
/// Text files (`a -> b`): `a` must parse and print as `b` (or fail, for should_fail and windows_is_fussy).
/// JSON files (`{sddl: [bytes]}`, already decompressed): the SDDL must encode to exactly Windows' bytes and
/// the bytes decode to the same descriptor. In oversize-acls.json the ACLs carry padding that no SDDL
/// string describes, so there the decoded descriptor must re-encode to the same bytes and print as the SDDL does.
public enum SDDLConformance {
    public struct FileResult: Sendable {
        public var file: String
        public var passed = 0
        public var failed = 0
        public var failures: [String] = []
    }

    /// Samba's tests use this domain for domain-relative aliases in the text vectors ...
    public static let textDomain = SID(authority: 2, [3, 4])
    /// ... and the JSON vectors were made on a machine of this domain.
    public static let jsonDomain = SID(authority: 5, [21, 2_457_507_606, 2_709_100_691, 398_136_650])

    public static func run(directory: String) throws -> [FileResult] {
        let fm = FileManager.default
        var results: [FileResult] = []
        for name in try fm.contentsOfDirectory(atPath: directory).sorted() {
            let path = directory + "/" + name
            if name.hasSuffix(".txt") { results.append(try text(path)) }
            if name.hasSuffix(".json") { results.append(try json(path)) }
        }
        return results
    }

    static func text(_ path: String) throws -> FileResult {
        let name = (path as NSString).lastPathComponent
        var r = FileResult(file: name)
        let mustFail = name.contains("should_fail") || name.contains("windows_is_fussy")
        let aliases = SIDAliases(domain: textDomain)
        for raw in try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: true)
        {
            var line = String(raw)
            while let last = line.last, last == " " || last == "\r" || last == "\t" { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.components(separatedBy: " -> ")
            let input = parts[0]
            let expected = parts.count > 1 ? parts[1...].joined(separator: " -> ") : input
            do {
                let sd = try SDDL.parse(input, aliases: aliases)
                let got = SDDL.string(sd, aliases: aliases)
                if mustFail {
                    r.failed += 1
                    r.failures.append("accepted: \(input) -> \(got)")
                } else if got == expected || (expected.contains("0x") && got.lowercased() == expected.lowercased()) {
                    r.passed += 1
                } else {
                    r.failed += 1
                    r.failures.append("\(input)\n  want \(expected)\n  got  \(got)")
                }
            } catch {
                if mustFail {
                    r.passed += 1
                } else {
                    r.failed += 1
                    r.failures.append("rejected: \(input): \(error)")
                }
            }
        }
        return r
    }

    static func json(_ path: String) throws -> FileResult {
        let name = (path as NSString).lastPathComponent
        var r = FileResult(file: name)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let cases = try JSONSerialization.jsonObject(with: data) as? [String: [Int]] else {
            r.failed += 1
            r.failures.append("not a {sddl: [bytes]} object")
            return r
        }
        let aliases = SIDAliases(domain: jsonDomain)
        for (sddl, ints) in cases.sorted(by: { $0.key < $1.key }) {
            let bytes = ints.map { UInt8(truncatingIfNeeded: $0) }
            do {
                let parsed = try SDDL.parse(sddl, aliases: aliases)
                let decoded = try SecurityDescriptor.decode(bytes)
                // Padded ACLs (all of oversize-acls.json, and the same 8 descriptors in short-ordinary-acls.json)
                // came from real files: no SDDL string says "pad this ACL", so compare through the decoded form.
                let oversize = decoded.dacl?.declaredSize != nil || decoded.sacl?.declaredSize != nil
                let encoded = oversize ? decoded.encode() : parsed.encode()
                let printedSame = SDDL.string(decoded, aliases: aliases) == SDDL.string(parsed, aliases: aliases)
                if encoded == bytes && printedSame && decoded.encode() == bytes {
                    r.passed += 1
                } else {
                    r.failed += 1
                    let hex = { (b: [UInt8]) in b.map { String($0, radix: 16).leftPadded(2) }.joined() }
                    r.failures.append(
                        "\(sddl)\n  want \(hex(bytes))\n  got  \(hex(encoded))\n  printed same: \(printedSame)")
                }
            } catch {
                r.failed += 1
                r.failures.append("\(sddl): \(error)")
            }
        }
        return r
    }
}
