import ArgumentParser
import BinaryFormat
import Foundation
import VolumeAudit

struct RemediateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remediate",
        abstract:
            "Plan the safe cleanup of Temporary ASP.NET Files: plan.csv, plan.json, remediate.ps1 (and remediate.sh on a mount).",
        discussion: """
            Only what lies inside Windows\\Microsoft.NET\\Framework*\\v*\\Temporary ASP.NET Files is ever planned, \
            never the folder itself, never across a symbolic link or junction. Nothing on the volume is changed: \
            the scripts do that, as dry runs unless told to apply. From a mounted volume, an NTFS image (raw, \
            disk, VHD, VHDX) or the collector's listing/Microsoft.NET.csv; remediate.ps1 runs on the server.
            """)

    @Argument(
        help:
            "The mounted volume's root folder, an NTFS image or disk (raw, VHD, VHDX), or the collector's listing/Microsoft.NET.csv."
    )
    var root: String

    @Option(help: "The partition of a disk image to read (1-based), when it holds several NTFS partitions.")
    var partition: Int?

    @Option(help: "Folder to write the plan and scripts to (created; must not be on the audited volume).")
    var out: String

    @Option(help: "Keep application folders with anything changed in the last DAYS days.")
    var olderThan: Int?

    @Option(help: "Only this framework: Framework64\\v4.0.30319, Framework64 or v4.0.30319.")
    var framework: String?

    @Option(help: "The drive letter the volume has on Windows.")
    var drive = "C:"

    @Option(help: "text (default) or json (the plan).")
    var format = "text"

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format takes text or json") }
        if let olderThan, olderThan < 0 { throw ValidationError("--older-than takes 0 or more days") }
    }

    func run() throws {
        try RemediationOutput.checkLocation(out: out, root: root)
        var options = CleanupPlanner.Options()
        options.drive = drive.uppercased()
        options.olderThanDays = olderThan
        options.framework = framework
        let planner = CleanupPlanner(root: root, options: options)
        let plan: CleanupPlan
        if !Volume.isImage(root) {
            (plan, _) = try planner.plan()
        } else if FileListing.isListing(path: root) {
            (plan, _) = try planner.plan(listing: root)
        } else {
            (plan, _) = try planner.plan(image: root, partition: partition)
        }
        try RemediationOutput.write(plan, to: out, root: root, generated: ISO8601DateFormatter().string(from: Date()))
        var o = Output.standardOutput
        if format == "json" {
            try JSONRendering.write(plan, into: &o)
        } else if !common.quiet {
            let deletions = plan.deletions
            let bytes = deletions.reduce(Int64(0)) { $0 + $1.bytes }
            o.line("Temporary ASP.NET Files folders: \(plan.tempFolders.count)")
            for t in plan.tempFolders { o.line("  \(t)") }
            o.line("")
            o.line(
                "Planned for deletion: \(deletions.count) items, \(grouped(deletions.reduce(0) { $0 + $1.files })) files, \(grouped(Int(bytes))) bytes"
            )
            for i in deletions.prefix(20) {
                o.line("  \(pad(i.kind.rawValue, 7)) \(pad(grouped(i.files), 8)) files  \(i.path)")
            }
            if deletions.count > 20 { o.line("  … \(deletions.count - 20) more in plan.csv") }
            let kept = plan.items.filter { !$0.willDelete }
            if !kept.isEmpty {
                o.line("Left alone: \(kept.count)")
                for i in kept.prefix(20) { o.line("  \(i.kind.rawValue): \(i.path)") }
            }
            if !plan.projected.isEmpty {
                o.line("")
                o.line("Folders over the limits, after the cleanup:")
                for p in plan.projected {
                    o.line(
                        "  \(p.path): \(grouped(p.subfolders)) -> \(grouped(p.subfoldersAfter)) subfolders, \(grouped(p.files)) -> \(grouped(p.filesAfter)) files; \(p.note)"
                    )
                }
            }
            o.line("")
            o.line(
                plan.source == .mount
                    ? "Written to \(out): plan.csv, plan.json, remediate.sh (sh remediate.sh --apply on the mounted image), remediate.ps1 (.\\remediate.ps1 -Apply on the server)"
                    : "Written to \(out): plan.csv, plan.json, remediate.ps1 (a dry run on the server; .\\remediate.ps1 -Apply to delete)"
            )
        }
        o.flush()
        throw ExitCode(plan.exitCode)
    }
}
