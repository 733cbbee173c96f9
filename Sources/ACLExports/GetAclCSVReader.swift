import BinaryFormat
import CSVStream
import WindowsSecurity

/// Reads PowerShell's `Get-ChildItem -Recurse | Get-Acl | Select-Object Path,Sddl | Export-Csv` through the
/// project's libcsv reader: columns found by name, `Microsoft.PowerShell.Core\FileSystem::` stripped.
public struct GetAclCSVReader {
    public let path: String
    public init(path: String) { self.path = path }

    static let providerPrefix = "Microsoft.PowerShell.Core\\FileSystem::"

    public func read<Sink: ACLEntrySink>(into audit: inout Sink) throws {
        var sink = GetAclRecords(audit: audit, file: path)
        do {
            _ = try CSVFile(path: path).stream(into: &sink)
        } catch let e as CSVStreamError {
            throw ACLExportError(
                e.code == .cannotOpen || e.code == .readFailed ? .unreadable : .notAnExport, file: e.file,
                at: e.position, e.reason)
        }
        audit = sink.audit
    }
}

/// The rows of a Get-Acl export handed to an `ACLEntrySink`.
private struct GetAclRecords<Sink: ACLEntrySink>: CSVRecordSink {
    var audit: Sink
    let file: String
    /// Columns of Path and Sddl once the header is seen (Export-Csv may write a `#TYPE …` line first).
    var columns: (path: Int, sddl: Int)? = nil

    mutating func header(_ r: CSVRecord) throws -> [Int] {
        try take(r)
        return Array(0..<64)
    }

    mutating func take(_ r: CSVRecord) throws {
        let names = (0..<min(r.fieldCount, r.slotCount)).map {
            r.string($0).trimmingCharacters(in: " \u{FEFF}")
        }
        if names.count == 1, names[0].hasPrefix("#TYPE") { return }
        guard let p = names.firstIndex(of: "Path"), let s = names.firstIndex(of: "Sddl") else {
            throw ACLExportError(
                .notAnExport, file: file, at: .header,
                "expected Path and Sddl columns (Get-Acl | Select-Object Path,Sddl | Export-Csv), found \(names.prefix(8).map { QuotedText.escape($0, limit: 40) }.joined(separator: ","))"
            )
        }
        columns = (p, s)
    }

    mutating func record(_ r: CSVRecord) throws {
        guard let columns else { return try take(r) }
        var p = r.string(columns.path)
        if p.hasPrefix(GetAclCSVReader.providerPrefix) { p.removeFirst(GetAclCSVReader.providerPrefix.count) }
        do {
            audit.entry(
                path: p, folder: nil, descriptor: try SDDL.parse(r.string(columns.sddl), aliases: audit.aliases)
            )
        } catch let e as SecurityError {
            audit.error(path: p, "\(file): record \(r.number): \(e.message)")
        }
    }
}
