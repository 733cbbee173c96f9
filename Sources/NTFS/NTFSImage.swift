import BinaryFormat
import DiskImage

/// An NTFS volume read straight from an image file: the boot sector, the $MFT's own runs, and sequential
/// reads of the MFT in large blocks. Opened read-only; nothing is ever written.
///
/// Or a collected $MFT file alone (`BareMFT`): the records are read as they are; what lives in clusters
/// outside the MFT (large folders' index records, $Secure:$SDS, non-resident descriptors) is not there.
public final class NTFSImage {
    let file: ImageFile
    public let partition: NTFSPartition
    let boot: BootSector
    /// True when the file is a collected $MFT, not a volume.
    public let isBareMFT: Bool
    /// A bare $MFT whose records come with their fixups applied.
    private var fixupsApplied = false
    /// What reading a bare $MFT noticed (cut off, trailing bytes).
    private(set) var bareWarnings: [String] = []
    /// The $MFT's extents, in MFT order.
    var mftRuns: [DataRun] { mftMap.runs }
    /// The $MFT's bytes through its runs: record `n` is at byte `n * recordSize`, wherever the runs split it.
    private var mftMap = RunMap([], clusterSize: 512)
    /// Records the $MFT holds (its data size / record size).
    private(set) var recordCount: UInt64 = 0
    public var path: String { file.path }
    var recordSize: Int { boot.recordSize }

    /// Records read per block in a scan.
    static let recordsPerBlock = 4096

    public init(path: String, partition: Int? = nil) throws {
        file = try ImageFile(path: path)
        if let bare = try BareMFT(file) {
            isBareMFT = true
            self.partition = NTFSPartition(number: 0, offset: 0, length: file.size, kind: "bare $MFT")
            boot = bare.boot
            mftMap = RunMap([DataRun(lcn: 0, clusters: bare.recordCount)], clusterSize: boot.clusterSize)
            recordCount = bare.recordCount
            bareWarnings = bare.warnings
            fixupsApplied = bare.fixupsApplied
            return
        }
        isBareMFT = false
        self.partition = try DiskLayout.locate(file, partition: partition)
        let bootBytes = try file.bytes(512, at: self.partition.offset, what: "the NTFS boot sector")
        boot = try BootSector(bootBytes, file: file, at: self.partition.offset)
        let clusters = UInt64(boot.clusterSize)
        let available = min(self.partition.length, file.size - min(file.size, self.partition.offset))
        guard let volumeBytes = Checked.mul(boot.totalClusters, clusters), volumeBytes <= available + clusters else {
            let claimed = Checked.mul(boot.totalClusters, clusters).map { "\($0) bytes" } ?? "more than 2^64 bytes"
            throw file.error(
                at: self.partition.offset + 0x28,
                "the boot sector gives \(claimed), more than the \(available) the image holds (cut off, or not a real total-sectors field)"
            )
        }
        try readMFTRuns()
    }

    /// Byte offset in the image of a cluster of the volume.
    func offset(ofCluster lcn: UInt64) -> UInt64 { partition.offset + lcn * UInt64(boot.clusterSize) }

