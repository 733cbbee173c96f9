import Foundation
import WindowsSecurity

/// The commands that give the System Writer's account back what an ACL finding says it lacks: a grant of
/// read and execute, and, where an explicit deny ACE blocks it, the removal of that deny first (a grant
/// does not override a deny). An inherited deny cannot be removed on the entry itself: the line says so.
public enum ACLFix {
    /// NETWORK SERVICE as icacls takes it.
    public static let account = "*S-1-5-20"

    public static func grant(_ path: String) -> [String] {
        ["icacls \"\(path)\" /grant \(account):(RX)"]
    }

    /// The deny ACE's trustee as icacls takes it (`*S-1-1-0`), and whether the ACE is inherited.
    public static func denyTrustee(_ ace: String) -> (trustee: String, inherited: Bool)? {
        // (D;flags;rights;object;inherited object;SID)
        let body = ace.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
        let fields = body.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 6, fields[0].uppercased() == "D" || fields[0].uppercased() == "OD" else { return nil }
        let sidText = fields[5]
        let sid = SIDAliases().sid(forAlias: sidText.uppercased())?.description ?? sidText
        guard sid.hasPrefix("S-") else { return nil }
        return ("*" + sid, fields[1].uppercased().contains("ID"))
    }

    /// The lines for one finding, deny removal first.
    public static func lines(_ f: ACLFinding) -> [String] {
        guard let ace = f.ace, let deny = denyTrustee(ace) else { return grant(f.path) }
        if deny.inherited {
            return [
                "# \(f.path): the deny ACE \(ace) is inherited; remove it on the folder it comes from (icacls FOLDER /remove:d \(deny.trustee))"
            ]
                + grant(f.path)
        }
        return ["icacls \"\(f.path)\" /remove:d \(deny.trustee)"] + grant(f.path)
    }
}
