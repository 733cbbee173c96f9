import BinaryFormat
import Foundation
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

    /// 0 clean, 1 a cause, 4 the evidence cannot decide (the capture incomplete, nothing that bears on the writer).
    public var exitStatus: ExitStatus {
        switch verdict.kind {
        case .clean: .nothingFound
        case .incomplete, .unknown: .undecided
        default: .causeFound
        }
    }
    public var exitCode: Int32 { exitStatus.rawValue }

    enum CodingKeys: String, CodingKey { case inputs, verdict, findings, missing, parts, warnings, writer }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(findings, forKey: .findings)
        try c.encode(missing, forKey: .missing)
        try c.encode(parts, forKey: .parts)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(writer, forKey: .writer)
    }

    /// Reads the upload (files, folders one level deep, .zip members), recognises each file by content,
    /// runs every audit it allows once (side by side, with the inputs' SHA-256s) and judges the case.
    /// Only a path that does not exist or a hostile .zip is an error; a file that cannot be read is a
    /// warning and is listed as ignored.
    public static func make(_ paths: [String], options: CaseAudits.Options = .init()) throws(CaseError) -> CaseReport {
        let gathered = try CaseInputs(paths)
        defer { gathered.removeExtracted() }
        var inputs: [CaseInput] = gathered.paths.map { path in
            let (kind, ignored) = InputKind.recognize(path)
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64) ?? 0
            return CaseInput(file: gathered.shownAs[path] ?? path, kind: kind, bytes: kind == .mountedVolume ? 0 : size, sha256: nil, ignored: ignored)
        }
        let plan = CaseAudits.plan(&inputs, paths: gathered.paths)
        let hashes = Hashes(count: inputs.count)
        var alongside: [CaseTask] = []
        for (i, path) in gathered.paths.enumerated() where inputs[i].kind != .mountedVolume {
            alongside.append(CaseTask(cost: CaseTask.size(path) * 0.6) { hashes.set(i, try? CaseInput.sha256(of: path)) })
        }
        let (parts, errors) = CaseAudits.run(plan, options: options, alongside: alongside)
        var warnings: [String] = []
        for i in inputs.indices { inputs[i].sha256 = hashes.value(i) }
        for (path, error) in errors {
            warnings.append(QuotedText.oneLine(error))
            if let i = gathered.paths.firstIndex(of: path) { inputs[i].ignored = "could not be read: " + QuotedText.oneLine(error) }
        }
        let judge = CaseJudge(parts: parts, writer: options.writer, limits: options.limits)
        let findings = judge.findings()
        let verdict = judge.verdict(findings: findings)
        return CaseReport(inputs: inputs, verdict: verdict, findings: findings, missing: judge.missing(verdict), parts: parts,
                          warnings: warnings, writer: options.writer)
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