    /// Record 0 describes the $MFT itself: its unnamed $DATA gives the runs of the whole table.
    private func readMFTRuns() throws {
        let at = offset(ofCluster: boot.mftCluster)
        var record = try file.bytes(boot.recordSize, at: at, what: "MFT record 0 ($MFT)")
        let totalClusters = boot.totalClusters
        var bitmapAttribute: [UInt8]? = nil
        var bitmapResident: [UInt8]? = nil
        let outcome: Result<([DataRun], UInt64), MFTRecord.Problem> = record.withUnsafeMutableBytes { r in
            do throws(MFTRecord.Problem) {
                guard try MFTRecord.fixup(r) else { throw MFTRecord.Problem.notARecord }
                var runs: [DataRun] = []
                var size: UInt64 = 0
                try MFTRecord.attributes(UnsafeRawBufferPointer(r)) { type, a throws(MFTRecord.Problem) in
                    if type == 0xB0, a[9] == 0 {
                        if let v = MFTRecord.residentValue(a) {
                            bitmapResident = Array(v)
                        } else {
                            bitmapAttribute = Array(a)
                        }
                    }
                    guard type == 0x80, a[9] == 0, let d = try MFTRecord.runs(a, totalClusters: totalClusters)
                    else { return }
                    // The first extent carries the sizes: the data size, and how much of it was ever written.
                    if a.le64(16) == 0 { size = min(d.size, a.le64(56)) }
                    runs += d.runs
                }
                return .success((runs, size))
            } catch {
                return .failure(error)
            }
        }
        let runs: [DataRun]
        let size: UInt64
        switch outcome {
        case .success(let found): (runs, size) = found
        case .failure(.notARecord):
            throw file.error(
                at: at,
                "MFT record 0 is not a FILE record: the boot sector's $MFT location is wrong, or this is not NTFS")
        case .failure(.badFixup(let why)):
            throw file.error(at: at, "MFT record 0 ($MFT): \(why)")
        case .failure(.badAttribute(let offset, let why)):
            throw file.error(at: at + UInt64(offset), "MFT record 0 ($MFT): \(why)")
        }
        guard !runs.isEmpty, size >= UInt64(boot.recordSize) * 16 else {
            throw file.error(at: at, "MFT record 0 ($MFT) has no data runs: the $MFT cannot be located")
        }
        guard !runs.contains(where: { $0.lcn == nil }) else {
            throw file.error(at: at, "the $MFT has a sparse run, which a real $MFT never has")
        }
        if let (a, b) = RunList.overlap(runs) {
            throw file.error(
                at: at,
                "the $MFT's runs overlap: clusters \(a.lcn!)-\(a.lcn! + a.clusters - 1) and \(b.lcn!)-\(b.lcn! + b.clusters - 1) (records would be read twice)"
            )
        }
        mftMap = RunMap(runs, clusterSize: boot.clusterSize)
        let mapped = mftMap.size
        recordCount = min(size, mapped) / UInt64(boot.recordSize)
        // $MFT:$BITMAP says which records are in use; blocks with none in use are not read.
        if let bitmapResident {
            mftBitmap = bitmapResident
        } else if let bitmapAttribute {
            mftBitmap = try? bitmapAttribute.withUnsafeBytes { a -> [UInt8]? in
                guard let d = try? MFTRecord.runs(a, totalClusters: totalClusters) else { return nil }
                return try readRuns(d.runs, size: d.size, limit: 64 << 20, what: "the $MFT bitmap")
            }
        }
        if let mftBitmap {
            let covered = UInt64(mftBitmap.count) * 8
            if covered < recordCount { recordCount = covered }
        }
        let read = recordCount * UInt64(boot.recordSize)
        if mapped > read && mapped - read >= 1 << 20 {
            unreadMFTBytes = mapped - read
        }
    }

    /// $MFT:$BITMAP, one bit a record (nil when record 0 has none: every record is read).
    private(set) var mftBitmap: [UInt8]? = nil
    /// Bytes the $MFT's runs map beyond its initialized data and bitmap: not read (zeros, or never written).
    private(set) var unreadMFTBytes: UInt64 = 0

    /// Says how much of what the $MFT's runs map was not read (beyond its initialized data or its bitmap).
    package var unreadWarnings: [String] {
        var out = file.warnings + partition.warnings + readRunsWarnings
        guard unreadMFTBytes > 0 else { return out + bareWarnings }
        out.append(
            "\(path): the $MFT's runs map \(unreadMFTBytes) bytes beyond its \(recordCount) records (its initialized size and bitmap): not read"
        )
        return out
    }

    /// Attributes whose declared size was more than their runs map (read as far as the runs go).
    private(set) var readRunsWarnings: [String] = []

    /// Whether the bitmap marks any record in `first..<first+count` in use.
    func anyInUse(from first: UInt64, count: Int) -> Bool {
        guard let mftBitmap else { return true }
        var n = first
        let end = first + UInt64(count)
        while n < end {
            let byte = Int(n / 8)
            guard byte < mftBitmap.count else { return false }
            if n % 8 == 0, end - n >= 8 {
                if mftBitmap[byte] != 0 { return true }
                n += 8
            } else {
                if mftBitmap[byte] & (1 << (n % 8)) != 0 { return true }
                n += 1
            }
        }
        return false
    }

    /// Reads `count` bytes of the attribute `map` lays out, from its byte `byte` on, across runs (sparse runs
    /// as zeros).
    func read(_ map: RunMap, at byte: UInt64, count: Int, into to: UnsafeMutableRawPointer, what: String) throws {
        guard let pieces = map.pieces(at: byte, count: count) else {
            throw file.error(at: 0, "\(what): bytes \(byte) to \(byte + UInt64(count)) are beyond the runs")
        }
        var done = 0
        for piece in pieces {
            if let lcn = piece.lcn {
                try file.read(
                    into: to + done, count: piece.length, at: offset(ofCluster: lcn) + piece.inRun, what: what)
            } else {
                (to + done).initializeMemory(as: UInt8.self, repeating: 0, count: piece.length)
            }
            done += piece.length
        }
    }

