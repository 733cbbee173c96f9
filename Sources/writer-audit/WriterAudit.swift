import ArgumentParser
import BinaryFormat
import CaseReport
import TraceAudit
import VolumeAudit
import WindowsSecurity

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct WriterAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "writer-audit",
        abstract:
            "Find out why the VSS System Writer fails: Procmon traces, event logs, the SYSTEM hive, folder limits, ACLs.",
        discussion: """
            Start with `writer-audit collector` (the script that gathers an upload on the server) and \
            `writer-audit case UPLOAD` (everything judged at once).

            Exit codes, the same for every command: 0 nothing found that stops the writer, 1 a cause found, \
            2 bad usage or unusable input, 3 internal error, 4 the evidence cannot decide (the writer's \
            IDENTIFY not in the capture or not ended, nothing that bears on the writer).
            """,
        version: ToolVersion.string,
        subcommands: [
            CaseCommand.self, CollectorCommand.self, TraceCommand.self, EventsCommand.self, EventLogCommand.self,
            ServicesCommand.self, RegistryCommand.self, VolumeCommand.self, ACLCommand.self, RemediateCommand.self,
            SDDLCommand.self,
            SIDCommand.self,
            SDDLConformanceCommand.self,
        ]
    )

    /// Runs the command and maps every way out to the documented exit codes.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as any UserError {
            // Every error a user can cause, from every module: one line naming the file and position. A
            // packed file (SYSTEM.xz, a .7z) is named for what it is, not for the signature it lacks.
            // (A zip's own errors, from the case that reads zips, are left as they are.)
            if let file = (error as? any FileInputError)?.file, let packed = PackedFile.of(path: file),
                !(packed == .zip && error is CaseError)
            {
                printError("writer-audit: " + QuotedText.oneLine(packed.refusal(file)))
                Glibc.exit(2)
            }
            printError("writer-audit: " + QuotedText.oneLine(error.message))
            Glibc.exit(2)
        } catch let error as ExitCode {
            Glibc.exit(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                var out = Output.standardOutput
                out.line(message)
                out.flush()
                Glibc.exit(0)
            }
            if code == .validationFailure {
                // The parser's own lines (the error, the usage): printed as they are, on real lines.
                var err = Output(fd: STDERR_FILENO)
                err.line(message)
                err.flush()
                Glibc.exit(2)
            }
            printError("writer-audit: internal error: \(message.isEmpty ? String(describing: error) : message)")
            Glibc.exit(3)
        }
    }
}

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    @Flag(name: .long, help: "Never draw a progress bar (it is drawn only when stderr is a terminal).")
    var noProgress = false

    @Flag(name: .long, help: "No colours (output has none; accepted for scripts that pass it).")
    var noColor = false
}

/// Bad input given on the command line itself (an SDDL string, a hex descriptor): one line, exit 2.
struct InputError: UserError {
    let message: String
}
