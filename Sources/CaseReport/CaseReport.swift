import BinaryFormat
import Foundation
import ServiceAudit
import WriterScope

/// A customer's upload judged as one case: the inputs, the verdict with its chain of evidence and fix,
/// every finding, what is missing to be sure, and each audit's own report.
public struct CaseReport: Sendable, Encodable {
    public var inputs: [CaseInput]
    public var verdict: CaseVerdict
    public var findings: [CaseFinding]
    public var missing: [String]
    public var parts: CaseParts
    public var warnings: [String]
    public var writer: String
    /// The server the upload comes from: its name, its Windows, when it was collected.
    public var server: CaseServer
    public var toolVersion = ToolVersion.string
    /// The names the customer gave the inputs, for the temporary paths of extracted .zip members (every
    /// rendering goes through it; not in the JSON).
    public var names = CaseNames()

    /// 0 clean, 1 a cause, 4 the evidence cannot decide (the capture incomplete, nothing that bears on the writer).
    public var exitStatus: ExitStatus {
        switch verdict.kind {
        case .clean: .nothingFound
        case .incomplete, .unknown: .undecided
        default: .causeFound
        }
    }
    public var exitCode: Int32 { exitStatus.rawValue }

    enum CodingKeys: String, CodingKey {
        case toolVersion, server, inputs, verdict, findings, missing, parts, warnings, writer
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(toolVersion, forKey: .toolVersion)
        try c.encode(server, forKey: .server)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(findings, forKey: .findings)
        try c.encode(missing, forKey: .missing)
        try c.encode(parts, forKey: .parts)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(writer, forKey: .writer)
    }

    /// Reads the upload (files, folders at any depth, .zip members), recognises each file by content,
    /// runs every audit it allows once (side by side, with the inputs' SHA-256s) and judges the case.
    /// A path that does not exist, a hostile .zip, or an upload with nothing usable at all is an error;
    /// a file that cannot be read is a warning and is listed with why.
    public static func make(_ paths: [String], options: CaseAudits.Options = .init()) throws(CaseError) -> CaseReport {
        let gathered = try CaseInputs(paths)
        defer { gathered.removeExtracted() }
        let shown = gathered.paths.map { gathered.shownAs[$0] ?? $0 }
        // A SYSTEM or SOFTWARE hive is opened once: to tell which it is, then by its audit.
        var hives: [String: Hive] = [:]
        var inputs: [CaseInput] = gathered.paths.enumerated().map { i, path in
            let (kind, ignored, hive) = InputKind.recognize(path, keepingHive: true)
            if let hive { hives[path] = hive }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64) ?? 0
            return CaseInput(
                file: shown[i], kind: kind, bytes: kind == .mountedVolume ? 0 : size, sha256: nil, ignored: ignored)
        }
        let usable = inputs.contains { $0.kind != .ignored && $0.kind != .hiveLog }
        guard usable else {
            let names = gathered.names
            let listed =
                (inputs.map { "\($0.file): \($0.ignored ?? "not used")" }
                    + gathered.skipped.map { "\($0.file): \($0.why)" })
            let what =
                listed.isEmpty
                ? "it holds no file"
                : listed.prefix(3).joined(separator: "; ") + (listed.count > 3 ? "; and \(listed.count - 3) more" : "")
            throw CaseError(
                .unusable, file: names.shown(paths.joined(separator: ", ")),
                names.shown("nothing in the upload can be read for the writer (\(what))"))
        }
        // The same bytes twice (a log uploaded in two folders, a path given twice) are read once.
        let (repeats, early) = CaseDuplicates.find(paths: gathered.paths, inputs: inputs)
        for (i, first) in repeats {
            inputs[i].kind = .ignored
            inputs[i].ignored = "the same bytes as \(shown[first]): read once, there"
        }
        var plan = CaseAudits.plan(&inputs, paths: gathered.paths, shown: shown)
        plan.opened = OpenedHives(hives.filter { $0.key == plan.hive || $0.key == plan.software })
        let hashes = Hashes(count: inputs.count)
        var alongside: [CaseTask] = []
        for (i, path) in gathered.paths.enumerated() where inputs[i].kind != .mountedVolume {
            if let known = early[i] {
                hashes.set(i, known)
                continue
            }
            alongside.append(
                CaseTask(cost: CaseTask.size(path) * 0.6) { hashes.set(i, try? CaseInput.sha256(of: path)) })
        }
        var (parts, errors, used) = CaseAudits.run(plan, options: options, alongside: alongside)
        parts.manifest = plan.manifest
        var warnings: [String] = []
        for i in inputs.indices { inputs[i].sha256 = hashes.value(i) }
        for (path, error) in errors {
            warnings.append(QuotedText.oneLine(error))
            if !used.contains(path), let i = gathered.paths.firstIndex(of: path) {
                inputs[i].ignored = "could not be read: " + QuotedText.oneLine(error)
            }
        }
        for (file, why) in gathered.skipped {
            inputs.append(CaseInput(file: file, kind: .ignored, bytes: 0, sha256: nil, ignored: why))
        }
        warnings += gathered.warnings
        warnings += auditWarnings(parts)
        if let manifest = plan.manifest { warnings += manifest.problems }
        let judge = CaseJudge(parts: parts, writer: options.writer, limits: options.limits, upload: paths)
        let findings = judge.findings()
        let verdict = judge.verdict(findings: findings)
        return CaseReport(
            inputs: inputs, verdict: verdict, findings: findings, missing: judge.missing(verdict), parts: parts,
            warnings: warnings, writer: options.writer, server: CaseServer(parts), names: gathered.names)
    }

    /// What each audit noticed and went on from (a damaged chunk, a dirty hive replayed, a skipped row),
    /// named by the file it is about.
    static func auditWarnings(_ p: CaseParts) -> [String] {
        var out: [String] = []
        func add(_ file: String, _ list: [String]) {
            for w in list.prefix(20) { out.append(w.hasPrefix(file) ? w : "\(file): \(w)") }
            if list.count > 20 { out.append("\(file): \(list.count - 20) more warnings (in the JSON's parts)") }
        }
        if let t = p.trace { add(t.file, t.warnings) }
        for f in p.eventlog?.files ?? [] { add(f.file, f.warnings) }
        if let s = p.services { add(s.source, s.warnings) }
        if let v = p.volume { add(v.root, v.warnings) }
        if let sw = p.software { add(sw.source, sw.warnings) }
        return out
    }
}

/// The server an upload comes from, for the report's heading: from the collector's manifest, else the
/// SYSTEM hive (ComputerName) and the SOFTWARE hive (the Windows version).
public struct CaseServer: Sendable, Encodable, Equatable {
    public var computerName: String?
    public var windows: String?
    /// When the collector ran (UTC, ISO 8601).
    public var collected: String?
    /// The times of the first and last events the report shows from the judged IDENTIFY window.
    public var captureStart: String?
    public var captureEnd: String?

    init(_ p: CaseParts) {
        computerName = p.manifest?.computerName ?? p.services?.computerName
        if let w = p.manifest?.windows, let caption = w.caption {
            windows = caption + (w.version.map { " (\($0))" } ?? "")
        } else {
            windows = p.software?.windows
        }
        collected = p.manifest?.collectedUtc
        if let w = p.trace?.judgedWindow {
            captureStart = w.lastEvents.first?.time
            captureEnd = w.lastEvents.last?.time
        }
    }
}

private final class Hashes: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: String?) {
        lock.lock()
        values[i] = v
        lock.unlock()
    }
    func value(_ i: Int) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return values[i]
    }
}
