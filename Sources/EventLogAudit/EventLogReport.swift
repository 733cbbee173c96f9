import WriterScope

/// The event logs judged for a writer: what each file held, the events that bear on the writer (oldest
/// first) and the findings they make.
public struct EventLogReport: Sendable, Encodable {
    public struct File: Sendable, Encodable {
        public var file: String
        public var records: Int
        public var chunks: Int
        public var warnings: [String]
    }

    public var files: [File]
    public var events: [Event]
    public var findings: [EventFinding]

    /// The findings that stop the writer or the backup.
    public var causes: [EventFinding] { findings.filter { $0.impact.isCause } }

    /// 1 when a finding is a cause, else 0 (benign and info never change it).
    public var exitCode: Int32 { (causes.isEmpty ? ExitStatus.nothingFound : .causeFound).rawValue }

    /// VSS 8193 errors in the minute of a VSS 13 shutdown are the field's shutdown noise: benign.
    mutating func markShutdownNoise() {
        let minutes = Set(
            findings.filter { $0.provider == WriterEvents.vss && $0.eventId == 13 && $0.kind == .shutdown }
                .compactMap { $0.time?.prefix(16) })
        guard !minutes.isEmpty else { return }
        for i in findings.indices {
            let f = findings[i]
            guard let minute = f.time?.prefix(16), minutes.contains(minute),
                WriterEvents.isShutdownNoise(eventId: f.eventId, provider: f.provider, kind: f.kind)
            else { continue }
            let noise = WriterEvents.shutdownNoise
            findings[i].kind = .shutdown
            findings[i].impact = noise.impact
            findings[i].confidence = noise.confidence
            findings[i].why = noise.why
            findings[i].basis = noise.source
        }
    }

    /// Reads every log (opened first: a file that is not a log is refused before any is read) and judges
    /// its events for `writer`.
    public static func judge(paths: [String], writer: String = "System Writer") throws(EventLogError) -> EventLogReport
    {
        var logs: [EventLogFile] = []
        for path in paths { logs.append(try EventLogFile(path: path)) }
        return judge(logs, writer: writer)
    }

    public static func judge(_ logs: [EventLogFile], writer: String = "System Writer") -> EventLogReport {
        var report = EventLogReport(files: [], events: [], findings: [])
        for log in logs {
            log.forEachRecord(whereXML: EventJudge.mayBeRelevant) { record in
                let e = Event(file: log.path, record: record)
                guard let f = EventJudge.finding(e, writer: writer) else { return }
                report.events.append(e)
                report.findings.append(f)
            }
            report.files.append(
                File(file: log.path, records: log.recordsRead, chunks: log.chunksRead, warnings: log.warningLines))
        }
        report.markShutdownNoise()
        report.events.sort { ($0.time ?? "", $0.record) < ($1.time ?? "", $1.record) }
        report.findings.sort { ($0.time ?? "", $0.record) < ($1.time ?? "", $1.record) }
        return report
    }
}
