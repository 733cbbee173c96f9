import BinaryFormat
import Foundation
import ZIPFoundation

/// One member of an upload's .zip written to a file: stored bytes copied, deflated ones inflated by
/// ZIPFoundation (`Data.decompress`) from a provider that hands it exactly the member's bytes and no more.
/// The output may not exceed the declared size, and its CRC-32 must be the directory's.
enum ZipMemberExtraction {
    static func extract(_ m: ZipDirectory.Member, from source: ReadOnlyFile, to target: String) throws {
        guard FileManager.default.createFile(atPath: target, contents: nil, attributes: [.posixPermissions: 0o600]),
            let out = FileHandle(forWritingAtPath: target)
        else { throw CaseError(.badOutput, file: target, "cannot be written") }
        defer { try? out.close() }
        var written: UInt64 = 0
        let consume: (Data) throws -> Void = { data in
            try Interruption.check()
            written += UInt64(data.count)
            guard written <= m.uncompressed else {
                throw CaseError(
                    .badArchive, file: "", at: .byteOffset(m.data),
                    "inflates to more than its declared \(m.uncompressed) bytes")
            }
            try out.write(contentsOf: data)
        }
        let chunk = 1 << 16
        var crc: UInt32
        switch m.method {
        case 0:
            var position: UInt64 = 0
            var sum: UInt32 = 0
            while position < m.compressed {
                let n = Int(min(UInt64(chunk), m.compressed - position))
                let bytes = try source.bytes(n, at: m.data + position, what: "member data")
                sum = bytes.withUnsafeBytes { CRC32.checksum($0, continuing: sum) }
                try consume(Data(bytes))
                position += UInt64(n)
            }
            crc = sum
        case 8:
            crc = try Data.decompress(
                size: Int64(m.compressed), bufferSize: chunk, skipCRC32: false,
                provider: { position, size in
                    let position = UInt64(position)
                    guard position < m.compressed else {
                        throw CaseError(
                            .badArchive, file: "", at: .byteOffset(m.data + m.compressed),
                            "its deflate stream does not end within its \(m.compressed) bytes"
                        )
                    }
                    // ZIPFoundation tells zlib a whole buffer is there whatever the provider returns: the last
                    // chunk is padded with zeros to the size asked (zeros after a stream's end are ignored;
                    // within a stream that did not end they are a data error), so zlib never reads past it.
                    let n = Int(min(UInt64(size), m.compressed - position))
                    var data = Data(try source.bytes(n, at: m.data + position, what: "member data"))
                    if data.count < size { data.append(Data(count: size - data.count)) }
                    return data
                }, consumer: consume)
        default:
            throw CaseError(
                .badArchive, file: "", at: .byteOffset(m.data),
                "compression method \(m.method) (only stored and deflate are read)")
        }
        guard written == m.uncompressed else {
            throw CaseError(
                .badArchive, file: "", at: .byteOffset(m.data), "\(written) bytes unpacked, \(m.uncompressed) declared")
        }
        guard crc == m.crc else {
            throw CaseError(
                .badArchive, file: "", at: .byteOffset(m.data),
                "CRC-32 0x\(Hex.padded(crc, width: 8)), the directory says 0x\(Hex.padded(m.crc, width: 8))"
            )
        }
    }
}
