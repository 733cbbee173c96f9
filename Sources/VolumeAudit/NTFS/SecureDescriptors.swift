import BinaryFormat

/// The descriptors of $Secure:$SDS, by security id: what a file's $STANDARD_INFORMATION security id names.
///
/// $SDS is a stream of entries (hash, id, offset, length, then the self-relative descriptor), 16-byte
/// aligned, in 256 KiB blocks each followed by its mirror copy; only the first copy is read.
struct SecureDescriptors {
    private(set) var byID: [UInt32: [UInt8]] = [:]

    init() {}

    init(sds: [UInt8]) {
        let block = 256 * 1024
        var at = 0
        while at + 20 <= sds.count {
            let blockStart = at / block * block
            // Odd blocks are mirrors of the block before them.
            if (at / block) % 2 == 1 {
                at = blockStart + block
                continue
            }
            let id = sds.le32(at + 4)
            let offset = sds.le64(at + 8)
            let length = Int(sds.le32(at + 16))
            guard length > 20, offset == UInt64(at), at + length <= min(sds.count, blockStart + block) else {
                at = blockStart + block  // padding or damage: go on at the next block
                continue
            }
            if byID[id] == nil { byID[id] = Array(sds[(at + 20)..<(at + length)]) }
            at = (at + length + 15) & ~15
        }
    }
}

extension SecureDescriptors {
    /// The largest collected $SDS read (a real one is a few MiB; it grows with distinct descriptors).
    static let fileLimit: UInt64 = 256 << 20

    /// A collected $Secure:$SDS stream (`$Secure_$SDS` from a collector).
    init(file path: String) throws {
        let file = try ReadOnlyFile(path: path)
        try Self.check(file)
        self.init(sds: try file.bytes(Int(file.size), at: 0, what: "the $SDS stream"))
    }

    /// Throws unless `file` can be a $Secure:$SDS stream: its first entry gives its own offset 0, a length
    /// that holds a descriptor, and a revision 1 descriptor.
    static func check(_ file: ReadOnlyFile) throws {
        guard file.size <= fileLimit else {
            throw VolumeError(
                .badImage,
                "\(file.path): \(file.size) bytes, more than the \(fileLimit) a $Secure:$SDS stream is read up to")
        }
        guard file.size >= 40 else {
            throw VolumeError(
                .badImage, "\(file.path): byte offset 0: \(file.size) bytes is too small for a $Secure:$SDS stream")
        }
        let first = try file.bytes(21, at: 0, what: "the first $SDS entry")
        let length = first.le32(16)
        guard first.le64(8) == 0, length > 20, UInt64(length) <= file.size, first[20] == 1 else {
            throw VolumeError(
                .badImage,
                "\(file.path): byte offset 0: not a $Secure:$SDS stream (its first entry must give offset 0, a length and a revision 1 descriptor)"
            )
        }
    }
}

extension Volume {
    /// Whether `path` holds a collected $Secure:$SDS stream (the case command sorts files by content).
    public static func isSecureDescriptorStream(_ path: String) -> Bool {
        guard let file = try? ReadOnlyFile(path: path) else { return false }
        return (try? SecureDescriptors.check(file)) != nil
    }
}
