import BinaryFormat

/// Marvin32, the keyed hash Windows puts in new-format transaction log entries (Hash-1 and Hash-2).
enum Marvin32 {
    /// The seed Windows uses for hive log entries, 0x82EF4D887A4E55C5 (checked against real SYSTEM.LOG1 entries).
    static let hiveLogSeed: UInt64 = 0x82EF_4D88_7A4E_55C5

    static func hash(_ data: UnsafeRawBufferPointer, seed: UInt64 = hiveLogSeed) -> UInt64 {
        var p0 = UInt32(truncatingIfNeeded: seed)
        var p1 = UInt32(truncatingIfNeeded: seed >> 32)
        @inline(__always) func block() {
            p1 ^= p0
            p0 = p0.rotl(20)
            p0 &+= p1
            p1 = p1.rotl(9)
            p1 ^= p0
            p0 = p0.rotl(27)
            p0 &+= p1
            p1 = p1.rotl(19)
        }
        var i = 0
        let n = data.count
        while n - i >= 4 {
            p0 &+= data.le32(i)
            block()
            i += 4
        }
        switch n - i {
        case 0: p0 &+= 0x80
        case 1: p0 &+= 0x8000 | UInt32(data[i])
        case 2: p0 &+= 0x80_0000 | UInt32(data.le16(i))
        default: p0 &+= 0x8000_0000 | UInt32(data[i + 2]) << 16 | UInt32(data.le16(i))
        }
        block()
        block()
        return UInt64(p1) << 32 | UInt64(p0)
    }
}

extension UInt32 {
    @inline(__always) fileprivate func rotl(_ n: UInt32) -> UInt32 { self << n | self >> (32 - n) }
}
