import BinaryFormat

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bytes of a hive held in memory: the whole file (base block first), read straight into one owned
/// buffer, which log replay patches and may grow. The file itself is only read.
final class HiveStorage {
    private(set) var buffer: UnsafeMutableRawBufferPointer
    /// The buffer is a private (copy-on-write) mapping of the file: replay's writes never reach the file.
    private var mapped = false

    var count: Int { buffer.count }
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(buffer) }

    init(copying bytes: [UInt8]) {
        buffer = .allocate(byteCount: max(bytes.count, 1), alignment: 16)
        buffer = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<bytes.count])
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
    }

    /// Maps or reads the file (at most 4 GiB + the base block: offsets in a hive are 32-bit). A regular file
    /// is mapped MAP_PRIVATE from its read-only descriptor, so nothing can be written back to it.
    init(file: ReadOnlyFile) throws(BinaryFormatError) {
        let size = Int(min(file.size, UInt64(UInt32.max) + UInt64(BaseBlock.size)))
        #if canImport(Glibc)
            if size > 0, let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_POPULATE, file.fd, 0),
                p != MAP_FAILED
            {
                buffer = UnsafeMutableRawBufferPointer(start: p, count: size)
                mapped = true
                return
            }
        #endif
        let all = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 16)
        do {
            if size > 0 { try file.read(into: all.baseAddress!, count: size, at: 0, what: "the hive") }
        } catch {
            all.deallocate()
            throw error
        }
        buffer = UnsafeMutableRawBufferPointer(rebasing: all[0..<size])
    }

    /// Grows to `size` bytes, the new ones zero (a log entry that grows the hive).
    func grow(to size: Int) {
        guard size > buffer.count else { return }
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        bigger.copyMemory(from: UnsafeRawBufferPointer(buffer))
        bigger.baseAddress!.advanced(by: buffer.count).initializeMemory(
            as: UInt8.self, repeating: 0, count: size - buffer.count)
        free()
        buffer = bigger
        mapped = false
    }

    private func free() {
        guard let base = buffer.baseAddress else { return }
        if mapped {
            munmap(base, buffer.count)
        } else {
            UnsafeMutableRawBufferPointer(start: base, count: max(buffer.count, 1)).deallocate()
        }
    }

    deinit { free() }
}
