import BinaryFormat

/// A dynamic or differencing VHD, read-only: the footer (at the end, with its copy at the start), the dynamic
/// disk header, and the block allocation table (big-endian sector offsets; 0xFFFFFFFF: the block is not in
/// this file). Each block starts with its sector bitmap (one bit a sector, most significant bit first), then
/// its data.
///
/// A dynamic disk reads a block not in the file as zeros. A differencing disk reads it from its parent, and
/// within a block it has, each sector whose bitmap bit is clear from the parent too. The parent is found
/// through the header's parent locators (W2ru relative, then W2ku absolute, then the parent's name) and must
/// carry the unique id the child names. A fixed VHD is read as a raw disk with a footer (`DiskLayout`),
/// or through `FixedVHD` as a parent.
struct DynamicVHD: VirtualDisk {
    let name: String
    let size: UInt64
    let blockSize: UInt64
    let identity: [UInt8]
    private let bitmapBytes: UInt64
    private let file: ReadOnlyFile
    private let bat: [UInt32]
    private let parent: (any VirtualDisk)?
    private let ownWarnings: [String]
    var warnings: [String] { ownWarnings + (parent?.warnings ?? []) }

    /// Nil when `file` is not a dynamic or differencing VHD (no "conectix" footer of type 3 or 4).
    static func open(_ file: ReadOnlyFile, chain: [String]) throws(BinaryFormatError) -> DynamicVHD? {
        guard file.size >= 512 + 1024 + 512 else { return nil }
        let footer = try file.bytes(512, at: file.size - 512, what: "the VHD footer")
        guard footer.starts(with: Array("conectix".utf8)) else { return nil }
        let type = footer.be32(0x3C)
        guard type == 3 || type == 4 else { return nil }
        return try DynamicVHD(file, footer: footer, differencing: type == 4, chain: chain)
    }

    private init(_ file: ReadOnlyFile, footer: [UInt8], differencing: Bool, chain: [String]) throws(BinaryFormatError) {
        self.file = file
        name = differencing ? "differencing VHD" : "dynamic VHD"
        identity = Array(footer[0x44..<0x54])
        let headerAt = footer.be64(0x10)
        guard headerAt <= file.size - 1024 - 512 else {
            throw file.malformed(at: file.size - 512 + 0x10, "a dynamic disk header at \(headerAt), outside the file")
        }
        let header = try file.bytes(1024, at: headerAt, what: "the dynamic disk header")
        guard header.starts(with: Array("cxsparse".utf8)) else {
            throw file.malformed(at: headerAt, "no \"cxsparse\" signature")
        }
        let tableAt = header.be64(0x10)
        let entries = UInt64(header.be32(0x1C))
        blockSize = UInt64(header.be32(0x20))
        size = footer.be64(0x30)
        guard blockSize >= 512, blockSize <= 256 << 20, blockSize & (blockSize - 1) == 0 else {
            throw file.malformed(at: headerAt + 0x20, "a block size of \(blockSize) bytes")
        }
        guard size > 0, size <= 2 << 40, entries >= (size + blockSize - 1) / blockSize, entries <= 1 << 24 else {
            throw file.malformed(
                at: headerAt + 0x1C,
                "\(entries) block table entries for a disk of \(size) bytes in blocks of \(blockSize)")
        }
        guard let end = Checked.add(tableAt, entries * 4), end <= file.size else {
            throw file.malformed(
                at: headerAt + 0x10, "a block table of \(entries) entries at \(tableAt) runs past the file")
        }
        let raw = try file.bytes(Int(entries * 4), at: tableAt, what: "the VHD block table")
        bat = (0..<Int(entries)).map { raw.be32($0 * 4) }
        // The sector bitmap: one bit a sector, padded to whole sectors.
        bitmapBytes = ((blockSize / 512 + 7) / 8 + 511) / 512 * 512
        // Each block's place: its sector bitmap, then its data.
        let placed = bat.enumerated().compactMap {
            $0.element == 0xFFFF_FFFF ? nil : (index: $0.offset, at: UInt64($0.element) &* 512)
        }
        ownWarnings = BlockPlacement.overlaps(
            placed, length: bitmapBytes + blockSize, file: file.path, tableAt: tableAt, entrySize: 4)
        guard differencing else {
            parent = nil
            return
        }
        // The parent locators: W2ru (relative) before W2ku (absolute), each a UTF-16LE path in the file.
        var relative: [String] = [], absolute: [String] = []
        for k in 0..<8 {
            let e = 0x240 + 24 * k
            let code = header.be32(e)
            let length = Int(header.be32(e + 8))
            let at = header.be64(e + 16)
            guard code == 0x5732_7275 || code == 0x5732_6B75, length > 0, length <= 4096 else { continue }
            guard let stop = Checked.add(at, UInt64(length)), stop <= file.size else {
                throw file.malformed(
                    at: headerAt + UInt64(e + 16),
                    "parent locator \(k) points at \(length) bytes at \(at), outside the file")
            }
            let path = UTF16LE.stringUntilNul(try file.bytes(length, at: at, what: "parent locator \(k)"))
            if code == 0x5732_7275 { relative.append(path) } else { absolute.append(path) }
        }
        let parentName = String(UTF16LE.string(header[0x40..<0x240], bigEndian: true).prefix { $0 != "\0" })
        let candidates = ParentDisk.candidates(relative: relative, absolute: absolute + [parentName], child: file.path)
        let found = try ParentDisk.open(
            for: file, candidates: candidates, named: relative + absolute + [parentName], chain: chain,
            at: headerAt + 0x240, expecting: "VHD")
        let wanted = Array(header[0x28..<0x38])
        guard found.identity == wanted else {
            throw file.malformed(
                at: headerAt + 0x28,
                "its parent \(found.path) has unique id \(Hex.string(found.identity)), not the \(Hex.string(wanted)) this child was made from (the parent was changed or replaced)"
            )
        }
        guard found.size == size else {
            throw file.malformed(
                at: headerAt + 0x28, "its parent \(found.path) holds \(found.size) bytes, this child \(size)")
        }
        parent = found
    }

