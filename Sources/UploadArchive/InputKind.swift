import BinaryFormat
import DiskImage
import Foundation
import NTFS
import RegistryHive

/// What a file of a customer's upload is, told by its content (never by its name).
public enum InputKind: String, Sendable, Codable {
    case procmonPML = "procmon-pml"
    case procmonCSV = "procmon-csv"
    case eventLog = "evtx"
    /// The SYSTEM hive (saved with `reg save`, or a copy): told by its Select key and control sets.
    case hive
    /// The SOFTWARE hive: read for the Windows version and what the writer reads from it (PnpLockdownFiles).
    case softwareHive = "software-hive"
    /// A hive's transaction log (.LOG1, .LOG2), read with the hive beside it.
    case hiveLog = "hive-log"
    /// An NTFS partition image, a raw disk (MBR or GPT), a VHDX or VHD (fixed or dynamic).
    case volumeImage = "volume-image"
    /// A collected $MFT (records only), read as the volume; with `sds` its descriptors too.
    case collectedMFT = "mft"
    /// A collected $Secure:$SDS stream, the descriptors of a collected $MFT.
    case sds
    /// A mounted system volume (a folder holding `Windows\System32`).
    case mountedVolume = "mounted-volume"
    case icaclsSave = "icacls-save"
    case icaclsDisplay = "icacls-display"
    case getAclCSV = "getacl-csv"
    /// The collector's listing of a tree (`listing/Microsoft.NET.csv`), read as a volume.
    case fileListing = "file-listing"
    /// `vssadmin list writers` output: is the writer listed, its state and last error.
    case vssadminWriters = "vssadmin-writers"
    /// `sc.exe sdshow` or `sc.exe qc` output of a service.
    case serviceQuery = "sc-output"
    /// The collector's manifest: the server, the Windows version, what was collected and what failed.
    case collectorManifest = "collector-manifest"
    case ignored

    /// Reads the first bytes of `path` (and the last 512, for a VHD footer) and says what it is, or why it
    /// is ignored.
    public static func recognize(_ path: String) -> (kind: InputKind, ignored: String?) {
        let (kind, ignored, _) = recognize(path, keepingHive: false)
        return (kind, ignored)
    }

    /// As `recognize`, and the SYSTEM or SOFTWARE hive it opened to tell which (its transaction logs
    /// applied), so that the audit reads it from that, not again.
    public static func recognize(_ path: String, keepingHive: Bool) -> (
        kind: InputKind, ignored: String?, hive: Hive?
    ) {
        var opened: Hive? = nil
        let (kind, ignored) = recognize(path, keep: keepingHive, opened: &opened)
        return (kind, ignored, kind == .hive || kind == .softwareHive ? opened : nil)
    }

    private static func recognize(_ path: String, keep: Bool, opened: inout Hive?) -> (
        kind: InputKind, ignored: String?
    ) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            return (.ignored, "cannot be read")
        }
        if isFolder.boolValue {
            let system32 = (path as NSString).appendingPathComponent("Windows/System32")
            if FileManager.default.fileExists(atPath: system32) { return (.mountedVolume, nil) }
            return (.ignored, "a folder (searched one level deep only)")
        }
        guard let file = try? ReadOnlyFile(path: path, blockDevice: true) else { return (.ignored, "cannot be read") }
        let size = file.size
        guard size > 0, let head = try? file.bytes(Int(min(size, 4096)), at: 0, what: "the first bytes") else {
            return (.ignored, "empty")
        }
        func starts(_ s: String) -> Bool { head.starts(with: Array(s.utf8)) }
        if starts("PML_") { return (.procmonPML, nil) }
        if starts("ElfFile\0") { return (.eventLog, nil) }
        if starts("regf") {
            // The base block's file type: 0 a primary hive, else a transaction log.
            let type = head.count >= 32 ? head.le32(28) : 0
            guard type == 0 else { return (.hiveLog, nil) }
            // Which hive, by its keys; a hive too damaged to open is left to the audit, which says why.
            // Kept for the audit, the hive is opened as the audit opens it: its logs applied.
            guard let hive = try? Hive(path: path, applyLogs: keep) else { return (.hive, nil) }
            if keep { opened = hive }
            switch HiveKind.of(hive) {
            case .system: return (.hive, nil)
            case .software: return (.softwareHive, nil)
            case let other:
                return (.ignored, "\(other.described): not used (the case reads the SYSTEM and SOFTWARE hives)")
            }
        }
        switch NTFSImage.probe(path) {
        case .ntfs: return (.volumeImage, nil)
        case .collectedMFT: return (.collectedMFT, nil)
        case .unsupported(let why): return (.ignored, why)
        case .notAnImage: break
        }
        if SecureDescriptors.isStream(path) { return (.sds, nil) }
        let text = TextSniff(head)
        if text.firstLine.trimmingCharacters(in: .whitespaces).isEmpty,
            ["D:", "O:", "G:", "S:"].contains(where: { text.secondLine.hasPrefix($0) })
        {
            return (.serviceQuery, nil)
        }
        if text.contains("QueryServiceConfig SUCCESS") || text.contains("[SC] OpenService FAILED") {
            return (.serviceQuery, nil)
        }
        if text.contains("Writer name:") || text.contains("Volume Shadow Copy Service administrative command-line tool")
        {
            return (.vssadminWriters, nil)
        }
        if FileListingFormat.isListing(firstLine: text.firstLine) { return (.fileListing, nil) }
        if text.text.hasPrefix("{"), text.contains("\"collector\""), text.contains("\"items\"") {
            return (.collectorManifest, nil)
        }
        if text.contains("Process Name") && text.contains("Operation") && text.contains("Path") {
            return (.procmonCSV, nil)
        }
        if text.firstLine.contains("#TYPE")
            || (text.contains("\"Path\"") && (text.contains("\"Sddl\"") || text.contains("\"AccessToString\"")))
        {
            return (.getAclCSV, nil)
        }
        if text.secondLine.hasPrefix("D:") || text.secondLine.hasPrefix("O:") || text.secondLine.hasPrefix("G:") {
            return (.icaclsSave, nil)
        }
        if text.firstLine.contains(":(") && (text.firstLine.contains("\\") || text.firstLine.contains("NT AUTHORITY")) {
            return (.icaclsDisplay, nil)
        }
        if let packed = PackedFile.of(header: head) {
            return (.ignored, "\(packed.described): unpack it first (\(packed.unpackCommand(path)))")
        }
        return (.ignored, "not a Procmon log, event log, hive, volume image, $MFT or ACL export")
    }
}

/// The first bytes of a text file as text: UTF-8, or UTF-16 with or without a BOM.
struct TextSniff {
    let text: String

    init(_ head: [UInt8]) { text = TextEncoding.decode(head) }

    func contains(_ s: String) -> Bool { text.contains(s) }

    private var lines: [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .prefix(3).map { $0 }
    }

    var firstLine: String { lines.first.map(String.init) ?? "" }
    var secondLine: String { lines.count > 1 ? String(lines[1]).trimmingCharacters(in: .whitespaces) : "" }
}
