import BinaryFormat
import Foundation
import WindowsSecurity

/// Reads `icacls <dir> /save acls.txt /t /c`: UTF-16LE (with or without BOM), CRLF, pairs of lines — a path
/// relative to the folder saved, then its DACL as SDDL (no owner, group or SACL).
public struct IcaclsSaveReader {
    public let path: String
    /// The Windows folder the save was made in (`C:\Windows\Microsoft.NET`), prefixed to every path.
    public var base: String

    public init(path: String, base: String = "") {
        self.path = path
        self.base = base
    }

    public func read<Sink: ACLEntrySink>(into audit: inout Sink) throws {
        let lines = try TextFile.lines(path)
        var i = 0
        while i < lines.count {
            let name = lines[i]
            if name.trimmingCharacters(in: " \t").isEmpty {
                i += 1
                continue
            }
            let shown = joined(name)
            guard i + 1 < lines.count else {
                audit.error(path: shown, "\(path): line \(i + 1): path without an SDDL line after it")
                break
            }
            let sddl = lines[i + 1]
            do {
                audit.entry(path: shown, folder: nil, descriptor: try SDDL.parse(sddl, aliases: audit.aliases))
            } catch let e as SecurityError {
                audit.error(path: shown, "\(path): line \(i + 2): \(e.message)")
            }
            i += 2
        }
    }

    private func joined(_ relative: String) -> String {
        guard !base.isEmpty else { return relative }
        return base.hasSuffix("\\") ? base + relative : base + "\\" + relative
    }
}
