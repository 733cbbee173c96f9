import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file with read(2) in large blocks on a second thread, a few blocks ahead of the parser.
///
/// The copy out of the page cache then overlaps with parsing instead of adding to it (measured: about 6% of
/// a parse of a cached export). Memory is `depth` blocks, whatever the file size.
final class BlockPrefetcher: @unchecked Sendable {
    struct Block {
        let bytes: UnsafeRawBufferPointer
        /// errno of a failed read, 0 otherwise; a block of 0 bytes with errno 0 is the end of the file.
        let errorNumber: Int32
    }

    private let fd: Int32
    private let blockSize: Int
    private let buffers: [UnsafeMutableRawPointer]
    private let lengths: UnsafeMutablePointer<Int>
    private let errors: UnsafeMutablePointer<Int32>
    private let free: DispatchSemaphore
    private let filled = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var cancelled = false
    private var next = 0
    private var started = false
    /// No second thread could be had: read in the caller's thread.
    private var synchronous = false

    init(fd: Int32, blockSize: Int, depth: Int = 4) {
        self.fd = fd
        self.blockSize = blockSize
        buffers = (0..<depth).map { _ in .allocate(byteCount: blockSize, alignment: 16) }
        lengths = .allocate(capacity: depth)
        lengths.initialize(repeating: 0, count: depth)
        errors = .allocate(capacity: depth)
        errors.initialize(repeating: 0, count: depth)
        // Start at 0 and signal up: libdispatch traps when a semaphore is freed below its initial value,
        // which is where an early stop (a parse error) leaves it.
        free = DispatchSemaphore(value: 0)
        for _ in 0..<depth { free.signal() }
    }

    deinit {
        stop()
        for b in buffers { b.deallocate() }
        lengths.deallocate()
        errors.deallocate()
    }

    private func start() {
        started = true
        synchronous = !Thread { [self] in produce() }.start()
    }

    private func produce() {
        var i = 0
        while true {
            free.wait()
            if cancelled { break }
            var n: Int
            repeat { n = read(fd, buffers[i], blockSize) } while n < 0 && errno == EINTR
            lengths[i] = max(n, 0)
            errors[i] = n < 0 ? errno : 0
            filled.signal()
            if n <= 0 { break }
            i = (i + 1) % buffers.count
        }
        finished.signal()
    }

    /// The next block; valid until the following call. Call `done()` after using each block.
    func nextBlock() -> Block {
        if !started { start() }
        if synchronous {
            var n: Int
            repeat { n = read(fd, buffers[0], blockSize) } while n < 0 && errno == EINTR
            return Block(
                bytes: UnsafeRawBufferPointer(start: buffers[0], count: max(n, 0)), errorNumber: n < 0 ? errno : 0)
        }
        filled.wait()
        let i = next
        next = (next + 1) % buffers.count
        return Block(bytes: UnsafeRawBufferPointer(start: buffers[i], count: lengths[i]), errorNumber: errors[i])
    }

    /// Hands the last block back to the reader thread.
    func done() { if !synchronous { free.signal() } }

    /// Stops the reader thread and waits for it (idempotent).
    func stop() {
        guard started, !synchronous else { return }
        started = false
        cancelled = true
        free.signal()
        finished.wait()
    }
}

/// A minimal thread on pthreads: Foundation is not needed for this one job.
private final class Thread: @unchecked Sendable {
    private let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }

    /// Starts the thread; false when none could be created.
    func start() -> Bool {
        var handle = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(
            &handle, nil,
            { raw in
                let me = Unmanaged<Thread>.fromOpaque(raw!).takeRetainedValue()
                me.body()
                return nil
            }, context)
        guard rc == 0 else {
            Unmanaged<Thread>.fromOpaque(context).release()
            return false
        }
        pthread_detach(handle)
        return true
    }
}
