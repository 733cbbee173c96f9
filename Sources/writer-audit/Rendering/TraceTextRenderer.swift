import BinaryFormat
import TraceAudit

/// The readable report: verdict first, then its evidence, then the windows, failures and the last events.
struct TraceTextRenderer {
    let report: TraceReport

    func render(into out: inout Output) {
        let judged = report.judgedWindow
        if let verdict = report.verdict {
            out.line("\(report.writer): \(verdict.kind.rawValue.uppercased())")
            out.line("  \(verdict.summary)")
            if let path = verdict.path, let row = verdict.row {
                out.line("  evidence: row \(row)\(sequenceNote(row, in: judged))  \(path)")
            }
            for finding in verdict.also {
                out.line("  also (\(finding.kind.rawValue)): \(finding.summary)")
            }
        } else {
            out.line("\(report.writer): IDENTIFY NOT FOUND")
            for line in report.advice { out.line("  \(line)") }
        }
        out.line()
        out.line("\(report.file): \(grouped(report.rows)) rows (\(report.encoding))")
        if report.writers.isEmpty {
            out.line("No VSS writer logged phase markers.")
        }
        for writer in report.writers {
            let windows = writer.windows.count == 1 ? "1 IDENTIFY window" : "\(writer.windows.count) IDENTIFY windows"
            out.line(
                "Writer \"\(writer.name)\": \(writer.markers) marker\(writer.markers == 1 ? "" : "s") from \(writer.processes.joined(separator: ", ")); \(windows)"
            )
            for (i, w) in writer.windows.enumerated() {
                let leave = w.leaveRow.map { "Leave row \($0)" } ?? "no Leave (\(w.end.rawValue))"
                out.line(
                    "  #\(i + 1) \(w.process) PID \(w.pid): Enter row \(w.enterRow), \(leave), \(grouped(w.events)) events -> \(w.diagnosis.kind.rawValue)"
                )
            }
        }
        if let w = judged { renderDetails(w, into: &out) }
        if !report.warnings.isEmpty {
            out.line()
            out.line("Warnings:")
            for warning in report.warnings { out.line("  \(warning)") }
        }
    }

    private func renderDetails(_ w: IdentifyWindow, into out: inout Output) {
        let over = w.directories.filter { $0.overLimit != nil }
        out.line()
        if over.isEmpty {
            let biggest = w.directories.max { $0.entries < $1.entries }
            let note = biggest.map { "; the largest listing was \(grouped($0.entries)) names in \($0.path)" } ?? ""
            out.line(
                "Folders listed in the judged window: \(w.directories.count), none over the limits (\(grouped(report.limits.maxSubfolders)) subfolders / \(grouped(report.limits.maxFiles)) files)\(note)."
            )
        } else {
            out.line("Folders over the limits in the judged window:")
            for d in over.sorted(by: { $0.entries > $1.entries }) {
                let count = (d.atLeast ? ">=" : "") + grouped(d.entries)
                // A PML log tells files from subfolders; a CSV export gives names only.
                let kinds =
                    d.files.flatMap { f in d.subfolders.map { " (\(grouped(f)) files, \(grouped($0)) subfolders)" } }
                    ?? ""
                out.line(
                    "  \(pad(count, 9)) names  row \(pad(String(d.lastRow), 9))  \(d.path)\(kinds)  [\(d.overLimit?.rawValue ?? "")]"
                )
            }
        }
        if w.failureCount > 0 {
            out.line()
            out.line("Failures in the judged window (\(grouped(w.failureCount))):")
            for e in w.failures.suffix(10) {
                out.line("  row \(pad(String(e.row), 9))  \(pad(e.result, 18))  \(pad(e.operation, 20))  \(e.path)")
            }
            if w.failureCount > 10 { out.line("  … the last 10 shown; --format json lists up to 200") }
        }
        out.line()
        let end = w.leaveRow != nil ? "Leave" : "the end of the window"
        out.line("Last \(w.lastEvents.count) events of PID \(w.pid) before \(end):")
        out.line(
            "  \(pad("Row", 9))  \(pad("Time of Day", 18))  \(pad("Operation", 20))  \(pad("Result", 16))  Path | Detail"
        )
        for e in w.lastEvents {
            let detail = e.detail.count > 60 ? String(e.detail.prefix(60)) + "…" : e.detail
            out.line(
                "  \(pad(String(e.row), 9))  \(pad(e.time ?? "", 18))  \(pad(e.operation, 20))  \(pad(e.result, 16))  \(e.path)\(detail.isEmpty ? "" : " | " + detail)"
            )
        }
    }

    private func sequenceNote(_ row: Int, in w: IdentifyWindow?) -> String {
        guard let e = w?.lastEvents.first(where: { $0.row == row }) ?? w?.failures.first(where: { $0.row == row }),
            let seq = e.sequence
        else { return "" }
        return " (Sequence \(seq))"
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
