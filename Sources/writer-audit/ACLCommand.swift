import ArgumentParser
import VolumeAudit
import WindowsSecurity

struct ACLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acl",
        abstract: "Find files and folders the System Writer's account (NETWORK SERVICE in CryptSvc) cannot read.",
        discussion: """
            Reads descriptors from a mounted NTFS volume (ntfs-3g's system.ntfs_acl), from an NTFS image \
            without mounting it (through its MFT and $Secure; default scope: what the \
            System Writer lists (Windows\\Microsoft.NET, WinSxS\\FileMaps, Temp\\PendingRenames, catroot, the driver store, servicing\\Packages, Crypto); a VHDX or VHD too), from a collected $MFT with its $Secure:$SDS (--sds), \
            or from an export: icacls /save, icacls display \
            output, or Get-Acl | Select-Object Path,Sddl | Export-Csv.
            """)

    @Argument(
        help: "The mounted volume's root folder, an NTFS image file or device, a VHDX or VHD, or a collected $MFT.")
    var root: String?

    @Option(help: "With a collected $MFT: the collected $Secure:$SDS stream, where its descriptors are.")
    var sds: String?

    @Option(help: "For a disk image with several NTFS partitions: the partition's number in the table.")
    var partition: Int?

    @Option(name: .customLong("icacls"), help: "An `icacls DIR /save FILE /t /c` file (UTF-16LE).")
    var icaclsSave: String?

    @Option(help: "The Windows folder the icacls /save was made in, prefixed to its paths.")
    var base = ""

    @Option(help: "`icacls DIR /t` display output saved to a file.")
    var icaclsDisplay: String?

    @Option(help: "`Get-ChildItem -Recurse | Get-Acl | Select-Object Path,Sddl | Export-Csv` output.")
    var getaclCsv: String?

    @Option(parsing: .singleValue, help: "Subtree of the mounted volume to audit (repeatable).")
    var scope: [String] = []

    @Option(
        parsing: .singleValue,
        help: "Check this SID or alias (S-1-5-20, NS, BU ...) instead of the System Writer's token. Repeatable.")
    var principal: [String] = []

    @Option(help: "Replace the NETWORK SERVICE token model: comma-separated SIDs, the user first.")
    var tokenSids: String?

    @Option(help: "Drive letter for the paths reported from a mount.")
    var drive = "C:"

    @Option(help: "text (default) or json.")
    var format = "text"

    @OptionGroup var common: CommonOptions

    func validate() throws {
        let sources = [root, icaclsSave, icaclsDisplay, getaclCsv].compactMap { $0 }
        guard sources.count == 1 else {
            throw ValidationError("give one source: a mount root, --icacls, --icacls-display or --getacl-csv")
        }
        guard ["text", "json"].contains(format) else { throw ValidationError("--format takes text or json") }
    }

    /// The one source given.
    var source: ACLSource {
        if let root { return .volume(root: root, partition: partition, sds: sds, scopes: scope, drive: drive) }
        if let icaclsSave { return .icaclsSave(path: icaclsSave, base: base) }
        if let icaclsDisplay { return .icaclsDisplay(path: icaclsDisplay) }
        return .getAclCSV(path: getaclCsv!)
    }

    func run() throws {
        let tokens = try Token.named(principals: principal, tokenSIDs: tokenSids)
        let progress = Progress(enabled: !common.quiet && !common.noProgress, label: "acl")
        progress.note("reading the descriptors")
        defer { progress.finish() }
        let (report, warnings) = try ACLAudit.run(source, tokens: tokens)
        for w in warnings where !common.quiet { printError("writer-audit: warning: \(w)") }
        let source = self.source.shown
        progress.finish()
        var out = Output.standardOutput
        if format == "json" {
            try JSONRendering.write(report, into: &out)
        } else if !common.quiet {
            if report.findings.isEmpty {
                let some = report.errors.isEmpty ? "Every entry" : "Every entry whose descriptor was read"
                out.line("\(some) can be read by \(report.principals.joined(separator: ", ")).")
            } else {
                out.line("Entries the System Writer's account cannot read (\(report.findings.count)):")
                for f in report.findings {
                    out.line("  [\(f.impact.rawValue)] \(f.path)")
                    out.line("    \(f.reason)")
                    out.line("    \(f.why)")
                }
            }
            if !report.errors.isEmpty {
                out.line()
                out.line("Entries whose descriptor could not be read (\(report.errors.count)):")
                for e in report.errors.prefix(50) { out.line("  \(e.path): \(e.error)") }
                if report.errors.count > 50 { out.line("  … \(report.errors.count - 50) more in --format json") }
            }
            out.line()
            out.line(
                "\(source): \(report.entries) entries, \(report.findings.count) findings, \(report.errors.count) unreadable descriptors"
            )
        }
        out.flush()
        throw ExitCode(report.exitCode)
    }
}
