import ACLExports
import DiskImage
import WindowsSecurity

/// Where the descriptors of an ACL audit come from, and the reading of each into the audit.
public enum ACLSource: Sendable {
    /// A mounted volume's root, or an NTFS image, a VHDX or VHD, or a collected $MFT (with its $SDS).
    case volume(root: String, partition: Int?, sds: String?, scopes: [String], drive: String)
    /// `icacls DIR /save FILE /t /c`, its paths below `base`.
    case icaclsSave(path: String, base: String)
    /// `icacls DIR /t` display output.
    case icaclsDisplay(path: String)
    /// `Get-Acl | Select-Object Path,Sddl | Export-Csv`.
    case getAclCSV(path: String)

    /// How the report names the source.
    public var shown: String {
        switch self {
        case .volume(let root, _, _, _, _): return root
        case .icaclsSave(let path, _): return "\(path) (icacls /save)"
        case .icaclsDisplay(let path): return "\(path) (icacls display)"
        case .getAclCSV(let path): return "\(path) (Get-Acl CSV)"
        }
    }
}

extension ACLAudit {
    /// Reads every descriptor of `source` and judges it for each token: the report, and what the reading of
    /// an image stepped around (warnings).
    public static func run(_ source: ACLSource, tokens: [Token]) throws -> (report: ACLReport, warnings: [String]) {
        var audit = ACLAudit(tokens: tokens)
        var warnings: [String] = []
        switch source {
        case .volume(let root, let partition, let sds, let scopes, let drive):
            if ImageFile.isImage(root) {
                warnings = try ImageACLReader(path: root, partition: partition, drive: drive.uppercased(), sds: sds)
                    .read(scopes: scopes, into: &audit)
            } else {
                try MountedACLReader(root: root, drive: drive.uppercased()).read(scopes: scopes, into: &audit)
            }
        case .icaclsSave(let path, let base): try IcaclsSaveReader(path: path, base: base).read(into: &audit)
        case .icaclsDisplay(let path): try IcaclsDisplayReader(path: path).read(into: &audit)
        case .getAclCSV(let path): try GetAclCSVReader(path: path).read(into: &audit)
        }
        return (audit.report(source: source.shown), warnings)
    }
}
