import VolumeAudit

/// The readable volume report: findings first (worst first), then unreadable folders, then the summary line.
struct VolumeTextRenderer {
    let report: VolumeReport

    func render(into out: inout Output) {
        let limits = report.limits
        if report.findings.isEmpty {
            out.line(
                "No folder over the System Writer's limits (\(grouped(limits.maxSubfolders)) subfolders, \(grouped(limits.maxFiles)) files, \(limits.maxPathLength)-character paths)."
            )
        } else {
            out.line("Folders over the System Writer's limits (worst first):")
            out.line("  \(pad("subfolders", 10))  \(pad("files", 10))  \(pad("over", 24))  path")
            for f in report.findings {
                let over = f.over.map(\.rawValue).joined(separator: ",")
                var note = ""
                if f.over.contains(.pathLength) { note += "  [\(f.pathLength) characters]" }
                switch f.area {
                case .temporaryASPNET: note += "  [Temporary ASP.NET Files: the one place safe to clean]"
                case .microsoftNET: note += "  [Windows\\Microsoft.NET]"
                case .winSxS: note += "  [Windows\\WinSxS]"
                case .windows: note += "  [in the System Writer's scope]"
                case .outside: note += "  [outside the System Writer's scope]"
                }
                out.line(
                    "  \(pad(grouped(f.subfolders), 10))  \(pad(grouped(f.files), 10))  \(pad(over, 24))  \(f.path)\(note)"
                )
            }
            if report.foldersBelowLongPaths > 0 {
                out.line(
                    "  … and \(grouped(report.foldersBelowLongPaths)) folders below those whose paths are over \(limits.maxPathLength) characters too"
                )
            }
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
            "\(report.root)\(scope): \(grouped(report.folders)) folders, \(grouped(report.files)) files, \(grouped(report.others)) others in \(seconds) s; \(report.findings.count) finding\(report.findings.count == 1 ? "" : "s")"
        )
    }
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}
