import BinaryFormat
import CSVStream
import Foundation

/// The cleanup plan from an NTFS image (raw, disk, VHD, VHDX) or from the collector's listing of
/// `Windows\Microsoft.NET`, as from a mounted tree: the same items, counts and projections. An image gives
/// sizes and change times from its folders' indexes (which NTFS updates lazily: close, not exact); a listing
/// gives them as Get-ChildItem saw them. The plan's `remediate.ps1` runs on the server.
extension CleanupPlanner {
    /// The plan of an image: its Temporary ASP.NET Files folders read through their indexes.
    public func plan(image path: String, partition: Int? = nil) throws -> (CleanupPlan, VolumeReport) {
        try plan(indexed: IndexedVolume(path: path, partition: partition), partition: partition)
    }

    /// The plan of an image whose MFT index is built already (shared with the other audits of a case).
    public func plan(indexed volume: IndexedVolume, partition: Int? = nil) throws -> (CleanupPlan, VolumeReport) {
        let path = volume.path
        var vo = Volume.Options()
        vo.drive = options.drive
        vo.limits = options.limits
        vo.threads = 1
        let report = try Volume.audit(indexed: volume, options: vo)
        let files = try ImageVolumeFiles(path: path, partition: partition)
        let collector = Collector()
        guard let net = try files.lookup("Windows\\Microsoft.NET") else {
            return (finished(collector, report: report, source: .image), report)
        }
        // Down from Microsoft.NET: Framework*, then v*, then Temporary ASP.NET Files and all below it.
        var stack: [(record: UInt64, path: [UInt8], depth: Int)] = [(net, Array("Windows/Microsoft.NET".utf8), 2)]
        var seen: Set<UInt64> = [net]
        while let (record, folder, depth) = stack.popLast() {
            var children: [(UInt64, [UInt8])] = []
            try files.entries(of: record) { e in
                guard e.namespace != 2 else { return }  // the DOS 8.3 alias of a name listed already
                let name = Array(UTF16LE.string(e.name).utf8)
                let kind: EntryKind =
                    e.attributes & 0x400 != 0 ? .link : e.attributes & 0x1000_0000 != 0 ? .folder : .file
                let lower = String(decoding: name, as: UTF8.self).lowercased()
                if depth < 5 {
                    // Only the way to the temp folders: Framework*\v*\Temporary ASP.NET Files.
                    let wanted =
                        depth == 2
                        ? lower.hasPrefix("framework")
                        : depth == 3 ? lower.hasPrefix("v") : lower == "temporary asp.net files"
                    if depth == 4 { Self.observe(collector, folderPath: folder, name: name, kind: kind) { nil } }
                    if kind == .folder, wanted { children.append((e.record, folder + [0x2F] + name)) }
                    return
                }
                Self.observe(collector, folderPath: folder, name: name, kind: kind) {
                    (Int64(clamping: e.size), Int64(FileTime(raw: e.modified).unixSeconds))
                }
                if kind == .folder { children.append((e.record, folder + [0x2F] + name)) }
            }
            for (child, childPath) in children where depth < 64 && seen.insert(child).inserted {
                stack.append((child, childPath, depth + 1))
            }
        }
        return (finished(collector, report: report, source: .image), report)
    }

    /// The plan of the collector's listing (`listing/Microsoft.NET.csv`).
    public func plan(listing path: String) throws -> (CleanupPlan, VolumeReport) {
        var vo = Volume.Options()
        vo.drive = options.drive
        vo.limits = options.limits
        let report = try FileListing.audit(path, options: vo)
        let collector = Collector()
        struct Sink: CSVRecordSink {
            let collector: Collector
            var columns: [String: Int] = [:]
            mutating func header(_ r: CSVRecord) throws -> [Int] {
                for i in 0..<min(r.fieldCount, r.slotCount) {
                    columns[r.string(i).trimmingCharacters(in: CharacterSet(charactersIn: " \u{FEFF}"))] = i
                }
                return Array(0..<min(r.fieldCount, 64))
            }
            mutating func record(_ r: CSVRecord) throws {
                guard let p = columns["Path"], let t = columns["Type"] else { return }
                var full = r.string(p)
                if full.hasPrefix("\\\\?\\") { full.removeFirst(4) }
                guard full.count > 3, full.dropFirst().hasPrefix(":\\") else { return }
                var parts = full.dropFirst(3).split(separator: "\\").map { Array($0.utf8) }
                guard let name = parts.popLast() else { return }
                let type = r.string(t)
                let attributes = columns["Attributes"].flatMap { Int(r.string($0)) } ?? 0
                let kind: EntryKind = attributes & 0x400 != 0 ? .link : type == "Directory" ? .folder : .file
                let size = columns["Length"].flatMap { Int64(r.string($0)) } ?? 0
                let changed = columns["LastWriteTimeUtc"].flatMap { CivilDate.unixSeconds(iso8601: r.string($0)) } ?? 0
                CleanupPlanner.observe(
                    collector, folderPath: Array(parts.joined(separator: [0x2F])), name: name, kind: kind
                ) {
                    (size, changed)
                }
            }
        }
        var sink = Sink(collector: collector)
        do {
            _ = try CSVFile(path: path).stream(into: &sink)
        } catch let e as CSVStreamError {
            throw VolumeError(.badRoot, e.message)
        }
        return (finished(collector, report: report, source: .listing), report)
    }

    private func finished(_ c: Collector, report: VolumeReport, source: CleanupPlan.Source) -> CleanupPlan {
        var plan = makePlan(c, report: report)
        plan.source = source
        return plan
    }
}
