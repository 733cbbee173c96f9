import BinaryFormat

/// A dynamic VHD, read-only: the footer (at the end, with its copy at the start), the dynamic disk header,
/// and the block allocation table (big-endian sector offsets; 0xFFFFFFFF leaves a block zero). Each block
/// starts with its sector bitmap, then its data. A fixed VHD is read as a raw disk with a footer
/// (`DiskLayout`); a differencing one is refused with one line.
struct DynamicVHD: VirtualDisk {
    let name = "dynamic VHD"
    let size: UInt64
    let blockSize: UInt64
    private let bitmapBytes: UInt64
    private let file: ReadOnlyFile
    private let bat: [UInt32]

    /// Nil when `file` is not a dynamic or differencing VHD (no "conectix" footer of type 3 or 4).
    static func open(_ file: ReadOnlyFile) throws(BinaryFormatError) -> DynamicVHD? {
        guard file.size >= 512 + 1024 + 512 else { return nil }
        let footer = try file.bytes(512, at: file.size - 512, what: "the VHD footer")
        guard footer.starts(with: Array("conectix".utf8)) else { return nil }
        let type = footer.be32(0x3C)
        guard type == 3 || type == 4 else { return nil }
        guard type == 3 else {
            throw file.malformed(
                at: file.size - 512 + 0x3C,
                "a differencing VHD: its blocks are partly in its parent; merge it first (qemu-img convert -O raw CHILD out.raw)")
        }
        return try DynamicVHD(file, footer: footer)
    }

    private init(_ file: ReadOnlyFile, footer: [UInt8]) throws(BinaryFormatError) {
        self.file = file
        let headerAt = footer.be64(0x10)
        guard headerAt <= file.size - 1024 - 512 else {
            throw file.malformed(at: file.size - 512 + 0x10, "a dynamic disk header at \(headerAt), outside the file")
        }
        let header = try file.bytes(1024, at: headerAt, what: "the dynamic disk header")
        guard header.starts(with: Array("cxsparse".utf8)) else { throw file.malformed(at: headerAt, "no \"cxsparse\" signature") }
        let tableAt = header.be64(0x10)
        let entries = UInt64(header.be32(0x1C))
        blockSize = UInt64(header.be32(0x20))
        size = footer.be64(0x30)
        guard blockSize >= 512, blockSize <= 256 << 20, blockSize & (blockSize - 1) == 0 else {
            throw file.malformed(at: headerAt + 0x20, "a block size of \(blockSize) bytes")
        }
        guard size > 0, size <= 2 << 40, entries >= (size + blockSize - 1) / blockSize, entries <= 1 << 24 else {
            throw file.malformed(at: headerAt + 0x1C, "\(entries) block table entries for a disk of \(size) bytes in blocks of \(blockSize)")
        }
        guard let end = Checked.add(tableAt, entries * 4), end <= file.size else {
            throw file.malformed(at: headerAt + 0x10, "a block table of \(entries) entries at \(tableAt) runs past the file")
        }
        let raw = try file.bytes(Int(entries * 4), at: tableAt, what: "the VHD block table")
        bat = (0..<Int(entries)).map { raw.be32($0 * 4) }
        // The sector bitmap: one bit a sector, padded to whole sectors.
        bitmapBytes = ((blockSize / 512 + 7) / 8 + 511) / 512 * 512
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: UInt64) throws(BinaryFormatError) {
        var done = 0
        while done < count {
            let at = offset + UInt64(done)
            let block = Int(at / blockSize)
            let within = at % blockSize
            let n = Int(min(UInt64(count - done), blockSize - within))
            let sector = bat[block]
            if sector == 0xFFFF_FFFF {
                (buffer + done).initializeMemory(as: UInt8.self, repeating: 0, count: n)
            } else {
                let data = UInt64(sector) * 512 + bitmapBytes
                try file.read(into: buffer + done, count: n, at: data + within, what: "block \(block) of the VHD")
            }
            done += n
        }
    }
}
