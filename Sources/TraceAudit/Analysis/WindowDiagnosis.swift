import BinaryFormat
import WriterScope

/// Turns a finished window into its report value and verdict.
///
/// Every IDENTIFY enumerates folders, healthy or not, so "the last thing before Leave was a folder" is no
/// evidence. The evidence is a listing over the limits or a refused access; when both are present, the one
/// nearer to Leave is the verdict and the other is listed with it.
extension WindowState {
    func report(limits: FolderLimits) -> IdentifyWindow {
        var endName = WindowEnd.leave
        var leaveRow: Int? = nil
        var leaveSequence: Int? = nil
        var endRow: Int? = nil
        var exitStatus: Int64? = nil
        switch end ?? .captureEnded(lastRow: enter.row) {
        case .leave(let e):
            leaveRow = e.row
            leaveSequence = e.sequence
        case .processExit(let row, let status):
            endName = .processExit
            endRow = row
            exitStatus = status
        case .pidReused(let row, _):
            endName = .pidReused
            endRow = row
        case .enteredAgain(let row):
            endName = .enteredAgain
            endRow = row
        case .captureEnded:
            endName = .captureEnded
        }
        let directories = tallyList.sorted { $0.lastRow < $1.lastRow }.map { t in
            DirectoryCount(
                path: t.path, entries: t.best, atLeast: t.bestTruncated, lastRow: t.lastRow,
                overLimit: t.bestKinds.map { Self.overLimitName(limits, files: $0.files, subfolders: $0.folders) }
                    ?? Self.overLimitName(limits.judge(names: t.best)),
                files: t.bestKinds?.files, subfolders: t.bestKinds?.folders)
        }
        return IdentifyWindow(
            phase: "IDENTIFY", pid: pid, process: process, enterRow: enter.row, leaveRow: leaveRow,
            enterSequence: enter.sequence, leaveSequence: leaveSequence, events: events, end: endName, endRow: endRow,
            exitStatus: exitStatus, diagnosis: diagnose(limits: limits, directories: directories),
            lastEvents: ring.events, failures: failures, failureCount: failureCount, directories: directories)
    }

    /// With exact kinds (PML): `subfolders`, `files`, both joined by `,`, or nil.
    private static func overLimitName(_ limits: FolderLimits, files: Int, subfolders: Int) -> OverLimit? {
        let over = limits.excesses(subfolders: subfolders, files: files, pathLength: 0)
        switch (over.contains(.subfolders), over.contains(.files)) {
        case (true, true): return .subfoldersAndFiles
        case (true, false): return .subfolders
        case (false, true): return .files
        case (false, false): return nil
        }
    }

    private static func overLimitName(_ v: FolderLimits.Verdict) -> OverLimit? {
        switch v {
        case .withinLimits: nil
        case .overFileLimit: .files
        case .maybeOverSubfolderLimit: .maybeSubfolders
        }
    }

    private func diagnose(limits: FolderLimits, directories: [DirectoryCount]) -> Diagnosis {
        let lastWork = lastFileSystem.last
        var findings: [Finding] = []
        // The last folder over the limits where the writer walks file by file; one elsewhere is context.
        let over = directories.filter { $0.overLimit != nil }
        if let folder = over.last(where: { WriterArea.of(windowsPath: $0.path).reading == .walkedFileByFile })
            ?? over.last
        {
            findings.append(folderFinding(folder, limits: limits, lastWork: lastWork))
        }
        if let denied = lastAccessFailure {
            findings.append(
                Finding(
                    kind: .permissions,
                    impact: WriterAccess.judgeDenied(windowsPath: denied.path, folder: true).impact,
                    path: denied.path, row: denied.row,
                    summary:
                        "\(denied.operation) of \(denied.path) failed with \(denied.result) at row \(denied.row)\(Self.scopeNote(denied.path)): the account of \(process) (PID \(pid)) was refused"
                ))
        }
        findings.sort { $0.row > $1.row }
        let context = findings.filter { !$0.impact.isCause }
        findings = findings.filter { $0.impact.isCause }
        switch end {
        case .leave(let leave):
            guard let verdict = findings.first else {
                let summary: String
                if let lastWork {
                    summary =
                        "IDENTIFY completed (rows \(enter.row)–\(leave.row), \(events) events) with no folder over the limits and no access failure; the last path touched before Leave was \(lastWork.path) (row \(lastWork.row)). If the writer is still missing, look there first."
                } else {
                    summary =
                        "IDENTIFY completed (rows \(enter.row)–\(leave.row), \(events) events) with no folder over the limits and no access failure, and no file-system work in the window."
                }
                return Diagnosis(
                    kind: .clean, path: lastWork?.path, row: lastWork?.row, summary: summary, also: context,
                    impact: .info)
            }
            return Diagnosis(
                kind: verdict.kind, path: verdict.path, row: verdict.row,
                summary: verdict.summary + " (IDENTIFY rows \(enter.row)–\(leave.row))",
                also: Array(findings.dropFirst()) + context, impact: verdict.impact, folder: verdict.folder)
        default:
            let last = ring.last
            var summary = "IDENTIFY (Enter) at row \(enter.row) has no Leave: " + endDescription()
            if let last {
                summary += "; the last event of PID \(pid) was \(last.operation) \(last.path) (row \(last.row))"
            }
            if !findings.isEmpty {
                let rows = findings.map { "\($0.kind.rawValue) at row \($0.row)" }.joined(separator: ", ")
                summary += ". Found before that (listed under also): " + rows
            }
            return Diagnosis(
                kind: .incomplete, path: last?.path, row: last?.row, summary: summary, also: findings + context,
                impact: .missingWriter)
        }
    }

