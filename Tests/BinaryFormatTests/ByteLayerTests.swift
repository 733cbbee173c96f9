import Foundation
import Testing

@testable import BinaryFormat

@Suite("The byte layer")
struct ByteLayerTests {
    @Test("a cursor reads little-endian integers, GUIDs and UTF-16, and gives nil when short")
    func cursor() {
        let bytes: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x41, 0x00, 0x3D, 0xD8, 0x00, 0xDE]
        bytes.withUnsafeBytes { raw in
            var c = ByteCursor(raw)
            #expect(c.u16() == 0x0201)
            #expect(c.u32() == 0x0605_0403)
            #expect(c.u16() == 0x0807)
            #expect(c.utf16(units: 3) == "A😀")
            #expect(c.isAtEnd)
            #expect(c.u8() == nil)
            #expect(c.slice(1) == nil)
            let skipped = c.skip(1)
            let farSeek = c.seek(to: 15)
            let backSeek = c.seek(to: 0)
            #expect(!skipped && !farSeek && backSeek)
            #expect(c.slice(-1) == nil)
            #expect(c.utf16(units: Int.max) == nil)
            #expect(c.u64() == 0x0807_0605_0403_0201)
            #expect(c.guid() == nil)
        }
        let guid: [UInt8] = [
            0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF,
        ]
        guid.withUnsafeBytes { raw in
            var c = ByteCursor(raw)
            #expect(c.guid() == "{00112233-4455-6677-8899-AABBCCDDEEFF}")
        }
    }

    @Test("UTF-16: surrogate pairs, unpaired surrogates as U+FFFD, big-endian, split across inputs")
    func utf16() {
        #expect(UTF16LE.string([0x3D, 0xD8, 0x00, 0xDE] as [UInt8]) == "😀")
        #expect(UTF16LE.string([0x3D, 0xD8, 0x41, 0x00] as [UInt8]) == "\u{FFFD}A")
        #expect(UTF16LE.string([0x00, 0xDE] as [UInt8]) == "\u{FFFD}")
        #expect(UTF16LE.string([0x00, 0x41, 0x00, 0xE9] as [UInt8], bigEndian: true) == "Aé")
        #expect(UTF16LE.stringUntilNul([0x41, 0x00, 0x00, 0x00, 0x42, 0x00] as [UInt8]) == "A")
        var d = UTF16Decoder()
        var out: [UInt8] = []
        for chunk in [[0x3D] as [UInt8], [0xD8, 0x00], [0xDE]] {
            chunk.withUnsafeBytes { d.decode($0) { out.append($0) } }
        }
        d.finish { out.append($0) }
        #expect(String(decoding: out, as: UTF8.self) == "😀")
        #expect(UTF16LE.encode("A😀") == [0x41, 0x00, 0x3D, 0xD8, 0x00, 0xDE])
    }

    @Test("checked arithmetic gives nil on overflow instead of a trap")
    func checked() {
        #expect(Checked.mul(UInt64.max, 2) == nil)
        #expect(Checked.add(UInt64.max, 1) == nil)
        #expect(Checked.mulAdd(1 << 32, 1 << 31, 5) == (UInt64(1) << 63) + 5)
        #expect(Checked.mulAdd(1 << 32, 1 << 32, 0) == nil)
    }

    @Test("quoted input text is one line, escaped and shortened")
    func quoted() {
        #expect(QuotedText.escape("a\r\nb\u{01}") == "a\\r\\nb\\x01")
        #expect(QuotedText.escape([0x41, 0xFF, 0x42, 0xC3, 0xA9] as [UInt8]) == "A\\xFFBé")
        #expect(QuotedText.escape(String(repeating: "x", count: 100), limit: 10) == "xxxxxxxxxx…")
        #expect(!QuotedText.oneLine("one\ntwo").contains("\n"))
    }

    @Test("a read-only file: reads inside it, names the file and offset when a read runs past its end")
    func file() throws {
        let path = NSTemporaryDirectory() + "byte-layer-\(UUID().uuidString)"
        try Data([1, 2, 3, 4, 5]).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let f = try ReadOnlyFile(path: path)
        #expect(f.size == 5)
        #expect(try f.bytes(2, at: 3, what: "x") == [4, 5])
        #expect(throws: BinaryFormatError(.truncated, path: "", offset: 0, "")) { try f.bytes(3, at: 3, what: "x") }
        #expect(throws: BinaryFormatError(.truncated, path: "", offset: 0, "")) {
            try f.bytes(1, at: UInt64.max, what: "x")
        }
        do {
            _ = try f.bytes(4, at: 4, what: "the header")
            Issue.record("read past the end")
        } catch {
            #expect(
                error.message
                    == "\(path): byte offset 4: the header needs 4 bytes but the file ends at byte 5 (cut off, or an offset points outside it)"
            )
        }
        #expect(throws: BinaryFormatError(.unreadable, path: "", offset: nil, "")) {
            try ReadOnlyFile(path: "/nonexistent/file")
        }
    }
}
