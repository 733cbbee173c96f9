/// Which of Windows' hives a file is, told by the keys below its root (never by its file name): a SYSTEM
/// hive has `Select` and control sets, a SOFTWARE hive `Microsoft\Windows NT\CurrentVersion`, and so on.
public enum HiveKind: String, Sendable, Codable, CaseIterable {
    case system = "SYSTEM"
    case software = "SOFTWARE"
    case sam = "SAM"
    case security = "SECURITY"
    /// A user's NTUSER.DAT.
    case user = "NTUSER.DAT"
    /// A user's UsrClass.dat.
    case userClasses = "UsrClass.dat"
    case amcache = "Amcache.hve"
    case bcd = "BCD"
    case components = "COMPONENTS"
    case drivers = "DRIVERS"
    case unknown = "unknown"

    /// What the hive is, from its root's subkeys.
    public static func of(_ hive: Hive) -> HiveKind {
        let names = Set(hive.subkeys(of: hive.root).map { $0.name.uppercased() })
        func has(_ n: String...) -> Bool { n.allSatisfy { names.contains($0.uppercased()) } }
        if has("Select"), names.contains(where: { $0.hasPrefix("CONTROLSET0") }) { return .system }
        if has("Microsoft"), hive.key(path: "Microsoft\\Windows NT\\CurrentVersion") != nil { return .software }
        if has("SAM"), hive.key(path: "SAM\\Domains") != nil { return .sam }
        if has("Policy") { return .security }
        if has("Software"), has("Environment") || has("Control Panel") || has("Console") { return .user }
        if has("Local Settings") || (has("CLSID") && !has("Software")) { return .userClasses }
        if has("Root"),
            hive.key(path: "Root\\InventoryApplicationFile") != nil || hive.key(path: "Root\\File") != nil
                || hive.key(path: "Root\\Programs") != nil
        {
            return .amcache
        }
        if has("Objects"), has("Description") { return .bcd }
        if has("CanonicalData") || has("DerivedData") { return .components }
        if has("DriverDatabase") { return .drivers }
        return .unknown
    }

    /// "a SOFTWARE hive", "a user's NTUSER.DAT hive", "a hive of no kind Windows ships".
    public var described: String {
        switch self {
        case .user: "a user's NTUSER.DAT hive"
        case .userClasses: "a user's UsrClass.dat hive"
        case .amcache: "an Amcache.hve hive"
        case .unknown: "a hive of no kind this tool knows"
        default: "a \(rawValue) hive"
        }
    }
}
