import ArgumentParser
import BinaryFormat
import CaseReport
import Foundation
import VolumeAudit
import WriterScope

/// A customer's upload, judged as one case.
struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract:
            "The way in: a customer's upload (folder, files, .zip) judged as one case, with its fix and a report page.",
        discussion: """
            Each file is recognised by its content: Procmon PML or CSV, event logs (.evtx), the SYSTEM hive \
            (its .LOG1/.LOG2 beside it), an NTFS image or disk or fixed VHD, a mounted system volume, \
            icacls /save or display output, Get-Acl CSV. Every audit runs once, side by side. Exit 0 when \
            nothing is wrong, 1 when a cause is found, 2 on bad input.
            """)

    @Argument(
        help: "Files, folders (searched at any depth) and .zip uploads, as the collector makes them or as they come.")
    var paths: [String]

    @Option(help: "text (default), json, or markdown (to paste into a ticket).")
    var format = "text"

    @Option(help: "Write the report page here (one self-contained HTML file).")
    var html: String?

    @Option(help: "Write the fix scripts (remediate, services, ACL grants) and the report page into this folder.")
    var out: String?

    @Option(help: "The writer judged.")
    var writer = "System Writer"

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give the upload: files, folders or a .zip") }
        guard ["text", "json", "markdown"].contains(format) else {
            throw ValidationError("--format takes text, json or markdown")
        }
    }

    func run() throws {
        // An interrupted case removes the members it unpacked before it ends.
        Interruption.install()
        try CaseOutputs.check(html: html, out: out, inputs: paths)
        var options = CaseAudits.Options()
        options.writer = writer
        let progress = Progress(enabled: !common.quiet && !common.noProgress, label: "case")
        progress.note("reading the upload")
        defer { progress.finish() }
        let report = try CaseReport.make(paths, options: options)
        progress.finish()
        var scripts: [String] = []
        if let out {
            scripts = try CaseFixScripts.write(report, to: out)
            let page = (out as NSString).appendingPathComponent("report.html")
            try write(HTMLReport.render(report, scripts: scripts), to: page)
            scripts.append("report.html")
        }
        if let html { try write(HTMLReport.render(report, scripts: scripts.filter { $0 != "report.html" }), to: html) }
        var stdout = Output.standardOutput
        if format == "json" {
            // Every temporary path of an extracted member shown as the customer named it.
            stdout.write(report.names.shownInJSON(try JSONRendering.string(report)))
        } else if format == "markdown" {
            stdout.write(report.names.shown(CaseMarkdown.render(report)))
        } else if !common.quiet {
            var text = ""
            render(report, scripts: scripts, into: &text)
            stdout.write(report.names.shown(text))
        }
        stdout.flush()
        if !common.quiet, format != "text" {
            for w in report.warnings { printError("writer-audit: warning: \(report.names.shown(w))") }
        }
        throw ExitCode(report.exitCode)
    }

    private func write(_ text: String, to path: String) throws {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw InputError(message: "\(path): cannot be written (\(RemediationOutput.reason(error)))")
        }
    }

    private func render(_ r: CaseReport, scripts: [String], into text: inout String) {
        var out = TextLines()
        defer { text = out.text }
        let v = r.verdict
        if let name = r.server.computerName ?? r.server.windows {
            out.line(
                "Server: \(QuotedText.oneLine(name))\(r.server.windows.map { r.server.computerName == nil ? "" : ", " + QuotedText.oneLine($0) } ?? "")\(r.server.collected.map { ", collected \($0)" } ?? "")"
            )
        }
        out.line("VERDICT: \(v.kind.rawValue) (\(v.confidence.rawValue))")
        out.line("  \(QuotedText.oneLine(v.summary))")
        if !v.chain.isEmpty {
            out.line()
            out.line("Chain of evidence:")
            for l in v.chain {
                let mark = l.stance == .disagrees ? "!" : "-"
                out.line(
                    "  \(mark) [\(l.source.rawValue)] \(QuotedText.oneLine(l.file)): \(QuotedText.oneLine(l.where))")
                out.line("      \(l.stance == .disagrees ? "disagrees: " : "")\(QuotedText.oneLine(l.finding))")
            }
        }
        if !v.fix.isEmpty {
            out.line()
            out.line("Fix (run on the server, elevated; each script is a dry run until -Apply):")
            for f in v.fix { out.line("  \(QuotedText.oneLine(f))") }
        }
        if let dir = self.out, !scripts.isEmpty { out.line("  Written to \(dir): \(scripts.joined(separator: ", "))") }
        let groups: [(String, [CaseFinding])] = [
            (
                "Other causes",
                r.findings.filter { f in
                    f.impact.isCause && f.cause != v.kind
                        && !v.chain.contains { $0.source == f.source && $0.where == f.where }
                }
            ),
            ("Known noise, safe to ignore", r.findings.filter { $0.impact == .benign }),
            ("Context (not a cause)", r.findings.filter { $0.impact == .info }),
        ]
        for (title, group) in groups where !group.isEmpty {
            out.line()
            out.line("\(title) (\(group.count)):")
            for f in group.prefix(20) {
                out.line(
                    "  [\(f.source.rawValue) \(f.kind)] \(QuotedText.oneLine(f.where)): \(QuotedText.oneLine(f.summary))"
                )
                if f.impact == .benign, let why = f.why { out.line("      why: \(QuotedText.oneLine(why))") }
            }
            if group.count > 20 { out.line("  … \(group.count - 20) more in --format json") }
        }
        if !r.missing.isEmpty {
            out.line()
            out.line("To be sure, collect:")
            for m in r.missing { out.line("  - \(m)") }
        }
        if !r.warnings.isEmpty {
            out.line()
            for w in r.warnings { out.line("warning: \(w)") }
        }
        out.line()
        out.line("Inputs (writer-audit \(r.toolVersion)):")
        for i in r.inputs {
            let hash = i.sha256.map { " sha256 \($0.prefix(16))…" } ?? ""
            out.line(
                "  \(QuotedText.oneLine(i.file)): \(i.kind.rawValue), \(i.bytes.formatted()) bytes\(hash)\(i.ignored.map { " (ignored: \($0))" } ?? "")"
            )
        }
    }
}

/// Lines of text built in memory (rendered whole, then shown with the customer's names).
struct TextLines {
    var text = ""
    mutating func line(_ s: String = "") {
        text += s
        text += "\n"
    }
}
