import VolumeAudit
import WriterScope

/// `writer-audit collector`: one PowerShell script (Windows PowerShell 5.1, in-box cmdlets and programs
/// only, run as administrator on the failing server) that gathers everything `case` reads into one folder
/// and one .zip beside it, laid out as `UploadLayout` says, with a manifest of what was collected, what
/// failed and why. It sends nothing anywhere and changes nothing, except that the optional Procmon capture
/// restarts Cryptographic Services (the ntdebugging procedure).
public enum CollectorScript {
    public static func render(version: String = ToolVersion.string) -> String {
        let q = RemediationScripts.psQuote
        let channels = UploadLayout.channels.map(q).joined(separator: ", ")
        let words = UploadLayout.channelWords.joined(separator: "|")
        let services = UploadLayout.serviceNames.map(q).joined(separator: ", ")
        let acls = UploadLayout.aclFolders.map { folder in
            "    @(\(q(folder)), \(q(UploadLayout.aclFile(folder).replacingOccurrences(of: "/", with: "\\"))))"
        }.joined(separator: ",\n")
        return #"""
            #Requires -Version 5.1
            #Requires -RunAsAdministrator
            <#
            .SYNOPSIS
            Collects what writer-audit needs to tell why the VSS System Writer is missing or fails.

            .DESCRIPTION
            Written by writer-audit \#(version) (writer-audit collector). Run it as administrator on the server
            whose System State backup fails. It reads and copies; it changes nothing on the server, except that
            the optional Procmon capture stops and restarts Cryptographic Services (and the services that depend
            on it) so that the System Writer identifies itself while Procmon records.

            It collects: the Application and System event logs and the CAPI2, VSS and backup channels that exist
            (wevtutil epl); the SYSTEM and SOFTWARE hives (reg save); vssadmin list writers; sc.exe qc and sdshow
            of the services the writer needs; icacls /save of the folders the writer reads; a listing of
            %windir%\Microsoft.NET (path, type, size, dates); the Windows version and the computer name; and,
            when Procmon is beside this script or on PATH, a Procmon capture of the writer starting.

            Everything goes into one folder and one .zip in -OutputFolder, with manifest.json saying what was
            collected, what failed and why. Nothing is sent anywhere: send the .zip to your support engineer,
            who runs writer-audit case on it.

            .PARAMETER OutputFolder
            Where the folder and the .zip are made (default: the folder this script is in).

            .PARAMETER ProcmonPath
            Procmon.exe or Procmon64.exe, when it is not beside this script or on PATH.

            .PARAMETER NoProcmon
            Skip the Procmon capture (Cryptographic Services is then not restarted).

            .PARAMETER NoAcl
            Skip the icacls exports (they take a minute or more on a large Microsoft.NET or driver store).
            #>
            [CmdletBinding()]
            param(
                [string]$OutputFolder = $PSScriptRoot,
                [string]$ProcmonPath = '',
                [switch]$NoProcmon,
                [switch]$NoAcl
            )
            Set-StrictMode -Version 2.0
            $ErrorActionPreference = 'Continue'
            if (-not $OutputFolder) { $OutputFolder = (Get-Location).Path }
            $stamp = (Get-Date).ToUniversalTime().ToString('yyyyMMdd-HHmmss')
            $name = 'WriterAudit-' + $env:COMPUTERNAME + '-' + $stamp
            $root = Join-Path $OutputFolder $name
            $utf8 = New-Object System.Text.UTF8Encoding($false)
            foreach ($d in @('\#(UploadLayout.logs)', '\#(UploadLayout.registry)', '\#(UploadLayout.services)', '\#(UploadLayout.acl)', '\#(UploadLayout.listing)', '\#(UploadLayout.procmon)')) {
                New-Item -ItemType Directory -Path (Join-Path $root $d) -Force | Out-Null
            }
            $script:items = New-Object System.Collections.ArrayList

            function Add-Item([string]$What, [string]$File, [string]$Status, [string]$Reason, [string]$Base) {
                $item = [ordered]@{ what = $What; file = $File; status = $Status; reason = $Reason }
                if ($Base) { $item.base = $Base }
                [void]$script:items.Add($item)
                Write-Host ('{0,-8} {1} {2}' -f $Status, $What, $Reason)
            }

            # Runs a program; its output goes to $File (UTF-8) unless $Keep says the program writes $File itself.
            function Invoke-Collect([string]$What, [string]$File, [string]$Program, [string[]]$Arguments, [switch]$Keep, [string]$Base) {
                $target = Join-Path $root $File
                try {
                    $global:LASTEXITCODE = 0
                    $text = (& $Program @Arguments 2>&1 | Out-String)
                    $code = $global:LASTEXITCODE
                    if (-not $Keep) { [System.IO.File]::WriteAllText($target, $text, $utf8) }
                    if ($code -eq 0) { Add-Item $What $File 'ok' '' $Base }
                    elseif ($Keep -and (Test-Path -LiteralPath $target)) { Add-Item $What $File 'partial' ('exit code ' + $code + ': ' + $text.Trim()) $Base }
                    else { Add-Item $What $File 'failed' ('exit code ' + $code + ': ' + $text.Trim()) $Base }
                } catch {
                    Add-Item $What $File 'failed' $_.Exception.Message $Base
                }
            }

            # The Windows version and the computer name.
            $os = $null
            try { $os = Get-CimInstance -ClassName Win32_OperatingSystem -ErrorAction Stop } catch { Add-Item 'Windows version' '' 'failed' $_.Exception.Message }

            # Event logs: Application, System and the channels the writer and VSS log to.
            $channels = @(\#(channels))
            try {
                $channels += @(& wevtutil.exe el | Where-Object { $_ -match '\#(words)' })
            } catch { Add-Item 'event log channels' '' 'failed' $_.Exception.Message }
            foreach ($c in $channels) {
                $file = '\#(UploadLayout.logs)\' + ($c -replace '/', '%4') + '.evtx'
                Invoke-Collect ('event log ' + $c) $file 'wevtutil.exe' @('epl', $c, (Join-Path $root $file), '/ow:true') -Keep
            }

            # The hives.
            foreach ($h in @(\#(UploadLayout.hives.map(q).joined(separator: ", ")))) {
                $file = '\#(UploadLayout.registry)\' + $h
                Invoke-Collect ('reg save HKLM\' + $h) $file 'reg.exe' @('save', ('HKLM\' + $h), (Join-Path $root $file), '/y') -Keep
            }

            # What VSS lists now.
            Invoke-Collect 'vssadmin list writers' '\#(UploadLayout.vssadminWriters)' 'vssadmin.exe' @('list', 'writers')

            # The services the writer needs: configuration and security descriptor.
            foreach ($s in @(\#(services))) {
                Invoke-Collect ('sc.exe qc ' + $s) ('\#(UploadLayout.services)\' + $s + '-qc.txt') 'sc.exe' @('qc', $s)
                Invoke-Collect ('sc.exe sdshow ' + $s) ('\#(UploadLayout.services)\' + $s + '-sdshow.txt') 'sc.exe' @('sdshow', $s)
            }

            # The permissions of the folders the writer reads (icacls /save: names relative to the parent folder).
            $aclFolders = @(
            \#(acls)
            )
            if ($NoAcl) {
                Add-Item 'icacls exports' '\#(UploadLayout.acl)' 'skipped' '-NoAcl given'
            } else {
                foreach ($a in $aclFolders) {
                    $relative = $a[0]
                    if ($relative -like 'ProgramData\*') { $full = Join-Path $env:ProgramData $relative.Substring(12) }
                    else { $full = Join-Path $env:SystemRoot $relative.Substring(8) }
                    if (-not (Test-Path -LiteralPath $full)) { Add-Item ('icacls ' + $full) $a[1] 'skipped' 'no such folder'; continue }
                    $parent = Split-Path -Parent $full
                    Invoke-Collect ('icacls /save ' + $full) $a[1] 'icacls.exe' @($full, '/save', (Join-Path $root $a[1]), '/t', '/c', '/q') -Keep -Base $parent
                }
            }

            # %windir%\Microsoft.NET file by file, as the System Writer walks it (long paths through \\?\).
            $net = Join-Path $env:SystemRoot 'Microsoft.NET'
            $listingFile = '\#(UploadLayout.microsoftNETListing.replacingOccurrences(of: "/", with: "\\"))'
            try {
                $listErrors = @()
                Get-ChildItem -LiteralPath ('\\?\' + $net) -Recurse -Force -ErrorAction SilentlyContinue -ErrorVariable +listErrors |
                    Select-Object @{ n = 'Path'; e = { $_.FullName -replace '^\\\\\?\\', '' } },
                        @{ n = 'Type'; e = { if ($_.PSIsContainer) { 'Directory' } else { 'File' } } },
                        @{ n = 'Length'; e = { if ($_.PSIsContainer) { '' } else { $_.Length } } },
                        @{ n = 'CreationTimeUtc'; e = { $_.CreationTimeUtc.ToString('o') } },
                        @{ n = 'LastWriteTimeUtc'; e = { $_.LastWriteTimeUtc.ToString('o') } },
                        @{ n = 'Attributes'; e = { [int]$_.Attributes } } |
                    Export-Csv -LiteralPath (Join-Path $root $listingFile) -NoTypeInformation -Encoding UTF8
                if ($listErrors.Count -gt 0) {
                    $errorFile = '\#(UploadLayout.listing)\Microsoft.NET-errors.txt'
                    [System.IO.File]::WriteAllLines((Join-Path $root $errorFile), [string[]]($listErrors | ForEach-Object { $_.ToString() }), $utf8)
                    Add-Item ('listing of ' + $net) $listingFile 'partial' ([string]$listErrors.Count + ' entries could not be listed (see ' + $errorFile + ')')
                } else {
                    Add-Item ('listing of ' + $net) $listingFile 'ok' ''
                }
            } catch {
                Add-Item ('listing of ' + $net) $listingFile 'failed' $_.Exception.Message
            }

            # Optional: Procmon while the System Writer starts (ntdebugging: stop CryptSvc, capture, start it,
            # vssadmin list writers, save the PML).
            $pml = '\#(UploadLayout.procmon)\Logfile.PML'
            if ($NoProcmon) {
                Add-Item 'Procmon capture' $pml 'skipped' '-NoProcmon given'
            } else {
                $procmon = $ProcmonPath
                if (-not $procmon) {
                    foreach ($candidate in @('Procmon64.exe', 'Procmon.exe')) {
                        $beside = Join-Path $PSScriptRoot $candidate
                        if (Test-Path -LiteralPath $beside) { $procmon = $beside; break }
                        $onPath = Get-Command $candidate -ErrorAction SilentlyContinue | Select-Object -First 1
                        if ($onPath) { $procmon = $onPath.Source; break }
                    }
                }
                if (-not $procmon) {
                    Add-Item 'Procmon capture' $pml 'skipped' 'Procmon64.exe is not beside this script or on PATH (or give -ProcmonPath)'
                } else {
                    try {
                        $running = @(Get-Service -Name CryptSvc -DependentServices | Where-Object { $_.Status -eq 'Running' })
                        Stop-Service -Name CryptSvc -Force -ErrorAction Stop
                        Start-Process -FilePath $procmon -ArgumentList @('/AcceptEula', '/Quiet', '/Minimized', '/BackingFile', ('"' + (Join-Path $root $pml) + '"'))
                        Start-Process -FilePath $procmon -ArgumentList '/WaitForIdle' -Wait
                        Start-Service -Name CryptSvc -ErrorAction Stop
                        Start-Sleep -Seconds 30
                        Invoke-Collect 'vssadmin list writers (during the capture)' '\#(UploadLayout.procmon)\vssadmin-list-writers.txt' 'vssadmin.exe' @('list', 'writers')
                        Start-Process -FilePath $procmon -ArgumentList '/Terminate' -Wait
                        foreach ($d in $running) { Start-Service -Name $d.Name -ErrorAction SilentlyContinue }
                        if (Test-Path -LiteralPath (Join-Path $root $pml)) { Add-Item 'Procmon capture' $pml 'ok' '' }
                        else { Add-Item 'Procmon capture' $pml 'failed' 'Procmon wrote no log' }
                    } catch {
                        Start-Service -Name CryptSvc -ErrorAction SilentlyContinue
                        Add-Item 'Procmon capture' $pml 'failed' $_.Exception.Message
                    }
                }
            }

            # The manifest, then one .zip of the folder.
            $manifest = [ordered]@{
                collector = 'writer-audit \#(version)'
                computerName = $env:COMPUTERNAME
                windows = if ($os) { [ordered]@{ caption = $os.Caption; version = $os.Version; build = $os.BuildNumber } } else { $null }
                collectedUtc = (Get-Date).ToUniversalTime().ToString('o')
                items = $script:items
            }
            [System.IO.File]::WriteAllText((Join-Path $root '\#(UploadLayout.manifest)'), ($manifest | ConvertTo-Json -Depth 5), $utf8)
            $zip = $root + '.zip'
            try {
                Compress-Archive -Path $root -DestinationPath $zip -Force -ErrorAction Stop
                Write-Host ''
                Write-Host ('Send this file to your support engineer: ' + $zip)
            } catch {
                Write-Host ('The .zip could not be made (' + $_.Exception.Message + '); send the folder instead: ' + $root)
            }

            """#
    }
}
