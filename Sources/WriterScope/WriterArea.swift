/// Where a folder lies with respect to what the System Writer adds in OnIdentify (WRITER-MODEL.md §1).
///
/// Windows compares names case-insensitively, so every match here does too (ASCII folding: the names that
/// matter are ASCII).
public enum WriterArea: String, Sendable, Codable, Comparable, CaseIterable {
    /// Not under `Windows`: outside the System Writer's file sets.
    case outside
    /// Under `Windows`, in no area the writer adds.
    case windows
    /// `Windows\System32` itself and its folders the writer does not add as a whole.
    case system32 = "System32"
    /// Under `Windows\WinSxS`: one recursive file spec (plus the files the component store projects).
    case winSxS = "WinSxS"
    /// Under `Windows\servicing`: Packages and Version are added as recursive file specs.
    case servicing
    /// Under `System32\catroot` or `catroot2`: each `{GUID}` folder added with spec `*`.
    case catalogs = "catroot"
    /// Under `System32\DriverStore`: FileRepository added as one recursive file spec.
    case driverStore = "DriverStore"
    /// Under `Windows\assembly` (the GAC and native images): one recursive file spec.
    case assembly
    /// Under `Windows\Microsoft.NET`: walked file by file (TraverseDir), every file listed in the metadata.
    case microsoftNET = "Microsoft.NET"
    /// Inside a `Temporary ASP.NET Files` folder under `Windows\Microsoft.NET`: the one place safe to clean.
    case temporaryASPNET = "Temporary ASP.NET Files"

    /// How the writer reads the files of an area.
    public enum Reading: String, Sendable, Codable {
        /// Every file found and listed one by one: counts and path lengths reach the writer's code and its metadata.
        case walkedFileByFile = "walked-file-by-file"
        /// One `AddFilesToFileGroup(path, spec, recursive)` entry: the writer never walks it, its size does not matter.
        case addedWhole = "added-whole"
        /// Not read by the System Writer.
        case notRead = "not-read"
    }

    public var reading: Reading {
        switch self {
        case .microsoftNET, .temporaryASPNET: .walkedFileByFile
        case .winSxS, .servicing, .catalogs, .driverStore, .assembly: .addedWhole
        case .outside, .windows, .system32: .notRead
        }
    }

    /// The System Writer reads files here in OnIdentify (walked or added whole).
    public var inWriterScope: Bool { reading != .notRead }

    /// The area of a child named `name` (bytes, as on disk) of a folder in `self`, at `depth` (1 = the root's child).
    public func child(named name: some Collection<UInt8>, depth: Int) -> WriterArea {
        switch self {
        case .outside:
            return depth == 1 && Self.equalsIgnoringCase(name, "windows") ? .windows : .outside
        case .windows:
            guard depth == 2 else { return .windows }
            if Self.equalsIgnoringCase(name, "microsoft.net") { return .microsoftNET }
            if Self.equalsIgnoringCase(name, "winsxs") { return .winSxS }
            if Self.equalsIgnoringCase(name, "servicing") { return .servicing }
            if Self.equalsIgnoringCase(name, "assembly") { return .assembly }
            if Self.equalsIgnoringCase(name, "system32") { return .system32 }
            return .windows
        case .system32:
            guard depth == 3 else { return .system32 }
            if Self.equalsIgnoringCase(name, "catroot") || Self.equalsIgnoringCase(name, "catroot2") {
                return .catalogs
            }
            if Self.equalsIgnoringCase(name, "driverstore") { return .driverStore }
            return .system32
        case .microsoftNET:
            return Self.equalsIgnoringCase(name, "temporary asp.net files") ? .temporaryASPNET : .microsoftNET
        case .winSxS, .servicing, .catalogs, .driverStore, .assembly, .temporaryASPNET:
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

    static func equalsIgnoringCase(_ name: some Collection<UInt8>, _ lowercase: StaticString) -> Bool {
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
        case .system32: 2
        case .servicing: 3
        case .catalogs: 4
        case .driverStore: 5
        case .assembly: 6
        case .winSxS: 7
        case .microsoftNET: 8
        case .temporaryASPNET: 9
        }
    }

    public static func < (a: WriterArea, b: WriterArea) -> Bool { a.rank < b.rank }
}
