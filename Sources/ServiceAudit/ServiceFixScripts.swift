import BinaryFormat
import Foundation
import NTFS

/// `fix-services.ps1` and `fix-services.cmd`: the findings' fixes as scripts for the server. A dry run
/// unless `-Apply` (`/apply`); each change first checks that the service is still as the audit saw it (the
/// descriptor `sc.exe sdshow` prints, the START_TYPE `sc.exe qc` prints) and refuses otherwise; every
/// line of what happened goes to `fix-services.log` beside the script.
public enum ServiceFixScripts {
    /// A change the scripts make, with what must hold before it.
    public enum Change: Sendable, Equatable {
        case descriptor(service: String, audited: String, fixed: String)
        case startType(service: String, audited: StartType?, wanted: StartType)
    }

    /// The changes for `report`'s findings that a script can make safely (in finding order).
    public static func changes(_ report: ServiceReport) -> [Change] {
        report.findings.compactMap { f in
            switch f.kind {
            case .serviceAccess:
                guard let sddl = f.sddl, let fixed = f.fixedSddl,
                    report.services.first(where: { $0.name == f.service })?.defaultDescriptor == false
                else { return nil }
                return .descriptor(service: f.service, audited: sddl, fixed: fixed)
            case .serviceDisabled:
                guard let want = f.wantStart else { return nil }
                return .startType(service: f.service, audited: f.sawStart, wanted: want)
            default:
                return nil
            }
        }
    }

