/// A file packed by a compressor or an archiver, told by its first bytes: customers send `.evtx.xz`,
/// `SYSTEM.gz` or a `.7z`, and an error about its bytes ("no regf signature", "no NTFS signature") would
/// send them looking for damage that is not there. What it is, and the command that unpacks it.
public enum PackedFile: String, Sendable, CaseIterable {
    case xz
    case gzip
    case bzip2
    case zstd
    case lz4
    case sevenZip = "7z"
    case rar
    case cab
    case zip

    /// The signature each format opens with.
    var signature: [UInt8] {
        switch self {
        case .xz: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]
        case .gzip: [0x1F, 0x8B]
        case .bzip2: [0x42, 0x5A, 0x68]  // "BZh"
        case .zstd: [0x28, 0xB5, 0x2F, 0xFD]
        case .lz4: [0x04, 0x22, 0x4D, 0x18]
        case .sevenZip: [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]
        case .rar: [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07]  // "Rar!"
        case .cab: [0x4D, 0x53, 0x43, 0x46, 0x00, 0x00, 0x00, 0x00]  // "MSCF", then a reserved zero
        case .zip: [0x50, 0x4B, 0x03, 0x04]  // "PK", a local file header
        }
    }

    /// The format whose signature `header` starts with, if any.
    public static func of<C: Collection>(header: C) -> PackedFile? where C.Element == UInt8 {
        allCases.first { header.starts(with: $0.signature) }
    }

    /// The format of the file at `path` (nil when it is none of them or cannot be read).
    public static func of(path: String) -> PackedFile? {
        guard let file = try? ReadOnlyFile(path: path), !file.isDirectory, file.size > 0,
            let head = try? file.bytes(Int(min(file.size, 8)), at: 0, what: "the signature")
        else { return nil }
        return of(header: head)
    }

    /// "an xz-compressed file".
    public var described: String {
        switch self {
        case .xz: "an xz-compressed file"
        case .gzip: "a gzip-compressed file"
        case .bzip2: "a bzip2-compressed file"
        case .zstd: "a zstd-compressed file"
        case .lz4: "an lz4-compressed file"
        case .sevenZip: "a 7z archive"
        case .rar: "a RAR archive"
        case .cab: "a cabinet (.cab) archive"
        case .zip: "a zip archive"
        }
    }

    /// The command that unpacks `path` beside itself, quoted for a POSIX shell.
    public func unpackCommand(_ path: String) -> String {
        let quoted = "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
        switch self {
        case .xz: return "xz -dk \(quoted)"
        case .gzip: return "gzip -dk \(quoted)"
        case .bzip2: return "bzip2 -dk \(quoted)"
        case .zstd: return "zstd -d \(quoted)"
        case .lz4: return "lz4 -d \(quoted)"
        case .sevenZip: return "7z x \(quoted)"
        case .rar: return "unrar x \(quoted)"
        case .cab: return "cabextract \(quoted)"
        case .zip: return "unzip \(quoted)"
        }
    }

    /// One line for a reader that met this file where it wanted its own format. A zip also goes to `case`
    /// whole, which reads uploads as they come.
    public func refusal(_ path: String) -> String {
        let whole = self == .zip ? ", or give the zip to writer-audit case as it is" : ""
        return PositionedMessage.line(
            file: path, position: .byteOffset(0),
            "\(described), not read packed: unpack it first (\(unpackCommand(path)))\(whole)")
    }
}
