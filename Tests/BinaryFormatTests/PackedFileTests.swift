import BinaryFormat
import Foundation
import Testing

@Suite("A packed file is told by its first bytes")
struct PackedFileTests {
    @Test("each packer's signature (gzip made by gzip itself); a plain file is none")
    func signatures() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("packed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = dir + "/SYSTEM"
        try Data("regf and more bytes of a hive".utf8).write(to: URL(fileURLWithPath: plain))
        #expect(PackedFile.of(path: plain) == nil)
        // gzip is essential on Debian: made here (xz on a real file: the end-to-end tests' reference hive).
        let made = Process()
        made.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        made.arguments = ["gzip", "-k", plain]
        try made.run()
        made.waitUntilExit()
        try #require(made.terminationStatus == 0)
        #expect(PackedFile.of(path: plain + ".gz") == .gzip)
        #expect(PackedFile.of(header: Array("BZh91AY&SY".utf8)) == .bzip2)
        #expect(PackedFile.of(header: [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0, 4]) == .sevenZip)
        #expect(PackedFile.of(header: Array("PK\u{3}\u{4}".utf8)) == .zip)
        #expect(PackedFile.of(header: Array("MSCF\0\0\0\0".utf8)) == .cab)
        #expect(PackedFile.of(header: Array("MSCF1234".utf8)) == nil)
        #expect(PackedFile.of(header: [0x1F]) == nil)
        #expect(
            PackedFile.xz.refusal("a b's.xz")
                == "a b's.xz: byte offset 0: an xz-compressed file, not read packed: unpack it first (xz -dk 'a b'\\''s.xz')"
        )
    }
}
