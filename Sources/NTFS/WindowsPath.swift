import BinaryFormat
import DiskImage

/// Turns a volume-relative path (raw bytes, `/`-separated) into the Windows path a user sees.
public enum WindowsPath {
    /// `C:` + `\` + components joined by `\`. Bytes that are not valid UTF-8 are written `\xNN`
    /// (as Python's backslashreplace does), so the path is always printable and never crashes a renderer.
    public static func make(drive: String, relative: UnsafeRawBufferPointer) -> String {
        var out = drive + "\\"
        guard !relative.isEmpty else { return out }
        var start = 0
        while start <= relative.count {
            var end = start
            while end < relative.count && relative[end] != 0x2F { end += 1 }
            if end > start {
                if !out.hasSuffix("\\") { out += "\\" }
                out += escaped(UnsafeRawBufferPointer(rebasing: relative[start..<end]))
            }
            start = end + 1
        }
        return out
    }

    public static func make(drive: String, relative: [UInt8]) -> String {
        relative.withUnsafeBytes { make(drive: drive, relative: $0) }
    }

    /// A name as text: valid UTF-8 as is, each invalid byte as `\xNN`.
    public static func escaped(_ bytes: UnsafeRawBufferPointer) -> String {
        if let valid = String(validating: bytes, as: UTF8.self) { return valid }
        var out = ""
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0
            if length > 0, i + length <= bytes.count,
                let s = String(validating: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + length)]), as: UTF8.self)
            {
                out += s
                i += length
            } else {
                out += "\\x" + String(b, radix: 16, uppercase: true).leftPadded(2)
                i += 1
            }
        }
        return out
    }

    /// How many UTF-16 code units a name takes in a Windows path (invalid bytes count one each).
    @inline(__always)
    public static func utf16Length(_ bytes: UnsafeRawBufferPointer) -> Int {
        var n = 0
        for b in bytes {
            if b & 0xC0 != 0x80 { n += 1 }
            if b >= 0xF0 { n += 1 }
        }
        return n
    }
}
