import EventLogAudit
import Foundation
import ServiceAudit
import TraceAudit
import VolumeAudit
import WriterScope

/// Joins the audits of a case into one verdict: every finding points to a cause; the cause the most
/// independent sources support is the verdict (the event log says what failed and when, the trace where, the
/// volume, ACLs and hive show the state and give the fix). Agreement between sources raises the confidence,
/// disagreement is stated and lowers it, and what is missing to be sure is listed with how to collect it.
public struct CaseJudge {
    public let parts: CaseParts
    public let writer: String
    public let limits: FolderLimits
    /// The upload as given on the command line, for the fix lines that run the case again.
    public let upload: [String]

    public init(
        parts: CaseParts, writer: String = "System Writer", limits: FolderLimits = FolderLimits(), upload: [String] = []
    ) {
        self.parts = parts
        self.writer = writer
        self.limits = limits
        self.upload = upload
    }

    // MARK: findings

    /// Whether the case is about the System Writer: the volume, the ACLs, the services and CAPI2 speak
    /// only of it, and never make a cause of another writer's case.
    var judgesSystemWriter: Bool { writer == WriterEvents.systemWriterName }

    /// Every finding of every audit, with its impact and the cause it points to (causes only).
    public func findings() -> [CaseFinding] {
        var out: [CaseFinding] = []
        let own = judgesSystemWriter
        if let log = parts.eventlog {
            for f in log.findings {
                let cause: CaseVerdict.Kind? =
                    switch f.kind {
                    case .metadataTooLong: .folderLimit
                    case .fileAccess: .permissions
                    case .serviceAccess: .serviceAccess
                    case .writerStartup: f.service != nil ? .serviceAccess : .writerFailed
                    case .serviceNotRunning: .serviceNotRunning
                    case .vssAccessControl: .vssAccessControl
                    case .identifyFailed, .writerFailed, .vssRegistration: .writerFailed
                    case .backupEnumeration: .imagePath
                    default: nil
                    }
                let systemWriterFact = f.provider == WriterEvents.capi2
                let impact = !own && systemWriterFact ? Impact.info : f.impact
                out.append(
                    CaseFinding(
                        source: .eventlog, kind: f.kind.rawValue, file: f.file,
                        where: "record \(f.record)" + (f.time.map { ", \($0)" } ?? ""), summary: f.summary,
                        cause: cause, impact: impact, why: f.why))
            }
        }
        if let trace = parts.trace, let verdict = trace.verdict {
            let cause: CaseVerdict.Kind? =
                switch verdict.kind {
                case .folderLimit: .folderLimit
                case .permissions: .permissions
                case .incomplete: .incomplete
                case .clean: nil
                }
            if let cause {
                out.append(
                    CaseFinding(
                        source: .trace, kind: verdict.kind.rawValue, file: trace.file,
                        where: traceWhere(verdict.row, verdict.path), summary: verdict.summary, cause: cause,
                        impact: verdict.impact))
            }
            for also in verdict.also {
                out.append(
                    CaseFinding(
                        source: .trace, kind: also.kind.rawValue, file: trace.file,
                        where: traceWhere(also.row, also.path),
                        summary: also.summary,
                        cause: also.kind == .folderLimit
                            ? .folderLimit : also.kind == .permissions ? .permissions : nil,
                        impact: also.impact))
            }
        }
        if let volume = parts.volume {
            // The folder the trace names first (the two agree), then causes before context, the worst first.
            let traced = (parts.trace?.verdict?.kind == .folderLimit ? parts.trace?.verdict?.path : nil).map(
                Self.normalized)
            let ordered = volume.findings.sorted { a, b in
                let (ta, tb) = (Self.normalized(a.path) == traced, Self.normalized(b.path) == traced)
                if ta != tb { return ta }
                if a.impact != b.impact { return a.impact < b.impact }
                return a.severity > b.severity
            }
            for f in ordered {
                let agrees = Self.normalized(f.path) == traced ? " (the folder the trace names)" : ""
                out.append(
                    CaseFinding(
                        source: .volume,
                        kind: f.over.contains(.pathLength)
                            ? "path-length" : f.over == [.totalFiles] ? "total-files" : "folder-limit",
                        file: volume.root, where: f.path,
                        summary: Self.counts(f, limits: volume.limits) + agrees, cause: .folderLimit,
                        impact: own ? f.impact : .info, why: f.why))
            }
        }
        if let acl = parts.acl {
            for f in acl.findings {
                out.append(
                    CaseFinding(
                        source: .acl, kind: "unreadable", file: acl.source, where: f.path,
                        summary: "\(f.principal) cannot read it: \(f.reason)", cause: .permissions,
                        impact: own ? f.impact : .info, why: f.why))
            }
        }
        if let services = parts.services {
            // The services the event log names first: they are the ones the chain shows.
            let named = (parts.eventlog?.findings ?? []).compactMap(\.service)
            let ordered =
                services.findings.filter { f in named.contains { Self.names(f, $0) } }
                + services.findings.filter { f in !named.contains { Self.names(f, $0) } }
            for f in ordered {
                let cause: CaseVerdict.Kind? =
                    switch f.kind {
                    case .serviceAccess: .serviceAccess
                    case .imagePath, .writerSetting: nil
                    case .imagePathSyntax: .imagePath
                    case .serviceDisabled, .serviceMissing, .serviceAccount, .serviceHost: .serviceNotRunning
                    case .vssAccessControl: .vssAccessControl
                    case .setupInProgress: .setupInProgress
                    }
                out.append(
                    CaseFinding(
                        source: .services, kind: f.kind.rawValue, file: services.source,
                        where: f.kind == .vssAccessControl || f.kind == .setupInProgress || f.kind == .writerSetting
                            ? f.service : "\(services.controlSet)\\Services\\\(f.service)",
                        summary: f.detail, cause: cause, impact: own ? f.impact : .info, why: f.basis))
            }
        }
        if let list = parts.vssadmin, own {
            out.append(vssadminFinding(list))
        }
        if let coverage = modelCoverageFinding() { out.append(coverage) }
        return out
    }

