import BinaryFormat
import Dispatch
import EventLog
import Foundation
import ProcmonTrace
import ServiceAudit
import VolumeAudit
import WriterScope

/// Each audit's report, as its own command writes it in JSON (nil when the upload had nothing for it).
public struct CaseParts: Sendable, Encodable {
    public var trace: TraceReport?
    public var eventlog: EventLogReport?
    public var services: ServiceReport?
    public var volume: VolumeReport?
    public var acl: ACLReport?
    /// The cleanup plan of a mounted volume's Temporary ASP.NET Files (for `--out`; not in the JSON).
    public var cleanup: CleanupPlan?

    enum CodingKeys: String, CodingKey { case trace, eventlog, services, volume, acl }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(trace, forKey: .trace)
        try c.encode(eventlog, forKey: .eventlog)
        try c.encode(services, forKey: .services)
        try c.encode(volume, forKey: .volume)
        try c.encode(acl, forKey: .acl)
    }
}

/// Runs every audit the upload allows, once each, the independent ones side by side.
public enum CaseAudits {
    public struct Options: Sendable {
        public var writer = "System Writer"
        public var limits = FolderLimits()
        public init() {}
    }

    /// Which file each audit reads (the first of its kind; every event log).
    struct Plan {
        var trace: String?
        var eventLogs: [String] = []
        var hive: String?
        var volume: (path: String, mounted: Bool)?
        var aclExport: (path: String, kind: InputKind)?
        /// The $Secure:$SDS stream that goes with a collected $MFT.
        var sds: String?
        /// The volume is a collected $MFT: no file contents (no hive), descriptors only from `sds`.
        var collectedMFT = false
    }

    /// What each input is used for, or why it is not: the second Procmon log of an upload, say.
    static func plan(_ inputs: inout [CaseInput], paths: [String]) -> Plan {
        var plan = Plan()
        // A checkpoint and the disks it was taken from: the checkpoint is the volume (read through them).
        var childOf: [String: String] = [:]
        for (i, path) in paths.enumerated() where inputs[i].kind == .volumeImage {
            for parent in (Volume.diskChain(path) ?? []).dropFirst() { childOf[(parent as NSString).resolvingSymlinksInPath] = path }
        }
        for (i, path) in paths.enumerated() {
            if inputs[i].kind == .volumeImage, let child = childOf[(path as NSString).resolvingSymlinksInPath] {
                inputs[i].ignored = "the parent of \(child), read through it"
                continue
            }
            switch inputs[i].kind {
            case .procmonPML, .procmonCSV:
                if plan.trace == nil { plan.trace = path } else { inputs[i].ignored = "a second Procmon log: the first one given is judged" }
            case .eventLog: plan.eventLogs.append(path)
            case .hive:
                if plan.hive == nil { plan.hive = path } else { inputs[i].ignored = "a second hive: the first one given is audited" }
            case .sds:
                if plan.sds == nil { plan.sds = path } else { inputs[i].ignored = "a second $Secure:$SDS: the first one given is read" }
            case .volumeImage, .mountedVolume, .collectedMFT:
                if plan.volume == nil {
                    plan.volume = (path, inputs[i].kind == .mountedVolume)
                    plan.collectedMFT = inputs[i].kind == .collectedMFT
                } else {
                    inputs[i].ignored = "a second volume: the first one given is audited"
                }
            case .icaclsSave, .icaclsDisplay, .getAclCSV:
                if plan.aclExport == nil { plan.aclExport = (path, inputs[i].kind) } else { inputs[i].ignored = "a second ACL export: the first one given is audited" }
            case .hiveLog, .ignored:
                break
            }
        }
        return plan
    }

