import BinaryFormat
import Foundation

/// Where a cleanup plan may be written, and the writing of plan.json, plan.csv, remediate.sh, remediate.ps1.
///
/// The output folder must not lie on the audited volume (auditing never writes to what it audits); a
/// folder that cannot be made or written is the user's to fix, so it is a `VolumeError(.badOutput)`.
public enum RemediationOutput {
    public static let files = ["plan.json", "plan.csv", "remediate.sh", "remediate.ps1"]

    /// The files `write` makes for `plan`.
    public static func files(for plan: CleanupPlan) -> [String] {
        plan.source == .mount ? files : files.filter { $0 != "remediate.sh" }
    }

    /// Refuses an output path inside the audited root, or the root itself (`OutputLocation`).
    public static func checkLocation(out: String, root: String) throws(VolumeError) {
        do { try OutputLocation.check(out: out, auditedRoot: root) } catch {
            throw VolumeError(.badOutput, error.message)
        }
    }

    /// Writes the plan and its scripts into `out` (created), stamped with `generated`.
    public static func write(_ plan: CleanupPlan, to out: String, root: String, generated: String) throws(VolumeError) {
        try checkLocation(out: out, root: root)
        let outURL = URL(fileURLWithPath: out).standardizedFileURL
        var current = out
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var contents: [(String, Data)] = [
                ("plan.json", try encoder.encode(plan)),
                ("plan.csv", Data(RemediationScripts.csv(plan).utf8)),
                ("remediate.ps1", Data(("\u{FEFF}" + RemediationScripts.powerShell(plan, generated: generated)).utf8)),
            ]
            // remediate.sh deletes on the mounted tree the plan was made from; an image or a listing has none.
            if plan.source == .mount {
                contents.append(("remediate.sh", Data(RemediationScripts.shell(plan, generated: generated).utf8)))
            }
            for (name, data) in contents {
                current = outURL.appendingPathComponent(name).path
                try data.write(to: outURL.appendingPathComponent(name), options: .atomic)
            }
            if plan.source == .mount { chmod(outURL.appendingPathComponent("remediate.sh").path, 0o755) }
        } catch {
            throw VolumeError(.badOutput, "\(current): cannot write the plan: \(reason(error))")
        }
    }

    /// The operating system's reason, without Foundation's dump.
    public static func reason(_ error: Error) -> String { OutputLocation.reason(error) }
}