    var path: String { file.path }
    var chain: [String] { [file.path] + (parent?.chain ?? []) }

    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: UInt64) throws(BinaryFormatError) {
        var done = 0
        while done < count {
            let at = offset + UInt64(done)
            let block = Int(at / blockSize)
            let within = at % blockSize
            let n = Int(min(UInt64(count - done), blockSize - within))
            let sector = bat[block]
            if sector == 0xFFFF_FFFF {
                if let parent {
                    try parent.read(into: buffer + done, count: n, at: at)
                } else {
                    (buffer + done).initializeMemory(as: UInt8.self, repeating: 0, count: n)
                }
            } else if let parent {
                try readMixed(
                    into: buffer + done, count: n, block: block, within: within, blockAt: UInt64(sector) * 512,
                    parent: parent)
            } else {
                let data = UInt64(sector) * 512 + bitmapBytes
                try file.read(into: buffer + done, count: n, at: data + within, what: "block \(block) of the VHD")
            }
            done += n
        }
    }

    /// A block of a differencing disk: runs of sectors whose bitmap bit is set come from this file, the
    /// others from the parent.
    private func readMixed(
        into buffer: UnsafeMutableRawPointer, count: Int, block: Int, within: UInt64, blockAt: UInt64,
        parent: any VirtualDisk
    ) throws(BinaryFormatError) {
        let first = within / 512
        let last = (within + UInt64(count) - 1) / 512
        let bitmap = try file.bytes(
            Int(last / 8 - first / 8 + 1), at: blockAt + first / 8, what: "the sector bitmap of block \(block)")
        func present(_ s: UInt64) -> Bool { bitmap[Int(s / 8 - first / 8)] & (0x80 >> (s % 8)) != 0 }
        var s = first
        while s <= last {
            let here = present(s)
            var e = s
            while e + 1 <= last && present(e + 1) == here { e += 1 }
            let from = max(s * 512, within), to = min((e + 1) * 512, within + UInt64(count))
            let out = buffer + Int(from - within)
            if here {
                try file.read(
                    into: out, count: Int(to - from), at: blockAt + bitmapBytes + from,
                    what: "block \(block) of the VHD")
            } else {
                try parent.read(into: out, count: Int(to - from), at: UInt64(block) * blockSize + from)
            }
            s = e + 1
        }
    }
}

/// A fixed VHD read as the parent of a differencing VHD: the disk, then a 512-byte footer.
struct FixedVHD: VirtualDisk {
    let name = "fixed VHD"
    let size: UInt64
    let identity: [UInt8]
    private let file: ReadOnlyFile
    var path: String { file.path }
    var chain: [String] { [file.path] }
    var warnings: [String] { [] }

    static func open(_ file: ReadOnlyFile) throws(BinaryFormatError) -> FixedVHD? {
        guard file.size >= 1024 else { return nil }
        let footer = try file.bytes(512, at: file.size - 512, what: "the VHD footer")
        guard footer.starts(with: Array("conectix".utf8)), footer.be32(0x3C) == 2 else { return nil }
        guard footer.be64(0x30) <= file.size - 512 else {
            throw file.malformed(
                at: file.size - 512 + 0x30, "a fixed VHD of \(footer.be64(0x30)) bytes in a file of \(file.size)")
        }
        return FixedVHD(size: footer.be64(0x30), identity: Array(footer[0x44..<0x54]), file: file)
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: UInt64) throws(BinaryFormatError) {
        try file.read(into: buffer, count: count, at: offset, what: "the fixed VHD")
    }
}
