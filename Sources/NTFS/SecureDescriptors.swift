import BinaryFormat
import DiskImage

/// The descriptors of $Secure:$SDS, by security id: what a file's $STANDARD_INFORMATION security id names.
///
/// $SDS is a stream of entries (hash, id, offset, length, then the self-relative descriptor), 16-byte
/// aligned, in 256 KiB blocks each followed by its mirror copy; only the first copy is read.
package struct SecureDescriptors {
    package private(set) var byID: [UInt32: [UInt8]] = [:]

    package init() {}

    package init(sds: [UInt8]) {
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
    package init(file path: String) throws {
        let file = try ReadOnlyFile(path: path)
        try Self.check(file)
        self.init(sds: try file.bytes(Int(file.size), at: 0, what: "the $SDS stream"))
    }

    /// Throws unless `file` can be a $Secure:$SDS stream: its first entry gives its own offset 0, a length
    /// that holds a descriptor, and a revision 1 descriptor.
    static func check(_ file: ReadOnlyFile) throws {
        guard file.size <= fileLimit else {
            throw ImageError(
                .damaged, file: file.path,
                "\(file.size) bytes, more than the \(fileLimit) a $Secure:$SDS stream is read up to")
        }
        guard file.size >= 40 else {
            throw ImageError(
                .damaged, file: file.path, at: .byteOffset(0),
                "\(file.size) bytes is too small for a $Secure:$SDS stream")
        }
        let first = try file.bytes(21, at: 0, what: "the first $SDS entry")
        let length = first.le32(16)
        guard first.le64(8) == 0, length > 20, UInt64(length) <= file.size, first[20] == 1 else {
            throw ImageError(
                .damaged, file: file.path, at: .byteOffset(0),
                "not a $Secure:$SDS stream (its first entry must give offset 0, a length and a revision 1 descriptor)"
            )
        }
    }
}

extension SecureDescriptors {
    /// Whether `path` holds a collected $Secure:$SDS stream (the case command sorts files by content).
    public static func isStream(_ path: String) -> Bool {
        guard let file = try? ReadOnlyFile(path: path) else { return false }
        return (try? SecureDescriptors.check(file)) != nil
    }
}

extension SecureDescriptors {
    /// $Secure (record 9): its $SDS stream, read whole (it grows with distinct descriptors, not files). For a
    /// collected $MFT the stream is not in the file: it must be given (`sds`), and is checked to be one.
    public static func of(_ image: NTFSImage, sds path: String?) throws -> SecureDescriptors {
        if let path {
            guard image.isBareMFT else {
                throw ImageError(
                    .unsupported, file: image.path,
                    "a volume, which holds its own $Secure:$SDS; --sds is for a collected $MFT"
                )
            }
            return try SecureDescriptors(file: path)
        }
        guard !image.isBareMFT else {
            throw ImageError(
                .unsupported, file: image.path,
                "a collected $MFT: its files' descriptors are in $Secure:$SDS, which is not in it; collect that stream too and give it with --sds FILE"
            )
        }
        guard let r = try image.record(9) else { return SecureDescriptors() }
        var sds: [UInt8]? = nil
        try r.withUnsafeBytes { b in
            var found: (runs: [DataRun], size: UInt64)? = nil
            var resident: [UInt8]? = nil
            do {
                try MFTRecord.attributes(b) { type, a throws(MFTRecord.Problem) in
                    guard type == 0x80, MFTRecord.named(a, "$SDS") else { return }
                    if let v = MFTRecord.residentValue(a) { resident = Array(v) }
                    if let d = try MFTRecord.runs(a, totalClusters: image.boot.totalClusters), a.le64(16) == 0 {
                        found = d
                    }
                }
            } catch {
                throw image.file.error(
                    at: image.recordOffset(9) ?? 0,
                    "MFT record 9 ($Secure) is damaged: \((error as? MFTRecord.Problem)?.reason ?? "\(error)")")
            }
            if let resident { sds = resident }
            if let found {
                sds = try image.readRuns(found.runs, size: found.size, limit: 256 << 20, what: "$Secure:$SDS")
            }
        }
        return sds.map { SecureDescriptors(sds: $0) } ?? SecureDescriptors()
    }
}
