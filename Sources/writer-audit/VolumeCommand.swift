import ArgumentParser
import BinaryFormat
import VolumeAudit
import WriterScope

struct VolumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volume",
        abstract: "Find the folders that break the System Writer on a Windows volume: mounted, or an NTFS image.",
        discussion: """
            Given a folder, walks the mounted volume (read-only; symlinks and junctions are never followed, \
            other filesystems are not entered). Given a file or block device, reads the NTFS image through its \
            MFT, without mounting (a partition image, a disk image with MBR or GPT, or a fixed VHD). Reports \
            every folder with more subfolders or files than the System Writer takes, or a Windows path longer \
            than MAX_PATH - 1 (259) characters.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    @Argument(
        help: "The mounted volume's root folder (e.g. /mnt/c), or an NTFS image file or device (e.g. server-C.img).")
    var root: String

    @Option(help: "For a disk image with several NTFS partitions: the partition's number in the table.")
    var partition: Int?

    @Option(help: "The drive letter the volume has on Windows, for the paths reported.")
    var drive = "C:"

    @Option(help: "Folder limit on subfolders.")
    var maxSubfolders = FolderLimits().maxSubfolders

    @Option(help: "Folder limit on files.")
    var maxFiles = FolderLimits().maxFiles

    @Option(
        parsing: .singleValue,
        help:
            "Walk only this subtree (Windows path such as C:\\Windows\\Microsoft.NET, or relative to the root). Repeatable."
    )
    var scope: [String] = []

    @Option(help: "Walker threads (default: the cores online, at most 4; 1 walks in one thread).")
    var threads: Int?

    @Option(help: "text (default), json (stable schema, see README) or csv (the findings).")
    var format: Format = .text

    @Flag(
        help: ArgumentHelp(
            "Every folder's own subfolders, files and others, by path: after the summary (text), as folderCounts (json) or as the CSV rows.",
            discussion: "To hold the reading against another tool's listing (fls, a mount), folder by folder."))
    var folders = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard maxSubfolders >= 0, maxFiles >= 0 else { throw ValidationError("limits must be 0 or more") }
        if let threads, !(1...64).contains(threads) { throw ValidationError("--threads takes 1 to 64") }
        let letter = drive.first
        guard drive.count == 2, drive.last == ":", letter?.isLetter == true, letter?.isASCII == true else {
            throw ValidationError("--drive takes a drive letter with a colon, e.g. C:")
        }
    }

    func run() throws {
        var options = Volume.Options()
        options.drive = drive.uppercased()
        options.limits = FolderLimits(maxSubfolders: maxSubfolders, maxFiles: maxFiles)
        options.scopes = scope
        if let threads { options.threads = threads }
        options.listFolders = folders
        let meter = WalkProgress(enabled: !common.noProgress && !common.quiet)
        let report: VolumeReport
        do {
            if Volume.isImage(root) {
                report = try Volume.audit(image: root, partition: partition, options: options, progress: meter.callback)
            } else {
                if let partition {
                    throw ValidationError("--partition \(partition) applies to an image file, and \(root) is a folder")
                }
                report = try Volume.audit(root: root, options: options, progress: meter.callback)
            }
            meter.finish()
        } catch {
            meter.finish()
            throw error
        }
        var out = Output.standardOutput
        switch format {
        case .text:
            if !common.quiet { VolumeTextRenderer(report: report).render(into: &out) }
        case .json:
            try JSONRendering.write(report, into: &out)
        case .csv:
            VolumeCSVRenderer(report: report).render(into: &out)
        }
        out.flush()
        // What the reader stepped around (damage, a table that claims more than the image holds): on stderr
        // in every format, so a pipe of JSON or CSV stays clean and the user still sees it.
        if !common.quiet {
            for w in report.warnings { printError("writer-audit: warning: \(QuotedText.oneLine(w))") }
        }
        throw ExitCode(report.exitCode)
    }
}
