import Testing

@testable import BinaryFormat
@testable import CSVStream

@Suite("Text encoding")
struct TextEncodingTests {
    @Test(
        "tells the encoding from the first bytes",
        arguments: [
            ([0xEF, 0xBB, 0xBF, 0x22], TextEncoding.utf8WithBOM, 3),
            ([0xFF, 0xFE, 0x22, 0x00], .utf16LE, 2),
            ([0xFE, 0xFF, 0x00, 0x22], .utf16BE, 2),
            ([0x22, 0x00, 0x54, 0x00], .utf16LE, 0),
            ([0x00, 0x22, 0x00, 0x54], .utf16BE, 0),
            ([0x22, 0x54, 0x69, 0x6D], .utf8, 0),
        ] as [([UInt8], TextEncoding, Int)])
    func detect(bytes: [UInt8], expected: TextEncoding, bom: Int) {
        let (encoding, length) = bytes.withUnsafeBytes { TextEncoding.detect($0) }
        #expect(encoding == expected)
        #expect(length == bom)
    }

    @Test("transcodes UTF-16 fed one byte at a time, surrogate pairs included")
    func transcodeByteByByte() {
        let text = "a,é,名,😀,\u{10FFFF}"
        for bigEndian in [false, true] {
            var bytes: [UInt8] = []
            for u in text.utf16 {
                bytes += bigEndian ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)]
            }
            var t = UTF16Transcoder(bigEndian: bigEndian)
            var out: [UInt8] = []
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 1)
            defer { buffer.deallocate() }
            for b in bytes {
                let n = [b].withUnsafeBytes { t.transcode($0, into: buffer) }
                out += UnsafeRawBufferPointer(start: buffer, count: n)
            }
            #expect(String(decoding: out, as: UTF8.self) == text)
        }
    }

    @Test("turns a lone surrogate into U+FFFD")
    func loneSurrogate() {
        var t = UTF16Transcoder(bigEndian: false)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 1)
        defer { buffer.deallocate() }
        let n = ([0x00, 0xD8, 0x41, 0x00] as [UInt8]).withUnsafeBytes { t.transcode($0, into: buffer) }
        #expect(Array(UnsafeRawBufferPointer(start: buffer, count: n)) == [0xEF, 0xBF, 0xBD, 0x41])
    }
}
