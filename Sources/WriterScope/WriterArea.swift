/// Where a folder lies with respect to what the System Writer enumerates in OnIdentify.
///
/// Windows compares names case-insensitively, so every match here does too (ASCII folding: the names that
/// matter are ASCII).
public enum WriterArea: String, Sendable, Codable, Comparable {
    /// Not under `Windows`: outside the System Writer's scope.
    case outside
    /// Under `Windows`.
    case windows
    /// Under `Windows\WinSxS`, where unreadable files kill the writer (CAPI2 513).
    case winSxS = "WinSxS"
    /// Under `Windows\Microsoft.NET`, where ASP.NET's compilation cache piles up.
    case microsoftNET = "Microsoft.NET"
    /// Inside a `Temporary ASP.NET Files` folder under `Windows\Microsoft.NET`: the one place safe to clean.
    case temporaryASPNET = "Temporary ASP.NET Files"

    public var inWriterScope: Bool { self != .outside }

    /// The area of a child named `name` (bytes, as on disk) of a folder in `self`, at `depth` (1 = the root's child).
    public func child(named name: some Collection<UInt8>, depth: Int) -> WriterArea {
        switch self {
        case .outside:
            return depth == 1 && Self.equalsIgnoringCase(name, "windows") ? .windows : .outside
        case .windows:
            guard depth == 2 else { return .windows }
            if Self.equalsIgnoringCase(name, "microsoft.net") { return .microsoftNET }
            if Self.equalsIgnoringCase(name, "winsxs") { return .winSxS }
            return .windows
        case .microsoftNET:
            return Self.equalsIgnoringCase(name, "temporary asp.net files") ? .temporaryASPNET : .microsoftNET
        case .winSxS, .temporaryASPNET:
            return self
        }
    }

    /// The area of a Windows path such as `C:\Windows\WinSxS\x` or `\Windows\x` (drive optional).
    public static func of(windowsPath path: String) -> WriterArea {
        var components = path.split(whereSeparator: { $0 == "\\" || $0 == "/" })
        if let first = components.first, first.count == 2, first.last == ":" { components.removeFirst() }
        var area = WriterArea.outside
        for (i, c) in components.enumerated() { area = area.child(named: Array(c.utf8), depth: i + 1) }
        return area
    }

    private static func equalsIgnoringCase(_ name: some Collection<UInt8>, _ lowercase: StaticString) -> Bool {
        guard name.count == lowercase.utf8CodeUnitCount else { return false }
        var i = 0
        for b in name {
            let folded = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            if folded != lowercase.utf8Start[i] { return false }
            i += 1
        }
        return true
    }

    private var rank: Int {
        switch self {
        case .outside: 0
        case .windows: 1
        case .winSxS: 2
        case .microsoftNET: 3
        case .temporaryASPNET: 4
        }
    }

    public static func < (a: WriterArea, b: WriterArea) -> Bool { a.rank < b.rank }
}
