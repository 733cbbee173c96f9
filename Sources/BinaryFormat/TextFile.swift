import Foundation

/// Reads a small text export (icacls output): UTF-16LE/BE with or without BOM, or UTF-8; lines split on
/// CRLF, LF or CR. These files hold a line or two per file on the volume, so they are read whole.
public enum TextFile {
    /// Exports larger than this are refused: a whole system volume's icacls /save is tens of MiB.
    public static let maxSize: UInt64 = 1 << 30

    public static func lines(_ path: String) throws -> [String] {
        let bytes: [UInt8]
        do {  // ReadOnlyFile refuses a pipe or device, so the read is of the file's size and ends.
            let file = try ReadOnlyFile(path: path)
            guard !file.isDirectory else {
                throw BinaryFormatError(.unreadable, path: path, offset: nil, "a folder, not an export file")
            }
            guard file.size <= maxSize else {
                throw BinaryFormatError(
                    .malformed, path: path, offset: nil,
                    "\(file.size) bytes, more than the \(maxSize >> 20) MiB an icacls export of a Windows folder holds"
                )
            }
            bytes = try file.bytes(Int(file.size), at: 0, what: "the export")
        }
        let text = TextEncoding.decode(bytes)
        var lines: [String] = []
        var current = ""
        var previousCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if !previousCR { lines.append(current) }
                current = ""
                previousCR = false
            } else if scalar == "\r" {
                lines.append(current)
                current = ""
                previousCR = true
            } else {
                current.unicodeScalars.append(scalar)
                previousCR = false
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
