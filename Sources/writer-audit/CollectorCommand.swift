import ArgumentParser
import CaseReport
import Foundation

/// Writes the collector: the PowerShell script the customer runs on the failing server.
struct CollectorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collector",
        abstract: "Write the PowerShell script that collects an upload on the failing server (for case).",
        discussion: """
            The script (Windows PowerShell 5.1, in-box tools only, run as administrator) exports the event \
            logs, saves the SYSTEM and SOFTWARE hives, runs vssadmin list writers, sc.exe qc/sdshow of the \
            writer's services and icacls /save of its folders, lists %windir%\\Microsoft.NET, and records a \
            Procmon capture of the writer starting when Procmon is beside it. It makes one .zip with a \
            manifest and sends nothing anywhere. Give that .zip to writer-audit case.
            """)

    @Option(name: .shortAndLong, help: "Write the script here (default: standard output).")
    var output: String?

    func run() throws {
        let script = CollectorScript.render()
        guard let output else {
            var out = Output.standardOutput
            out.write(script)
            out.flush()
            return
        }
        do {
            // A byte-order mark: Windows PowerShell 5.1 reads a script without one as the ANSI code page.
            try Data(("\u{FEFF}" + script).utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw InputError(message: "\(output): cannot be written (\(error.localizedDescription))")
        }
        printError(
            "writer-audit: wrote \(output): run it as administrator on the server, then give its .zip to writer-audit case"
        )
    }
}
