import Foundation
import WriterScope

#if canImport(Glibc)
    import Glibc
#endif

/// What an event says about the System Writer: the class WriterScope gives it (WRITER-MODEL.md §4).
public typealias EventFindingKind = WriterEvents.Kind

/// One finding, with the event it comes from and its impact on the writer.
public struct EventFinding: Sendable, Equatable, Encodable {
    public var kind: EventFindingKind
    public var impact: Impact
    public var confidence: Confidence
    /// Why it has that impact, and the source (a KB article, the model).
    public var why: String
    public var basis: String
    public var writer: String?
    public var service: String?
    public var hr: String?
    public var routine: String?
    public var detail: String?
    public var file: String
    public var record: UInt64
    public var time: String?
    public var provider: String
    public var eventId: Int
    public var summary: String

    enum CodingKeys: String, CodingKey {
        case kind, impact, confidence, why, basis, writer, service, hr, routine, detail, file, record, time, provider,
            eventId, summary
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(impact, forKey: .impact)
        try c.encode(confidence, forKey: .confidence)
        try c.encode(why, forKey: .why)
        try c.encode(basis, forKey: .basis)
        try c.encode(writer, forKey: .writer)
        try c.encode(service, forKey: .service)
        try c.encode(hr, forKey: .hr)
        try c.encode(routine, forKey: .routine)
        try c.encode(detail, forKey: .detail)
        try c.encode(file, forKey: .file)
        try c.encode(record, forKey: .record)
        try c.encode(time, forKey: .time)
        try c.encode(provider, forKey: .provider)
        try c.encode(eventId, forKey: .eventId)
        try c.encode(summary, forKey: .summary)
    }
}

/// Judges events for the System Writer (or another writer named).
public enum EventJudge {
    /// Whether the event bears on the writer: the model classes it.
    public static func isRelevant(_ e: Event, writer: String = WriterEvents.systemWriterName) -> Bool {
        finding(e, writer: writer) != nil
    }

    /// One line of an event string: line breaks and runs of spaces become one space.
    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private static let providerNeedles: [(name: String, bytes: [UInt8])] = [
        ("VSS", Array("Name=\"VSS\"".utf8)),
        ("Microsoft-Windows-CAPI2", Array("Name=\"Microsoft-Windows-CAPI2\"".utf8)),
        ("Service Control Manager", Array("Name=\"Service Control Manager\"".utf8)),
        ("Microsoft-Windows-Backup", Array("Name=\"Microsoft-Windows-Backup\"".utf8)),
    ]
    private static let eventIDTag: [UInt8] = Array("<EventID".utf8)
    private static let applicationChannel: [UInt8] = Array("<Channel>Application<".utf8)
    private static let levelTag: [UInt8] = Array("<Level".utf8)

    /// Whether a record, by its XML, may bear on the writer: it names one of the judged providers (and,
    /// for VSS and CAPI2, an event id, and for CAPI2 a level, the judge looks at). A superset of `isRelevant`: a record it lets
    /// through is read into a tree and judged exactly; a record it stops cannot be relevant (its provider
    /// or event id is not one the judge takes). An EventID whose text is not a plain number lets it through.
    public static func mayBeRelevant(xml: UnsafeRawBufferPointer) -> Bool {
        func find(_ needle: [UInt8], from start: Int = 0) -> Int? {
            guard start < xml.count else { return nil }
            let first = needle[0]
            var i = start
            let last = xml.count - needle.count
            while i <= last {
                guard let hit = memchr(xml.baseAddress! + i, Int32(first), last - i + 1) else { return nil }
                i = UnsafeRawPointer(hit) - xml.baseAddress!
                var k = 1
                while k < needle.count, xml[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
                i += 1
            }
            return nil
        }
        /// The plain numbers in every `<TAG ...>N<` of the record; nil when one is not a plain number.
        func numbers(_ tag: [UInt8]) -> [Int]? {
            var out: [Int] = []
            var at = 0
            while let hit = find(tag, from: at) {
                var p = hit + tag.count
                while p < xml.count, xml[p] != 0x3E { p += 1 }  // >
                p += 1
                var value = 0
                var digits = 0
                while p < xml.count, xml[p] == 0x20 || xml[p] == 0x09 || xml[p] == 0x0A { p += 1 }
                while p < xml.count, xml[p] >= 0x30, xml[p] <= 0x39, digits < 9 {
                    value = value * 10 + Int(xml[p] - 0x30)
                    digits += 1
                    p += 1
                }
                while p < xml.count, xml[p] == 0x20 || xml[p] == 0x09 || xml[p] == 0x0A { p += 1 }
                guard digits > 0, p < xml.count, xml[p] == 0x3C else { return nil }
                out.append(value)
                at = p
            }
            return out
        }
        let named = providerNeedles.filter { find($0.bytes) != nil }.map(\.name)
        guard !named.isEmpty else { return false }
        if named.contains(WriterEvents.scm) || named.contains(WriterEvents.backup) { return true }
        guard let ids = numbers(eventIDTag) else { return true }
        if named.contains(WriterEvents.vss), ids.contains(where: { !WriterEvents.vssNotListed.contains($0) }) {
            return true
        }
        guard named.contains(WriterEvents.capi2) else { return false }
        // CAPI2: the writer's own events, and its errors and warnings in the Application log.
        if ids.contains(where: { WriterEvents.capi2WriterEvents.contains($0) }) { return true }
        guard find(applicationChannel) != nil else { return false }
        guard let levels = numbers(levelTag) else { return true }
        return levels.contains { (1...3).contains($0) }
    }

    /// The finding an event makes, if the model classes it (WriterScope's WriterEvents): every event of
    /// VSS, Windows Server Backup, CAPI2's writer events and the SCM's about the writer's services, each
    /// with its impact. Another writer's failure is listed under that writer's name as `info`.
    public static func finding(_ e: Event, writer wanted: String = WriterEvents.systemWriterName) -> EventFinding? {
        guard let provider = e.provider, let id = e.eventId,
            let c = WriterEvents.classify(
                WriterEvents.Input(provider: provider, eventId: id, data: e.data, channel: e.channel, level: e.level),
                writer: wanted)
        else { return nil }
        let short = provider == WriterEvents.capi2 ? "CAPI2" : provider == WriterEvents.backup ? "Backup" : provider
        var summary = "\(short) \(id)"
        if let s = c.service { summary += ": \(s)" } else if let w = c.writer { summary += ": \(w)" }
        if let r = c.routine { summary += ": \(oneLine(r))" }
        if let hr = c.hr { summary += " (hr \(hr))" }
        if c.routine == nil, let d = c.detail { summary += ": \(String(d.prefix(160)))" }
        return EventFinding(
            kind: c.kind, impact: c.judgement.impact, confidence: c.judgement.confidence, why: c.judgement.why,
            basis: c.judgement.source, writer: c.writer, service: c.service, hr: c.hr, routine: c.routine,
            detail: c.detail, file: e.file, record: e.record, time: e.time, provider: provider, eventId: id,
            summary: summary)
    }
}
