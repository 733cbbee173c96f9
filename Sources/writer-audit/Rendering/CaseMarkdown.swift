import BinaryFormat
import CaseReport
import Foundation

/// The case as Markdown for a ticket: the verdict, the chain, the fix lines in a code block, the causes,
/// known noise, what to collect and the inputs with their SHA-256s.
enum CaseMarkdown {
    static func render(_ r: CaseReport) -> String {
        func cell(_ s: String) -> String { QuotedText.oneLine(s).replacingOccurrences(of: "|", with: "\\|") }
        var s = "## System Writer case: \(r.verdict.kind.rawValue) (\(r.verdict.confidence.rawValue))\n\n"
        var facts: [String] = []
        if let n = r.server.computerName { facts.append("Server: **\(cell(n))**") }
        if let w = r.server.windows { facts.append("Windows: \(cell(w))") }
        if let c = r.server.collected { facts.append("Collected: \(cell(c))") }
        facts.append("writer-audit \(r.toolVersion)")
        s += facts.joined(separator: " · ") + "\n\n"
        s += cell(r.verdict.summary) + "\n\n"
        if !r.verdict.chain.isEmpty {
            s += "### Chain of evidence\n\n| | Source | File | Where | Finding |\n|---|---|---|---|---|\n"
            for l in r.verdict.chain {
                s +=
                    "| \(l.stance == .disagrees ? "disagrees" : "supports") | \(l.source.rawValue) | \(cell(l.file)) | \(cell(l.where)) | \(cell(l.finding)) |\n"
            }
            s += "\n"
        }
        if !r.verdict.fix.isEmpty {
            s += "### Fix\n\nOn the server, elevated; each script is a dry run until `-Apply`.\n\n```powershell\n"
            s += r.verdict.fix.map(QuotedText.oneLine).joined(separator: "\n") + "\n```\n\n"
        }
        let noise = r.findings.filter { $0.impact == .benign }
        if !noise.isEmpty {
            s += "### Known noise, safe to ignore (\(noise.count))\n\n"
            for f in noise.prefix(20) {
                s += "- \(f.source.rawValue) \(f.kind), \(cell(f.where)): \(cell(f.why ?? f.summary))\n"
            }
            s += "\n"
        }
        if !r.missing.isEmpty {
            s += "### To be sure, collect\n\n" + r.missing.map { "- \(cell($0))\n" }.joined() + "\n"
        }
        if !r.warnings.isEmpty {
            s += "### Warnings\n\n" + r.warnings.prefix(30).map { "- \(cell($0))\n" }.joined() + "\n"
        }
        s += "### Inputs\n\n| File | Kind | Bytes | SHA-256 | Note |\n|---|---|---|---|---|\n"
        for i in r.inputs {
            s +=
                "| \(cell(i.file)) | \(i.kind.rawValue) | \(i.bytes) | \(i.sha256 ?? "-") | \(cell(i.ignored ?? "")) |\n"
        }
        return s
    }
}
