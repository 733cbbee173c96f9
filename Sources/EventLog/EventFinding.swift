import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What an event says about the System Writer's failure.
public enum EventFindingKind: String, Sendable, Encodable {
    /// VSS 8193 "XML document is too long" (hr 0x80070018): the writer's metadata outgrew the limit, as a
    /// folder over 1,000 subfolders or 10,000 files makes it.
    case metadataTooLong = "metadata-too-long"
    /// Another VSS error naming a writer.
    case writerFailed = "writer-failed"
    /// CAPI2 513 AddLegacyDriverFiles ... Access is denied: a service's descriptor locks the writer out.
    case serviceAccess = "service-access"
    /// CAPI2 513 about files (AddCoreCsiFiles, BeginFileEnumeration, a path): access denied or not found.
    case fileAccess = "file-access"
    /// The Service Control Manager says a service the writer needs did not start or stopped.
    case serviceNotRunning = "service-not-running"
}

/// One finding, with the event it comes from.
public struct EventFinding: Sendable, Equatable, Encodable {
    public var kind: EventFindingKind
    public var writer: String?
    public var service: String?
    public var hr: String?
    public var routine: String?
    public var detail: String?
    public var file: String
    public var record: UInt64
    public var time: String?
    public var summary: String

    enum CodingKeys: String, CodingKey { case kind, writer, service, hr, routine, detail, file, record, time, summary }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(writer, forKey: .writer)
        try c.encode(service, forKey: .service)
        try c.encode(hr, forKey: .hr)
        try c.encode(routine, forKey: .routine)
        try c.encode(detail, forKey: .detail)
        try c.encode(file, forKey: .file)
        try c.encode(record, forKey: .record)
        try c.encode(time, forKey: .time)
        try c.encode(summary, forKey: .summary)
    }
}

/// Judges events for the System Writer (or another writer named).
public enum EventJudge {
    static let vssErrors: Set<Int> = [8193, 8194, 8229, 12289, 12292, 12293, 12294, 12298, 12302]
    static let scmFailures: Set<Int> = [7000, 7001, 7009, 7011, 7022, 7023, 7024, 7031, 7034]
    /// Display names of the services the writer needs, as the Service Control Manager names them.
    public static let writerServices = [
        "Cryptographic Services", "COM+ Event System", "Volume Shadow Copy", "COM+ System Application",
        "Microsoft Software Shadow Copy Provider", "Remote Procedure Call (RPC)", "Remote Procedure Call",
    ]

    /// Whether the event bears on the writer: VSS and CAPI2 errors; the SCM's failures, start-type changes
    /// (7040) and state changes (7036) of the writer's services, except Volume Shadow Copy's and the shadow
    /// copy provider's, which stop when idle by design.
    public static func isRelevant(_ e: Event) -> Bool {
        switch e.provider {
        case "VSS": return vssErrors.contains(e.eventId ?? -1)
        case "Microsoft-Windows-CAPI2": return e.eventId == 513
        case "Service Control Manager":
            guard let id = e.eventId, let name = e.data.first, writerServices.contains(name) else { return false }
            if scmFailures.contains(id) || id == 7040 { return true }
            return id == 7036 && !["Volume Shadow Copy", "Microsoft Software Shadow Copy Provider"].contains(name)
        default: return false
        }
    }

    /// The text of the Win32 errors the SCM writes as `%%N` insertion strings, for those a support
    /// engineer meets with these services.
    static let win32Errors: [String: String] = [
        "%%2": "The system cannot find the file specified.",
        "%%5": "Access is denied.",
        "%%1053": "The service did not respond to the start or control request in a timely fashion.",
        "%%1058": "The service cannot be started, either because it is disabled or because it has no enabled devices associated with it.",
        "%%1067": "The process terminated unexpectedly.",
        "%%1068": "The dependency service or group failed to start.",
        "%%1069": "The service did not start due to a logon failure.",
        "%%1075": "The dependency service does not exist or has been marked for deletion.",
        "%%1079": "The account specified for this service is different from the account specified for other services running in the same process.",
    ]

    static func errorText(_ s: String) -> String { win32Errors[s].map { "\($0) (\(s.dropFirst(2)))" } ?? s }

    /// One line of an event string: line breaks and runs of spaces become one space.
    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private static let providerNeedles: [(name: String, bytes: [UInt8])] = [
        ("VSS", Array("Name=\"VSS\"".utf8)),
        ("Microsoft-Windows-CAPI2", Array("Name=\"Microsoft-Windows-CAPI2\"".utf8)),
        ("Service Control Manager", Array("Name=\"Service Control Manager\"".utf8)),
    ]
    private static let eventIDTag: [UInt8] = Array("<EventID".utf8)

