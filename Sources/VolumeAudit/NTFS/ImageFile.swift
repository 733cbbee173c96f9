#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A disk or volume image opened read-only (never written), with bounds-checked positioned reads.
final class ImageFile {
    let path: String
    let fd: Int32
    let size: UInt64

    init(path: String) throws {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw VolumeError(.badRoot, "\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw VolumeError(.badRoot, "\(path): cannot stat: \(String(cString: strerror(errno)))")
        }
        self.path = path
        if (st.st_mode & S_IFMT) == S_IFBLK {
            var bytes: UInt64 = 0
            // BLKGETSIZE64
            _ = ioctl(fd, 0x8008_1272, &bytes)
            size = bytes
        } else {
            size = UInt64(st.st_size)
        }
    }

    deinit { close(fd) }

    func error(at offset: UInt64, _ what: String) -> VolumeError {
        VolumeError(.badImage, "\(path): byte offset \(offset): \(what)")
    }

    /// Reads exactly `count` bytes at `offset`, or throws naming `what`.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: UInt64, what: @autoclosure () -> String)
        throws
    {
        guard offset <= size, UInt64(count) <= size - offset else {
            throw error(
                at: offset,
                "\(what()) needs \(count) bytes but the image ends at byte \(size) (cut off, or an offset points outside it)"
            )
        }
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw error(at: offset + UInt64(done), "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { throw error(at: offset + UInt64(done), "\(what()): the image ended early") }
            done += n
        }
    }

    func bytes(_ count: Int, at offset: UInt64, what: @autoclosure () -> String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { try read(into: $0.baseAddress!, count: count, at: offset, what: what()) }
        return out
    }
}

extension Array where Element == UInt8 {
    @inline(__always) func le16(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
    @inline(__always) func le32(_ at: Int) -> UInt32 {
        UInt32(self[at]) | UInt32(self[at + 1]) << 8 | UInt32(self[at + 2]) << 16 | UInt32(self[at + 3]) << 24
    }
    @inline(__always) func le64(_ at: Int) -> UInt64 { UInt64(le32(at)) | UInt64(le32(at + 4)) << 32 }
    @inline(__always) func be32(_ at: Int) -> UInt32 {
        UInt32(self[at]) << 24 | UInt32(self[at + 1]) << 16 | UInt32(self[at + 2]) << 8 | UInt32(self[at + 3])
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always) func le16(_ at: Int) -> UInt16 { loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian }
    @inline(__always) func le32(_ at: Int) -> UInt32 { loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian }
    @inline(__always) func le64(_ at: Int) -> UInt64 { loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian }
}
