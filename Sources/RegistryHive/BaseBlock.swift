import BinaryFormat

/// The hive's first 4,096 bytes ("regf"): sequence numbers, version, where the root key is, how much data.
public struct BaseBlock: Sendable, Equatable {
    public static let size = 4096
    public var primarySequence: UInt32
    public var secondarySequence: UInt32
    public var lastWritten: FileTime
    public var majorVersion: UInt32
    public var minorVersion: UInt32
    /// 0 a primary file; 1 an old-format transaction log (6 in the new format).
    public var fileType: UInt32
    /// Root key cell, relative to the start of the hive bins data.
    public var rootCell: UInt32
    public var hiveBinsDataSize: UInt32
    public var storedChecksum: UInt32
    public var computedChecksum: UInt32
    /// The file name Windows wrote for debugging (often a partial path).
    public var fileName: String

    public var checksumValid: Bool { storedChecksum == computedChecksum }
    /// Windows calls a hive dirty when the checksum is wrong or the sequence numbers differ.
    public var isDirty: Bool { !checksumValid || primarySequence != secondarySequence }
    public var version: String { "\(majorVersion).\(minorVersion)" }

    /// Reads a base block from at least 512 bytes (a log holds only the first sector); nil when "regf" is missing.
    public init?(_ b: UnsafeRawBufferPointer) {
        guard b.count >= 512, b[0] == 0x72, b[1] == 0x65, b[2] == 0x67, b[3] == 0x66 else { return nil }
        primarySequence = b.le32(4)
        secondarySequence = b.le32(8)
        lastWritten = FileTime(raw: b.le64(12))
        majorVersion = b.le32(20)
        minorVersion = b.le32(24)
        fileType = b.le32(28)
        rootCell = b.le32(36)
        hiveBinsDataSize = b.le32(40)
        storedChecksum = b.le32(508)
        computedChecksum = Self.checksum(b)
        fileName = UTF16LE.stringUntilNul(UnsafeRawBufferPointer(rebasing: b[48..<112]))
    }

    /// XOR-32 of the first 508 bytes, with 0 and -1 avoided as Windows does.
    public static func checksum(_ b: UnsafeRawBufferPointer) -> UInt32 {
        var c: UInt32 = 0
        for i in stride(from: 0, to: 508, by: 4) { c ^= b.le32(i) }
        if c == 0xFFFF_FFFF { return 0xFFFF_FFFE }
        if c == 0 { return 1 }
        return c
    }
}
