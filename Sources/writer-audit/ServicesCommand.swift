import ArgumentParser
import BinaryFormat
import ServiceAudit
import VolumeAudit

/// Judges the services and drivers of a SYSTEM hive for the System Writer (NETWORK SERVICE in CryptSvc).
struct ServicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services",
        abstract: "Find the service settings in a SYSTEM hive that break the System Writer.",
        discussion: """
            Reads the current control set (Select\\Current) of a SYSTEM hive file (its .LOG1/.LOG2 applied in \
            memory when it is dirty), or of Windows\\System32\\config\\SYSTEM on an NTFS image or a mounted \
            volume, whose service binaries are then checked too. Findings: service-access (a descriptor that \
            grants the writer's token nothing: CAPI2 event 513), service-disabled, service-missing, \
            service-account, image-path. Exit 1 when there are findings.
            """)

    @Argument(help: "A SYSTEM hive file, an NTFS image (raw, VHD, VHDX) or a mounted system volume.")
    var source: String

    @Option(help: "text (default) or json.")
    var format: String = "text"

    @Option(help: "Write fix-services.ps1 and fix-services.cmd (dry run unless -Apply / /apply) into this folder.")
    var out: String?

    @Option(help: "The partition of a disk image to read (1-based), when it holds several NTFS partitions.")
    var partition: Int?

    @Flag(help: "Do not apply the transaction logs of a dirty hive.")
    var noLogs = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format takes text or json") }
    }

    func run() throws {
        if let dir = self.out, !Volume.isImage(source) {
            try RemediationOutput.checkLocation(out: dir, root: source)  // before any output: refuse early
        }
        let progress = Progress(enabled: !common.quiet && !common.noProgress, label: "services")
        progress.note("reading the hive")
        defer { progress.finish() }
        let (hive, volume) = try SystemHiveSource.open(source, partition: partition, applyLogs: !noLogs)
        progress.note("judging the services")
        let report = ServiceAudit.audit(hive: hive, source: source, volume: volume)
        progress.finish()
        var out = Output.standardOutput
        if format == "json" {
            try JSONRendering.write(report, into: &out)
        } else {
            ServicesTextRenderer.render(report, recovery: hive.recovery, into: &out)
        }
        out.flush()
        if let dir = self.out {
            let written = try ServiceFixScripts.write(
                report, to: dir, auditedRoot: volume?.mountRoot)
            if !common.quiet { printError("writer-audit: wrote \(written.joined(separator: ", "))") }
        }
        if !common.quiet, format == "json" {
            for w in report.warnings { printError("writer-audit: \(source): warning: \(w)") }
        }
        throw ExitCode(report.exitCode)
    }
}