    /// Runs the audits of `plan`; an input that cannot be read is a warning and its part stays nil.
    /// `alongside` runs with the audits (the inputs' SHA-256s).
    static func run(_ plan: Plan, options: Options, alongside: [CaseTask] = []) -> (CaseParts, [(path: String, error: String)]) {
        let results = Results()
        var tasks: [CaseTask] = []
        func add(_ cost: Double, _ run: @escaping @Sendable () -> Void) { tasks.append(CaseTask(cost: cost, run: run)) }
        if let path = plan.trace {
            add(CaseTask.size(path) * 1.8) {
                var o = TraceAnalyzer.Options()
                o.writer = options.writer
                o.limits = options.limits
                results.set(path) { $0.trace = try Trace.analyze(path: path, options: o) }
            }
        }
        if !plan.eventLogs.isEmpty {
            let logs = plan.eventLogs
            add(logs.map(CaseTask.size).reduce(0, +) * 5) {
                results.set(logs[0]) { $0.eventlog = try EventLogReport.judge(paths: logs, writer: options.writer) }
            }
        }
        if let source = plan.hive ?? (plan.collectedMFT ? nil : plan.volume?.path) {
            add(plan.hive.map { CaseTask.size($0) * 3 } ?? 5e7) {
                results.set(source) {
                    let (hive, volume) = try SystemHiveSource.open(source)
                    $0.services = ServiceAudit.audit(hive: hive, source: source, volume: volume)
                }
            }
        }
        var volumeACL = false
        if let (path, mounted) = plan.volume {
            add(mounted ? 1e9 : CaseTask.size(path) * 0.3) {
                var o = Volume.Options()
                o.limits = options.limits
                o.threads = 1
                results.set(path) {
                    if mounted {
                        var po = CleanupPlanner.Options()
                        po.limits = options.limits
                        let (cleanup, report) = try CleanupPlanner(root: path, options: po).plan()
                        $0.volume = report
                        $0.cleanup = cleanup
                    } else {
                        $0.volume = try Volume.audit(image: path, partition: nil, options: o, progress: nil)
                    }
                }
            }
            // A collected $MFT holds no descriptors: its ACLs come from its $SDS, or from an export.
            let collected = plan.collectedMFT
            if !collected || plan.sds != nil {
                volumeACL = true
                add(mounted ? 1e9 : CaseTask.size(path) * 0.6) {
                    results.set(path) {
                        var audit = ACLAudit()
                        if mounted {
                            try MountedACLReader(root: path).read(scopes: [], into: &audit)
                        } else {
                            _ = try ImageACLReader(path: path, sds: collected ? plan.sds : nil).read(scopes: [], into: &audit)
                        }
                        $0.acl = audit.report(source: path)
                    }
                }
            }
        }
        if !volumeACL, let (path, kind) = plan.aclExport {
            add(CaseTask.size(path) * 5) {
                results.set(path) {
                    var audit = ACLAudit()
                    switch kind {
                    case .icaclsSave: try IcaclsSaveReader(path: path, base: "C:\\Windows").read(into: &audit)
                    case .icaclsDisplay: try IcaclsDisplayReader(path: path).read(into: &audit)
                    default: try GetAclCSVReader(path: path).read(into: &audit)
                    }
                    $0.acl = audit.report(source: path)
                }
            }
        }
        // Longest first: the cores take the next task as they free, so the short ones fill in around the
        // long ones (a 1 GB trace on one core, the rest and the hashes on the other).
        let all = (tasks + alongside).sorted { $0.cost > $1.cost }
        DispatchQueue.concurrentPerform(iterations: all.count) { all[$0].run() }
        return (results.parts, results.errors)
    }
}

/// A piece of the case's work and a guess of what it costs (nanoseconds, from its input's size and the
/// audit's measured speed), for ordering the work longest first.
public struct CaseTask: Sendable {
    var cost: Double
    var run: @Sendable () -> Void

    static func size(_ path: String) -> Double {
        Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64) ?? 0)
    }
}

/// The audits' results, written from several threads under a lock.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var parts = CaseParts()
    private(set) var errors: [(path: String, error: String)] = []

    func set(_ path: String, _ body: (inout CaseParts) throws -> Void) {
        var local = CaseParts()
        do {
            try body(&local)
        } catch {
            let message = (error as? any UserError)?.message ?? "\(error)"
            lock.lock()
            errors.append((path, message))
            lock.unlock()
            return
        }
        lock.lock()
        defer { lock.unlock() }
        if let v = local.trace { parts.trace = v }
        if let v = local.eventlog { parts.eventlog = v }
        if let v = local.services { parts.services = v }
        if let v = local.volume { parts.volume = v }
        if let v = local.acl { parts.acl = v }
        if let v = local.cleanup { parts.cleanup = v }
    }
}
