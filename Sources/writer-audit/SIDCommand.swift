import ArgumentParser
import VolumeAudit
import WindowsSecurity

/// Prints a service's SID (`NT SERVICE\<name>`), computed as Windows computes it.
struct SIDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sid", abstract: "Compute the SID of a Windows service (NT SERVICE\\<name>).")

    @Option(help: "The service name, e.g. CryptSvc.")
    var service: String

    func run() throws {
        var out = Output.standardOutput
        out.line(SID.service(service).description)
        out.flush()
    }
}
