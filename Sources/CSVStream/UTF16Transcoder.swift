import BinaryFormat

/// A UTF-16 CSV fed to libcsv as UTF-8, block by block, through the byte layer's one `UTF16Decoder`.
struct UTF16Transcoder {
    private var decoder: UTF16Decoder

    init(bigEndian: Bool) { decoder = UTF16Decoder(bigEndian: bigEndian) }

    static func outputCapacity(forInput inputCount: Int) -> Int { UTF16Decoder.outputCapacity(forInput: inputCount) }

    /// Transcodes `input` into `output` (which must hold `outputCapacity(forInput:)` bytes); returns bytes written.
    mutating func transcode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer) -> Int {
        var out = 0
        decoder.decode(input) {
            output.storeBytes(of: $0, toByteOffset: out, as: UInt8.self)
            out += 1
        }
        return out
    }

    /// Flushes what is left at the end of the input: a lone byte or high surrogate becomes U+FFFD.
    mutating func finish(into output: UnsafeMutableRawPointer) -> Int {
        var out = 0
        decoder.finish {
            output.storeBytes(of: $0, toByteOffset: out, as: UInt8.self)
            out += 1
        }
        return out
    }
}