    /// A Windows older than the writer the model was read from (2008 R2): said, with the folders over the
    /// field's limits where the newer writer does not walk, as context (WRITER-MODEL.md §7).
    func modelCoverageFinding() -> CaseFinding? {
        guard judgesSystemWriter, let software = parts.software, let build = software.build,
            let judgement = ModelCoverage.judge(build: build)
        else { return nil }
        let elsewhere = (parts.volume?.findings ?? []).filter {
            !$0.impact.isCause && ($0.over.contains(.files) || $0.over.contains(.subfolders))
        }
        var summary = "\(software.windows ?? "build \(build)"): older than the writer the model was read from"
        if !elsewhere.isEmpty {
            summary +=
                "; over the field's limits here: "
                + elsewhere.prefix(5).map {
                    "\($0.path) (\($0.subfolders.formatted()) subfolders, \($0.files.formatted()) files)"
                }
                .joined(separator: ", ")
        }
        return CaseFinding(
            source: .software, kind: "model-coverage", file: software.source,
            where: "Microsoft\\Windows NT\\CurrentVersion", summary: summary, cause: nil, impact: judgement.impact,
            why: judgement.why + " [" + judgement.source + "]")
    }

    /// What `vssadmin list writers` says of the writer: not listed or failed is the symptom (it points to
    /// `writer-failed` until another source says why); listed and stable is context.
    func vssadminFinding(_ list: VSSWriterList) -> CaseFinding {
        guard let w = list.writer(named: writer) else {
            return CaseFinding(
                source: .vssadmin, kind: "writer-not-listed", file: list.file,
                where: "\(list.writers.count) writers listed",
                summary:
                    "vssadmin list writers does not list the \(writer) (\(list.writers.count) other writers are listed): it did not register",
                cause: .writerFailed, impact: .missingWriter,
                why: "the symptom a System State backup fails on (KB2009272)")
        }
        let state = "State [\(w.stateNumber.map(String.init) ?? "?")] \(w.state), last error: \(w.lastError)"
        if w.healthy {
            return CaseFinding(
                source: .vssadmin, kind: "writer-listed", file: list.file, where: "line \(w.line)",
                summary: "vssadmin list writers lists the \(writer): \(state)", cause: nil, impact: .info)
        }
        return CaseFinding(
            source: .vssadmin, kind: "writer-failed-state", file: list.file, where: "line \(w.line)",
            summary: "vssadmin list writers lists the \(writer) as failed: \(state)", cause: .writerFailed,
            impact: .missingWriter, why: "a writer in a failed state fails the System State backup")
    }