    /// Whether a record, by its XML, may bear on the writer: it names one of the judged providers (and,
    /// for VSS and CAPI2, an event id the judge looks at). A superset of `isRelevant`: a record it lets
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
        let named = providerNeedles.filter { find($0.bytes) != nil }.map(\.name)
        guard !named.isEmpty else { return false }
        if named.contains("Service Control Manager") { return true }
        var ids: [Int] = []
        var at = 0
        while let tag = find(eventIDTag, from: at) {
            var p = tag + eventIDTag.count
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
            guard digits > 0, p < xml.count, xml[p] == 0x3C else { return true }  // not a plain number
            ids.append(value)
            at = p
        }
        return (named.contains("VSS") && ids.contains { vssErrors.contains($0) })
            || (named.contains("Microsoft-Windows-CAPI2") && ids.contains(513))
    }

    /// The "Writer Name: X" line VSS puts in its context string.
    static func writerName(_ e: Event) -> String? {
        for d in e.data {
            for line in d.split(whereSeparator: \.isNewline) {
                let t = line.trimmingCharacters(in: " \t")
                if t.hasPrefix("Writer Name:") { return t.dropFirst("Writer Name:".count).trimmingCharacters(in: " \t") }
            }
        }
        return nil
    }

    /// The finding an event makes, if any. VSS 8224 (idle shutdown) makes none; another writer's failure
    /// is a writer-failed finding under that writer's name, never the System Writer's.
    public static func finding(_ e: Event, writer wanted: String = "System Writer") -> EventFinding? {
        func make(_ kind: EventFindingKind, writer: String? = nil, service: String? = nil, hr: String? = nil,
                  routine: String? = nil, detail: String?, _ summary: String) -> EventFinding {
            EventFinding(kind: kind, writer: writer, service: service, hr: hr, routine: routine, detail: detail,
                         file: e.file, record: e.record, time: e.time, summary: summary)
        }
        switch (e.provider, e.eventId) {
        case ("VSS", let id?) where vssErrors.contains(id):
            let routine = e.data.first
            let hr = e.data.count > 1 ? e.data[1].split(separator: ",").first.map(String.init) : nil
            // VSS could not reach COM+ Event System (its IEventSystem interface), or a service it calls is
            // disabled: the writers are never asked for their metadata.
            if routine?.contains("IEventSystem") == true || hr?.lowercased() == "0x80070422" {
                let service = routine?.contains("IEventSystem") == true ? "COM+ Event System" : nil
                return make(.serviceNotRunning, writer: writerName(e), service: service, hr: hr, routine: routine,
                            detail: e.data.count > 1 ? oneLine(e.data[1]) : nil,
                            "VSS \(id): \(routine ?? "?") failed (hr \(hr ?? "?")): \(service ?? "a service VSS calls") is disabled or not running")
            }
            guard let writer = writerName(e) else { return nil }
            if writer == wanted, routine?.contains("XML document is too long") == true || hr?.lowercased().hasPrefix("0x80070018") == true {
                return make(.metadataTooLong, writer: writer, hr: hr, routine: routine, detail: nil,
                            "VSS \(id): the \(writer)'s metadata is too long (a folder over 1,000 subfolders or 10,000 files)")
            }
            return make(.writerFailed, writer: writer, hr: hr, routine: routine, detail: e.data.dropFirst(2).first,
                        "VSS \(id): \(writer) failed in \(routine ?? "?") (hr \(hr ?? "?"))")
        case ("Microsoft-Windows-CAPI2", 513):
            let details = e.data.joined(separator: " ")
            let denied = details.contains("Access is denied")
            if let r = details.range(of: "AddLegacyDriverFiles: Unable to back up image of binary ") {
                let name = details[r.upperBound...].prefix { $0 != "." }.trimmingCharacters(in: " ")
                guard denied else { return nil }
                return make(.serviceAccess, writer: wanted, service: name, detail: oneLine(details),
                            "CAPI2 513: the \(wanted) may not read the configuration of \(name) (its service descriptor)")
            }
            if denied || details.contains("cannot find") || details.contains("not found") {
                var what = oneLine(details)
                if what.hasPrefix("Details: ") { what.removeFirst("Details: ".count) }
                return make(.fileAccess, writer: wanted, detail: what, "CAPI2 513: the \(wanted) could not read its files: \(what.prefix(160))")
            }
            return nil
        case ("Service Control Manager", 7040):
            // "The start type of the X service was changed from auto start to disabled."
            guard let name = e.data.first, writerServices.contains(name), e.data.count > 2,
                e.data[2].lowercased().contains("disabled")
            else { return nil }
            let detail = "start type changed from \(e.data[1]) to \(e.data[2])"
            return make(.serviceNotRunning, service: name, detail: detail, "Service Control Manager 7040: \(name): \(detail)")
        case ("Service Control Manager", let id?) where scmFailures.contains(id):
            guard let name = e.data.first, writerServices.contains(name) else { return nil }
            let detail: String
            switch id {
            case 7001, 7003:  // depends on param2, which failed (param3: its error)
                detail = "depends on \(e.data.dropFirst().first ?? "?"), which failed: \(errorText(e.data.dropFirst(2).first ?? ""))"
            case 7022: detail = "hung on starting"
            case 7031, 7034: detail = "terminated unexpectedly"
            default: detail = errorText(e.data.dropFirst().first ?? "")
            }
            return make(.serviceNotRunning, service: name, detail: detail,
                        "Service Control Manager \(id): \(name) did not run: \(detail)")
        default:
            return nil
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
