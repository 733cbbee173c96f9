import BinaryFormat
import DiskImage
import NTFS
import RegistryHive

/// Where the SYSTEM hive comes from: a hive file (its logs beside it), or a volume (an NTFS image or a
/// mounted tree) holding `Windows\System32\config\SYSTEM` and its logs, whose binaries are then checked too.
public enum SystemHiveSource {
    public static let hivePath = "Windows\\System32\\config\\SYSTEM"
    /// A SYSTEM hive is tens of MiB; more than this on a volume is not one.
    public static let sizeLimit = 1 << 30

    /// Opens `path`: the hive, and the volume when `path` is one.
    public static func open(_ path: String, partition: Int? = nil, applyLogs: Bool = true) throws -> (
        hive: Hive, volume: (any VolumeFiles)?
    ) {
        if let special = SpecialFile(following: path) {
            throw RegistryError(.unreadable, path: path, offset: nil, special.refusal)
        }
        if ImageFile.isImage(path), try isHiveFile(path) {
            let hive = try Hive(path: path, applyLogs: applyLogs)
            try requireSystem(hive, path)
            return (hive, nil)
        }
        let volume = try VolumeFilesOpener.open(path, partition: partition)
        guard let bytes = try volume.contents(of: hivePath, limit: sizeLimit) else {
            throw RegistryError(
                .unreadable, path: path, offset: nil,
                "no \(hivePath) on this volume (give the hive file itself, or the system volume)")
        }
        var logs: [LogFile] = []
        var unread: [HiveWarning] = []
        if applyLogs, let names = volume.names(in: "Windows\\System32\\config") {
            for suffix in [".LOG1", ".LOG2", ".LOG"] {
                guard let name = names.first(where: { $0.uppercased() == "SYSTEM" + suffix }) else { continue }
                let shown = volume.source + ":\\Windows\\System32\\config\\" + name
                do {
                    guard let b = try volume.contents(of: "Windows\\System32\\config\\" + name, limit: sizeLimit) else {
                        continue
                    }
                    logs.append(LogFile(name: shown, bytes: b))
                } catch {
                    // A log that cannot be read (a pipe, damage) leaves the hive as saved: a warning, not an end.
                    unread.append(
                        HiveWarning(
                            fileOffset: nil,
                            "\(shown): \((error as? BinaryFormatError)?.reason ?? "\(error)"): not applied"))
                }
            }
        }
        let hive = try Hive(bytes: bytes, name: volume.source + ":\\" + hivePath, logs: logs)
        for w in unread { hive.noteUnreadLog(w) }
        try requireSystem(hive, volume.source + ":\\" + hivePath)
        return (hive, volume)
    }

    /// Refuses a hive that is not a SYSTEM hive (no `Select` key and control sets), naming what it looks like.
    public static func requireSystem(_ hive: Hive, _ path: String) throws(RegistryError) {
        let kind = HiveKind.of(hive)
        guard kind == .system else {
            throw RegistryError(
                .wrongKind, path: path, offset: nil,
                "\(kind.described), not a SYSTEM hive (no Select key and control sets): give the hive saved with reg save HKLM\\SYSTEM"
            )
        }
    }

    /// A regular file that starts with "regf".
    static func isHiveFile(_ path: String) throws -> Bool {
        let file = try ReadOnlyFile(path: path, blockDevice: true)
        guard file.size >= 4, !file.isDirectory else { return false }
        let head = try file.bytes(4, at: 0, what: "the signature")
        return head == Array("regf".utf8)
    }
}
