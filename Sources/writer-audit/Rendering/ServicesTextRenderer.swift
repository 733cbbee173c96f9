import ServiceAudit
import WriterScope

/// The `services` report for a person: what was read, the writer's dependencies, then each finding with
/// what is wrong and the command that fixes it.
enum ServicesTextRenderer {
    static func render(_ r: ServiceReport, recovery: LogRecovery, into out: inout Output) {
        out.line("services: \(r.source) (\(r.controlSet)): \(r.services.count) services and drivers")
        switch recovery {
        case .clean: break
        case .applied(let logs, let entries, let pages, _):
            out.line(
                "hive: dirty; \(entries) log entries (\(pages) pages) applied from \(logs.joined(separator: ", "))")
        case .notRecovered(let reason):
            out.line("hive: DIRTY and not recovered (\(reason)): recent changes may be missing")
        }
        out.line("System Writer's services:")
        for name in WriterServices.dependencies.map(\.name) {
            guard let s = r.services.first(where: { $0.name.uppercased() == name.uppercased() }) else {
                out.line("  \(pad(name, 12)) MISSING")
                continue
            }
            let state = r.findings.contains { $0.service == s.name } ? "see findings" : "ok"
            out.line("  \(pad(s.name, 12)) \(pad(s.start ?? "-", 13)) \(pad(s.account ?? "-", 30)) \(state)")
        }
        let d = r.vssDiagnostics
        if d.enabled {
            let writer =
                d.systemWriterMarkers.isEmpty
                ? "the System Writer left no phase markers"
                : "System Writer markers: \(d.systemWriterMarkers.joined(separator: ", "))"
            out.line("VSS diagnostic logging: on (components: \(d.components.joined(separator: ", "))); \(writer)")
        } else {
            out.line(
                "VSS diagnostic logging: off (no Services\\VSS\\Diag key): a Procmon capture will not show IDENTIFY markers"
            )
        }
        if !r.imagePathsChecked {
            out.line("binaries: not checked (give the image or mounted volume to check each ImagePath)")
        }
        for w in r.warnings { out.line("warning: \(w)") }
        guard !r.findings.isEmpty else {
            out.line("No findings: the services give the System Writer what it needs.")
            return
        }
        let causes = r.findings.filter { $0.impact.isCause }
        let noise = r.findings.filter { !$0.impact.isCause }
        out.line(
            causes.isEmpty
                ? "Nothing here stops the System Writer."
                : "CAUSES (\(causes.count)): what stops the System Writer or the backup")
        render(causes, into: &out)
        if !noise.isEmpty {
            out.line("KNOWN NOISE AND CONTEXT (\(noise.count)): safe to ignore; the fix is optional")
            render(noise, into: &out)
        }
    }

    private static func render(_ findings: [ServiceFinding], into out: inout Output) {
        for f in findings {
            let name = f.displayName.map { "\(f.service) (\($0))" } ?? f.service
            out.line("  [\(f.impact.rawValue)] [\(f.kind.rawValue)] \(name)")
            out.line("    \(f.detail) [\(f.basis)]")
            if !f.missing.isEmpty { out.line("    missing: \(f.missing.joined(separator: ", "))") }
            if let sddl = f.sddl, f.kind == .serviceAccess { out.line("    now:  \(sddl)") }
            out.line("    fix:  \(f.fix)")
        }
    }

    private static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }
}
