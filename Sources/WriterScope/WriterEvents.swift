/// The class of every event the System Writer, VSS, Windows Server Backup and the Service Control Manager
/// log about it (WRITER-MODEL.md §4): what it says happened, and whether it explains a missing writer.
public enum WriterEvents {
    public static let vss = "VSS"
    public static let capi2 = "Microsoft-Windows-CAPI2"
    public static let scm = "Service Control Manager"
    public static let backup = "Microsoft-Windows-Backup"
    /// The providers judged; any record of another provider is not looked at.
    public static let providers = [vss, capi2, scm, backup]

    /// The System Writer's class id, as VSS writes it in its context lines.
    public static let systemWriterClassId = "e8132975-6f93-4464-a53e-1050253ae220"
    public static let systemWriterName = "System Writer"

    /// The events the System Writer itself logs (LogSystemErrorEvent): 512 at startup, 513 in OnIdentify.
    public static let capi2WriterEvents: Set<Int> = [512, 513]

    /// VSS events not listed at all: 8224, VSS stopping when idle (by design, many times a day).
    public static let vssNotListed: Set<Int> = [8224]

    /// The SCM's events that a service did not start or stopped unexpectedly [S10].
    public static let scmFailures: Set<Int> = [7000, 7001, 7009, 7011, 7022, 7023, 7024, 7031, 7034]

