import BinaryFormat

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Buffered writes to a file descriptor with write(2): one syscall per 64 KiB, not per line.
struct Output {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    static var standardOutput: Output { Output(fd: STDOUT_FILENO) }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func line(_ text: String = "") {
        write(text)
        write("\n")
    }

    /// Lets `body` append to the buffer directly (no String in between), then flushes when it is full.
    mutating func append(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func bytes(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes `bytes` at once, after what is buffered (flush first).
    mutating func write(bytes: UnsafeRawBufferPointer) {
        flush()
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            offset += n
        }
    }

    mutating func flush() {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// One line on stderr, written at once: a line break or control character quoted from an input is escaped.
func printError(_ message: String) {
    var err = Output(fd: STDERR_FILENO)
    err.line(QuotedText.oneLine(message))
    err.flush()
}
