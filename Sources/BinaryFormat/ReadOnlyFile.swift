#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file opened read-only (never written), with bounds-checked positioned reads: the one pread wrapper.
///
/// Every read names the byte offset it wanted, so a cut-off file or an offset pointing outside it ends in a
/// one-line `BinaryFormatError`, never an out-of-bounds read. EINTR is retried; a short read is an error.
/// Block devices report their size through BLKGETSIZE64.
public final class ReadOnlyFile: PositionedReader, @unchecked Sendable {
    public let path: String
    public let fd: Int32
    public let size: UInt64
    public let isDirectory: Bool

    /// `blockDevice`: the caller reads a disk or volume, so a block device is taken like an image file; every
    /// other reader (a log, a hive, an export) refuses one, as it refuses pipes, sockets and character devices.
    public init(path: String, sequential: Bool = false, blockDevice: Bool = false) throws(BinaryFormatError) {
        // O_NONBLOCK so that a named pipe without a writer cannot block the open; it is refused below, and
        // the flag is cleared for the files that are read.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw BinaryFormatError(
                .unreadable, path: path, offset: nil, "cannot open: \(String(cString: strerror(errno)))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw BinaryFormatError(.unreadable, path: path, offset: nil, "cannot stat: \(reason)")
        }
        if let special = SpecialFile(mode: st.st_mode) {
            close(fd)
            throw BinaryFormatError(.unreadable, path: path, offset: nil, special.refusal)
        }
        if (st.st_mode & S_IFMT) == S_IFBLK && !blockDevice {
            close(fd)
            throw BinaryFormatError(
                .unreadable, path: path, offset: nil,
                "a block device, not a regular file: not read here (volume, acl, services and case take a disk or volume device)"
            )
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        self.path = path
        self.fd = fd
        isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
        if (st.st_mode & S_IFMT) == S_IFBLK {
            var bytes: UInt64 = 0
            _ = ioctl(fd, 0x8008_1272, &bytes)  // BLKGETSIZE64
            size = bytes
        } else {
            size = UInt64(max(0, st.st_size))
        }
        #if canImport(Glibc)
            if sequential { _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) }
        #endif
    }

    deinit { close(fd) }

    /// An error about the bytes at `offset`.
    public func malformed(at offset: UInt64, _ reason: String) -> BinaryFormatError {
        BinaryFormatError(.malformed, path: path, offset: offset, reason)
    }

    /// Bytes from `offset` to the end of the file; 0 past it.
    public func remaining(after offset: UInt64) -> UInt64 { offset >= size ? 0 : size - offset }

    /// Reads exactly `count` bytes at `offset` into `buffer` (which must hold them), or throws naming `what`.
    public func read(
        into buffer: UnsafeMutableRawPointer, count: Int, at offset: UInt64, what: @autoclosure () -> String
    ) throws(BinaryFormatError) {
        guard count >= 0, offset <= size, UInt64(count) <= size - offset else {
            throw BinaryFormatError(
                .truncated, path: path, offset: offset,
                "\(what()) needs \(count) bytes but the file ends at byte \(size) (cut off, or an offset points outside it)"
            )
        }
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset + UInt64(done)))
            if n < 0 {
                if errno == EINTR { continue }
                throw BinaryFormatError(
                    .unreadable, path: path, offset: offset + UInt64(done),
                    "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                throw BinaryFormatError(
                    .truncated, path: path, offset: offset + UInt64(done),
                    "\(what()): the file ended early (it shrank while being read)")
            }
            done += n
        }
    }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    public func readSome(into buffer: UnsafeMutableRawPointer, count: Int, at offset: UInt64) throws(BinaryFormatError)
        -> Int
    {
        guard offset < size, count > 0 else { return 0 }
        let want = Int(min(UInt64(count), size - offset))
        try read(into: buffer, count: want, at: offset, what: "block")
        return want
    }

    /// Plain sequential read(2) from the current position, EINTR retried (for streaming readers).
    public func readNext(into buffer: UnsafeMutableRawPointer, count: Int) throws(BinaryFormatError) -> Int {
        while true {
            let n = Glibc.read(fd, buffer, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw BinaryFormatError(
                .unreadable, path: path, offset: nil, "read failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Moves the sequential position back to the start.
    public func rewind() throws(BinaryFormatError) {
        guard lseek(fd, 0, SEEK_SET) == 0 else {
            throw BinaryFormatError(
                .unreadable, path: path, offset: 0, "cannot seek: \(String(cString: strerror(errno)))")
        }
    }
}

/// What reads exactly `count` bytes at an offset, bounds-checked: a file, or a disk inside a container file.
public protocol PositionedReader: AnyObject {
    var path: String { get }
    var size: UInt64 { get }
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: UInt64, what: @autoclosure () -> String)
        throws(BinaryFormatError)
}

extension PositionedReader {
    /// Reads `count` bytes at `offset` into a new array (nothing is allocated for a range that does not fit).
    public func bytes(_ count: Int, at offset: UInt64, what: @autoclosure () -> String) throws(BinaryFormatError)
        -> [UInt8]
    {
        guard count >= 0, offset <= size, UInt64(count) <= size - offset else {
            // Out of range: `read` refuses it with its message before it touches the buffer.
            var none: UInt8 = 0
            try read(into: &none, count: count, at: offset, what: what())
            return []
        }
        var out = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return out }
        let failure: BinaryFormatError? = out.withUnsafeMutableBytes { b in
            do throws(BinaryFormatError) {
                try read(into: b.baseAddress!, count: count, at: offset, what: what())
            } catch { return error }
            return nil
        }
        if let failure { throw failure }
        return out
    }
}
