import BinaryFormat
import DiskImage

/// Files on an NTFS image found as Windows opens a path: from the root folder (record 5) down through each
/// folder's $I30 index, names compared without regard to case. Reads a file's unnamed $DATA (also when an
/// $ATTRIBUTE_LIST spreads it over extension records) and its security descriptor (its own, or $Secure's
/// by security id). Only reads.
public final class ImageVolumeFiles: VolumeFiles {
    let image: NTFSImage
    private var secure: SecureDescriptors? = nil
    /// Folders looked into so far: upper-cased name -> record (a service audit asks for hundreds of files
    /// in the same few folders).
    private var listings: [UInt64: [String: UInt64]] = [:]
    public var source: String { image.path }

    public init(path: String, partition: Int? = nil) throws {
        image = try NTFSImage(path: path, partition: partition)
    }

    /// The MFT record of `path`, or nil when a component is not listed in its folder.
    package func lookup(_ path: String) throws -> UInt64? {
        var record: UInt64 = 5
        for part in Self.components(path) {
            if listings[record] == nil {
                var names: [String: UInt64] = [:]
                try entries(of: record) { e in
                    let name = UTF16LE.string(e.name).uppercased()
                    if names[name] == nil { names[name] = e.record }
                }
                listings[record] = names
            }
            guard let next = listings[record]?[part.uppercased()] else { return nil }
            record = next
        }
        return record
    }

    /// Every entry of the folder's index (root and in-use allocation records).
    package func entries(of folder: UInt64, _ body: (DirectoryIndex.Entry) -> Void) throws {
        guard let r = try image.record(folder) else { return }
        var allocation: [UInt8]? = nil
        var bitmap: [UInt8]? = nil
        var recordSize = 0
        var large = false
        var listed: [UInt64] = []
        try r.withUnsafeBytes { b in
            let facts: RecordFacts
            do { facts = try RecordFacts(parsing: b) } catch {
                throw image.file.error(
                    at: image.recordOffset(folder) ?? 0,
                    "MFT record \(folder): \((error as? MFTRecord.Problem)?.reason ?? "\(error)")")
            }
            guard facts.directory else { return }
            if let root = facts.indexRoot, let info = DirectoryIndex.root(root, body) {
                large = info.large
                recordSize = info.recordSize
            }
            allocation = facts.indexAllocation.map { Array($0) }
            bitmap = facts.indexBitmap.map { Array($0) }
            listed = facts.listedRecords
        }
        guard large else { return }
        // A folder with many entries may keep its allocation or bitmap in an extension record.
        if allocation == nil || bitmap == nil {
            for n in listed where n != folder {
                guard let x = try image.record(n) else { continue }
                x.withUnsafeBytes { b in
                    try? MFTRecord.attributes(b) { type, a in
                        guard MFTRecord.named(a, "$I30") else { return }
                        if type == 0xA0, a[8] == 1, allocation == nil { allocation = Array(a) }
                        if type == 0xB0, bitmap == nil, let v = MFTRecord.residentValue(a) { bitmap = Array(v) }
                    }
                }
            }
        }
        guard let allocation else { return }
        if let problem = image.indexEntries(
            IndexAllocation(attribute: allocation, bitmap: bitmap, recordSize: recordSize), body)
        {
            throw image.file.error(
                at: image.recordOffset(folder) ?? 0, "the index of folder record \(folder): \(problem)")
        }
    }

    public func state(of path: String) -> VolumeFileState {
        do {
            guard let n = try lookup(path), let r = try image.record(n) else { return .missing }
            let facts = try r.withUnsafeBytes { try RecordFacts(parsing: $0) }
            if let own = try r.withUnsafeBytes({ b -> [UInt8]? in
                guard let f = RecordFacts(b) else { return nil }
                return try f.descriptorBytes(image)
            }) {
                return .present(descriptor: own)
            }
            if secure == nil { secure = try SecureDescriptors.of(image, sds: nil) }
            return .present(descriptor: secure?.byID[facts.securityID])
        } catch {
            return .unreadable(PositionedMessage.reason(of: error))
        }
    }

    public func contents(of path: String, limit: Int) throws -> [UInt8]? {
        guard let n = try lookup(path), let r = try image.record(n) else { return nil }
        var pieces: [(vcn: UInt64, runs: [DataRun], size: UInt64?)] = []
        var resident: [UInt8]? = nil
        var listed: [UInt64] = []
        let totalClusters = image.boot.totalClusters
        func collect(_ b: UnsafeRawBufferPointer) throws(MFTRecord.Problem) {
            try MFTRecord.attributes(b) { type, a throws(MFTRecord.Problem) in
                if type == 0x20, let v = MFTRecord.residentValue(a) { listed = AttributeList.records(in: v) }
                guard type == 0x80, a[9] == 0 else { return }
                if let v = MFTRecord.residentValue(a) {
                    resident = Array(v)
                } else if let d = try MFTRecord.runs(a, totalClusters: totalClusters) {
                    let vcn = a.le64(16)
                    pieces.append((vcn, d.runs, vcn == 0 ? d.size : nil))
                }
            }
        }
        func read(_ record: [UInt8], _ number: UInt64) throws {
            let problem: MFTRecord.Problem? = record.withUnsafeBytes { b in
                do throws(MFTRecord.Problem) { try collect(b) } catch { return error }
                return nil
            }
            if let problem {
                throw image.file.error(
                    at: image.recordOffset(number) ?? 0, "MFT record \(number) (\(path)): \(problem.reason)")
            }
        }
        try read(r, n)
        for x in listed where x != n {
            guard let e = try image.record(x) else { continue }
            try read(e, x)
        }
        if let resident { return resident }
        pieces.sort { $0.vcn < $1.vcn }
        guard let size = pieces.first?.size else { return [] }
        let runs = pieces.flatMap(\.runs)
        guard RunList.overlap(runs) == nil else {
            throw image.file.error(at: image.recordOffset(n) ?? 0, "the data runs of \(path) overlap")
        }
        return try image.readRuns(runs, size: size, limit: limit, what: path)
    }

    public func names(in folder: String) -> [String]? {
        guard let n = try? lookup(folder) else { return nil }
        var out: [String] = []
        try? entries(of: n) { e in if e.namespace != 2 { out.append(UTF16LE.string(e.name)) } }
        return out
    }
}
