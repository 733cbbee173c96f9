import BinaryFormat

/// How big the writer's areas are on a freshly installed Windows (WRITER-MODEL.md §3, from `where /R \ *`
/// listings of Windows 10, Server 2016 and Server 2019 [S11]): what a count is compared with before anyone
/// calls it large.
public struct StockSize: Sendable, Codable, Equatable {
    /// The folder, below the volume root (`Windows\WinSxS`).
    public var folder: String
    public var measure: Measure
    public var windows10: Int
    public var server2016: Int
    public var server2019: Int

    public enum Measure: String, Sendable, Codable {
        case subfolders
        /// Files directly in the folder.
        case files
        /// Files at any depth below it.
        case filesRecursive = "files-recursive"
        /// The longest path below it, in characters.
        case longestPath = "longest-path"
    }

    public var largest: Int { max(windows10, server2016, server2019) }

    /// "stock Windows 10 13,258, Server 2016 16,209, Server 2019 15,172".
    public var text: String {
        "stock Windows 10 \(Self.grouped(windows10)), Server 2016 \(Self.grouped(server2016)), Server 2019 \(Self.grouped(server2019))"
    }

    static func grouped(_ n: Int) -> String { BinaryFormat.grouped(n) }
}

public enum StockSizes {
    public static let table: [StockSize] = [
        StockSize(
            folder: "Windows\\WinSxS", measure: .subfolders, windows10: 13_258, server2016: 16_209, server2019: 15_172),
        StockSize(
            folder: "Windows\\WinSxS", measure: .filesRecursive, windows10: 60_911, server2016: 71_874,
            server2019: 69_672),
        StockSize(
            folder: "Windows\\WinSxS\\Manifests", measure: .files, windows10: 17_255, server2016: 27_713,
            server2019: 25_165),
        StockSize(
            folder: "Windows\\WinSxS\\Catalogs", measure: .files, windows10: 857, server2016: 4_469, server2019: 3_381),
        StockSize(
            folder: "Windows\\WinSxS\\FileMaps", measure: .files, windows10: 2_325, server2016: 1_891, server2019: 1_993
        ),
        StockSize(
            folder: "Windows\\servicing\\Packages", measure: .files, windows10: 2_408, server2016: 10_372,
            server2019: 8_048),
        StockSize(folder: "Windows\\System32", measure: .files, windows10: 4_355, server2016: 3_691, server2019: 3_850),
        StockSize(
            folder: "Windows\\System32\\catroot\\{F750E6C3-38EE-11D1-85E5-00C04FC295EE}", measure: .files,
            windows10: 1_230, server2016: 5_204, server2019: 4_054),
        StockSize(
            folder: "Windows\\System32\\DriverStore\\FileRepository", measure: .subfolders, windows10: 672,
            server2016: 664, server2019: 653),
        StockSize(
            folder: "Windows\\Microsoft.NET\\assembly\\GAC_MSIL", measure: .subfolders, windows10: 365, server2016: 417,
            server2019: 469),
        StockSize(
            folder: "Windows\\assembly\\NativeImages_v4.0.30319_64", measure: .subfolders, windows10: 96,
            server2016: 259, server2019: 257),
        StockSize(
            folder: "Windows\\assembly\\NativeImages_v4.0.30319_32", measure: .subfolders, windows10: 55,
            server2016: 250, server2019: 243),
        StockSize(
            folder: "Windows\\Microsoft.NET", measure: .filesRecursive, windows10: 1_779, server2016: 1_797,
            server2019: 1_980),
        StockSize(
            folder: "Windows\\Microsoft.NET\\Framework64\\v4.0.30319", measure: .files, windows10: 393, server2016: 341,
            server2019: 392),
        StockSize(
            folder: "Windows\\Microsoft.NET", measure: .longestPath, windows10: 242, server2016: 242, server2019: 242),
    ]

    /// The stock size of `measure` for the folder at `path` (`C:\Windows\WinSxS`, any case, drive optional).
    public static func of(_ path: String, _ measure: StockSize.Measure) -> StockSize? {
        let key = relative(path)
        return table.first { $0.measure == measure && $0.folder.lowercased() == key }
    }

    /// `C:\Windows\WinSxS\` -> `windows\winsxs`.
    static func relative(_ path: String) -> String {
        var components = path.split(whereSeparator: { $0 == "\\" || $0 == "/" })
        if let first = components.first, first.count == 2, first.last == ":" { components.removeFirst() }
        return components.joined(separator: "\\").lowercased()
    }
}
