#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A PML log opened read-only, with bounds-checked positioned reads.
///
/// Every read names the byte offset it wanted in its error, so a cut-off file or an offset pointing outside
/// the file ends in a one-line `TraceError`, never an out-of-bounds read.
final class PMLFile {
    let path: String
    let fd: Int32
    let size: UInt64
    /// Pointer size of the capture (set once the header is read): stacks are sized by it.
    var pointerSize = 8

    init(path: String) throws {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw TraceError(.unreadable, "\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw TraceError(.unreadable, "\(path): cannot stat: \(message)")
        }
        self.path = path
        self.size = UInt64(st.st_size)
        #if canImport(Glibc)
            _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
    }

    deinit { close(fd) }

    /// An error about the bytes at `offset`, in the one-line form every PML error takes.
    func error(_ code: TraceError.Code = .malformedRow, at offset: UInt64, _ what: String) -> TraceError {
        TraceError(code, "\(path): byte offset \(offset): \(what)")
    }

    /// Reads exactly `count` bytes at `offset` into `buffer` (which must hold them), or throws naming `what`.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: UInt64, what: @autoclosure () -> String)
        throws
    {
        guard count >= 0, offset <= size, UInt64(count) <= size - offset else {
            throw error(
                at: offset,
                "\(what()) needs \(count) bytes but the file ends at byte \(size) (cut off, or an offset points outside the file)"
            )
        }
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw error(.unreadable, at: offset + UInt64(done), "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                throw error(at: offset + UInt64(done), "\(what()): the file ended early (it shrank while being read)")
            }
            done += n
        }
    }

    /// Bytes from `offset` to the end of the file; 0 past it.
    func remaining(after offset: UInt64) -> UInt64 { offset >= size ? 0 : size - offset }

    /// Reads `count` bytes at `offset` into a new array.
    func bytes(_ count: Int, at offset: UInt64, what: @autoclosure () -> String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { try read(into: $0.baseAddress!, count: count, at: offset, what: what()) }
        return out
    }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    func readSome(into buffer: UnsafeMutableRawPointer, count: Int, at offset: UInt64) throws -> Int {
        guard offset < size else { return 0 }
        let want = Int(min(UInt64(count), size - offset))
        try read(into: buffer, count: want, at: offset, what: "block")
        return want
    }
}

/// Little-endian loads from a byte array, bounds-checked by the caller's length checks.
extension Array where Element == UInt8 {
    @inline(__always) func u16(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
    @inline(__always) func u32(_ at: Int) -> UInt32 {
        UInt32(self[at]) | UInt32(self[at + 1]) << 8 | UInt32(self[at + 2]) << 16 | UInt32(self[at + 3]) << 24
    }
    @inline(__always) func u64(_ at: Int) -> UInt64 { UInt64(u32(at)) | UInt64(u32(at + 4)) << 32 }
}

extension UnsafeRawBufferPointer {
    @inline(__always) func u8(_ at: Int) -> UInt8 { self[at] }
    @inline(__always) func u16(_ at: Int) -> UInt16 { loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian }
    @inline(__always) func u32(_ at: Int) -> UInt32 { loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian }
    @inline(__always) func u64(_ at: Int) -> UInt64 { loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian }
}
