import Foundation
import ServiceAudit
import VolumeAudit

/// The fix scripts of a case, written together: the Temporary ASP.NET Files cleanup (a mounted volume),
/// the services' `sc.exe` changes, and the ACL grants for the files the writer cannot read. Each is a dry
/// run unless told to apply.
public enum CaseFixScripts {
    /// Writes the scripts the case calls for into `directory` (created if missing); returns their names.
    /// `directory` may not be on a mounted volume the case audits.
    public static func write(_ report: CaseReport, to directory: String) throws(VolumeError) -> [String] {
        let mounted = report.inputs.first { $0.kind == .mountedVolume && $0.ignored == nil }?.file
        if let mounted { try RemediationOutput.checkLocation(out: directory, root: mounted) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw VolumeError(.badOutput, "\(directory): cannot be created (\(RemediationOutput.reason(error)))")
        }
        var written: [String] = []
        if let plan = report.parts.cleanup, !plan.deletions.isEmpty {
            try RemediationOutput.write(plan, to: directory, root: plan.root, generated: ISO8601DateFormatter().string(from: Date()))
            written += RemediationOutput.files
        }
        if let services = report.parts.services, !services.findings.isEmpty {
            written += try ServiceFixScripts.write(services, to: directory, auditedRoot: mounted)
        }
        if let acl = report.parts.acl, !acl.findings.isEmpty {
            let path = (directory as NSString).appendingPathComponent("fix-acl.ps1")
            do {
                try aclScript(acl.findings.map(\.path)).write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw VolumeError(.badOutput, "\(path): cannot be written (\(RemediationOutput.reason(error)))")
            }
            written.append("fix-acl.ps1")
        }
        return written
    }

    /// PowerShell: grants NETWORK SERVICE read and execute on each path (`icacls PATH /grant
    /// *S-1-5-20:(RX)`), a dry run unless -Apply; a path that no longer exists is reported and skipped.
    static func aclScript(_ paths: [String]) -> String {
        var s = """
            # Written by writer-audit case: grants NETWORK SERVICE (the System Writer's account) read and execute
            # on the files it could not read. Dry run unless -Apply. Run elevated on the server.
            param([switch]$Apply)
            $failed = 0
            $paths = @(

            """
        s += paths.map { "    " + RemediationScripts.psQuote($0) }.joined(separator: ",\n")
        s += """

            )
            foreach ($p in $paths) {
                if (-not (Test-Path -LiteralPath $p)) { Write-Output "missing, skipped: $p"; continue }
                if ($Apply) {
                    & icacls.exe $p /grant '*S-1-5-20:(RX)' | Out-Null
                    if ($LASTEXITCODE -ne 0) { Write-Output "failed: $p"; $failed++ } else { Write-Output "granted: $p" }
                } else {
                    Write-Output "would grant NETWORK SERVICE (RX): $p"
                }
            }
            if ($failed -gt 0) { exit 1 }

            """
        return s
    }
}
