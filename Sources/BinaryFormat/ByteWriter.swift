#if canImport(Glibc)
    import Glibc
#endif

/// A growable output buffer of bytes for the hot writers (the event log's XML): appending a byte is a
/// compare and a store, with none of an Array's uniqueness checks. Not copyable: it owns its memory.
public struct ByteWriter: ~Copyable {
    @usableFromInline var storage: UnsafeMutablePointer<UInt8>
    @usableFromInline var used = 0
    @inlinable public var base: UnsafeMutablePointer<UInt8> { storage }
    @inlinable public var count: Int { used }
    @usableFromInline var capacity: Int

    public init(capacity: Int = 1 << 16) {
        self.capacity = max(16, capacity)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    /// The bytes written so far (valid until the next append).
    @inlinable public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: used) }

    @usableFromInline @inline(never)
    mutating func grow(_ extra: Int) {
        var c = capacity
        while c - used < extra { c = c.multipliedReportingOverflow(by: 2).overflow ? Int.max : c * 2 }
        let b = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        b.update(from: storage, count: used)
        storage.deallocate()
        storage = b
        capacity = c
    }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        if used == capacity { grow(1) }
        storage[used] = byte
        used += 1
    }

    @inlinable @inline(__always)
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        guard n > 0 else { return }
        if capacity - used < n { grow(n) }
        memcpy(storage + used, bytes.baseAddress!, n)
        used += n
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Room for `n` bytes written through the pointer `body` gets; they count once it returns.
    @inlinable @inline(__always)
    public mutating func appendUninitialized(_ n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        if capacity - used < n { grow(n) }
        body(storage + used)
        used += n
    }

    /// Drops what was written from `position` on.
    @inlinable @inline(__always)
    public mutating func truncate(to position: Int) {
        precondition(position >= 0 && position <= used)
        used = position
    }
}
