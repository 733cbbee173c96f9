import Foundation
import VolumeAudit

/// Where a case may write (`--html`, `--out`): never onto an input, and never inside an input folder or
/// mount, so that nothing the tool writes can land on the customer's evidence.
public enum CaseOutputs {
    /// The names `--out` may write into its folder.
    public static let names =
        RemediationOutput.files + ["fix-services.ps1", "fix-services.cmd", "fix-acl.ps1", "report.html"]

    /// Refuses `html` or `out` (or a file `out` would hold) when it is one of `inputs` or inside one.
    public static func check(html: String?, out: String?, inputs: [String]) throws(CaseError) {
        var targets: [(shown: String, path: String)] = []
        if let html { targets.append((html, html)) }
        if let out {
            targets.append((out, out))
            for name in names { targets.append((out, (out as NSString).appendingPathComponent(name))) }
        }
        for input in inputs {
            for (shown, path) in targets {
                do {
                    try RemediationOutput.checkLocation(out: path, root: input)
                } catch {
                    throw CaseError(
                        .badOutput, file: shown,
                        "would write onto the input \(input) (or inside it); write the report elsewhere")
                }
            }
        }
    }
}
