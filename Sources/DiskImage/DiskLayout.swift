import BinaryFormat

/// Where the NTFS volume lies in an image: a raw partition image, a disk with an MBR or GPT partition table,
/// or a fixed VHD (raw data followed by a 512-byte footer). VHDX and dynamic VHD are refused with the
/// command that converts them.
public struct NTFSPartition: Sendable, Equatable {
    /// 1-based number in the partition table; 0 for a partition image.
    public var number: Int
    public var offset: UInt64
    public var length: UInt64
    /// `MBR type 0x07`, `GPT "Basic data partition"`, `partition image`.
    public var kind: String
    /// What the partition table claims that the disk cannot hold (read as far as the disk goes).
    public var warnings: [String] = []

    package init(number: Int, offset: UInt64, length: UInt64, kind: String, warnings: [String] = []) {
        self.number = number
        self.offset = offset
        self.length = length
        self.kind = kind
        self.warnings = warnings
    }
}

package enum DiskLayout {
    static let ntfsOEM: [UInt8] = Array("NTFS    ".utf8)

    /// Disk formats recognised only to be refused with the conversion command (VHDX and VHD are read).
    static func unreadFormat(_ head: [UInt8]) -> String? {
        if head.starts(with: [0x51, 0x46, 0x49, 0xFB]) { return "qcow2" }
        if head.starts(with: Array("KDMV".utf8)) || head.starts(with: Array("# Disk DescriptorFile".utf8)) {
            return "VMDK"
        }
        if head.count >= 0x44, head.le32(0x40) == 0xBEDA_107F { return "VirtualBox VDI" }
        return nil
    }

    package static func locate(_ file: ImageFile, partition wanted: Int?) throws -> NTFSPartition {
        guard file.size >= 512 else {
            throw file.error(at: 0, "\(file.size) bytes is too small for an NTFS volume or a disk image")
        }
        let head = try file.bytes(512, at: 0, what: "the first sector")
        if file.container == nil, let format = Self.unreadFormat(head) {
            throw ImageError(
                .unsupported, file: file.path, at: .byteOffset(0),
                "a \(format) image, which is not read here; convert it: qemu-img convert -O raw \(file.path) volume.raw"
            )
        }
        var dataSize = file.size
        let footer = try file.bytes(512, at: file.size - 512, what: "the last sector")
        if Array(footer[0..<8]) == Array("conectix".utf8) || Array(head[0..<8]) == Array("conectix".utf8) {
            let type = Array(footer[0..<8]) == Array("conectix".utf8) ? footer.be32(0x3C) : head.be32(0x3C)
            guard type == 2 else {
                let name = type == 4 ? "differencing" : "dynamic"
                throw ImageError(
                    .unsupported, file: file.path, at: .byteOffset(file.size - 512),
                    "a \(name) VHD, which is not read directly; convert it: qemu-img convert -O raw \(file.path) volume.raw"
                )
            }
            dataSize = file.size - 512  // a fixed VHD: raw disk data, then the footer
        }
        if Array(head[3..<11]) == ntfsOEM {
            if let wanted, wanted != 0 {
                throw file.error(
                    at: 0, "an NTFS partition image has no partition table; leave out --partition \(wanted)")
            }
            return NTFSPartition(number: 0, offset: 0, length: dataSize, kind: "partition image")
        }
        guard head[510] == 0x55, head[511] == 0xAA else {
            throw file.error(
                at: 3,
                "neither an NTFS volume (no \"NTFS\" signature) nor a disk with a partition table (no 55 AA at byte 510)"
            )
        }
        var candidates: [NTFSPartition] = []
        var seen: [String] = []
        let entries = (0..<4).map { Array(head[(446 + $0 * 16)..<(446 + $0 * 16 + 16)]) }
        if entries.contains(where: { $0[4] == 0xEE }) {
            (candidates, seen) = try gpt(file, dataSize: dataSize)
        } else {
            var logical = 5  // logical drives are numbered from 5, after the four primary entries
            for (i, e) in entries.enumerated() where e[4] != 0 {
                let start = UInt64(e.le32(8)) * 512
                let length = UInt64(e.le32(12)) * 512
                let kind = "MBR type 0x" + String(e[4], radix: 16, uppercase: true)
                seen.append("\(i + 1): \(kind) at byte \(start)")
                if Self.extendedTypes.contains(e[4]) {
                    let (found, listed) = try extended(file, at: start, dataSize: dataSize, number: &logical)
                    candidates += found
                    seen += listed
                } else if try isNTFS(file, at: start, dataSize: dataSize) {
                    candidates.append(NTFSPartition(number: i + 1, offset: start, length: length, kind: kind))
                }
            }
        }
        if let wanted {
            guard let p = candidates.first(where: { $0.number == wanted }) else {
                throw file.error(
                    at: 0,
                    "partition \(wanted) is not an NTFS partition; the table has: \(seen.joined(separator: "; "))")
            }
            return p
        }
        if candidates.count == 1 { return candidates[0] }
        if candidates.isEmpty {
            throw file.error(
                at: 446,
                "no NTFS partition in the partition table (\(seen.isEmpty ? "it is empty" : seen.joined(separator: "; ")))"
            )
        }
        let list = candidates.map { "\($0.number) (\($0.kind), \($0.length / 1_048_576) MiB at byte \($0.offset))" }
        throw ImageError(
            .unsupported, file: file.path,
            "several NTFS partitions: \(list.joined(separator: ", ")); choose one with --partition N")
    }

    /// MBR types of an extended partition (CHS, LBA, Linux): a chain of extended boot records, each naming
    /// one logical drive and the next record.
    static let extendedTypes: Set<UInt8> = [0x05, 0x0F, 0x85]
    /// Links followed in a chain of extended boot records (a damaged chain can loop).
    static let maxLogicalDrives = 128

    /// The logical drives of the extended partition at byte `base`: each extended boot record's first entry
    /// is a drive (its start relative to that record), its second the next record (relative to `base`).
    private static func extended(_ file: ImageFile, at base: UInt64, dataSize: UInt64, number: inout Int) throws
        -> ([NTFSPartition], [String])
    {
        var found: [NTFSPartition] = []
        var seen: [String] = []
        var record = base
        var visited: Set<UInt64> = []
        while visited.count < Self.maxLogicalDrives {
            guard visited.insert(record).inserted else {
                seen.append("an extended boot record at byte \(record) named twice (a loop; not followed)")
                break
            }
            guard let end = Checked.add(record, 512), end <= dataSize else {
                seen.append("an extended boot record at byte \(record), past the disk's end")
                break
            }
            let ebr = try file.bytes(512, at: record, what: "an extended boot record")
            guard ebr[510] == 0x55, ebr[511] == 0xAA else {
                seen.append("no extended boot record at byte \(record) (no 55 AA)")
                break
            }
            let drive = Array(ebr[446..<462])
            let next = Array(ebr[462..<478])
            if drive[4] != 0, let start = Checked.add(record, UInt64(drive.le32(8)) * 512) {
                let kind = "MBR logical drive, type 0x" + String(drive[4], radix: 16, uppercase: true)
                seen.append("\(number): \(kind) at byte \(start)")
                if try isNTFS(file, at: start, dataSize: dataSize) {
                    found.append(
                        NTFSPartition(number: number, offset: start, length: UInt64(drive.le32(12)) * 512, kind: kind))
                }
                number += 1
            }
            guard Self.extendedTypes.contains(next[4]), next.le32(8) != 0,
                let following = Checked.add(base, UInt64(next.le32(8)) * 512)
            else { break }
            record = following
        }
        if visited.count >= Self.maxLogicalDrives {
            seen.append("more than \(Self.maxLogicalDrives) extended boot records (the rest not followed)")
        }
        return (found, seen)
    }

    private static func isNTFS(_ file: ImageFile, at offset: UInt64, dataSize: UInt64) throws -> Bool {
        guard let end = Checked.add(offset, 512), end <= dataSize else { return false }
        return Array(try file.bytes(8, at: offset + 3, what: "a partition's boot sector")) == ntfsOEM
    }

    /// GPT: header at LBA 1 (`EFI PART`), entries at the LBA it names.
    private static func gpt(_ file: ImageFile, dataSize: UInt64) throws -> ([NTFSPartition], [String]) {
        for sector: UInt64 in [512, 4096] {
            guard sector * 2 <= dataSize else { continue }
            let h = try file.bytes(92, at: sector, what: "the GPT header")
            guard Array(h[0..<8]) == Array("EFI PART".utf8) else { continue }
            let entriesLBA = h.le64(72)
            let count = Int(min(h.le32(80), 1024))
            let size = Int(h.le32(84))
            guard size >= 128, size <= 4096 else {
                throw file.error(at: sector + 84, "GPT partition entries of \(size) bytes (128 expected)")
            }
            var found: [NTFSPartition] = []
            var seen: [String] = []
            guard let tableAt = Checked.mul(entriesLBA, sector),
                let tableEnd = Checked.add(tableAt, UInt64(count * size)),
                tableEnd <= dataSize
            else {
                throw file.error(
                    at: sector + 72,
                    "the GPT partition entries at LBA \(entriesLBA) (\(count) of \(size) bytes) lie outside the \(dataSize)-byte disk"
                )
            }
            let table = try file.bytes(count * size, at: tableAt, what: "the GPT partition entries")
            for i in 0..<count {
                let e = Array(table[(i * size)..<(i * size + size)])
                guard e[0..<16].contains(where: { $0 != 0 }) else { continue }
                let first = e.le64(32)
                let last = e.le64(40)
                guard last >= first else { continue }
                guard let start = Checked.mul(first, sector), start < dataSize else {
                    seen.append("\(i + 1): an entry at LBA \(first), past the disk's end (ignored)")
                    continue
                }
                // A partition that claims past the disk (or past 2^64) is read only as far as the disk goes.
                let claimed = Checked.mul(last - first, sector).flatMap { Checked.add($0, sector) } ?? UInt64.max
                let length = min(claimed, dataSize - start)
                let name = UTF16LE.stringUntilNul(e[56..<128])
                let kind = "GPT \"\(name)\""
                seen.append("\(i + 1): \(kind) at byte \(start)")
                if try isNTFS(file, at: start, dataSize: dataSize) {
                    var partition = NTFSPartition(number: i + 1, offset: start, length: length, kind: kind)
                    if claimed > dataSize - start {
                        let entryAt = tableAt + UInt64(i * size) + 40
                        partition.warnings.append(
                            "\(file.path): byte offset \(entryAt): GPT entry \(i + 1)'s last LBA \(last) lies past the disk's end (\(dataSize / sector) sectors): the partition is read as far as the disk goes"
                        )
                    }
                    found.append(partition)
                }
            }
            return (found, seen)
        }
        throw file.error(at: 512, "a protective MBR (type 0xEE) but no GPT header (\"EFI PART\")")
    }
}
