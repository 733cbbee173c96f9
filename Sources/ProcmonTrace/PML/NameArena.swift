/// Holds names (operations, results, processes) at stable addresses for the life of a reader, so events can
/// point at them without copying.
final class NameArena {
    private var chunks: [UnsafeMutableRawPointer] = []
    private var current: UnsafeMutableRawPointer? = nil
    private var used = 0
    private static let chunkSize = 64 * 1024

    deinit { for c in chunks { c.deallocate() } }

    func intern(_ bytes: some Collection<UInt8>) -> UnsafeRawBufferPointer {
        let n = bytes.count
        if n > Self.chunkSize / 4 {
            let p = UnsafeMutableRawPointer.allocate(byteCount: max(n, 1), alignment: 1)
            chunks.append(p)
            UnsafeMutableRawBufferPointer(start: p, count: n).copyBytes(from: bytes)
            return UnsafeRawBufferPointer(start: p, count: n)
        }
        if current == nil || used + n > Self.chunkSize {
            let p = UnsafeMutableRawPointer.allocate(byteCount: Self.chunkSize, alignment: 1)
            chunks.append(p)
            current = p
            used = 0
        }
        let p = current! + used
        UnsafeMutableRawBufferPointer(start: p, count: n).copyBytes(from: bytes)
        used += n
        return UnsafeRawBufferPointer(start: p, count: n)
    }

    func intern(_ s: String) -> UnsafeRawBufferPointer { intern(Array(s.utf8)) }
}
