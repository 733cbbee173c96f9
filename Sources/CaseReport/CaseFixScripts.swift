import BinaryFormat
import Foundation
import ServiceAudit
import VolumeAudit

/// The fix scripts of a case, written together: the Temporary ASP.NET Files cleanup (a mounted volume),
/// the services' `sc.exe` changes, and the ACL grants for the files the writer cannot read. Each is a dry
/// run unless told to apply.
public enum CaseFixScripts {
    /// Writes the scripts the case calls for into `directory` (created if missing); returns their names.
    /// `directory` may not be on a mounted volume the case audits.
    public static func write(_ report: CaseReport, to directory: String) throws -> [String] {
        let mounted = report.inputs.first { $0.kind == .mountedVolume && $0.ignored == nil }?.file
        if let mounted { try RemediationOutput.checkLocation(out: directory, root: mounted) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw VolumeError(.badOutput, "\(directory): cannot be created (\(RemediationOutput.reason(error)))")
        }
        var written: [String] = []
        if let plan = report.parts.cleanup, !plan.deletions.isEmpty {
            try RemediationOutput.write(
                plan, to: directory, root: plan.root, generated: ISO8601DateFormatter().string(from: Date()))
            written += RemediationOutput.files(for: plan)
        }
        if let services = report.parts.services, !ServiceFixScripts.changes(services).isEmpty {
            written += try ServiceFixScripts.write(services, to: directory, auditedRoot: mounted).map {
                ($0 as NSString).lastPathComponent
            }
        }
        if let acl = report.parts.acl, !acl.causes.isEmpty {
            let path = (directory as NSString).appendingPathComponent("fix-acl.ps1")
            do {
                try Data(("\u{FEFF}" + aclScript(acl.causes)).utf8).write(
                    to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw VolumeError(.badOutput, "\(path): cannot be written (\(RemediationOutput.reason(error)))")
            }
            written.append("fix-acl.ps1")
        }
        return written
    }

    /// PowerShell: grants NETWORK SERVICE read and execute on each path (`icacls PATH /grant
    /// *S-1-5-20:(RX)`); where an explicit deny ACE blocks the writer, its removal (`icacls PATH /remove:d
    /// TRUSTEE`) is a step of its own, done only with -RemoveDeny (a grant alone fixes nothing there). A dry
    /// run unless -Apply; a path that no longer exists is reported and skipped; each path once.
    static func aclScript(_ findings: [ACLFinding]) -> String {
        var seen = Set<String>()
        let unique = findings.filter { seen.insert($0.path.uppercased()).inserted }
        var s = """
            # fix-acl.ps1, written by writer-audit case: gives NETWORK SERVICE (the System Writer's account) read
            # and execute on the files and folders it could not read. Run elevated on the server.
            #   .\\fix-acl.ps1                      dry run: prints what it would do
            #   .\\fix-acl.ps1 -Apply               grants (RX) where no deny ACE is in the way
            #   .\\fix-acl.ps1 -Apply -RemoveDeny   also removes the explicit deny ACEs that block the writer
            #                                      (a grant does not override a deny), then grants
            param([switch]$Apply, [switch]$RemoveDeny)
            $failed = 0
            $entries = @(

            """
        s += unique.map { f -> String in
            let deny = f.ace.flatMap(ACLFix.denyTrustee)
            let trustee = deny.map { $0.inherited ? "" : $0.trustee } ?? ""
            let note =
                deny.map {
                    $0.inherited
                        ? "inherited deny \(f.ace ?? ""): remove it on the parent folder" : "deny \(f.ace ?? "")"
                } ?? ""
            return
                "    @(\(RemediationScripts.psQuote(f.path)), \(RemediationScripts.psQuote(trustee)), \(RemediationScripts.psQuote(note)))"
        }.joined(separator: ",\n")
        s += """

            )
            foreach ($e in $entries) {
                $p = $e[0]; $deny = $e[1]; $note = $e[2]
                if (-not (Test-Path -LiteralPath $p)) { Write-Output "missing, skipped: $p"; continue }
                if ($deny) {
                    if (-not ($Apply -and $RemoveDeny)) { Write-Output "would remove the deny ACEs of $deny ($note): $p" }
                    else {
                        & icacls.exe $p /remove:d $deny | Out-Null
                        if ($LASTEXITCODE -ne 0) { Write-Output "failed to remove the deny of ${deny}: $p"; $failed++; continue }
                        Write-Output "removed the deny ACEs of ${deny}: $p"
                    }
                } elseif ($note) {
                    Write-Output "not fixable here ($note): $p"
                }
                if ($Apply -and (-not $deny -or $RemoveDeny)) {
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