    private func traceWhere(_ row: Int?, _ path: String?) -> String {
        var parts: [String] = []
        if let row { parts.append("row \(row)") }
        if let window = self.parts.trace?.judgedWindow {
            parts.append("IDENTIFY of \(window.process) (PID \(window.pid))")
        }
        if let path { parts.append(path) }
        return parts.joined(separator: ", ")
    }

    /// The volume's folders whose counts stop the writer (inside Windows\\Microsoft.NET).
    static func overLimit(_ volume: VolumeReport) -> [VolumeFinding] {
        volume.causes.filter {
            $0.over.contains(.files) || $0.over.contains(.subfolders) || $0.over.contains(.totalFiles)
        }
    }

    static func counts(_ f: VolumeFinding, limits: FolderLimits) -> String {
        let over = f.over.map { e -> String in
            switch e {
            case .files: "over the \(limits.maxFiles.formatted())-file limit"
            case .subfolders: "over the \(limits.maxSubfolders.formatted())-subfolder limit"
            case .pathLength: "a path of \(f.pathLength) characters, longer than the writer's walk can build (259)"
            case .totalFiles: "\(f.files.formatted()) files under Microsoft.NET in all, far above stock"
            }
        }
        let what =
            "\(f.files.formatted()) files and \(f.subfolders.formatted()) subfolders: \(over.joined(separator: ", "))"
        return f.impact.isCause ? what : what + " (\(f.why))"
    }

    // MARK: verdict

    public func verdict(findings: [CaseFinding]) -> CaseVerdict {
        // Sources per cause, and each cause's first link per source (the strongest: the event log's
        // latest event, the trace's verdict, the volume's worst folder).
        var sources: [CaseVerdict.Kind: [EvidenceSource]] = [:]
        var links: [CaseVerdict.Kind: [EvidenceLink]] = [:]
        for f in findings {
            guard let cause = f.cause else { continue }
            if !(sources[cause] ?? []).contains(f.source) {
                sources[cause, default: []].append(f.source)
                links[cause, default: []].append(
                    EvidenceLink(source: f.source, file: f.file, where: f.where, finding: f.summary))
            } else if f.source == .eventlog, let i = links[cause]?.firstIndex(where: { $0.source == .eventlog }) {
                // The latest event of the kind stands for the others ("3 times").
                let n = findings.filter { $0.source == .eventlog && $0.cause == cause }.count
                links[cause]![i] = EvidenceLink(
                    source: .eventlog, file: f.file, where: f.where, finding: f.summary + " (\(n) times in the log)")
            }
        }
        let causes: [CaseVerdict.Kind] = [
            .folderLimit, .permissions, .serviceAccess, .serviceNotRunning, .vssAccessControl, .setupInProgress,
            .writerFailed, .imagePath,
        ]
        let traceKind = findings.first { $0.source == .trace }?.cause
        let eventKind = findings.last { $0.source == .eventlog && $0.cause != nil }?.cause
        let ranked = causes.filter { sources[$0] != nil }.sorted { a, b in
            // writer-failed says only that the writer failed: any cause that says why comes first.
            if (a == .writerFailed) != (b == .writerFailed) { return b == .writerFailed }
            let (sa, sb) = (score(sources[a]!), score(sources[b]!))
            if sa != sb { return sa > sb }
            for preferred in [traceKind, eventKind] where preferred != nil {
                if a == preferred { return true }
                if b == preferred { return false }
            }
            return causes.firstIndex(of: a)! < causes.firstIndex(of: b)!
        }
        guard let primary = ranked.first else { return noCause(findings: findings) }
        var chain = links[primary] ?? []
        // The symptom vssadmin shows supports any cause that removes the writer.
        if primary != .writerFailed, primary != .imagePath,
            let v = findings.first(where: { $0.source == .vssadmin && $0.cause != nil })
        {
            chain.append(EvidenceLink(source: .vssadmin, file: v.file, where: v.where, finding: v.summary))
        }
        chain.sort { order($0.source) < order($1.source) }
        let disagreements = self.disagreements(primary, findings: findings)
        chain += disagreements
        let used = Set(sources[primary]!)
        var confidence: CaseVerdict.Confidence =
            used.count >= 2 && used.contains(where: \.isState)
            ? .confirmed
            : used.count >= 2 || used.contains(where: \.isState) ? .likely : .possible
        if !disagreements.isEmpty { confidence = confidence == .confirmed ? .likely : .possible }
        // vssadmin's "not listed" is the symptom the chain already shows, not another cause.
        let symptomOnly = sources[.writerFailed] == [.vssadmin]
        let others = ranked.dropFirst().filter { !($0 == .writerFailed && symptomOnly) }.map(\.rawValue)
        var summary = Self.summary(
            primary, writer: writer, findings: findings.filter { $0.cause == primary },
            tracePath: parts.trace?.verdict?.path)
        summary +=
            " Supported by \(used.count == 1 ? "one source" : "\(used.count) sources") (\(chain.filter { $0.stance == .supports && $0.source != .vssadmin }.map(\.source.rawValue).joined(separator: ", ")))"
        if chain.contains(where: { $0.source == .vssadmin && $0.stance == .supports }) {
            summary += "; vssadmin shows the writer missing"
        }
        summary += disagreements.isEmpty ? "." : "; \(disagreements.count) disagreeing."
        if !others.isEmpty { summary += " Also found: \(others.joined(separator: ", "))." }
        return CaseVerdict(
            kind: primary, summary: summary, confidence: confidence, chain: chain, fix: fix(primary, findings: findings)
        )
    }