    private func endDescription() -> String {
        switch end {
        case .processExit(let row, let status):
            let shown =
                status.map {
                    "exit status \($0) (0x\(String(UInt32(truncatingIfNeeded: $0), radix: 16, uppercase: true)))"
                } ?? "exit status unknown"
            return "the process exited at row \(row) with \(shown)"
        case .pidReused(let row, let by):
            return "the process ended unseen; PID \(pid) belongs to \(by) from row \(row)"
        case .enteredAgain(let row):
            return "the writer entered IDENTIFY again at row \(row) in the same process"
        case .captureEnded(let lastRow):
            return "the capture ended (last row \(lastRow)) while the process was still in IDENTIFY"
        case .leave, .none:
            return "the capture ended"
        }
    }

    private func folderFinding(_ folder: DirectoryCount, limits: FolderLimits, lastWork: TraceEvent?) -> Finding {
        var summary: String
        if let files = folder.files, let subfolders = folder.subfolders {
            // Exact kinds from a PML log's FileAttributes.
            summary =
                "\(folder.path) listed \(Self.grouped(files)) files and \(Self.grouped(subfolders)) subfolders (row \(folder.lastRow))"
            var over: [String] = []
            if subfolders > limits.maxSubfolders {
                over.append(
                    "\(Self.grouped(subfolders)) subfolders, over the \(Self.grouped(limits.maxSubfolders))-subfolder limit"
                )
            }
            if files > limits.maxFiles {
                over.append("\(Self.grouped(files)) files, over the \(Self.grouped(limits.maxFiles))-file limit")
            }
            summary += ": " + over.joined(separator: "; ")
        } else {
            let count = (folder.atLeast ? "at least " : "") + Self.grouped(folder.entries)
            summary = "\(folder.path) listed \(count) names (row \(folder.lastRow))"
            switch limits.judge(names: folder.entries) {
            case .overFileLimit(_, let limit):
                summary += ": over the \(Self.grouped(limit))-file limit whatever they are"
            case .maybeOverSubfolderLimit(_, let limit):
                summary +=
                    ": over the \(Self.grouped(limit))-subfolder limit if they are folders (a CSV export cannot tell files from folders; a PML log can)"
            case .withinLimits:
                break
            }
            if folder.atLeast { summary += "; Procmon's 4,095-character Detail cap hid some names" }
        }
        summary += Self.scopeNote(folder.path)
        let wasLast = lastWork.map { $0.path.uppercased().hasPrefix(folder.path.uppercased()) } ?? false
        if wasLast { summary += "; it was the last file-system work before the end of IDENTIFY" }
        let area = WriterArea.of(windowsPath: folder.path)
        let impact: Impact = area.reading == .walkedFileByFile ? .missingWriter : .info
        if impact == .info { summary += "; the System Writer adds this area whole and never walks it: not a cause" }
        let evidence = FolderEvidence(
            names: folder.entries, atLeast: folder.atLeast, files: folder.files, subfolders: folder.subfolders,
            over: folder.overLimit, area: area, lastWork: wasLast)
        return Finding(
            kind: .folderLimit, impact: impact, path: folder.path, row: folder.lastRow, summary: summary,
            folder: evidence)
    }

    /// Notes whether a path lies where the System Writer is known to choke.
    static func scopeNote(_ path: String) -> String {
        switch WriterArea.of(windowsPath: path) {
        case .temporaryASPNET:
            " (under Windows\\Microsoft.NET, in Temporary ASP.NET Files: the one place that is safe to clean)"
        case .microsoftNET: " (under Windows\\Microsoft.NET)"
        case .winSxS: " (under Windows\\WinSxS)"
        default: ""
        }
    }

    static func grouped(_ n: Int) -> String { BinaryFormat.grouped(n) }
}
