import WriterScope

/// How the collector lays out an upload: one folder (zipped) named after the server, with the files the
/// case reads. The collector writes it and the case reads it, so both take the names from here.
public enum UploadLayout {
    public static let manifest = "manifest.json"
    public static let vssadminWriters = "vssadmin-list-writers.txt"
    public static let logs = "logs"
    public static let registry = "registry"
    public static let services = "services"
    public static let acl = "acl"
    public static let listing = "listing"
    public static let procmon = "procmon"
    /// The listing of `%windir%\Microsoft.NET` (path, type, size, dates), read as a volume.
    public static let microsoftNETListing = "listing/Microsoft.NET.csv"

    /// The event log channels exported: these two, and every channel whose name holds one of `channelWords`.
    public static let channels = ["Application", "System"]
    public static let channelWords = ["CAPI2", "VSS", "VolumeSnapshot", "Backup"]

    /// The hives saved with `reg save`: SYSTEM (services, VssAccessControl) and SOFTWARE (the Windows
    /// version, PnpLockdownFiles).
    public static let hives = ["SYSTEM", "SOFTWARE"]

    /// The services `sc.exe qc` and `sc.exe sdshow` are run for: every service the writer needs.
    public static var serviceNames: [String] { WriterServices.dependencies.map(\.name) }

    /// The folders exported with `icacls /save /t /c`: the writer's areas, as Windows paths below the
    /// volume (`Windows\…` under %SystemRoot%'s volume, `ProgramData\…` under %ProgramData%).
    public static var aclFolders: [String] { WriterAccess.defaultScopes }

    /// The file name of the `icacls /save` export of `folder` (`Windows\System32\catroot` → `catroot.acl`;
    /// two folders of the same last name get their parent's name too).
    public static func aclFile(_ folder: String) -> String {
        let parts = folder.split(separator: "\\")
        let last = parts.last.map(String.init) ?? folder
        let clash = aclFolders.filter { $0 != folder && $0.split(separator: "\\").last.map(String.init) == last }
        let name = clash.isEmpty ? last : parts.suffix(2).joined(separator: "-")
        return "\(acl)/\(name).acl"
    }
}
