/// What a file or folder the writer's account cannot read means, by where it is (WRITER-MODEL.md §2, §5).
public enum WriterAccess {
    /// The folders whose denial kills OnIdentify, below the volume root, lower-cased: AddCoreCsiFiles'
    /// BeginFileEnumeration reads WinSxS\FileMaps and Temp\PendingRenames (KB2009272).
    static let componentStoreFolders = ["windows\\winsxs\\filemaps", "windows\\temp\\pendingrenames"]
    static let catalogRoots = ["windows\\system32\\catroot", "windows\\system32\\catroot2"]

    /// The folders the ACL audit looks at by default: what the writer lists or enumerates. Of the component
    /// store only FileMaps, which AddCoreCsiFiles enumerates; the rest of WinSxS is one file spec, never opened
    /// in OnIdentify, so its 60,000-odd entries could only ever be context.
    public static let defaultScopes = [
        "Windows\\Microsoft.NET", "Windows\\WinSxS\\FileMaps", "Windows\\Temp\\PendingRenames",
        "Windows\\System32\\catroot", "Windows\\System32\\catroot2", "Windows\\System32\\DriverStore\\FileRepository",
        "Windows\\servicing\\Packages", "Windows\\System32\\Microsoft\\Crypto", "ProgramData\\Microsoft\\Crypto",
    ]

    /// The impact of the writer's account lacking read or list access to `path` (a Windows path).
    public static func judgeDenied(windowsPath path: String, folder: Bool) -> Judgement {
        let key = StockSizes.relative(path)
        func under(_ root: String) -> Bool { key == root || key.hasPrefix(root + "\\") }
        if componentStoreFolders.contains(where: under) {
            return Judgement(
                .missingWriter, .confirmed,
                why:
                    "AddCoreCsiFiles reads WinSxS\\FileMaps and Temp\\PendingRenames: BeginFileEnumeration fails with access denied (CAPI2 513) and OnIdentify fails",
                source: "KB2009272")
        }
        switch WriterArea.of(windowsPath: path) {
        case .microsoftNET, .temporaryASPNET:
            if folder {
                return Judgement(
                    .missingWriter, .confirmed,
                    why:
                        "the System Writer lists every folder under Windows\\Microsoft.NET (TraverseDir): one it cannot list fails OnIdentify (CAPI2 513 \"TraverseDir : Unable to FindFirstFile\")",
                    source: "WRITER-MODEL.md §2")
            }
            return Judgement(
                .info, .likely, why: "the System Writer lists this file by name but does not open it",
                source: "WRITER-MODEL.md §1")
        case .catalogs where folder && catalogRoots.contains(key):
            return Judgement(
                .missingWriter, .likely,
                why:
                    "AddCatalogFiles lists the {GUID} folders of catroot and catroot2: a failure there fails the writer",
                source: "WRITER-MODEL.md §1")
        default:
            return Judgement(
                .info, .likely,
                why:
                    "the System Writer adds this area as one file spec (or does not read it): it does not open this entry in OnIdentify",
                source: "WRITER-MODEL.md §1")
        }
    }
}
