import ArgumentParser
import TraceAudit
import WriterScope

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Explain a VSS writer's IDENTIFY failure from a Procmon log (CSV export or native PML).",
        discussion: """
            Finds each VSS writer's IDENTIFY (Enter)/(Leave) markers (RegSetValue under \
            ...\\Services\\VSS\\Diag\\<writer>), follows the writer's process between them and gives a verdict: \
            folder-limit, permissions, incomplete or clean, with the evidence rows.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    @Argument(
        help: "A Procmon log: a CSV export (UTF-8 or UTF-16, any column order) or a native PML (versions 7 and 9).")
    var log: String

    @Option(help: "The writer to judge, as it names its VSS\\Diag key.")
    var writer = "System Writer"

    @Option(help: "Only judge IDENTIFY windows of this process ID.")
    var pid: Int?

    @Option(help: "How many events before Leave to show.")
    var context = 25

    @Option(help: "Folder limit on subfolders.")
    var maxSubfolders = FolderLimits().maxSubfolders

    @Option(help: "Folder limit on files.")
    var maxFiles = FolderLimits().maxFiles

    @Option(help: "text (default), json (stable schema, see README) or csv (the events of the judged window).")
    var format: Format = .text

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard context >= 0 else { throw ValidationError("--context must be 0 or more") }
        guard maxSubfolders >= 0, maxFiles >= 0 else { throw ValidationError("limits must be 0 or more") }
    }

    func run() throws {
        var options = TraceAnalyzer.Options()
        options.writer = writer
        options.pid = pid
        options.context = context
        options.limits = FolderLimits(maxSubfolders: maxSubfolders, maxFiles: maxFiles)
        let progress = ProgressBar(label: "trace", enabled: !common.noProgress && !common.quiet)
        let report: TraceReport
        do {
            report = try Trace.analyze(path: log, options: options, progress: progress.callback)
            progress.finish()
        } catch {
            progress.finish()
            throw error
        }
        var out = Output.standardOutput
        switch format {
        case .text:
            if !common.quiet { TraceTextRenderer(report: report).render(into: &out) }
        case .json:
            try JSONRendering.write(report, into: &out)
        case .csv:
            guard let window = report.judgedWindow else {
                printError("writer-audit: \(log): no IDENTIFY window of \(report.writer) to write")
                throw ExitCode(ExitStatus.undecided.rawValue)
            }
            var csv = ProcmonCSVWriter(out: out)
            csv.header()
            try Trace.events(path: log, in: window) { csv.row($0) }
            out = csv.out
        }
        out.flush()
        throw ExitCode(report.exitCode)
    }
}