    /// Byte offset in the image of MFT record `n`, or nil past the table.
    func recordOffset(_ n: UInt64) -> UInt64? {
        guard n < recordCount else { return nil }
        guard let (i, inRun) = mftMap.place(n * UInt64(boot.recordSize)), let lcn = mftRuns[i].lcn else { return nil }
        return offset(ofCluster: lcn) + inRun
    }

    /// Reads MFT record `n` on its own (fixed up), or nil when it is unused; throws when it is damaged.
    func record(_ n: UInt64) throws -> [UInt8]? {
        guard n < recordCount else { return nil }
        var r = [UInt8](repeating: 0, count: boot.recordSize)
        try r.withUnsafeMutableBytes {
            try read(
                mftMap, at: n * UInt64(boot.recordSize), count: boot.recordSize, into: $0.baseAddress!,
                what: "MFT record \(n)")
        }
        let used = r.withUnsafeMutableBytes { (try? MFTRecord.fixup($0, applied: fixupsApplied)) }
        guard let used else {
            throw file.error(at: recordOffset(n) ?? 0, "MFT record \(n) is damaged")
        }
        return used && r.le16(22) & MFTRecord.inUse != 0 ? r : nil
    }

    /// Reads the data of a non-resident attribute (at most `limit` bytes), sparse runs as zeros. A declared
    /// size beyond what the runs map is cut to what they map: memory follows the image, not a size field.
    func readRuns(_ runs: [DataRun], size: UInt64, limit: Int, what: String) throws -> [UInt8] {
        guard !isBareMFT else { throw ImageError(.unsupported, file: path, "\(what) is \(BareMFT.outside)") }
        let clusterBytes = UInt64(boot.clusterSize)
        var mapped: UInt64 = 0
        for run in runs { mapped = Checked.mulAdd(run.clusters, clusterBytes, mapped) ?? UInt64.max }
        let wanted = min(size, mapped)
        if size > mapped, readRunsWarnings.count < 20 {
            readRunsWarnings.append(
                "\(path): \(what) declares \(size) bytes, its runs map \(mapped): read as far as the runs go")
        }
        guard wanted <= UInt64(limit) else {
            throw file.error(at: 0, "\(what) claims \(wanted) bytes, more than the \(limit) expected")
        }
        var out = [UInt8](repeating: 0, count: Int(wanted))
        var done = 0
        for run in runs where done < out.count {
            let n = Int(min(run.clusters * clusterBytes, UInt64(out.count - done)))
            if let lcn = run.lcn {
                try out.withUnsafeMutableBytes {
                    try file.read(into: $0.baseAddress! + done, count: n, at: offset(ofCluster: lcn), what: what)
                }
            }
            done += n
        }
        return out
    }

    /// What a scan noticed besides the records.
    public struct ScanWarnings: Sendable {
        public var damaged = 0
        public var firstDamaged: [String] = []
        /// Records not read because the $MFT bitmap marks none of their block in use.
        public var skippedRecords: UInt64 = 0
    }

    /// Reads the whole MFT in file order, in blocks of `recordsPerBlock` records, and hands every record in
    /// use (fixed up) to `body` with its number. Damaged records are counted and named in warnings, not fatal.
    package func scan(_ body: (UInt64, UnsafeRawBufferPointer) -> Void) throws -> ScanWarnings {
        var warnings = ScanWarnings()
        let size = boot.recordSize
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: size * Self.recordsPerBlock, alignment: 16)
        defer { block.deallocate() }
        var number: UInt64 = 0
        while number < recordCount {
            let records = Int(min(UInt64(Self.recordsPerBlock), recordCount - number))
            guard anyInUse(from: number, count: records) else {
                warnings.skippedRecords += UInt64(records)
                number += UInt64(records)
                continue
            }
            try read(
                mftMap, at: number * UInt64(size), count: records * size, into: block.baseAddress!,
                what: "MFT records from \(number)")
            for k in 0..<records {
                let r = UnsafeMutableRawBufferPointer(rebasing: block[(k * size)..<(k * size + size)])
                let n = number + UInt64(k)
                do {
                    guard try MFTRecord.fixup(r, applied: fixupsApplied) else { continue }
                    let flags = UnsafeRawBufferPointer(r).le16(22)
                    guard flags & MFTRecord.inUse != 0 else { continue }
                    body(n, UnsafeRawBufferPointer(r))
                } catch {
                    warnings.damaged += 1
                    if warnings.firstDamaged.count < 20 {
                        let why: String
                        switch error {
                        case .notARecord: why = "not a FILE record"
                        case .badFixup(let w): why = w
                        case .badAttribute(_, let w): why = w
                        }
                        warnings.firstDamaged.append(
                            "MFT record \(n) (byte offset \(recordOffset(n) ?? 0)): \(why); skipped")
                    }
                }
            }
            number += UInt64(records)
        }
        return warnings
    }
}
