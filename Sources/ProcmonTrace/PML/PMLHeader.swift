import BinaryFormat

/// The fixed 0x3A8-byte header at the start of every PML log (versions 7 and 9 share its layout).
///
/// Layout, little-endian: `PML_`, u32 version, u32 is-64-bit, computer name (0x20 bytes UTF-16), system root
/// (0x208 bytes UTF-16), u32 event count @0x234, 8 unknown bytes, then u64 offsets of the events @0x240, the
/// event-offset array @0x248, the process table @0x250, the string table @0x258 and the icon table @0x260;
/// Windows version numbers @0x274; u64 header size @0x398 (0x3A8) and the hosts-and-ports table @0x3A0.
/// Procmon writes the table offsets when it closes the log: zeros mean a capture that was not closed.
struct PMLHeader {
    static let size = 0x3A8
    static let supportedVersions: [UInt32] = [7, 9]

    var version: UInt32
    var is64Bit: Bool
    var computerName: String
    var eventCount: UInt32
    var eventsOffset: UInt64
    var eventOffsetsOffset: UInt64
    var processTableOffset: UInt64
    var stringTableOffset: UInt64
    var iconTableOffset: UInt64
    var hostsTableOffset: UInt64
    var windowsVersion: (major: UInt32, minor: UInt32, build: UInt32)

    /// Size of a pointer in this capture: stacks and some detail structures depend on it.
    var pointerSize: Int { is64Bit ? 8 : 4 }

    init(file: PMLFile) throws {
        guard file.size >= UInt64(Self.size) else {
            throw file.error(
                .notAnExport, at: file.size,
                "a PML log needs a \(Self.size)-byte header, the file has only \(file.size) bytes (cut off)")
        }
        let h = try file.bytes(Self.size, at: 0, what: "the header")
        guard h[0] == 0x50, h[1] == 0x4D, h[2] == 0x4C, h[3] == 0x5F else {
            throw file.error(.notAnExport, at: 0, "not a PML log: expected the signature PML_")
        }
        version = h.le32(4)
        guard Self.supportedVersions.contains(version) else {
            throw file.error(
                .notAnExport, at: 4,
                "PML format version \(version) is not supported (versions 7 and 9 are); open it in Procmon and save it again, or export it as CSV"
            )
        }
        let flag = h.le32(8)
        guard flag <= 1 else {
            throw file.error(.malformedRow, at: 8, "the 32/64-bit flag is \(flag), expected 0 or 1")
        }
        is64Bit = flag == 1
        computerName = Self.utf16z(h, from: 0x0C, bytes: 0x20)
        eventCount = h.le32(0x234)
        eventsOffset = h.le64(0x240)
        eventOffsetsOffset = h.le64(0x248)
        processTableOffset = h.le64(0x250)
        stringTableOffset = h.le64(0x258)
        iconTableOffset = h.le64(0x260)
        hostsTableOffset = h.le64(0x3A0)
        windowsVersion = (h.le32(0x274), h.le32(0x278), h.le32(0x27C))

        let tables: [(String, UInt64, Int)] = [
            ("events", eventsOffset, 0x240), ("event-offset array", eventOffsetsOffset, 0x248),
            ("process table", processTableOffset, 0x250), ("string table", stringTableOffset, 0x258),
        ]
        if tables.contains(where: { $0.1 == 0 }) {
            throw file.error(
                .notAnExport, at: 0x240,
                "the table offsets are zero: the capture was not closed cleanly (Procmon was killed or the file copied while it ran); open it in Procmon on Windows once so it can repair it"
            )
        }
        for (name, offset, field) in tables where offset < UInt64(Self.size) || offset > file.size {
            throw file.error(
                at: UInt64(field), "the \(name) offset \(offset) lies outside the file (\(file.size) bytes)")
        }
        let arrayBytes = UInt64(eventCount) * 5
        guard arrayBytes <= file.size - eventOffsetsOffset else {
            throw file.error(
                at: eventOffsetsOffset,
                "the event-offset array of \(eventCount) events (\(arrayBytes) bytes) runs past the end of the file at \(file.size) (cut off)"
            )
        }
        if hostsTableOffset > file.size { hostsTableOffset = 0 }
    }

    private static func utf16z(_ h: [UInt8], from: Int, bytes: Int) -> String {
        UTF16LE.stringUntilNul(h[from..<min(h.count, from + bytes)])
    }
}
