import BinaryFormat
import CSVStream
import Foundation
import UploadArchive

/// A listing of a tree as the collector writes it (`Get-ChildItem -Recurse -Force | Export-Csv`, columns
/// Path, Type, Length, CreationTimeUtc, LastWriteTimeUtc), read as the volume it describes: every folder
/// with its subfolders, files and longest entry name, judged by the same folder audit as a walk or an image.
///
/// Only the tree listed is known (the collector lists `Windows\Microsoft.NET`): the report's scope is the
/// top folder of the listing.
public enum FileListing {
    /// The header the collector writes; a file is recognised as a listing by it.
    public static let columns = ["Path", "Type", "Length", "CreationTimeUtc", "LastWriteTimeUtc", "Attributes"]

    /// One listed folder: its counts, filled as its entries are read.
    struct Folder {
        var path: String
        var subfolders = 0
        var files = 0
        var longestEntryName = 0
    }

    public static func audit(_ path: String, options: Volume.Options = .init()) throws -> VolumeReport {
        let started = Volume.monotonicSeconds()
        struct Sink: CSVRecordSink {
            let file: String
            var column: (path: Int, type: Int)? = nil
            /// Folders by their path folded to upper case (NTFS compares names so).
            var folders: [String: Folder] = [:]
            var warnings: [String] = []
            var skipped = 0

            mutating func header(_ r: CSVRecord) throws -> [Int] {
                let names = (0..<min(r.fieldCount, r.slotCount)).map {
                    r.string($0).trimmingCharacters(in: " \u{FEFF}")
                }
                guard let p = names.firstIndex(of: "Path"), let t = names.firstIndex(of: "Type") else {
                    throw VolumeError(
                        .badRoot,
                        "\(file): row 1: expected the collector's listing columns \(FileListing.columns.joined(separator: ",")), found \(names.prefix(8).map { QuotedText.escape($0, limit: 40) }.joined(separator: ","))"
                    )
                }
                column = (p, t)
                return Array(0..<min(r.fieldCount, 64))
            }

            mutating func folder(_ path: String) -> String {
                let key = path.uppercased()
                if folders[key] == nil {
                    folders[key] = Folder(path: path)
                    // Every folder above it, up to the listing's top, is a folder too.
                    if let cut = path.lastIndex(of: "\\"), path[..<cut].contains("\\") {
                        let parent = String(path[..<cut])
                        let parentKey = folder(parent)
                        let name = path[path.index(after: cut)...]
                        folders[parentKey]!.subfolders += 1
                        folders[parentKey]!.longestEntryName = max(
                            folders[parentKey]!.longestEntryName, name.utf16.count)
                    }
                }
                return key
            }

            mutating func record(_ r: CSVRecord) throws {
                guard let column else { return }
                var p = r.string(column.path)
                if p.hasPrefix("\\\\?\\") { p.removeFirst(4) }
                while p.hasSuffix("\\") { p.removeLast() }
                let type = r.string(column.type)
                guard p.count >= 4, p.dropFirst().hasPrefix(":\\"), type == "Directory" || type == "File" else {
                    skipped += 1
                    if warnings.count < 5 {
                        warnings.append(
                            "\(file): row \(r.number + 1): not a full path with Type Directory or File, skipped")
                    }
                    return
                }
                if type == "Directory" {
                    _ = folder(p)
                    return
                }
                guard let cut = p.lastIndex(of: "\\") else { return }
                let parentKey = folder(String(p[..<cut]))
                folders[parentKey]!.files += 1
                folders[parentKey]!.longestEntryName = max(
                    folders[parentKey]!.longestEntryName, p[p.index(after: cut)...].utf16.count)
            }
        }
        var sink = Sink(file: path)
        do {
            _ = try CSVFile(path: path).stream(into: &sink)
        } catch let e as CSVStreamError {
            throw VolumeError(.badRoot, e.message)
        }
        if sink.skipped > sink.warnings.count {
            sink.warnings.append("\(path): \(sink.skipped - sink.warnings.count) more rows skipped")
        }
        guard !sink.folders.isEmpty else {
            throw VolumeError(.badRoot, "\(path): the listing holds no folder or file")
        }
        var audit = FolderAudit(limits: options.limits, drive: options.drive, listFolders: options.listFolders)
        // The top of the listing: the shortest folder path (its parents are not listed).
        let top = sink.folders.values.min { $0.path.count < $1.path.count }!.path
        for f in sink.folders.values.sorted(by: { $0.path < $1.path }) {
            let components = f.path.split(separator: "\\").dropFirst()
            let length = f.path.utf16.count
            let parentLength = f.path.lastIndex(of: "\\").map { f.path[..<$0].utf16.count } ?? 0
            let area = WriterArea.of(windowsPath: f.path)
            var relative = Array(components.joined(separator: "/").utf8)
            relative.withUnsafeMutableBytes { bytes in
                audit.folder(
                    FolderVisit(
                        path: UnsafeRawBufferPointer(bytes), depth: components.count, subfolders: f.subfolders,
                        files: f.files, others: 0, windowsPathLength: length, parentWindowsPathLength: parentLength,
                        area: area, longestEntryName: f.longestEntryName))
            }
        }
        return VolumeReport(
            root: path, drive: String(top.prefix(2)), scopes: [top], folders: audit.folders, files: audit.files,
            others: 0, seconds: Volume.monotonicSeconds() - started, limits: options.limits,
            findings: audit.sortedFindings, foldersBelowLongPaths: audit.foldersBelowLongPaths, unreadable: [],
            otherFilesystems: [], source: "listing", warnings: sink.warnings, microsoftNET: audit.microsoftNETReport,
            folderCounts: audit.sortedFolderCounts)
    }

    public static func isListing(path: String) -> Bool { FileListingFormat.isListing(path: path) }
}
