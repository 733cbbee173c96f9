import BinaryFormat
import VolumeAudit

/// The readable volume report: findings first (worst first), then unreadable folders, then the summary line.
struct VolumeTextRenderer {
    let report: VolumeReport

    func render(into out: inout Output) {
        summary(into: &out)
        guard let folders = report.folderCounts else { return }
        out.line("")
        out.line("Every folder (subfolders, files, others):")
        for f in folders {
            out.line(
                "  \(f.path)  \(grouped(f.subfolders)) subfolders, \(grouped(f.files)) files\(f.others > 0 ? ", \(grouped(f.others)) others" : "")"
            )
        }
    }

    private func summary(into out: inout Output) {
        let limits = report.limits
        let causes = report.findings.filter { $0.impact.isCause }
        let context = report.findings.filter { !$0.impact.isCause }
        if causes.isEmpty {
            out.line(
                "Nothing here stops the System Writer: no folder under Windows\\Microsoft.NET (which it walks file by file) over \(grouped(limits.maxSubfolders)) subfolders or \(grouped(limits.maxFiles)) files, no path there longer than its walk can build (\(limits.maxEntryPath) characters for a file, \(limits.maxListedFolderPath) for a folder), and not far more files there than a stock Windows holds."
            )
        } else {
            out.line("CAUSES: folders that stop the System Writer (missing-writer), worst first:")
            row(causes, into: &out)
        }
        if let t = report.microsoftNET {
            out.line()
            out.line(
                "Windows\\Microsoft.NET: \(grouped(t.files)) files in \(grouped(t.folders)) folders, longest path \(t.longestPath) characters"
                    + (t.stockFiles.map { " (\($0.text) files)" } ?? "")
                    + (t.judgement?.impact.isCause == true ? ": FAR ABOVE STOCK" : ""))
        }
        if !context.isEmpty {
            out.line()
            out.line("Context (info, not a cause): folders over the limits where the System Writer does not walk:")
            row(context, into: &out)
        }
        if report.foldersBelowLongPaths > 0 {
            out.line(
                "  … and \(grouped(report.foldersBelowLongPaths)) folders below those whose paths are too long as well"
            )
        }
        if !report.unreadable.isEmpty {
            out.line()
            out.line("Folders that could not be listed (\(report.unreadable.count); their counts are missing):")
            for u in report.unreadable.prefix(50) { out.line("  \(u.path): \(u.error)") }
            if report.unreadable.count > 50 { out.line("  … \(report.unreadable.count - 50) more in --format json") }
        }
        if !report.otherFilesystems.isEmpty {
            out.line()
            out.line("Other filesystems mounted inside, not walked: \(report.otherFilesystems.joined(separator: ", "))")
        }
        out.line()
        let scope = report.scopes.isEmpty ? "" : " in \(report.scopes.joined(separator: ", "))"
        let seconds = String(Double(Int(report.seconds * 1000)) / 1000)
        out.line(
            "\(report.root)\(scope): \(grouped(report.folders)) folders, \(grouped(report.files)) files, \(grouped(report.others)) others in \(seconds) s; \(report.causes.count) cause\(report.causes.count == 1 ? "" : "s"), \(report.findings.count - report.causes.count) for context"
        )
    }
}

extension VolumeTextRenderer {
    private func row(_ findings: [VolumeFinding], into out: inout Output) {
        out.line("  \(pad("impact", 14))  \(pad("subfolders", 10))  \(pad("files", 10))  \(pad("over", 24))  path")
        for f in findings {
            let over = f.over.map(\.rawValue).joined(separator: ",")
            var note = ""
            if f.over.contains(.pathLength) { note += "  [\(f.pathLength) characters]" }
            if f.area == .temporaryASPNET { note += "  [Temporary ASP.NET Files: the one place safe to clean]" }
            out.line(
                "  \(pad(f.impact.rawValue, 14))  \(pad(grouped(f.subfolders), 10))  \(pad(grouped(f.files), 10))  \(pad(over, 24))  \(f.path)\(note)"
            )
            out.line("      \(f.why) [\(f.basis)]")
        }
    }
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}
