import BinaryFormat

/// Where a service's `ImagePath` points on the system volume, resolved as the SCM and the kernel read it:
/// `\SystemRoot\`, `%SystemRoot%` and the other usual variables, `\??\C:\`, a path relative to the Windows
/// folder (`System32\drivers\x.sys`, as drivers have it), quotes, and arguments after the binary.
public enum ImagePath {
    public enum Resolution: Sendable, Equatable {
        /// A path below the volume root (`Windows\System32\svchost.exe`).
        case onVolume(String)
        /// On another drive than the system volume (C:).
        case otherDrive(String)
        /// Names a variable or form not resolved here.
        case unresolved
    }

    static let variables: [(String, String)] = [
        ("%SYSTEMROOT%", "C:\\Windows"), ("%WINDIR%", "C:\\Windows"), ("%SYSTEMDRIVE%", "C:"),
        ("%PROGRAMFILES%", "C:\\Program Files"), ("%PROGRAMFILES(X86)%", "C:\\Program Files (x86)"),
        ("%PROGRAMDATA%", "C:\\ProgramData"), ("%COMMONPROGRAMFILES%", "C:\\Program Files\\Common Files"),
    ]

    /// The binary an `ImagePath` starts, without its arguments.
    public static func binary(_ raw: String) -> String {
        let s = raw.trimmingCharacters(in: " \t\0")
        if s.hasPrefix("\"") {
            let rest = s.dropFirst()
            return String(rest.prefix { $0 != "\"" })
        }
        let upper = s.uppercased()
        for ext in [".EXE", ".SYS", ".DLL"] {
            var search = upper.startIndex
            while let r = upper.range(of: ext, range: search..<upper.endIndex) {
                if r.upperBound == upper.endIndex || upper[r.upperBound] == " " {
                    return String(s[s.startIndex..<r.upperBound])
                }
                search = r.upperBound
            }
        }
        return s
    }

    public static func resolve(_ raw: String) -> Resolution {
        var p = binary(raw)
        let upper = p.uppercased()
        for (name, value) in variables where upper.hasPrefix(name) {
            p = value + p.dropFirst(name.count)
            break
        }
        if p.contains("%") { return .unresolved }
        for prefix in ["\\??\\", "\\\\?\\"] where p.hasPrefix(prefix) { p = String(p.dropFirst(prefix.count)) }
        if p.uppercased().hasPrefix("\\SYSTEMROOT\\") { p = "C:\\Windows\\" + p.dropFirst("\\SystemRoot\\".count) }
        let chars = Array(p)
        if chars.count >= 2, chars[1] == ":" {
            guard chars[0] == "C" || chars[0] == "c" else { return .otherDrive(p) }
            return .onVolume(String(p.dropFirst(2)).trimmingCharacters(in: "\\"))
        }
        if p.hasPrefix("\\") { return .unresolved }
        // Relative: drivers' "System32\drivers\x.sys" is relative to the Windows folder.
        return .onVolume("Windows\\" + p)
    }
}
