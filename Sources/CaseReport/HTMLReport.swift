import Foundation
import Mustache
import TraceAudit
import VolumeAudit
import WriterScope

/// The case as one self-contained page (no network: CSS, SVG and the little JS for copy buttons inline),
/// readable with JS off and printable on A4. Built from a Mustache template: every value from the inputs
/// (paths, names, event text) goes through `{{…}}`, which escapes it, so escaping lives in one place and a
/// file named `<script>` stays text. Numbers for the SVG are computed here; no markup is built in Swift.
public enum HTMLReport {
    public static func render(_ report: CaseReport, scripts: [String] = []) -> String {
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: page)
        } catch {
            preconditionFailure("the report template does not parse: \(error)")
        }
        // Every temporary path of an extracted member shown as the customer named it, before escaping.
        return template.render(report.names.shown(context: context(report, scripts: scripts)))
    }

    static func context(_ r: CaseReport, scripts: [String]) -> [String: Any] {
        let v = r.verdict
        var c: [String: Any] = [
            "writer": r.writer,
            "toolVersion": r.toolVersion,
            "computerName": r.server.computerName ?? "",
            "hasComputerName": r.server.computerName != nil,
            "windows": r.server.windows ?? "",
            "hasWindows": r.server.windows != nil,
            "collected": r.server.collected ?? "",
            "hasCollected": r.server.collected != nil,
            "capture": [r.server.captureStart, r.server.captureEnd].compactMap { $0 }.joined(separator: " – "),
            "hasCapture": r.server.captureStart != nil,
            "kind": v.kind.rawValue,
            "confidence": v.confidence.rawValue,
            "summary": v.summary,
            "severity": v.kind == .clean ? "ok" : v.kind == .unknown ? "unknown" : "bad",
            "fix": v.fix.enumerated().map { ["n": $0.offset, "line": $0.element] },
            "hasFix": !v.fix.isEmpty,
            "chain": v.chain.map { l in
                [
                    "source": l.source.rawValue, "file": l.file, "where": l.where, "finding": l.finding,
                    "disagrees": l.stance == .disagrees, "stance": l.stance.rawValue,
                ] as [String: Any]
            },
            "hasChain": !v.chain.isEmpty,
            "findings": r.findings.map { f in
                [
                    "source": f.source.rawValue, "kind": f.kind, "file": f.file, "where": f.where, "summary": f.summary,
                    "primary": f.cause == v.kind, "impact": f.impact.rawValue,
                ] as [String: Any]
            },
            "hasFindings": !r.findings.isEmpty,
            "noise": r.findings.filter { $0.impact == .benign }.map { f in
                [
                    "source": f.source.rawValue, "kind": f.kind, "where": f.where, "summary": f.summary,
                    "why": f.why ?? "",
                ]
            },
            "hasNoise": r.findings.contains { $0.impact == .benign },
            "missing": r.missing,
            "hasMissing": !r.missing.isEmpty,
            "warnings": r.warnings,
            "hasWarnings": !r.warnings.isEmpty,
            "inputs": r.inputs.map { i in
                [
                    "file": i.file, "kind": i.kind.rawValue, "bytes": i.bytes.formatted(), "sha256": i.sha256 ?? "-",
                    "ignored": i.ignored ?? "", "isIgnored": i.ignored != nil,
                ] as [String: Any]
            },
            "scripts": scripts,
            "hasScripts": !scripts.isEmpty,
        ]
        if let timeline = timeline(r) { c["timeline"] = timeline }
        let limits = r.parts.volume?.limits ?? r.parts.trace?.limits ?? FolderLimits()
        let bars = folderBars(r, limits: limits)
        if !bars.isEmpty {
            c["folders"] = [
                "bars": bars, "height": 40 + bars.count * 34, "mark1000": markX(limits.maxSubfolders),
                "mark10000": markX(limits.maxFiles),
                "subfolderLimit": limits.maxSubfolders.formatted(), "fileLimit": limits.maxFiles.formatted(),
            ]
        }
        if let acl = r.parts.acl, !acl.findings.isEmpty {
            c["acl"] = [
                "rows": acl.findings.prefix(200).map {
                    ["path": $0.path, "principal": $0.principal, "reason": $0.reason, "impact": $0.impact.rawValue]
                },
                "more": max(0, acl.findings.count - 200).formatted(), "hasMore": acl.findings.count > 200,
                "source": acl.source,
            ]
        }
        if let services = r.parts.services, !services.findings.isEmpty {
            c["services"] = [
                "rows": services.findings.map {
                    [
                        "service": $0.service, "kind": $0.kind.rawValue, "detail": $0.detail, "fix": $0.fix,
                        "impact": $0.impact.rawValue,
                    ]
                },
                "source": services.source,
            ]
        }
        return c
    }

    // MARK: the IDENTIFY window as a timeline

    /// Enter, the last events before the end (failures in red), the evidence row and the end, placed by
    /// row on 0…1000.
    static func timeline(_ r: CaseReport) -> [String: Any]? {
        guard let trace = r.parts.trace, let w = trace.judgedWindow else { return nil }
        let end = w.leaveRow ?? w.endRow ?? (w.lastEvents.last?.row ?? w.enterRow)
        let first = w.enterRow
        let span = max(1, end - first)
        func x(_ row: Int) -> Int { 40 + Int(Double(row - first) / Double(span) * 900) }
        let failing = Set(w.failures.map(\.row))
        let evidence = w.diagnosis.row
        var marks: [[String: Any]] = []
        for e in w.lastEvents {
            let bad = failing.contains(e.row) || e.row == evidence
            marks.append(["x": x(e.row), "bad": bad, "label": "row \(e.row): \(e.operation) \(e.path) \(e.result)"])
        }
        for e in w.failures where !w.lastEvents.contains(where: { $0.row == e.row }) {
            marks.append(["x": x(e.row), "bad": true, "label": "row \(e.row): \(e.operation) \(e.path) \(e.result)"])
        }
        var c: [String: Any] = [
            "enterX": x(first), "endX": x(end), "marks": marks,
            "enterLabel": "IDENTIFY (Enter), row \(first)", "endLabel": "\(w.end.rawValue), row \(end)",
            "process": "\(w.process) (PID \(w.pid))", "events": w.events.formatted(), "file": trace.file,
            "last": w.lastEvents.suffix(12).map { e in
                [
                    "row": e.row, "operation": e.operation, "path": e.path, "result": e.result,
                    "bad": failing.contains(e.row) || e.row == evidence,
                ] as [String: Any]
            },
        ]
        if let evidence {
            c["evidence"] = ["x": x(evidence), "label": "row \(evidence): \(w.diagnosis.kind.rawValue)"]
        }
        return c
    }

    // MARK: folders against the limits

    /// Log scale from 1 to 1,000,000 names on 0…900 (plus the label column).
    static func markX(_ count: Int) -> Int { 300 + Int(log10(Double(max(1, count))) / 6 * 640) }

    static func folderBars(_ r: CaseReport, limits: FolderLimits) -> [[String: Any]] {
        var rows: [(String, Int, Int)] = []
        if let volume = r.parts.volume {
            rows = CaseJudge.overLimit(volume).prefix(12).map { ($0.path, $0.files, $0.subfolders) }
        }
        if rows.isEmpty, let w = r.parts.trace?.judgedWindow {
            rows = w.directories.filter {
                $0.overLimit != nil && WriterArea.of(windowsPath: $0.path).reading == .walkedFileByFile
            }.prefix(12).map { ($0.path, $0.files ?? $0.entries, $0.subfolders ?? 0) }
        }
        return rows.enumerated().map { i, row in
            let (path, files, subfolders) = row
            let y = 30 + i * 34
            return [
                "path": path, "label": shortPath(path), "y": y, "ty": y + 12, "fy": y, "sy": y + 14,
                "filesW": max(1, markX(files) - 300), "subW": max(1, markX(subfolders) - 300),
                "files": files.formatted(), "subfolders": subfolders.formatted(),
                "filesOver": files > limits.maxFiles, "subOver": subfolders > limits.maxSubfolders,
            ]
        }
    }

    /// The last two components of a Windows path, for a label (the whole path is in the table).
    static func shortPath(_ path: String) -> String {
        let parts = path.split(separator: "\\")
        return parts.count <= 2 ? path : "…\\" + parts.suffix(2).joined(separator: "\\")
    }

    // MARK: the page

    static let page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>WriterAudit case: {{kind}}</title>
        <style>
        :root { --bad: #b3261e; --ok: #1e7b34; --muted: #5f6368; --line: #dadce0; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #202124; margin: 0 auto; max-width: 1000px; padding: 24px; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        .verdict { border-left: 6px solid var(--bad); background: #fce8e6; padding: 12px 16px; border-radius: 4px; }
        .verdict.ok { border-color: var(--ok); background: #e6f4ea; }
        .verdict.unknown { border-color: var(--muted); background: #f1f3f4; }
        .kind { font-weight: 700; font-size: 18px; }
        .confidence { display: inline-block; margin-left: 8px; padding: 1px 8px; border-radius: 10px; background: #fff; border: 1px solid var(--line); font-size: 12px; }
        table { border-collapse: collapse; width: 100%; font-size: 13px; }
        th, td { text-align: left; vertical-align: top; padding: 4px 6px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
        p, li, code { overflow-wrap: anywhere; }
        th { background: #f8f9fa; }
        td.path, code, pre { font-family: ui-monospace, "Cascadia Mono", Consolas, monospace; word-break: break-all; }
        tr.disagrees td { color: var(--bad); }
        tr.primary td:first-child { font-weight: 600; }
        pre { background: #f8f9fa; border: 1px solid var(--line); padding: 8px 64px 8px 8px; margin: 4px 0; white-space: pre-wrap; }
        #chain td:nth-child(1) { width: 9%; } #chain td:nth-child(2) { width: 20%; } #chain td:nth-child(3) { width: 28%; }
        .fix { position: relative; }
        .fix button { position: absolute; right: 6px; top: 6px; font-size: 12px; }
        .muted { color: var(--muted); }
        svg text { font: 11px system-ui, sans-serif; fill: #202124; }
        .bad { color: var(--bad); }
        #server span + span::before { content: " · "; }
        @media (max-width: 640px) {
          body { padding: 12px; font-size: 13px; }
          table { table-layout: fixed; font-size: 11px; }
          th, td { padding: 3px; }
          pre { padding-right: 8px; }
          .fix button { position: static; margin-bottom: 6px; }
          h1 { font-size: 19px; }
        }
        @page { size: A4; margin: 14mm; }
        @media print { body { max-width: none; padding: 0; } button { display: none; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } }
        </style>
        </head>
        <body>
        <h1>Why the {{writer}} is missing</h1>
        <p class="muted" id="server">{{#hasComputerName}}<span>Server <strong id="server-name">{{computerName}}</strong></span>{{/hasComputerName}}{{#hasWindows}}<span id="server-windows">{{windows}}</span>{{/hasWindows}}{{#hasCollected}}<span>collected {{collected}}</span>{{/hasCollected}}{{#hasCapture}}<span>capture {{capture}}</span>{{/hasCapture}}<span id="tool-version">WriterAudit {{toolVersion}}</span></p>
        <section class="verdict {{severity}}" id="verdict">
        <div><span class="kind" id="verdict-kind">{{kind}}</span><span class="confidence" id="verdict-confidence">{{confidence}}</span></div>
        <p id="verdict-summary">{{summary}}</p>
        </section>
        {{#hasFix}}
        <h2>Fix</h2>
        {{#fix}}<div class="fix"><pre><code id="fix-{{n}}">{{line}}</code></pre><button type="button" class="copy" data-target="fix-{{n}}" hidden>Copy</button></div>
        {{/fix}}
        {{#hasScripts}}<p>Scripts written: {{#scripts}}<code>{{.}}</code> {{/scripts}}(dry run unless -Apply).</p>{{/hasScripts}}
        {{/hasFix}}
        {{#hasChain}}
        <h2>Chain of evidence</h2>
        <table id="chain"><thead><tr><th>source</th><th>file</th><th>where</th><th>finding</th></tr></thead><tbody>
        {{#chain}}<tr class="{{stance}}"><td>{{source}}</td><td class="path">{{file}}</td><td class="path">{{where}}</td><td>{{#disagrees}}<strong>disagrees:</strong> {{/disagrees}}{{finding}}</td></tr>
        {{/chain}}</tbody></table>
        {{/hasChain}}
        {{#timeline}}
        <h2>The IDENTIFY window</h2>
        <p>{{process}}, {{events}} events in the window ({{file}}).</p>
        <svg id="timeline" viewBox="0 0 1000 90" width="100%" role="img" aria-label="IDENTIFY window timeline">
        <line x1="{{enterX}}" y1="45" x2="{{endX}}" y2="45" stroke="#5f6368" stroke-width="2"/>
        <rect x="{{enterX}}" y="30" width="3" height="30" fill="#1e7b34"><title>{{enterLabel}}</title></rect>
        <rect x="{{endX}}" y="30" width="3" height="30" fill="#202124"><title>{{endLabel}}</title></rect>
        {{#marks}}<rect x="{{x}}" y="{{#bad}}32{{/bad}}{{^bad}}38{{/bad}}" width="2" height="{{#bad}}26{{/bad}}{{^bad}}14{{/bad}}" fill="{{#bad}}#b3261e{{/bad}}{{^bad}}#8ab4f8{{/bad}}"><title>{{label}}</title></rect>
        {{/marks}}
        {{#evidence}}<circle cx="{{x}}" cy="45" r="7" fill="none" stroke="#b3261e" stroke-width="3"><title>{{label}}</title></circle><text x="{{x}}" y="80" text-anchor="middle">{{label}}</text>{{/evidence}}
        <text x="{{enterX}}" y="20">{{enterLabel}}</text>
        <text x="{{endX}}" y="20" text-anchor="end">{{endLabel}}</text>
        </svg>
        <table><thead><tr><th>row</th><th>operation</th><th>path</th><th>result</th></tr></thead><tbody>
        {{#last}}<tr{{#bad}} class="bad"{{/bad}}><td>{{row}}</td><td>{{operation}}</td><td class="path">{{path}}</td><td>{{result}}</td></tr>
        {{/last}}</tbody></table>
        {{/timeline}}
        {{#folders}}
        <h2>Folders against the limits</h2>
        <svg id="folders" viewBox="0 0 1000 {{height}}" width="100%" role="img" aria-label="folders over the limits">
        <line x1="{{mark1000}}" y1="16" x2="{{mark1000}}" y2="{{height}}" stroke="#b3261e" stroke-dasharray="4 3"/><text x="{{mark1000}}" y="12" text-anchor="middle">{{subfolderLimit}} subfolders</text>
        <line x1="{{mark10000}}" y1="16" x2="{{mark10000}}" y2="{{height}}" stroke="#b3261e" stroke-dasharray="4 3"/><text x="{{mark10000}}" y="12" text-anchor="middle">{{fileLimit}} files</text>
        {{#bars}}<text x="0" y="{{ty}}">{{label}}<title>{{path}}</title></text>
        <rect x="300" y="{{fy}}" width="{{filesW}}" height="12" fill="{{#filesOver}}#b3261e{{/filesOver}}{{^filesOver}}#8ab4f8{{/filesOver}}"><title>{{files}} files</title></rect>
        <rect x="300" y="{{sy}}" width="{{subW}}" height="8" fill="{{#subOver}}#e37400{{/subOver}}{{^subOver}}#c6dafc{{/subOver}}"><title>{{subfolders}} subfolders</title></rect>
        {{/bars}}
        </svg>
        <p class="muted">Log scale. Upper bar: files; lower bar: subfolders.</p>
        <table id="folder-table"><thead><tr><th>folder</th><th>files</th><th>subfolders</th></tr></thead><tbody>
        {{#bars}}<tr><td class="path">{{path}}</td><td{{#filesOver}} class="bad"{{/filesOver}}>{{files}}</td><td{{#subOver}} class="bad"{{/subOver}}>{{subfolders}}</td></tr>
        {{/bars}}</tbody></table>
        {{/folders}}
        {{#acl}}
        <h2>Files the writer cannot read</h2>
        <table id="acl"><thead><tr><th>impact</th><th>path</th><th>principal</th><th>why</th></tr></thead><tbody>
        {{#rows}}<tr><td>{{impact}}</td><td class="path">{{path}}</td><td>{{principal}}</td><td>{{reason}}</td></tr>
        {{/rows}}</tbody></table>
        {{#hasMore}}<p class="muted">… {{more}} more in the JSON.</p>{{/hasMore}}
        {{/acl}}
        {{#services}}
        <h2>Services</h2>
        <table id="services"><thead><tr><th>impact</th><th>service</th><th>finding</th><th>detail</th><th>fix</th></tr></thead><tbody>
        {{#rows}}<tr><td>{{impact}}</td><td>{{service}}</td><td>{{kind}}</td><td>{{detail}}</td><td class="path">{{fix}}</td></tr>
        {{/rows}}</tbody></table>
        {{/services}}
        {{#hasNoise}}
        <h2>Known noise, safe to ignore</h2>
        <table id="noise"><thead><tr><th>source</th><th>kind</th><th>where</th><th>summary</th><th>why it is safe</th></tr></thead><tbody>
        {{#noise}}<tr><td>{{source}}</td><td>{{kind}}</td><td class="path">{{where}}</td><td>{{summary}}</td><td>{{why}}</td></tr>
        {{/noise}}</tbody></table>
        {{/hasNoise}}
        {{#hasFindings}}
        <h2>Every finding</h2>
        <table id="findings"><thead><tr><th>impact</th><th>source</th><th>kind</th><th>where</th><th>summary</th></tr></thead><tbody>
        {{#findings}}<tr{{#primary}} class="primary"{{/primary}}><td>{{impact}}</td><td>{{source}}</td><td>{{kind}}</td><td class="path">{{where}}</td><td>{{summary}}</td></tr>
        {{/findings}}</tbody></table>
        {{/hasFindings}}
        {{#hasMissing}}
        <h2>To be sure</h2>
        <ul id="missing">{{#missing}}<li>{{.}}</li>{{/missing}}</ul>
        {{/hasMissing}}
        {{#hasWarnings}}
        <h2>Warnings</h2>
        <ul>{{#warnings}}<li>{{.}}</li>{{/warnings}}</ul>
        {{/hasWarnings}}
        <h2>Inputs</h2>
        <table id="inputs"><thead><tr><th>file</th><th>kind</th><th>bytes</th><th>SHA-256</th></tr></thead><tbody>
        {{#inputs}}<tr><td class="path">{{file}}{{#isIgnored}}<br><span class="muted">ignored: {{ignored}}</span>{{/isIgnored}}</td><td>{{kind}}</td><td>{{bytes}}</td><td class="path">{{sha256}}</td></tr>
        {{/inputs}}</tbody></table>
        <script>
        for (const b of document.querySelectorAll("button.copy")) {
          b.hidden = false;
          b.addEventListener("click", () => {
            const text = document.getElementById(b.dataset.target).textContent;
            if (navigator.clipboard) { navigator.clipboard.writeText(text).then(() => { b.textContent = "Copied"; }, () => {}); }
          });
        }
        </script>
        </body>
        </html>

        """
}
