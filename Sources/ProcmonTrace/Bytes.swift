/// Small byte-slice helpers for the hot path: ASCII comparisons without creating Strings.
package enum Bytes {
    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

    /// Exact byte equality with an ASCII literal.
    @inline(__always)
    package static func equals(_ field: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard field.count == literal.utf8CodeUnitCount else { return false }
        let l = literal.utf8Start
        for i in 0..<field.count where field[i] != l[i] { return false }
        return true
    }

    /// ASCII case-insensitive equality with a lowercase pattern.
    static func equalsIgnoringCase(_ field: UnsafeRawBufferPointer, _ lowercase: [UInt8]) -> Bool {
        guard field.count == lowercase.count else { return false }
        for i in 0..<field.count where lower(field[i]) != lowercase[i] { return false }
        return true
    }

    /// Whether `field` starts with a lowercase pattern, ASCII case ignored (looks at no more than the pattern).
    package static func startsWith(_ field: UnsafeRawBufferPointer, _ lowercase: [UInt8]) -> Bool {
        guard field.count >= lowercase.count else { return false }
        for i in 0..<lowercase.count where lower(field[i]) != lowercase[i] { return false }
        return true
    }

    /// Offset of the first ASCII case-insensitive occurrence of a lowercase pattern, or nil.
    package static func find(_ field: UnsafeRawBufferPointer, _ lowercase: [UInt8], from start: Int = 0) -> Int? {
        let n = field.count
        let m = lowercase.count
        guard m > 0, n - start >= m else { return nil }
        let first = lowercase[0]
        var i = start
        outer: while i <= n - m {
            if lower(field[i]) == first {
                for j in 1..<m where lower(field[i + j]) != lowercase[j] {
                    i += 1
                    continue outer
                }
                return i
            }
            i += 1
        }
        return nil
    }

    /// Parses a decimal integer (optional sign, surrounding spaces, `,`/`.`/space thousands separators refused).
    static func parseInt(_ field: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        var n = field.count
        while i < n && field[i] == 0x20 { i += 1 }
        while n > i && field[n - 1] == 0x20 { n -= 1 }
        guard i < n else { return nil }
        var negative = false
        if field[i] == 0x2D {
            negative = true
            i += 1
        }
        guard i < n, n - i <= 18 else { return nil }
        var value = 0
        while i < n {
            let d = field[i] &- 0x30
            guard d < 10 else { return nil }
            value = value * 10 + Int(d)
            i += 1
        }
        return negative ? -value : value
    }

    package static func string(_ field: UnsafeRawBufferPointer) -> String { String(decoding: field, as: UTF8.self) }

    package static func lowercased(_ s: String) -> [UInt8] { Array(s.utf8).map(lower) }
}
