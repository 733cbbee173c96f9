import Testing
import WriterScope

/// One row of WRITER-MODEL.md §4: an event in, its kind and impact out.
struct EventRow: Sendable, CustomTestStringConvertible {
    var provider: String
    var id: Int
    var data: [String]
    var kind: WriterEvents.Kind?
    var impact: Impact?
    var writer = WriterEvents.systemWriterName
    var testDescription: String { "\(provider) \(id) \(data.first?.prefix(50) ?? "")" }
}

private let systemWriterContext =
    "Operation:\n   Writer Exposing its Metadata\n\nContext:\n   Execution Context: Requestor\n   Writer Instance ID: {3ec2be4a}\n   Writer Class Id: {e8132975-6f93-4464-a53e-1050253ae220}\n   Writer Name: System Writer"
private let classIdOnly =
    "Operation:\n   Writer Exposing its Metadata\n\nContext:\n   Writer Class Id: {e8132975-6f93-4464-a53e-1050253ae220}"
private let wmiContext = "Operation:\n   PrepareForSnapshot Event\n\nContext:\n   Writer Name: WMI Writer"

let eventTable: [EventRow] = [
    // VSS
    EventRow(
        provider: "VSS", id: 8193,
        data: [
            "XML document is too long", "0x80070018, The program issued a command but the command length is incorrect.",
            systemWriterContext,
        ], kind: .metadataTooLong, impact: .missingWriter),
    // KB3098315's event: no Writer Name line at all.
    EventRow(
        provider: "VSS", id: 8193,
        data: [
            "XML document is too long", "0x80070018, The program issued a command but the command length is incorrect.",
            "Operation:\n   Writer Exposing its Metadata",
        ], kind: .metadataTooLong, impact: .missingWriter),
    EventRow(
        provider: "VSS", id: 8193, data: ["XML document is too long", "0x80070018", classIdOnly],
        kind: .metadataTooLong, impact: .missingWriter),
    EventRow(
        provider: "VSS", id: 8193, data: ["XML document is too long", "0x80070018", wmiContext], kind: .writerFailed,
        impact: .info),
    EventRow(
        provider: "VSS", id: 8193,
        data: [
            "CreateVssExamineWriterMetadata",
            "0x80042302, A Volume Shadow Copy Service component encountered an unexpected error.", "",
        ], kind: .metadataConsequence, impact: .info),
    EventRow(
        provider: "VSS", id: 8193,
        data: [
            "RegOpenKeyExW(-2147483646,SYSTEM\\CurrentControlSet\\Services\\VSS\\Diag,...)",
            "0x80070005, Access is denied.", "",
        ], kind: .vssError, impact: .info),
    EventRow(
        provider: "VSS", id: 8193, data: ["IEventSystem::Store", "0x80070422, The service cannot be started", ""],
        kind: .serviceNotRunning, impact: .missingWriter),
    EventRow(
        provider: "VSS", id: 8194,
        data: ["Querying for the IVssWriterCallback interface", "0x80070005, Access is denied.", systemWriterContext],
        kind: .requesterCallback, impact: .benign),
    EventRow(
        provider: "VSS", id: 8213, data: ["0x80070539", "Writer Name: System Writer"], kind: .vssAccessControl,
        impact: .missingWriter),
    EventRow(
        provider: "VSS", id: 8229, data: ["PrepareForSnapshot", "0x800423f4", wmiContext], kind: .writerFailed,
        impact: .info),
    EventRow(
        provider: "VSS", id: 8229, data: ["Identify", "0x800423f4", systemWriterContext], kind: .writerFailed,
        impact: .missingWriter),
    EventRow(
        provider: "VSS", id: 8230, data: ["NT AUTHORITY\\OLDACCOUNT", "0x80070534"], kind: .vssAccessControlEntry,
        impact: .benign),
    EventRow(provider: "VSS", id: 12302, data: ["Event Service"], kind: .vssInconsistency, impact: .info),
    EventRow(
        provider: "VSS", id: 13,
        data: [
            "{4e14fba2-2e22-11d1-9964-00c04fbbb345}", "CEventSystem", "0x8007045b, A system shutdown is in progress.",
        ], kind: .shutdown, impact: .benign),
    EventRow(
        provider: "VSS", id: 13, data: ["{4e14fba2-2e22-11d1-9964-00c04fbbb345}", "CEventSystem", "0x80070005"],
        kind: .comServer, impact: .info),
    EventRow(provider: "VSS", id: 15, data: ["x"], kind: .vssAccessControlEntry, impact: .benign),
    EventRow(provider: "VSS", id: 16, data: ["x"], kind: .vssAccessControlEntry, impact: .benign),
    EventRow(provider: "VSS", id: 17, data: ["x"], kind: .vssAccessControlEntry, impact: .benign),
    EventRow(provider: "VSS", id: 23, data: ["x"], kind: .vssAccessControlEntry, impact: .benign),
    EventRow(provider: "VSS", id: 19, data: [], kind: .serviceNotRunning, impact: .missingWriter),
    EventRow(provider: "VSS", id: 38, data: [], kind: .serviceNotRunning, impact: .missingWriter),
    EventRow(provider: "VSS", id: 39, data: [], kind: .serviceNotRunning, impact: .missingWriter),
    EventRow(provider: "VSS", id: 22, data: ["x"], kind: .vssRegistration, impact: .missingWriter),
    EventRow(provider: "VSS", id: 33, data: ["x"], kind: .vssRegistration, impact: .missingWriter),
    EventRow(provider: "VSS", id: 34, data: ["x"], kind: .vssRegistration, impact: .missingWriter),
    EventRow(provider: "VSS", id: 8224, data: [], kind: nil, impact: nil),
    EventRow(provider: "VSS", id: 9999, data: ["x"], kind: .unknown, impact: .info),
    // CAPI2 512
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 512,
        data: ["Details: Could not query the status of the EventSystem service. System Error: Access is denied."],
        kind: .writerStartup, impact: .missingWriter),
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 512, data: ["Details: System Writer object failed to initialize VSS."],
        kind: .writerStartup, impact: .missingWriter),
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 512, data: ["Details: CoInitializeEx failed in Unitialize."],
        kind: .shutdown, impact: .benign),
    // CAPI2 513 by function
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 513,
        data: ["Details: AddCoreCsiFiles : BeginFileEnumeration() failed. System Error: Access is denied."],
        kind: .fileAccess, impact: .missingWriter),
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 513,
        data: ["Details: TraverseDir : Unable to build file path. System Error: The file name is too long."],
        kind: .fileAccess, impact: .missingWriter),
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 513, data: ["Details: AddCoreCLRFiles : AddFilesToFileGroup failed."],
        kind: .fileAccess, impact: .missingWriter),
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 513,
        data: ["Details: AddCoreCbsFiles : AddPathToWriterMetadata : AddFilesToFileGroup failed."], kind: .fileAccess,
        impact: .missingWriter),
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 513,
        data: ["Details: AddCorePnPFiles : Adding driver store files failed."], kind: .fileAccess,
        impact: .missingWriter),
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 513,
        data: ["Details: AddCorePnPFiles : Enumerating PnpLockdownFiles keys failed."], kind: .fileSetIncomplete,
        impact: .benign),
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 513,
        data: [
            "Details: AddLegacyDriverFiles: Unable to back up image of binary Microsoft Link-Layer Discovery Protocol. System Error: Access is denied."
        ], kind: .serviceAccess, impact: .benign),
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 513,
        data: [
            "Details: AddLegacyDriverFiles: Unable to back up image of binary ksqcraes. System Error: The system cannot find the file specified."
        ], kind: .serviceAccess, impact: .benign),
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 513,
        data: [
            "Details: AddWin32ServiceFiles: Unable to back up image of service wuauserv since QueryServiceConfig API failed"
        ], kind: .serviceAccess, impact: .benign),
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 513,
        data: ["Details: AddWin32ServiceFiles: EnumServicesStatusEx failed."], kind: .identifyFailed,
        impact: .missingWriter),
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 513, data: ["Details: OnIdentity() : AddComponent() call failed."],
        kind: .identifyFailed, impact: .missingWriter),
    EventRow(
        provider: "Microsoft-Windows-CAPI2", id: 513,
        data: ["Details: SystemShutdown initiated during AddCoreCsiFiles"], kind: .shutdown, impact: .benign),
    // Windows Server Backup
    EventRow(
        provider: "Microsoft-Windows-Backup", id: 517, data: ["2026-12-01T02:00:00", "2155348226"],
        kind: .backupWriterMissing, impact: .info),
    EventRow(
        provider: "Microsoft-Windows-Backup", id: 517, data: ["2026-12-01T02:00:00", "2155348237"],
        kind: .backupEnumeration, impact: .backupFails),
    EventRow(
        provider: "Microsoft-Windows-Backup", id: 521, data: ["2026-12-01T02:00:00", "2155348129"], kind: .backupFailed,
        impact: .info),
    // Service Control Manager
    EventRow(
        provider: "Service Control Manager", id: 7000, data: ["COM+ Event System", "%%1058"], kind: .serviceNotRunning,
        impact: .missingWriter),
    EventRow(
        provider: "Service Control Manager", id: 7001,
        data: ["Cryptographic Services", "Remote Procedure Call (RPC)", "%%1068"], kind: .serviceNotRunning,
        impact: .missingWriter),
    EventRow(
        provider: "Service Control Manager", id: 7031,
        data: ["Volume Shadow Copy", "1", "0", "1", "Restart the service"], kind: .serviceNotRunning,
        impact: .missingWriter),
    EventRow(
        provider: "Service Control Manager", id: 7034, data: ["COM+ System Application", "1"], kind: .serviceNotRunning,
        impact: .missingWriter),
    EventRow(
        provider: "Service Control Manager", id: 7000, data: ["ksqcraes", "%%2"], kind: .serviceImagePath, impact: .info
    ),
    EventRow(provider: "Service Control Manager", id: 7000, data: ["Some Service", "%%1053"], kind: nil, impact: nil),
    EventRow(
        provider: "Service Control Manager", id: 7040,
        data: ["COM+ Event System", "auto start", "disabled", "EventSystem"], kind: .serviceNotRunning,
        impact: .missingWriter),
    EventRow(
        provider: "Service Control Manager", id: 7040,
        data: ["Cryptographic Services", "demand start", "auto start", "CryptSvc"], kind: .serviceState, impact: .info),
    EventRow(
        provider: "Service Control Manager", id: 7036, data: ["Volume Shadow Copy", "stopped"], kind: nil, impact: nil),
    EventRow(
        provider: "Service Control Manager", id: 7036, data: ["COM+ Event System", "stopped"], kind: .serviceState,
        impact: .info),
    EventRow(
        provider: "Service Control Manager", id: 7036, data: ["COM+ Event System", "running"], kind: nil, impact: nil),
    // Another provider: not judged.
    EventRow(provider: "Microsoft-Windows-Kernel-General", id: 1, data: [], kind: nil, impact: nil),
    // A case about another writer: the System Writer's 8193 is not its cause.
    EventRow(
        provider: "VSS", id: 8193, data: ["XML document is too long", "0x80070018", systemWriterContext],
        kind: .writerFailed, impact: .info, writer: "WMI Writer"),
]

@Suite("The class of every event of WRITER-MODEL.md §4")
struct WriterEventsTests {
    @Test("event in, kind and impact out", arguments: eventTable)
    func classifies(_ row: EventRow) {
        let c = WriterEvents.classify(
            WriterEvents.Input(provider: row.provider, eventId: row.id, data: row.data, channel: "Application"),
            writer: row.writer)
        #expect(c?.kind == row.kind)
        #expect(c?.judgement.impact == row.impact)
        if let c { #expect(!c.judgement.why.isEmpty && !c.judgement.source.isEmpty) }
    }

    @Test("a benign or info event never makes a cause; every cause names its source")
    func causesHaveSources() {
        for row in eventTable {
            guard
                let c = WriterEvents.classify(
                    WriterEvents.Input(provider: row.provider, eventId: row.id, data: row.data))
            else { continue }
            if c.judgement.impact.isCause {
                #expect(
                    c.judgement.source.contains("KB") || c.judgement.source.contains("WRITER-MODEL")
                        || c.judgement.source.contains("VSS"))
            }
        }
    }
}
