import BinaryFormat
import DiskImage

/// A non-resident attribute's bytes as its runs lay them out: byte `b` of the attribute is in the run whose
/// start is the last at or before `b`. Records are found by their byte position, never by counting whole
/// records per run: with clusters smaller than a record (512-byte clusters and 1,024-byte MFT records, or
/// 4,096-byte index records on 512-, 1,024- or 2,048-byte clusters) one record can straddle two runs.
struct RunMap {
    let runs: [DataRun]
    /// Where each run starts in the attribute's bytes.
    let starts: [UInt64]
    let clusterSize: UInt64
    /// The bytes the runs map.
    let size: UInt64

    init(_ runs: [DataRun], clusterSize: Int) {
        self.runs = runs
        self.clusterSize = UInt64(clusterSize)
        var at: UInt64 = 0
        starts = runs.map { run in
            defer { at = Checked.mulAdd(run.clusters, UInt64(clusterSize), at) ?? UInt64.max }
            return at
        }
        size = at
    }

    /// The run holding byte `byte` and the byte's place in that run, or nil beyond the runs.
    func place(_ byte: UInt64) -> (run: Int, inRun: UInt64)? {
        var lo = 0
        var hi = starts.count
        while lo < hi {  // the number of runs starting at or before `byte`
            let mid = (lo + hi) / 2
            if starts[mid] <= byte { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0, byte < size else { return nil }
        return (lo - 1, byte - starts[lo - 1])
    }

    /// The pieces of `count` bytes from `byte`: per run touched, its cluster (nil for a sparse run), the
    /// offset in the run and the length. Nil when the bytes go beyond the runs.
    func pieces(at byte: UInt64, count: Int) -> [(lcn: UInt64?, inRun: UInt64, length: Int)]? {
        var out: [(lcn: UInt64?, inRun: UInt64, length: Int)] = []
        var done = 0
        while done < count {
            guard let (i, inRun) = place(byte + UInt64(done)) else { return nil }
            let runBytes = runs[i].clusters * clusterSize
            let n = Int(min(UInt64(count - done), runBytes - inRun))
            out.append((runs[i].lcn, inRun, n))
            done += n
        }
        return out
    }
}