    /// Service names and SDDL hold only these characters, so they can be quoted in both languages.
    static func safe(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && !"\"'`$%!^&|<>".unicodeScalars.contains($0) }
    }

    public static func powershell(_ report: ServiceReport) -> String {
        var s = """
            # fix-services.ps1, written by writer-audit services from \(report.source) (\(report.controlSet)).
            # Dry run: prints what it would change. Run as administrator with -Apply to change it.
            # Each change first checks that the service is still as the audit saw it, and refuses otherwise.
            # Everything is logged to fix-services.log beside this script.
            param([switch]$Apply)
            $ErrorActionPreference = 'Stop'
            $log = Join-Path $PSScriptRoot 'fix-services.log'
            $script:failed = 0
            function Log([string]$m) { $l = "$(Get-Date -Format o) $m"; Write-Host $l; Add-Content -LiteralPath $log -Value $l }
            function Set-Descriptor([string]$name, [string]$audited, [string]$fixed) {
                $current = ((& sc.exe sdshow $name) | Where-Object { $_ -match '\\S' }) -join ''
                if ($current -ne $audited) { Log "REFUSED ${name}: its descriptor is $current, not $audited as audited"; $script:failed++; return }
                if (-not $Apply) { Log "DRY RUN ${name}: sc.exe sdset $name $fixed"; return }
                & sc.exe sdset $name $fixed | Out-Null
                if ($LASTEXITCODE -ne 0) { Log "FAILED ${name}: sc.exe sdset exited $LASTEXITCODE"; $script:failed++ }
                else { Log "CHANGED ${name}: descriptor $audited -> $fixed" }
            }
            function Set-StartType([string]$name, [int]$audited, [int]$wanted, [string]$word) {
                $line = (& sc.exe qc $name) | Where-Object { $_ -match 'START_TYPE' } | Select-Object -First 1
                if ($line -notmatch ':\\s*(\\d+)') { Log "REFUSED ${name}: sc.exe qc shows no START_TYPE"; $script:failed++; return }
                if ([int]$Matches[1] -ne $audited) { Log "REFUSED ${name}: START_TYPE is $($Matches[1]), not $audited as audited"; $script:failed++; return }
                if (-not $Apply) { Log "DRY RUN ${name}: sc.exe config $name start= $word"; return }
                & sc.exe config $name start= $word | Out-Null
                if ($LASTEXITCODE -ne 0) { Log "FAILED ${name}: sc.exe config exited $LASTEXITCODE"; $script:failed++ }
                else { Log "CHANGED ${name}: START_TYPE $audited -> $wanted" }
            }
            Log "fix-services.ps1 $(if ($Apply) { 'APPLY' } else { 'dry run' })"

            """
        for change in changes(report) {
            switch change {
            case .descriptor(let name, let audited, let fixed):
                guard safe(name), safe(audited), safe(fixed) else {
                    s +=
                        "Log 'SKIPPED a service whose name or descriptor holds characters this script does not quote'\n"
                    continue
                }
                s += "Set-Descriptor '\(name)' '\(audited)' '\(fixed)'\n"
            case .startType(let name, let audited, let wanted):
                guard safe(name), let audited else { continue }
                s += "Set-StartType '\(name)' \(audited.rawValue) \(wanted.rawValue) '\(wanted.scConfigWord)'\n"
            }
        }
        s += "if ($script:failed -gt 0) { Log \"$($script:failed) change(s) refused or failed\"; exit 1 }\nLog 'done'\n"
        return s
    }

    public static func cmd(_ report: ServiceReport) -> String {
        var s = """
            @echo off
            rem fix-services.cmd, written by writer-audit services from \(report.source) (\(report.controlSet)).
            rem Dry run: prints what it would change. Run as administrator with /apply to change it.
            rem Each change first checks that the service is still as the audit saw it, and refuses otherwise.
            rem Everything is logged to fix-services.log beside this script.
            setlocal EnableExtensions EnableDelayedExpansion
            set "APPLY=0"
            if /i "%~1"=="/apply" set "APPLY=1"
            set "LOG=%~dp0fix-services.log"
            set "FAILED=0"
            call :log "fix-services.cmd APPLY=!APPLY!"

            """
        for change in changes(report) {
            switch change {
            case .descriptor(let name, let audited, let fixed):
                guard safe(name), safe(audited), safe(fixed) else { continue }
                s += "call :sdset \"\(name)\" \"\(audited)\" \"\(fixed)\"\r\n"
            case .startType(let name, let audited, let wanted):
                guard safe(name), let audited else { continue }
                s += "call :start \"\(name)\" \(audited.rawValue) \(wanted.rawValue) \(wanted.scConfigWord)\r\n"
            }
        }
        s += """
            if !FAILED! gtr 0 (call :log "!FAILED! change(s) refused or failed" & exit /b 1)
            call :log "done"
            exit /b 0

            :sdset
            set "NAME=%~1"
            set "AUDITED=%~2"
            set "FIXED=%~3"
            set "CUR="
            for /f "delims=" %%L in ('sc.exe sdshow "%~1" ^| findstr /r "^[DOGS]:"') do set "CUR=%%L"
            if not "!CUR!"=="!AUDITED!" (call :log "REFUSED !NAME!: its descriptor is !CUR!, not !AUDITED! as audited" & set /a FAILED+=1 & exit /b 0)
            if "!APPLY!"=="0" (call :log "DRY RUN !NAME!: sc.exe sdset !NAME! !FIXED!" & exit /b 0)
            sc.exe sdset "!NAME!" "!FIXED!" >nul
            if errorlevel 1 (call :log "FAILED !NAME!: sc.exe sdset exited !errorlevel!" & set /a FAILED+=1 & exit /b 0)
            call :log "CHANGED !NAME!: descriptor !AUDITED! -> !FIXED!"
            exit /b 0

            :start
            set "NAME=%~1"
            set "CUR="
            for /f "tokens=3" %%T in ('sc.exe qc "%~1" ^| findstr "START_TYPE"') do set "CUR=%%T"
            if not "!CUR!"=="%~2" (call :log "REFUSED !NAME!: START_TYPE is !CUR!, not %~2 as audited" & set /a FAILED+=1 & exit /b 0)
            if "!APPLY!"=="0" (call :log "DRY RUN !NAME!: sc.exe config !NAME! start= %~4" & exit /b 0)
            sc.exe config "!NAME!" start= %~4 >nul
            if errorlevel 1 (call :log "FAILED !NAME!: sc.exe config exited !errorlevel!" & set /a FAILED+=1 & exit /b 0)
            call :log "CHANGED !NAME!: START_TYPE %~2 -> %~3"
            exit /b 0

            :log
            echo %date% %time% %~1
            >>"!LOG!" echo %date% %time% %~1
            exit /b 0

            """
        return s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }

    /// Writes both scripts into `directory` (created if needed), never onto the audited mount `root`;
    /// returns their paths.
    public static func write(_ report: ServiceReport, to directory: String, auditedRoot root: String?)
        throws(OutputLocationError)
        -> [String]
    {
        if let root { try OutputLocation.check(out: directory, auditedRoot: root) }
        let ps1 = directory + "/fix-services.ps1"
        let cmd = directory + "/fix-services.cmd"
        var current = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            current = ps1
            try Data(("\u{FEFF}" + powershell(report)).utf8).write(to: URL(fileURLWithPath: ps1), options: .atomic)
            current = cmd
            try Data(self.cmd(report).utf8).write(to: URL(fileURLWithPath: cmd), options: .atomic)
        } catch {
            throw OutputLocationError(
                message: "\(current): cannot write the fix scripts: \(OutputLocation.reason(error))")
        }
        return [ps1, cmd]
    }
}
