import BinaryFormat
import Foundation

/// The collector's `manifest.json`: the server, its Windows, when it was collected, and each item with its
/// status (`ok`, `partial`, `failed`, `skipped`) and why.
public struct CollectorManifest: Sendable, Codable, Equatable {
    public struct Windows: Sendable, Codable, Equatable {
        public var caption: String?
        public var version: String?
        public var build: String?
    }

    public struct Item: Sendable, Codable, Equatable {
        public var what: String
        public var file: String?
        public var status: String
        public var reason: String?
        /// For an `icacls /save` export: the folder its relative names are under.
        public var base: String?
    }

    public var collector: String?
    public var computerName: String?
    public var windows: Windows?
    public var collectedUtc: String?
    public var items: [Item]

    /// A manifest is a few KiB; more than this is not one.
    static let maxBytes = 16 << 20

    public static func read(_ path: String) throws -> CollectorManifest {
        let file = try ReadOnlyFile(path: path)
        guard file.size <= UInt64(maxBytes) else {
            throw CaseError(
                .unreadable, file: path, "\(file.size) bytes, more than a collector's manifest holds (16 MiB)")
        }
        let bytes = Array(TextEncoding.decode(try file.bytes(Int(file.size), at: 0, what: "the manifest")).utf8)
        do {
            return try JSONDecoder().decode(CollectorManifest.self, from: Data(bytes))
        } catch let DecodingError.dataCorrupted(context) {
            throw CaseError(.unreadable, file: path, "not valid JSON (\(context.debugDescription))")
        } catch {
            throw CaseError(.unreadable, file: path, "not the collector's manifest (\(error))")
        }
    }

    /// The item whose file is `relative` (the collector writes `\`; compared with `/`).
    public func item(file relative: String) -> Item? {
        let wanted = relative.replacingOccurrences(of: "\\", with: "/").lowercased()
        return items.first { ($0.file ?? "").replacingOccurrences(of: "\\", with: "/").lowercased() == wanted }
    }

    /// The items that failed or were skipped, as the case's warnings say them.
    public var problems: [String] {
        items.filter { $0.status != "ok" }.map { i in
            "the collector \(i.status == "skipped" ? "skipped" : i.status == "partial" ? "collected only part of" : "could not collect") \(i.what)\(i.reason.map { $0.isEmpty ? "" : ": " + $0 } ?? "")"
        }
    }
}
