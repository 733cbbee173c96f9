import BinaryFormat

/// Where the hive bins are: for every 4 KiB page of the hive bins data, the end of the valid bin holding it
/// (0 when the page is in no valid bin). Built once by walking the bin headers; cells are checked against it
/// so no cell reaches past its bin.
struct HiveBins {
    /// Per page: end of its bin, relative to the start of the hive bins data.
    private var binEnd: [UInt32]
    private(set) var binCount = 0

    /// Walks the bin headers in `data` (the hive bins data, starting after the base block).
    init(_ data: UnsafeRawBufferPointer, declaredSize: Int, warn: (UInt64, String) -> Void) {
        let size = min(declaredSize, data.count) & ~0xFFF
        binEnd = [UInt32](repeating: 0, count: size / 4096)
        var at = 0
        while at < size {
            let sig = data[at] == 0x68 && data[at + 1] == 0x62 && data[at + 2] == 0x69 && data[at + 3] == 0x6E
            let offset = Int(data.le32(at + 4))
            let binSize = Int(data.le32(at + 8))
            guard sig else {
                warn(UInt64(4096 + at), "no hive bin here (signature is not \"hbin\"); its 4 KiB page is skipped")
                at += 4096
                continue
            }
            guard binSize >= 4096, binSize % 4096 == 0, binSize <= size - at else {
                warn(
                    UInt64(4096 + at),
                    "hive bin size \(binSize) is not a multiple of 4096 inside the hive; its 4 KiB page is skipped")
                at += 4096
                continue
            }
            if offset != at {
                warn(UInt64(4096 + at), "hive bin says it is at offset \(offset), but it is at \(at)")
            }
            for page in (at / 4096)..<((at + binSize) / 4096) { binEnd[page] = UInt32(at + binSize) }
            binCount += 1
            at += binSize
        }
    }

    /// The end of the bin holding `offset` (relative to the hive bins data), or nil when it is in none.
    @inline(__always)
    func end(of offset: Int) -> Int? {
        let page = offset >> 12
        guard page >= 0, page < binEnd.count else { return nil }
        let e = binEnd[page]
        return e == 0 ? nil : Int(e)
    }

    var mappedSize: Int { binEnd.count * 4096 }
}
