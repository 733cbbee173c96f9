import BinaryFormat
import Foundation

/// The collector's listing of a tree (`listing/Microsoft.NET.csv`, from Get-ChildItem | Export-Csv): how it
/// is told from other CSV files by its header.
public enum FileListingFormat {
    /// Whether the file at `path` starts with the collector's listing header.
    public static func isListing(path: String) -> Bool {
        guard let file = try? ReadOnlyFile(path: path), file.size > 0,
            let head = try? file.bytes(Int(min(file.size, 512)), at: 0, what: "the header")
        else { return false }
        var text = String(decoding: head, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return isListing(firstLine: String(text.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }))
    }

    /// Whether the first line of `head` is the collector's listing header.
    public static func isListing(firstLine: String) -> Bool {
        let names = firstLine.split(separator: ",").map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" \u{FEFF}\r"))
        }
        return Array(names.prefix(2)) == ["Path", "Type"] && names.contains("Length")
    }
}
