import WindowsSecurity
import ArgumentParser
import BinaryFormat
import ProcmonTrace
import VolumeAudit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct WriterAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "writer-audit",
        abstract: "Find out why the VSS System Writer fails: Procmon traces, folder limits, ACLs.",
        discussion: """
            Exit codes: 0 nothing found, 1 a problem found (or the writer's IDENTIFY missing), \
            2 bad usage or input, 3 internal error.
            """,
        subcommands: [
            TraceCommand.self, EventsCommand.self, VolumeCommand.self, ACLCommand.self, RemediateCommand.self,
            CaseCommand.self, ServicesCommand.self, RegistryCommand.self, EventLogCommand.self,
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
            // Every error a user can cause, from every module: one line naming the file and position.
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
                printError(message)
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
