import BinaryFormat
import DiskImage

/// The NTFS boot sector: geometry and where the $MFT starts.
struct BootSector {
    var bytesPerSector: Int
    var clusterSize: Int
    var totalClusters: UInt64
    var mftCluster: UInt64
    var recordSize: Int

    /// The geometry a collected $MFT is read with: one "cluster" a record, so record n is at n × size; the
    /// real volume's size is unknown, so runs are bounded by 2^48 clusters only.
    package init(bareMFTRecordSize size: Int) {
        bytesPerSector = 512
        clusterSize = size
        totalClusters = 1 << 48
        mftCluster = 0
        recordSize = size
    }

    init(_ b: [UInt8], file: ImageFile, at offset: UInt64) throws {
        bytesPerSector = Int(b.le16(0x0B))
        guard [256, 512, 1024, 2048, 4096].contains(bytesPerSector) else {
            throw file.error(
                at: offset + 0x0B, "\(bytesPerSector) bytes per sector (512 to 4,096 expected): not an NTFS boot sector"
            )
        }
        let raw = b[0x0D]
        let sectorsPerCluster = raw <= 0x80 ? Int(raw) : 1 << (256 - Int(raw))
        guard sectorsPerCluster > 0, sectorsPerCluster.nonzeroBitCount == 1,
            sectorsPerCluster * bytesPerSector <= 2 << 20
        else {
            throw file.error(at: offset + 0x0D, "sectors per cluster \(raw) is not a power of two up to 2 MiB clusters")
        }
        clusterSize = sectorsPerCluster * bytesPerSector
        totalClusters = b.le64(0x28) / UInt64(sectorsPerCluster)
        mftCluster = b.le64(0x30)
        let perRecord = Int8(bitPattern: b[0x40])
        recordSize = perRecord > 0 ? Int(perRecord) * clusterSize : 1 << Int(-Int(perRecord))
        guard [256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536].contains(recordSize) else {
            throw file.error(at: offset + 0x40, "an MFT record size of \(recordSize) bytes (1,024 or 4,096 expected)")
        }
        guard mftCluster > 0, mftCluster < totalClusters else {
            throw file.error(
                at: offset + 0x30, "the $MFT cluster \(mftCluster) lies outside the volume (\(totalClusters) clusters)")
        }
    }
}

/// One extent of a non-resident attribute: `clusters` clusters starting at `lcn` (nil = sparse).
struct DataRun: Equatable {
    var lcn: UInt64?
    var clusters: UInt64
}

/// Decodes a runlist: header byte (low nibble = length bytes, high nibble = offset bytes), the length, the
/// signed offset from the previous run's cluster; 0 ends it. Every run must lie inside the volume.
enum RunList {
    /// Two runs that map some of the same clusters (a real file never does), or nil.
    static func overlap(_ runs: [DataRun]) -> (DataRun, DataRun)? {
        let mapped = runs.filter { $0.lcn != nil }.sorted { $0.lcn! < $1.lcn! }
        for (a, b) in zip(mapped, mapped.dropFirst()) where a.lcn! + a.clusters > b.lcn! { return (a, b) }
        return nil
    }

    struct Malformed: Error {
        var at: Int
        var what: String
    }

    static func decode(_ b: UnsafeRawBufferPointer, totalClusters: UInt64) throws(Malformed) -> [DataRun] {
        var runs: [DataRun] = []
        var i = 0
        var lcn: Int64 = 0
        var total: UInt64 = 0
        while i < b.count {
            let header = b[i]
            if header == 0 { return runs }
            let lengthBytes = Int(header & 0x0F)
            let offsetBytes = Int(header >> 4)
            guard lengthBytes >= 1, lengthBytes <= 8, offsetBytes <= 8, i + 1 + lengthBytes + offsetBytes <= b.count
            else {
                throw Malformed(at: i, what: "a runlist header 0x\(String(header, radix: 16)) runs past its attribute")
            }
            var length: UInt64 = 0
            for k in 0..<lengthBytes { length |= UInt64(b[i + 1 + k]) << (8 * UInt64(k)) }
            guard length > 0, length <= totalClusters, total + length <= 1 << 48 else {
                throw Malformed(at: i, what: "a run of \(length) clusters (the volume has \(totalClusters))")
            }
            total += length
            if offsetBytes == 0 {
                runs.append(DataRun(lcn: nil, clusters: length))
            } else {
                var delta: UInt64 = 0
                for k in 0..<offsetBytes { delta |= UInt64(b[i + 1 + lengthBytes + k]) << (8 * UInt64(k)) }
                if offsetBytes < 8 && b[i + lengthBytes + offsetBytes] & 0x80 != 0 {
                    delta |= ~0 << (8 * UInt64(offsetBytes))  // sign-extend
                }
                lcn = lcn &+ Int64(bitPattern: delta)
                guard lcn >= 0, UInt64(lcn) + length <= totalClusters else {
                    throw Malformed(
                        at: i,
                        what:
                            "a run at cluster \(lcn) of \(length) clusters lies outside the volume (\(totalClusters) clusters)"
                    )
                }
                runs.append(DataRun(lcn: UInt64(lcn), clusters: length))
            }
            i += 1 + lengthBytes + offsetBytes
            guard runs.count <= 1 << 20 else { throw Malformed(at: i, what: "more than a million runs") }
        }
        throw Malformed(at: i, what: "the runlist has no end marker")
    }
}
