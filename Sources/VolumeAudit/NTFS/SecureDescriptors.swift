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
