import BinaryFormat
import Foundation

/// The names the customer gave the inputs, for the temporary folders their .zip members were extracted
/// to: wherever an audit quoted a temporary path (a finding, a warning, an error), the report shows
/// `upload.zip/Server01/System.evtx` instead. Applied to every rendering: text, JSON, Markdown and HTML.
public struct CaseNames: Sendable {
    private var folders: [(folder: String, shown: String)] = []

    public init() {}

    public var count: Int { folders.count }

    mutating func add(_ folder: String, shownAs shown: String) {
        folders.append((folder, shown))
        // Longest first, so a .zip inside a .zip is matched before the .zip it came from.
        folders.sort { $0.folder.count > $1.folder.count }
    }

    /// `text` with every extraction folder replaced by the name of its .zip.
    public func shown(_ text: String) -> String {
        guard !folders.isEmpty else { return text }
        var out = text
        for (folder, shown) in folders where out.contains(folder) {
            out = out.replacingOccurrences(of: folder, with: shown)
        }
        return out
    }

    /// The same in JSON text: the names replaced as JSON string content (quotes and backslashes escaped).
    public func shownInJSON(_ json: String) -> String {
        guard !folders.isEmpty else { return json }
        var out = json
        for (folder, shown) in folders {
            let from = String(JSONQuoting.quoted(folder).dropFirst().dropLast())
            let to = String(JSONQuoting.quoted(shown).dropFirst().dropLast())
            out = out.replacingOccurrences(of: from, with: to)
        }
        return out
    }

    /// Every string in a rendering context (dictionaries, arrays, strings) shown so.
    public func shown(context value: Any) -> Any {
        guard !folders.isEmpty else { return value }
        switch value {
        case let s as String: return shown(s)
        case let a as [Any]: return a.map { shown(context: $0) }
        case let d as [String: Any]: return d.mapValues { shown(context: $0) }
        default: return value
        }
    }
}