    /// A path as a POSIX shell takes it (quoted only when it must be).
    static func shellQuoted(_ s: String) -> String {
        let plain =
            !s.isEmpty
            && s.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) || "-_./:@%+=,".unicodeScalars.contains($0)
            }
        return plain ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private func score(_ s: [EvidenceSource]) -> Int { s.count * 2 + (s.contains(where: \.isState) ? 1 : 0) }

    private func order(_ s: EvidenceSource) -> Int {
        switch s {
        case .eventlog: 0
        case .trace: 1
        case .volume: 2
        case .acl: 3
        case .services: 4
        case .vssadmin: -1
        case .software: 5
        }
    }

    /// No cause: a clean IDENTIFY (and clean audits), a window that did not end, or nothing to judge.
    private func noCause(findings: [CaseFinding]) -> CaseVerdict {
        if let trace = parts.trace, trace.verdict == nil {
            // A capture without the writer's IDENTIFY cannot say the writer is healthy.
            return CaseVerdict(
                kind: .incomplete,
                summary:
                    "Capture incomplete: the Procmon log holds no IDENTIFY of the \(writer), so it cannot show where it fails (or that it does not).",
                confidence: .likely,
                chain: [
                    EvidenceLink(
                        source: .trace, file: trace.file, where: "\(trace.rows.formatted()) rows",
                        finding:
                            "no IDENTIFY window of the \(writer) (\(trace.writers.count) VSS components logged markers)"
                    )
                ],
                fix: [
                    "Capture again as the collector does (writer-audit collector): VSS diagnostic logging on, stop CryptSvc, start Procmon, start CryptSvc, vssadmin list writers, save the PML."
                ])
        }
        if let trace = parts.trace, let v = trace.verdict {
            let link = EvidenceLink(
                source: .trace, file: trace.file, where: traceWhere(v.row, v.path), finding: v.summary)
            if v.kind == .incomplete {
                return CaseVerdict(
                    kind: .incomplete, summary: "The \(writer)'s IDENTIFY did not end: \(v.summary)",
                    confidence: .likely,
                    chain: [link],
                    fix: [
                        "Capture again (see missing) and look at what ended the process: a crash of the CryptSvc svchost shows in the Application log (Application Error 1000)."
                    ])
            }
            if v.kind == .clean {
                var chain = [link]
                for (source, file) in cleanParts() {
                    chain.append(EvidenceLink(source: source, file: file, where: "-", finding: "no cause"))
                }
                return CaseVerdict(
                    kind: .clean,
                    summary: "The \(writer)'s IDENTIFY completed clean and nothing found stops the \(writer)."
                        + Self.noiseNote(findings),
                    confidence: chain.count >= 2 ? .confirmed : .likely, chain: chain, fix: [])
            }
        }
        let clean = cleanParts()
        if clean.isEmpty {
            return CaseVerdict(
                kind: .unknown, summary: "Nothing in the upload could be judged for the \(writer).",
                confidence: .possible, chain: [],
                fix: ["Collect what is listed under missing and run the case again."])
        }
        let chain = clean.map { EvidenceLink(source: $0.0, file: $0.1, where: "-", finding: "no cause") }
        let coverage = findings.first { $0.kind == "model-coverage" }
        return CaseVerdict(
            kind: .clean,
            summary: "Nothing found stops the \(writer) (\(clean.map(\.0.rawValue).joined(separator: ", ")))."
                + Self.noiseNote(findings)
                + (coverage != nil
                    ? " The writer model may not hold on this Windows (\(parts.software.flatMap { $0.windows ?? $0.build.map { "build \($0)" } } ?? "an older build"))."
                    : ""),
            confidence: coverage != nil ? .possible : clean.count >= 3 ? .likely : .possible, chain: chain, fix: [])
    }

    /// " Known noise, safe to ignore: N benign findings (listed below)." when there are some.
    static func noiseNote(_ findings: [CaseFinding]) -> String {
        let n = findings.filter { $0.impact == .benign }.count
        return n == 0
            ? "" : " Known noise, safe to ignore: \(n) benign finding\(n == 1 ? "" : "s") (listed with their sources)."
    }

    /// The audits that found no cause.
    private func cleanParts() -> [(EvidenceSource, String)] {
        var out: [(EvidenceSource, String)] = []
        if let p = parts.eventlog, p.causes.isEmpty {
            out.append((.eventlog, p.files.map(\.file).joined(separator: ", ")))
        }
        if let p = parts.volume, p.causes.isEmpty { out.append((.volume, p.root)) }
        if let p = parts.acl, p.causes.isEmpty { out.append((.acl, p.source)) }
        if let p = parts.services, !p.findings.contains(where: \.impact.isCause) { out.append((.services, p.source)) }
        if let p = parts.vssadmin, p.writer(named: writer)?.healthy == true { out.append((.vssadmin, p.file)) }
        return out
    }

    // MARK: disagreement

    static func normalized(_ windowsPath: String) -> String {
        var s = windowsPath.replacingOccurrences(of: "/", with: "\\")
        if s.count >= 2, s.dropFirst().first == ":" { s.removeFirst(2) }
        while s.hasPrefix("\\") { s.removeFirst() }
        while s.hasSuffix("\\") { s.removeLast() }
        return s.lowercased()
    }

    private func disagreements(_ primary: CaseVerdict.Kind, findings: [CaseFinding]) -> [EvidenceLink] {
        var out: [EvidenceLink] = []
        if primary != .imagePath,
            let listed = findings.first(where: { $0.source == .vssadmin && $0.kind == "writer-listed" })
        {
            out.append(
                EvidenceLink(
                    source: .vssadmin, file: listed.file, where: listed.where,
                    finding: listed.summary
                        + ": the writer was there when vssadmin ran (after a fix, or it fails only now and then)",
                    stance: .disagrees))
        }
        let events = findings.filter { $0.source == .eventlog && $0.cause == primary }
        if let trace = parts.trace, let v = trace.verdict, v.kind == .clean, let e = events.last {
            out.append(
                EvidenceLink(
                    source: .trace, file: trace.file, where: traceWhere(v.row, v.path),
                    finding:
                        "the trace's IDENTIFY ends clean while the event log says \(e.kind) (\(e.where)): the capture may be from after a fix, or of another writer",
                    stance: .disagrees))
        }
        if primary == .folderLimit, let trace = parts.trace, let v = trace.verdict, v.kind == .folderLimit,
            let path = v.path,
            let volume = parts.volume
        {
            let p = Self.normalized(path)
            if !volume.causes.contains(where: { Self.normalized($0.path) == p }) {
                out.append(
                    EvidenceLink(
                        source: .volume, file: volume.root, where: path,
                        finding:
                            "the trace names this folder, and the volume shows it under the limits (or without it): the volume may be from after a cleanup",
                        stance: .disagrees))
            }
        }
        if primary == .permissions, let trace = parts.trace, let v = trace.verdict, v.kind == .permissions,
            let path = v.path,
            let acl = parts.acl
        {
            let p = Self.normalized(path)
            // The denied path itself, or a folder above it (a folder the writer may not list hides its files).
            if !acl.causes.contains(where: {
                let a = Self.normalized($0.path); return a == p || p.hasPrefix(a + "\\")
            }), acl.entries > 0 {
                out.append(
                    EvidenceLink(
                        source: .acl, file: acl.source, where: path,
                        finding:
                            "the trace was denied this path, and the ACLs let the writer read it (or do not list it)",
                        stance: .disagrees))
            }
        }
        if primary == .serviceAccess, let services = parts.services {
            for e in parts.eventlog?.findings ?? [] where e.kind == .serviceAccess {
                let named = e.service ?? ""
                if !services.findings.contains(where: {
                    $0.kind == .serviceAccess && $0.impact.isCause && Self.names($0, named)
                }) {
                    out.append(
                        EvidenceLink(
                            source: .services, file: services.source, where: named,
                            finding:
                                "CAPI2 513 names \(named), and its descriptor in this hive grants the writer what it needs: the hive may be from after a fix",
                            stance: .disagrees))
                    break
                }
            }
        }
        if primary == .serviceNotRunning, let services = parts.services {
            // The hive explains the events when it flags one of the services they name (disabled, missing,
            // another account); when it flags none, the services failed at start, or the hive is newer.
            let named = Set(
                (parts.eventlog?.findings ?? []).filter { $0.kind == .serviceNotRunning }.compactMap(\.service))
            let keys = named.compactMap { Self.serviceNames[$0]?.lowercased() }
            let explained = services.findings.contains { f in
                [.serviceDisabled, .serviceMissing, .serviceAccount, .serviceHost].contains(f.kind)
                    && keys.contains(f.service.lowercased())
            }
            if !named.isEmpty, !explained {
                out.append(
                    EvidenceLink(
                        source: .services, file: services.source, where: "\(services.controlSet)\\Services",
                        finding:
                            "the event log says \(named.sorted().joined(separator: ", ")) did not run, and the hive has them installed, enabled and under their usual accounts: a failure at start (see the events' errors), or a hive from after a fix",
                        stance: .disagrees))
            }
        }
        return out
    }

    /// Display names CAPI2 writes for services whose `DisplayName` in the hive is an indirect string
    /// (`@%SystemRoot%\system32\drivers\mslldp.sys,-200`), resolved from the binary's resources on Windows.
    static let knownDisplayNames: [String: String] = [
        "mslldp": "Microsoft Link-Layer Discovery Protocol",
        "pnrpautoreg": "PNRP Machine Name Publication Service",
        "wcncsvc": "Windows Connect Now - Config Registrar",
        "lltdio": "Link-Layer Topology Discovery Mapper I/O Driver",
        "rspndr": "Link-Layer Topology Discovery Responder",
        "ipbusenum": "PnP-X IP Bus Enumerator",
        "secdrv": "Security Driver",
    ]

    /// Whether a service finding is about the service a CAPI2 event names.
    static func names(_ f: ServiceFinding, _ named: String) -> Bool {
        let n = named.lowercased()
        return f.displayName?.lowercased() == n || f.service.lowercased() == n
            || knownDisplayNames[f.service.lowercased()]?.lowercased() == n
    }

    // MARK: fix and summary

    /// Display names (as the SCM writes them) to service names, from the model.
    static let serviceNames: [String: String] = Dictionary(
        WriterServices.displayNames.compactMap { name in
            WriterEvents.dependency(displayName: name).map { (name, $0.name) }
        },
        uniquingKeysWith: { a, _ in a })

    static func summary(_ kind: CaseVerdict.Kind, writer: String, findings: [CaseFinding], tracePath: String?) -> String
    {
        switch kind {
        case .folderLimit:
            let volume = findings.first { $0.source == .volume }
            if tracePath == nil, let volume, volume.kind == "total-files" {
                return
                    "The \(writer)'s metadata grows too long: it lists every file under \(volume.where), far more than a stock Windows holds (VSS 8193, KB3098315)."
            }
            let folder = tracePath ?? volume?.where ?? "a folder"
            return "The \(writer) dies in OnIdentify on a folder over the limits (\(folder))."
        case .permissions:
            let path = tracePath ?? findings.first { $0.source == .acl }?.where ?? "files in WinSxS or Microsoft.NET"
            return "The \(writer) cannot read files it protects (\(path))."
        case .serviceAccess:
            return
                "COM+ Event System's security descriptor denies the \(writer) the right to query it (LC), so it never registers."
        case .serviceNotRunning:
            return "A service the \(writer) needs does not run (COM+ Event System, Cryptographic Services or VSS)."
        case .vssAccessControl:
            return "VSS refuses the \(writer)'s account: VssAccessControl does not allow NETWORK SERVICE (VSS 8213)."
        case .setupInProgress:
            return "Windows says setup is in progress (SystemSetupInProgress): the \(writer) does not start."
        case .writerFailed:
            return "The \(writer) failed to start or in OnIdentify (CAPI2 512/513, VSS)."
        case .imagePath:
            return "The \(writer) is there, but a driver's ImagePath makes system state backup fail (KB968247)."
        case .incomplete, .clean, .unknown:
            return ""
        }
    }

    private func fix(_ kind: CaseVerdict.Kind, findings: [CaseFinding]) -> [String] {
        var out: [String] = []
        switch kind {
        case .folderLimit:
            var folders: [(String, WriterArea)] = []
            for f in parts.volume.map(Self.overLimit) ?? [] {
                guard f.over == [.totalFiles], let net = parts.volume?.microsoftNET else {
                    folders.append((f.path, f.area))
                    continue
                }
                // The total under Microsoft.NET: what Temporary ASP.NET Files holds can go (ASP.NET rebuilds
                // it); the product that fills the rest is named only when the rest alone is far above stock.
                if net.temporaryASPNETFiles > 0 {
                    folders.append((f.path + "\\Framework*\\v*\\Temporary ASP.NET Files", .temporaryASPNET))
                }
                if net.files - net.temporaryASPNETFiles > limits.maxMicrosoftNETFiles {
                    folders.append((f.path, f.area))
                }
            }
            if folders.isEmpty, let path = parts.trace?.verdict?.path {
                folders = [(path, WriterArea.of(windowsPath: path))]
            }
            let temporary = folders.filter { $0.1 == .temporaryASPNET }
            if !temporary.isEmpty {
                if let plan = parts.cleanup, !plan.deletions.isEmpty {
                    let again = (["writer-audit", "case"] + upload.map(Self.shellQuoted) + ["--out", "fix"]).joined(
                        separator: " ")
                    out.append(
                        "\(again)   (writes fix/remediate.ps1: \(plan.deletions.count) item\(plan.deletions.count == 1 ? "" : "s") planned in Temporary ASP.NET Files; copy it to the server)"
                    )
                    out.append(
                        ".\\remediate.ps1            (on the server, elevated: a dry run that lists what it would delete)"
                    )
                    out.append(".\\remediate.ps1 -Apply -RestartIis")
                } else {
                    // No volume, image or listing to plan from: the folder the trace names, emptied by hand.
                    for (path, _) in temporary {
                        // A wildcard (the total's Framework*\v*\…) goes through -Path; a named folder is literal.
                        let how = path.contains("*") ? "-Path" : "-LiteralPath"
                        out.append(
                            "iisreset /stop; Remove-Item \(how) '\(path.replacingOccurrences(of: "'", with: "''"))\\*' -Recurse -Force; iisreset /start"
                        )
                    }
                    out.append(
                        "(or collect the upload with writer-audit collector: the case then plans the cleanup and writes remediate.ps1)"
                    )
                }
            }
            for (path, area) in folders where area != .temporaryASPNET {
                out.append(
                    "\(path) is not a temporary location: remove or repair the product that fills it (KB2807849), then vssadmin list writers."
                )
            }
            out.append("Check: vssadmin list writers lists the \(writer) again.")
        case .permissions:
            let causes = parts.acl?.causes ?? []
            var lines = causes.flatMap(ACLFix.lines)
            if causes.isEmpty, let path = parts.trace?.verdict?.path { lines = ACLFix.grant(path) }
            var seen = Set<String>()
            lines = lines.filter { seen.insert($0).inserted }
            out += lines.prefix(20)
            if lines.count > 20 { out.append("… and \(lines.count - 20) more: --out writes them all to fix-acl.ps1") }
            let paths = lines
            if paths.isEmpty {
                out.append(
                    "Find the files with writer-audit acl on an image, or icacls /save of WinSxS\\FileMaps, Temp\\PendingRenames and Microsoft.NET, then grant NETWORK SERVICE (*S-1-5-20) read and execute."
                )
            }
        case .serviceAccess, .serviceNotRunning, .vssAccessControl, .setupInProgress, .imagePath:
            let wanted: Set<ServiceFindingKind> =
                switch kind {
                case .serviceAccess: [.serviceAccess]
                case .vssAccessControl: [.vssAccessControl]
                case .setupInProgress: [.setupInProgress]
                case .imagePath: [.imagePathSyntax]
                default: [.serviceDisabled, .serviceMissing, .serviceAccount, .serviceHost]
                }
            var seen = Set<String>()
            out = (parts.services?.findings ?? []).filter { wanted.contains($0.kind) && $0.impact.isCause }.map(\.fix)
                .filter { seen.insert($0).inserted }
            if out.isEmpty {
                let eventKind: EventFindingKind = kind == .serviceAccess ? .writerStartup : .serviceNotRunning
                let named = Set((parts.eventlog?.findings ?? []).filter { $0.kind == eventKind }.compactMap(\.service))
                for name in named.sorted() {
                    if kind == .serviceNotRunning, let dep = WriterEvents.dependency(displayName: name) {
                        out.append(
                            "sc.exe config \(dep.name) start= \(dep.defaultStart == 2 ? "auto" : "demand") && net start \(dep.name)"
                        )
                    } else {
                        out.append(
                            "writer-audit services on the SYSTEM hive gives the sc.exe sdset line for \(name) (reg save HKLM\\SYSTEM system.hiv)."
                        )
                    }
                }
            }
        case .writerFailed:
            out.append(
                "Read the CAPI2 512/513 and VSS events above for the step that failed; writer-audit services on the SYSTEM hive and volume on an image check the usual causes."
            )
        case .incomplete, .clean, .unknown:
            break
        }
        return out
    }

    // MARK: missing

    /// What would make the verdict surer, with how to collect it.
    public func missing(_ verdict: CaseVerdict) -> [String] {
        var out: [String] = []
        if parts.eventlog == nil {
            out.append(
                "The event logs: wevtutil epl Application Application.evtx and wevtutil epl System System.evtx (an elevated prompt on the server)."
            )
        }
        if parts.trace == nil || parts.trace?.verdict == nil {
            out.append(
                "A Procmon capture of the \(writer)'s IDENTIFY: net stop cryptsvc; start Procmon; net start cryptsvc; vssadmin list writers; stop the capture and save Logfile.PML (all events). VSS diagnostic logging must be on (HKLM\\SYSTEM\\CurrentControlSet\\Services\\VSS\\Diag) for the IDENTIFY markers."
            )
        }
        if parts.services == nil {
            out.append(
                "The SYSTEM hive: reg save HKLM\\SYSTEM system.hiv (with its services' descriptors and start types).")
        }
        if parts.volume == nil, verdict.kind == .folderLimit || verdict.kind == .unknown {
            out.append(
                "The system volume (an image or VHD, or writer-audit volume on a mounted copy): confirms the folder's counts and gives the cleanup plan."
            )
        }
        if parts.acl == nil, verdict.kind == .permissions || verdict.kind == .unknown {
            out.append(
                "The ACLs: icacls C:\\Windows\\WinSxS\\FileMaps /save filemaps.acl /t /c, icacls C:\\Windows\\Temp\\PendingRenames /save pendingrenames.acl /t /c and icacls C:\\Windows\\Microsoft.NET /save dotnet.acl /t /c."
            )
        }
        return out
    }
}
