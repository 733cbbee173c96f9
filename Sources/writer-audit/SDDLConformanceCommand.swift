import ArgumentParser
import VolumeAudit
import WindowsSecurity

/// Runs the Windows-made SDDL vectors (used by scripts/conformance-sddl).
struct SDDLConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sddl-conformance",
        abstract: "Run SDDL test vectors made on Windows (a folder of .txt and .json files).",
        shouldDisplay: false)

    @Argument(help: "Folder with the vectors (.json decompressed).")
    var directory: String

    @Flag(help: "Print every failing case.")
    var verbose = false

    func run() throws {
        let results = try SDDLConformance.run(directory: directory)
        var out = Output.standardOutput
        var failed = 0
        for r in results {
            let total = r.passed + r.failed
            out.line("\(pad(r.file, 36)) \(r.passed)/\(total) passed")
            if verbose { for f in r.failures { out.line("  " + f) } }
            failed += r.failed
        }
        let passed = results.reduce(0) { $0 + $1.passed }
        out.line("\(passed) passed, \(failed) failed")
        out.flush()
        if failed > 0 { throw ExitCode(1) }
    }
}
