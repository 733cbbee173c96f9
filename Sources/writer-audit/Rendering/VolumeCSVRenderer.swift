import BinaryFormat
import VolumeAudit

/// The findings as CSV (UTF-8, header, every field quoted), for spreadsheets.
struct VolumeCSVRenderer {
    let report: VolumeReport

    func render(into out: inout Output) {
        // With --folders: every folder's counts instead of the findings.
        if let folders = report.folderCounts {
            out.write("\"path\",\"subfolders\",\"files\",\"others\"\r\n")
            for f in folders {
                out.write(
                    [f.path, String(f.subfolders), String(f.files), String(f.others)].map(CSVQuoting.quoted).joined(
                        separator: ","))
                out.write("\r\n")
            }
            return
        }
        out.write(
            "\"path\",\"subfolders\",\"files\",\"others\",\"pathLength\",\"over\",\"inWriterScope\",\"area\",\"impact\",\"why\"\r\n"
        )
        for f in report.findings {
            let fields = [
                f.path, String(f.subfolders), String(f.files), String(f.others), String(f.pathLength),
                f.over.map(\.rawValue).joined(separator: " "), f.inWriterScope ? "true" : "false", f.area.rawValue,
                f.impact.rawValue, f.why,
            ]
            out.write(
                fields.map(CSVQuoting.quoted).joined(separator: ","))
            out.write("\r\n")
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
