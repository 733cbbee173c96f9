import ArgumentParser
import VolumeAudit
import WindowsSecurity

/// Decodes a descriptor (SDDL or hex) and says what NETWORK SERVICE (the System Writer) and SYSTEM may do.
struct SDDLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sddl",
        abstract: "Decode a security descriptor (SDDL or --hex) and show the System Writer's access to it.")

    @Argument(help: "An SDDL string, e.g. 'O:BAG:SYD:(A;;FA;;;SY)'.")
    var sddl: String?

    @Option(help: "The descriptor as hex bytes (self-relative, as in system.ntfs_acl).")
    var hex: String?

    @Option(help: "The domain SID that DA, DU, LA ... stand for.")
    var domainSid: String?

    @Option(help: "text (default) or json.")
    var format: String = "text"

    @Option(help: "What the descriptor protects: file (default; rights FILE_*) or service (rights SERVICE_*).")
    var object: String = "file"

    func validate() throws {
        guard (sddl == nil) != (hex == nil) else { throw ValidationError("give an SDDL string or --hex, not both") }
        guard ["text", "json"].contains(format) else { throw ValidationError("--format takes text or json") }
        guard ProtectedObject(rawValue: object) != nil else { throw ValidationError("--object takes file or service") }
    }

    func run() throws {
        var aliases = SIDAliases()
        if let domainSid {
            guard let (sid, used) = SID.parse(Substring(domainSid)), used == domainSid.utf8.count else {
                throw InputError(message: "--domain-sid: not a SID: \(domainSid)")
            }
            aliases.domain = sid
        }
        let sd: SecurityDescriptor
        do {
            sd = try hex.map { try SecurityDescriptor.decode(hex: $0) } ?? SDDL.parse(sddl!, aliases: aliases)
        } catch let e as SecurityError {
            throw InputError(message: "\(hex == nil ? "SDDL" : "hex"): \(e.message)")
        }
        let report = DescriptorReport(sd, aliases: aliases, object: ProtectedObject(rawValue: object)!)
        var out = Output.standardOutput
        if format == "json" {
            try JSONRendering.write(report, into: &out)
        } else {
            out.line(report.sddl)
            out.line(
                "hex: \(report.hex.isEmpty ? "(not encoded: conditional or resource-attribute ACEs are kept as text)" : report.hex)"
            )
            out.line("owner: \(report.owner ?? "-")  group: \(report.group ?? "-")")
            for (i, ace) in report.aces.enumerated() {
                out.line(
                    "  #\(i + 1) \(pad(ace.type, 3)) \(pad(ace.flags, 10)) \(pad(ace.mask, 10)) \(ace.sid)  \(ace.sddl)"
                )
            }
            for a in report.access {
                if let rights = a.grantedRights {
                    let state =
                        a.canQueryConfig == true
                        ? "can query its configuration"
                            + (a.missing.isEmpty ? "" : "; lacks \(a.missing.joined(separator: ", "))")
                        : "MISSING \(a.missing.joined(separator: ", "))"
                            + (WriterServices.queryDenialNote(for: a.sid).map { ": " + $0 } ?? "")
                    out.line(
                        "\(a.principal) (\(a.sid)): granted \(a.granted) \(rights.isEmpty ? "nothing" : rights.joined(separator: ", ")); \(state)"
                    )
                    continue
                }
                let state =
                    a.canReadFile && a.canListFolder
                    ? "can read files and list folders" : "MISSING \(a.missing.joined(separator: ", "))"
                out.line("\(a.principal) (\(a.sid)): granted \(a.granted); \(state)")
            }
        }
        out.flush()
    }
}