    /// What an event is, for the writer.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// VSS 8193 "XML document is too long" (0x80070018): the writer's metadata outgrew what VSS takes.
        case metadataTooLong = "metadata-too-long"
        /// VSS 8193 CreateVssExamineWriterMetadata 0x80042302 after the above: the requester's view of it.
        case metadataConsequence = "metadata-consequence"
        /// A VSS error naming a writer (8229; 8193 of another writer).
        case writerFailed = "writer-failed"
        /// Another VSS 8193 routine (registry calls on VSS\Diag, say): a symptom, usually of diagnostic tracing.
        case vssError = "vss-error"
        /// VSS 8194 IVssWriterCallback 0x80070005: the requester's COM security, not the writer.
        case requesterCallback = "requester-callback"
        /// VSS 8213: the writer's account lacks VssAccessControl.
        case vssAccessControl = "vss-access-control"
        /// VSS 8230, 15, 16, 17, 23: a VssAccessControl entry that is ignored.
        case vssAccessControlEntry = "vss-access-control-entry"
        /// VSS 12302: an internal inconsistency (Event Service and VSS).
        case vssInconsistency = "vss-inconsistency"
        /// VSS 13: a COM server could not start.
        case comServer = "com-server"
        /// VSS 22, 33, 34: a VSS or COM+ class is not registered.
        case vssRegistration = "vss-registration"
        /// CAPI2 512: the System Writer failed to start (never registers).
        case writerStartup = "writer-startup"
        /// CAPI2 513 about the files the writer must list (WinSxS, Microsoft.NET, servicing, the driver store).
        case fileAccess = "file-access"
        /// CAPI2 513 OnIdentify failing outside the file lists (SCM enumeration, VSS API calls).
        case identifyFailed = "identify-failed"
        /// CAPI2 513 about a part of the file set the writer goes on without (PnP INFs, lockdown files).
        case fileSetIncomplete = "file-set-incomplete"
        /// CAPI2 513 "Unable to back up image of binary/service X": one service's descriptor or a stale key.
        case serviceAccess = "service-access"
        /// A service the writer or VSS needs did not run (SCM failures, 7040 to disabled, VSS 19/38/39/40,
        /// VSS 8193 IEventSystem or 0x80070422).
        case serviceNotRunning = "service-not-running"
        /// SCM 7000 path not found for another service: its ImagePath (KB968247).
        case serviceImagePath = "service-image-path"
        /// Backup 517 0x80780102: "System writer is not found in the backup".
        case backupWriterMissing = "backup-writer-missing"
        /// Backup 517 0x8078010D: the file enumeration failed (a bad ImagePath, KB968247).
        case backupEnumeration = "backup-enumeration"
        /// Another Backup 517, or 521: the backup failed; which writer is in the VSS events.
        case backupFailed = "backup-failed"
        /// Shutting down or idle: CAPI2 512 in Uninitialize, 513 SystemShutdown, VSS 8224, VSS 13 at shutdown.
        case shutdown
        /// SCM 7036 and 7040 of the writer's services: state and start type as logged.
        case serviceState = "service-state"
        /// An event of these providers the model does not know.
        case unknown = "unknown-event"
    }

    /// An event as the classifier needs it.
    public struct Input: Sendable {
        public var provider: String
        public var eventId: Int
        public var data: [String]
        public var channel: String?
        /// 1 critical, 2 error, 3 warning, 4 information.
        public var level: Int?

        public init(provider: String, eventId: Int, data: [String], channel: String? = nil, level: Int? = nil) {
            self.provider = provider
            self.eventId = eventId
            self.data = data
            self.channel = channel
            self.level = level
        }
    }

    /// The class of one event, with what it names.
    public struct Class: Sendable, Equatable {
        public var kind: Kind
        public var judgement: Judgement
        public var writer: String? = nil
        public var service: String? = nil
        public var hr: String? = nil
        public var routine: String? = nil
        public var detail: String? = nil
    }

    /// The class of an event for the writer named `wanted`; nil when it does not bear on the writer.
    public static func classify(_ e: Input, writer wanted: String = systemWriterName) -> Class? {
        switch e.provider {
        case vss: return vssEvent(e, wanted)
        case capi2: return capi2Event(e)
        case scm: return scmEvent(e)
        case backup: return backupEvent(e)
        default: return nil
        }
    }

    static func j(_ impact: Impact, _ confidence: Confidence, _ why: String, _ source: String) -> Judgement {
        Judgement(impact, confidence, why: why, source: source)
    }

    // MARK: VSS

    /// The writer a VSS event names: its "Writer Name:" line, else the System Writer when its class id is there.
    static func writerNamed(_ data: [String]) -> String? {
        for d in data {
            for line in d.split(whereSeparator: \.isNewline) {
                let t = line.trimmed()
                if t.hasPrefix("Writer Name:") { return String(t.dropFirst("Writer Name:".count)).trimmed() }
            }
        }
        if data.contains(where: { $0.lowercased().contains(systemWriterClassId) }) { return systemWriterName }
        return nil
    }

    static func vssEvent(_ e: Input, _ wanted: String) -> Class? {
        let routine = e.data.first
        let hr = e.data.count > 1 ? e.data[1].split(separator: ",").first.map { String($0).trimmed() } : nil
        let writer = writerNamed(e.data)
        let all = e.data.joined(separator: "\n")
        let isWanted = writer == wanted
        switch e.eventId {
        case 8193, 8229:
            if routine?.contains("IEventSystem") == true || hr?.lowercased() == "0x80070422" {
                let service = routine?.contains("IEventSystem") == true ? "COM+ Event System" : nil
                return Class(
                    kind: .serviceNotRunning,
                    judgement: j(
                        .missingWriter, .likely,
                        "VSS cannot reach \(service ?? "a service it calls") (disabled or not running): no writer is asked for its metadata",
                        "WRITER-MODEL.md §4; VSS events 19, 38"),
                    writer: writer, service: service, hr: hr, routine: routine,
                    detail: e.data.count > 1 ? e.data[1].oneLine() : nil)
            }
            if e.eventId == 8193,
                routine?.contains("XML document is too long") == true
                    || hr?.lowercased().hasPrefix("0x80070018") == true
            {
                // KB3098315's event has no Writer Name line: without one it is taken for the System Writer.
                if let writer, !isWanted {
                    return Class(
                        kind: .writerFailed,
                        judgement: j(
                            .info, .confirmed, "the metadata of \(writer), not of the \(wanted), is too long",
                            "KB3098315"),
                        writer: writer, hr: hr, routine: routine)
                }
                guard writer != nil || wanted == systemWriterName else { return nil }
                return Class(
                    kind: .metadataTooLong,
                    judgement: j(
                        .missingWriter, writer == nil ? .likely : .confirmed,
                        "the writer's metadata is too long for VSS: the files it lists, mostly under Windows\\Microsoft.NET (a folder over 1,000 subfolders or 10,000 files)",
                        "KB3098315; ntdebugging \"Missing System Writer Case Explained\""),
                    writer: writer ?? wanted, hr: hr, routine: routine)
            }
            if e.eventId == 8193, all.contains("CreateVssExamineWriterMetadata") || hr?.lowercased() == "0x80042302" {
                return Class(
                    kind: .metadataConsequence,
                    judgement: j(
                        .info, .confirmed,
                        "the requester could not read a writer's metadata: the consequence of an 8193 \"XML document is too long\" just before it, not a cause of its own",
                        "ntdebugging \"Missing System Writer Case Explained\""),
                    writer: writer, hr: hr, routine: routine)
            }
            if e.eventId == 8229 || writer != nil {
                guard let writer else { return nil }
                return Class(
                    kind: .writerFailed,
                    judgement: isWanted
                        ? j(
                            .missingWriter, .likely, "VSS says the \(writer) failed in \(routine ?? "an event")",
                            "VSS message table (8229)")
                        : j(
                            .info, .confirmed, "another writer (\(writer)) failed; not the \(wanted)",
                            "WRITER-MODEL.md §4"),
                    writer: writer, hr: hr, routine: routine, detail: e.data.dropFirst(2).first?.oneLine())
            }
            return Class(
                kind: .vssError,
                judgement: j(
                    .info, .possible,
                    "a VSS call failed (\(routine ?? "?")); usually diagnostic tracing (VSS\\Diag), not what stops the writer",
                    "WRITER-MODEL.md §4"),
                hr: hr, routine: routine)
        case 8194:
            return Class(
                kind: .requesterCallback,
                judgement: j(
                    .benign, .likely,
                    "the writer (NETWORK SERVICE) could not call back into the backup application: the requester's COM security, not a writer defect",
                    "WRITER-MODEL.md §4 [S9][S14]"),
                writer: writer, hr: hr, routine: routine)
        case 8213:
            guard writer == nil || isWanted || wanted != systemWriterName else {
                return Class(
                    kind: .vssAccessControl,
                    judgement: j(.info, .confirmed, "names another writer (\(writer!))", "VSS message table"),
                    writer: writer)
            }
            return Class(
                kind: .vssAccessControl,
                judgement: j(
                    .missingWriter, .confirmed,
                    "the writer's account is not allowed by VSS\\VssAccessControl: HKLM\\SYSTEM\\CurrentControlSet\\Services\\VSS\\VssAccessControl\\NT Authority\\NetworkService must be DWORD 1",
                    "KB2009272"),
                writer: writer ?? wanted)
        case 8230, 15, 16, 17, 23:
            return Class(
                kind: .vssAccessControlEntry,
                judgement: j(
                    .benign, .confirmed,
                    "a VssAccessControl entry VSS cannot use is ignored; it does not affect VSS",
                    "KB2537096; VSS message table"),
                detail: e.data.first?.oneLine())
        case 12302:
            return Class(
                kind: .vssInconsistency,
                judgement: j(
                    .info, .possible, "VSS reports an internal inconsistency: look at COM+ Event System and VSS",
                    "VSS message table"),
                detail: e.data.first?.oneLine())
        case 13:
            let shutdown = all.lowercased().contains("0x8007045b")
            return Class(
                kind: shutdown ? .shutdown : .comServer,
                judgement: shutdown
                    ? j(
                        .benign, .likely, "a COM server could not start because the system was shutting down",
                        "WRITER-MODEL.md §4 (field noise)")
                    : j(.info, .possible, "a COM server could not start; usually transient", "VSS message table"),
                detail: e.data.prefix(2).joined(separator: " ").oneLine())
        case 19, 38, 39:
            let service =
                e.eventId == 39
                ? "Volume Shadow Copy" : e.eventId == 38 ? "COM+ System Application" : "COM+ Event System"
            return Class(
                kind: .serviceNotRunning,
                judgement: j(
                    .missingWriter, .confirmed, "\(service) is disabled (or the system is in safe mode)",
                    "VSS message table"),
                service: service)
        case 40:
            return Class(
                kind: .serviceNotRunning,
                judgement: j(
                    .backupFails, .likely,
                    "the software shadow copy provider is disabled: snapshots fail, identify does not",
                    "VSS message table; WRITER-MODEL.md §5"),
                service: "Microsoft Software Shadow Copy Provider")
        case 22, 33, 34:
            return Class(
                kind: .vssRegistration,
                judgement: j(
                    .missingWriter, .likely, "a VSS or COM+ class is not registered: no writer can be reached",
                    "VSS message table"),
                detail: e.data.first?.oneLine())
        case _ where vssNotListed.contains(e.eventId):
            return nil
        default:
            return Class(
                kind: .unknown,
                judgement: j(.info, .possible, "a VSS event the model does not class", "WRITER-MODEL.md §4"),
                writer: writer, detail: e.data.first?.oneLine())
        }
    }

    /// Whether a VSS 8193 logged in the same minute as a VSS 13 "A system shutdown is in progress" is the
    /// field's shutdown noise (WRITER-MODEL.md §4: VSS 13 CEventSystem 0x8007045b, then 8193 naming the
    /// CryptSvc svchost): the error is benign then, however it reads alone.
    public static func isShutdownNoise(eventId: Int, provider: String, kind: Kind) -> Bool {
        provider == vss && eventId == 8193 && kind != .metadataTooLong && kind != .metadataConsequence
    }

    /// The judgement of an event that is shutdown noise (its kind becomes `shutdown`).
    public static let shutdownNoise = j(
        .benign, .likely,
        "logged as the system shut down (VSS 13 \"A system shutdown is in progress\" in the same minute): shutdown noise, not a broken COM+ Event System",
        "WRITER-MODEL.md §4 (field noise)")

    // MARK: CAPI2

    static let fatal513: [String] = [
        "AddCoreCsiFiles", "TraverseDir", "AddCoreCLRFiles", "AddCoreCbsFiles",
        "AddCorePnPFiles : Adding driver store files failed",
    ]

    static func capi2Event(_ e: Input) -> Class? {
        var details = e.data.joined(separator: " ").oneLine()
        if details.hasPrefix("Details: ") { details.removeFirst("Details: ".count) }
        switch e.eventId {
        case 512:
            if details.contains("Unitialize") || details.contains("Uninitialize") {
                return Class(
                    kind: .shutdown,
                    judgement: j(.benign, .confirmed, "the writer shutting down", "WRITER-MODEL.md §4"), detail: details
                )
            }
            let service = details.contains("EventSystem") ? "COM+ Event System" : nil
            return Class(
                kind: .writerStartup,
                judgement: j(
                    .missingWriter, .confirmed,
                    service != nil
                        ? "the writer could not query COM+ Event System: its descriptor denies the writer's account SERVICE_QUERY_STATUS (LC), or the SCM refuses it"
                        : "the System Writer failed to start and never registers with VSS",
                    "WRITER-MODEL.md §4 (CSystemWriter startup)"),
                writer: systemWriterName, service: service, detail: details)
        case 513:
            if details.contains("SystemShutdown initiated") {
                return Class(
                    kind: .shutdown,
                    judgement: j(
                        .benign, .confirmed, "the system was shutting down during OnIdentify", "WRITER-MODEL.md §4"),
                    detail: details)
            }
            if let r = details.range(of: "AddLegacyDriverFiles: Unable to back up image of binary ") {
                let name = String(details[r.upperBound...].prefix { $0 != "." }).trimmed()
                return perService(
                    name, details,
                    "the writer may not read this driver's configuration (its descriptor lacks CC for SERVICE) or its binary is gone; it goes on without it"
                )
            }
            if let r = details.range(of: "AddWin32ServiceFiles: Unable to back up image of service ") {
                let name = String(details[r.upperBound...].prefix { $0 != " " }).trimmed()
                return perService(
                    name, details, "the writer may not query this service's configuration; it goes on without it")
            }
            if details.contains("AddWin32ServiceFiles") || details.contains("OnIdentity()") {
                return Class(
                    kind: .identifyFailed,
                    judgement: j(
                        .missingWriter, .confirmed, "OnIdentify failed: \(details.prefix(120))", "WRITER-MODEL.md §4"),
                    writer: systemWriterName, detail: details)
            }
            if fatal513.contains(where: details.contains) {
                return Class(
                    kind: .fileAccess,
                    judgement: j(
                        .missingWriter, .confirmed,
                        "OnIdentify failed while adding the files it protects (WinSxS\\FileMaps and Temp\\PendingRenames ACLs, a Microsoft.NET folder it cannot list, a path of 260 characters or more)",
                        "KB2009272; WRITER-MODEL.md §4"),
                    writer: systemWriterName, detail: details)
            }
            if details.contains("AddCorePnPFiles") {
                return Class(
                    kind: .fileSetIncomplete,
                    judgement: j(
                        .benign, .confirmed,
                        "the writer logs it and goes on: that part of the driver file set is incomplete",
                        "WRITER-MODEL.md §4"),
                    writer: systemWriterName, detail: details)
            }
            return Class(
                kind: .unknown,
                judgement: j(.info, .possible, "a CAPI2 513 the model does not class", "WRITER-MODEL.md §4"),
                detail: details)
        default:
            // CAPI2's own certificate events are many and not the writer's (it logs 512 and 513 only): listed
            // when the Application log has them as errors or warnings.
            guard e.channel == "Application", let level = e.level, level >= 1, level <= 3 else { return nil }
            return Class(
                kind: .unknown,
                judgement: j(.info, .possible, "a CAPI2 event the model does not class", "WRITER-MODEL.md §4"),
                detail: details)
        }
    }

    static func perService(_ name: String, _ details: String, _ why: String) -> Class {
        Class(
            kind: .serviceAccess,
            judgement: j(.benign, .confirmed, why + "; can be safely ignored, or fixed with sc.exe sdset", "KB3209092"),
            writer: systemWriterName, service: name, detail: details)
    }

    // MARK: Service Control Manager

    /// The dependency a display name (as the SCM logs it) names.
    public static func dependency(displayName: String) -> WriterServices.Dependency? {
        if displayName == "Remote Procedure Call" { return WriterServices.dependencies.first { $0.name == "RpcSs" } }
        return WriterServices.dependencies.first { $0.displayName == displayName }
    }

    static func scmEvent(_ e: Input) -> Class? {
        guard let name = e.data.first else { return nil }
        let dep = dependency(displayName: name)
        if e.eventId == 7000, dep == nil {
            let error = e.data.dropFirst().first ?? ""
            guard error == "%%2" || error == "%%3" else { return nil }
            return Class(
                kind: .serviceImagePath,
                judgement: j(
                    .info, .likely,
                    "\(name) did not start: its binary is not found. With Backup 517 0x8078010D, its ImagePath is what fails the backup",
                    "KB968247"),
                service: name, detail: scmErrorText(error))
        }
        guard let dep else { return nil }
        // The shadow copy provider and VSS stop when idle, by design; a service entering "running" is no news.
        if e.eventId == 7036 {
            guard dep.name != "VSS" && dep.name != "swprv", e.data.dropFirst().first == "stopped" else { return nil }
            return Class(
                kind: .serviceState,
                judgement: j(.info, .confirmed, "\(name): \(e.data.dropFirst().first ?? "")", "SCM message table"),
                service: name, detail: e.data.dropFirst().first)
        }
        if e.eventId == 7040 {
            let detail =
                "start type changed from \(e.data.dropFirst().first ?? "?") to \(e.data.dropFirst(2).first ?? "?")"
            let disabled = e.data.dropFirst(2).first?.lowercased().contains("disabled") == true
            return Class(
                kind: disabled ? .serviceNotRunning : .serviceState,
                judgement: disabled
                    ? j(dep.impact, .likely, "\(name) was set to disabled: \(dep.role)", dep.source)
                    : j(.info, .confirmed, detail, "SCM message table"),
                service: name, detail: detail)
        }
        guard scmFailures.contains(e.eventId) else { return nil }
        let detail: String
        switch e.eventId {
        case 7001:
            detail =
                "depends on \(e.data.dropFirst().first ?? "?"), which failed: \(scmErrorText(e.data.dropFirst(2).first ?? ""))"
        case 7022: detail = "hung on starting"
        case 7031, 7034: detail = "terminated unexpectedly"
        default: detail = scmErrorText(e.data.dropFirst().first ?? "")
        }
        return Class(
            kind: .serviceNotRunning,
            judgement: j(dep.impact, .likely, "\(name) did not run (\(detail)): \(dep.role)", dep.source),
            service: name, detail: detail)
    }

    /// The text of the Win32 errors the SCM writes as `%%N` insertion strings.
    static let win32Errors: [String: String] = [
        "%%2": "The system cannot find the file specified.",
        "%%3": "The system cannot find the path specified.",
        "%%5": "Access is denied.",
        "%%1053": "The service did not respond to the start or control request in a timely fashion.",
        "%%1058":
            "The service cannot be started, either because it is disabled or because it has no enabled devices associated with it.",
        "%%1067": "The process terminated unexpectedly.",
        "%%1068": "The dependency service or group failed to start.",
        "%%1069": "The service did not start due to a logon failure.",
        "%%1075": "The dependency service does not exist or has been marked for deletion.",
        "%%1079":
            "The account specified for this service is different from the account specified for other services running in the same process.",
    ]

    public static func scmErrorText(_ s: String) -> String { win32Errors[s].map { "\($0) (\(s.dropFirst(2)))" } ?? s }

    // MARK: Windows Server Backup

    static func backupEvent(_ e: Input) -> Class? {
        let all = e.data.joined(separator: " ").lowercased()
        switch e.eventId {
        case 517 where all.contains("2155348226") || all.contains("0x80780102"):
            return Class(
                kind: .backupWriterMissing,
                judgement: j(
                    .info, .confirmed,
                    "\"System writer is not found in the backup\": the consequence; the cause is in CAPI2 512/513, VSS 8193 or 8213, the services or Microsoft.NET",
                    "KB2009272"),
                writer: systemWriterName, hr: "0x80780102")
        case 517 where all.contains("2155348237") || all.contains("0x8078010d"):
            return Class(
                kind: .backupEnumeration,
                judgement: j(
                    .backupFails, .likely,
                    "enumeration of the files failed: a service or driver ImagePath the writer cannot turn into a valid path",
                    "KB968247"),
                hr: "0x8078010D")
        case 517, 521:
            return Class(
                kind: .backupFailed,
                judgement: j(
                    .info, .possible, "the backup failed; which writer failed is in the VSS events (8229)",
                    "WRITER-MODEL.md §4"),
                detail: e.data.first?.oneLine())
        default:
            return nil
        }
    }
}

extension StringProtocol {
    func trimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return String(s)
    }

    /// Line breaks and runs of spaces become one space.
    func oneLine() -> String { split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
}
