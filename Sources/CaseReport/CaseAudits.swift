import BinaryFormat
import Dispatch
import EventLogAudit
import Foundation
import RegistryHive
import ServiceAudit
import TraceAudit
import VolumeAudit
import WriterScope

/// Each audit's report, as its own command writes it in JSON (nil when the upload had nothing for it).
public struct CaseParts: Sendable, Encodable {
    public var trace: TraceReport?
    public var eventlog: EventLogReport?
    public var services: ServiceReport?
    public var volume: VolumeReport?
    public var acl: ACLReport?
    /// What `vssadmin list writers` showed.
    public var vssadmin: VSSWriterList?
    /// The SOFTWARE hive's facts: the Windows version, PnpLockdownFiles.
    public var software: SoftwareHiveFacts?
    /// The collector's manifest.
    public var manifest: CollectorManifest?
    /// The cleanup plan of a mounted volume's Temporary ASP.NET Files (for `--out`; not in the JSON).
    public var cleanup: CleanupPlan?

    enum CodingKeys: String, CodingKey { case trace, eventlog, services, volume, acl, vssadmin, software, manifest }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(trace, forKey: .trace)
        try c.encode(eventlog, forKey: .eventlog)
        try c.encode(services, forKey: .services)
        try c.encode(volume, forKey: .volume)
        try c.encode(acl, forKey: .acl)
        try c.encode(vssadmin, forKey: .vssadmin)
        try c.encode(software, forKey: .software)
        try c.encode(manifest, forKey: .manifest)
    }
}

/// Runs every audit the upload allows, once each, the independent ones side by side.
public enum CaseAudits {
    public struct Options: Sendable {
        public var writer = "System Writer"
        public var limits = FolderLimits()
        public init() {}
    }

    /// Which file each audit reads (the first of its kind; every event log and every ACL export).
    struct Plan {
        /// The hives recognition opened, read again by no one.
        var opened = OpenedHives([:])
        var trace: String?
        var eventLogs: [String] = []
        var hive: String?
        var software: String?
        var volume: (path: String, kind: InputKind)?
        var aclExports: [(path: String, kind: InputKind, base: String)] = []
        /// The $Secure:$SDS stream that goes with a collected $MFT.
        var sds: String?
        var vssadmin: String?
        var manifest: CollectorManifest?
        var manifestPath: String?
        /// `sc.exe` output files, with the service each names (from the manifest or the file name).
        var serviceQueries: [(path: String, service: String?)] = []
        /// The volume is a collected $MFT: no file contents (no hive), descriptors only from `sds`.
        var collectedMFT: Bool { volume?.kind == .collectedMFT }
        var mounted: Bool { volume?.kind == .mountedVolume }
    }

    /// Which volume source is preferred when an upload has several: an image or a mount shows the
    /// descriptors and the files; a collected $MFT the files; the collector's listing only Microsoft.NET.
    static func volumeRank(_ kind: InputKind) -> Int {
        switch kind {
        case .mountedVolume, .volumeImage: 0
        case .collectedMFT: 1
        default: 2
        }
    }

    /// What each input is used for, or why it is not: the second Procmon log of an upload, say.
    /// `shown` gives each path's name as the customer gave it (for the manifest's relative names).
    static func plan(_ inputs: inout [CaseInput], paths: [String], shown: [String]) -> Plan {
        var plan = Plan()
        // The manifest first: it says what each collected file is (an icacls export's base folder).
        if let i = paths.indices.first(where: { inputs[$0].kind == .collectorManifest }) {
            do {
                plan.manifest = try CollectorManifest.read(paths[i])
                plan.manifestPath = paths[i]
            } catch {
                inputs[i].ignored = "could not be read: " + ((error as? any UserError)?.message ?? "\(error)")
            }
        }
        /// The manifest's item for a file of the upload: its path relative to the manifest's folder.
        func item(_ i: Int) -> CollectorManifest.Item? {
            guard let manifest = plan.manifest, let m = plan.manifestPath else { return nil }
            let folder = (m as NSString).deletingLastPathComponent + "/"
            guard paths[i].hasPrefix(folder) else { return nil }
            return manifest.item(file: String(paths[i].dropFirst(folder.count)))
        }
        // A checkpoint and the disks it was taken from: the checkpoint is the volume (read through them).
        var childOf: [String: String] = [:]
        for (i, path) in paths.enumerated() where inputs[i].kind == .volumeImage {
            for parent in (Volume.diskChain(path) ?? []).dropFirst() {
                childOf[(parent as NSString).resolvingSymlinksInPath] = path
            }
        }
        var volumeIndex: Int?
        for (i, path) in paths.enumerated() {
            if inputs[i].kind == .volumeImage, let child = childOf[(path as NSString).resolvingSymlinksInPath] {
                inputs[i].ignored = "the parent of \(shown[paths.firstIndex(of: child) ?? i]), read through it"
                continue
            }
            switch inputs[i].kind {
            case .procmonPML, .procmonCSV:
                if plan.trace == nil {
                    plan.trace = path
                } else {
                    inputs[i].ignored = "a second Procmon log: the first one found is judged"
                }
            case .eventLog: plan.eventLogs.append(path)
            case .hive:
                if plan.hive == nil {
                    plan.hive = path
                } else {
                    inputs[i].ignored = "a second SYSTEM hive: the first one found is audited"
                }
            case .softwareHive:
                if plan.software == nil {
                    plan.software = path
                } else {
                    inputs[i].ignored = "a second SOFTWARE hive: the first one found is read"
                }
            case .sds:
                if plan.sds == nil {
                    plan.sds = path
                } else {
                    inputs[i].ignored = "a second $Secure:$SDS: the first one found is read"
                }
            case .volumeImage, .mountedVolume, .collectedMFT, .fileListing:
                if let v = volumeIndex, volumeRank(inputs[v].kind) <= volumeRank(inputs[i].kind) {
                    inputs[i].ignored = "a second volume source: \(shown[v]) is audited"
                } else {
                    if let v = volumeIndex { inputs[v].ignored = "a second volume source: \(shown[i]) is audited" }
                    volumeIndex = i
                    plan.volume = (path, inputs[i].kind)
                }
            case .icaclsSave, .icaclsDisplay, .getAclCSV:
                plan.aclExports.append((path, inputs[i].kind, item(i)?.base ?? "C:\\Windows"))
            case .vssadminWriters:
                if plan.vssadmin == nil {
                    plan.vssadmin = path
                } else {
                    inputs[i].ignored = "a second vssadmin list writers output: the first one found is read"
                }
            case .serviceQuery:
                var service = item(i)?.what.split(separator: " ").last.map(String.init)
                if service == nil {
                    let name = (shown[i] as NSString).lastPathComponent
                    if let dash = name.range(of: "-", options: .backwards) {
                        service = String(name[..<dash.lowerBound])
                    }
                }
                plan.serviceQueries.append((path, service))
            case .collectorManifest:
                if path != plan.manifestPath, inputs[i].ignored == nil {
                    inputs[i].ignored = "a second collector manifest: the first one found is read"
                }
            case .hiveLog, .ignored:
                break
            }
        }
        return plan
    }

    /// Runs the audits of `plan` on every core; an input that cannot be read is a warning and its part stays
    /// nil. `alongside` runs with the audits (the inputs' SHA-256s). Returns what they found, what failed (by
    /// input), and the inputs some part of which was read.
    static func run(_ plan: Plan, options: Options, alongside: [CaseTask] = []) -> (
        parts: CaseParts, errors: [(path: String, error: String)], used: Set<String>
    ) {
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
        let imageOrMount = plan.volume.flatMap { $0.kind == .volumeImage || $0.kind == .mountedVolume ? $0.path : nil }
        if let source = plan.hive ?? imageOrMount {
            add(plan.hive.map { CaseTask.size($0) * 3 } ?? 5e7) {
                results.set(source) {
                    let (hive, volume) =
                        try plan.opened.byPath[source].map { h throws in
                            try SystemHiveSource.requireSystem(h, source)
                            return (h, nil)
                        } ?? SystemHiveSource.open(source)
                    var report = ServiceAudit.audit(hive: hive, source: source, volume: volume)
                    if !plan.serviceQueries.isEmpty {
                        report.warnings += try Self.compareLive(report, plan.serviceQueries)
                    }
                    $0.services = report
                }
            }
        } else if !plan.serviceQueries.isEmpty {
            let queries = plan.serviceQueries
            add(1e6) {
                results.set(queries[0].path) {
                    var q = ServiceQueries()
                    for (path, service) in queries { try q.read(path, service: service) }
                    $0.services = ServiceAudit.audit(
                        queries: q, source: (queries[0].path as NSString).deletingLastPathComponent)
                }
            }
        }
        if let path = plan.software {
            add(CaseTask.size(path)) {
                results.set(path) {
                    $0.software = SoftwareHiveFacts.read(try plan.opened.byPath[path] ?? Hive(path: path), source: path)
                }
            }
        } else if let volume = imageOrMount {
            // No SOFTWARE hive in the upload: the volume's own, for the Windows version.
            add(5e7) { results.set(volume) { $0.software = try SoftwareHiveFacts.read(volume: volume) } }
        }
        if let path = plan.vssadmin {
            add(1e5) { results.set(path) { $0.vssadmin = try VSSWriterList.read(path) } }
        }
        var volumeACL = false
        if let (path, kind) = plan.volume, kind == .fileListing {
            add(CaseTask.size(path) * 2) {
                var o = Volume.Options()
                o.limits = options.limits
                var po = CleanupPlanner.Options()
                po.limits = o.limits
                results.set(path) {
                    let (cleanup, report) = try CleanupPlanner(root: path, options: po).plan(listing: path)
                    $0.volume = report
                    $0.cleanup = cleanup
                }
            }
        } else if let (path, kind) = plan.volume, kind != .mountedVolume {
            // An image's MFT is indexed once; the folder limits, the cleanup plan and the ACL audit share it
            // (one task: the index is read from one thread). A collected $MFT holds no descriptors: its ACLs
            // come from its $SDS, or from an export.
            let collected = plan.collectedMFT
            volumeACL = !collected || plan.sds != nil
            let withACL = volumeACL
            add(CaseTask.size(path) * (withACL ? 0.8 : 0.3)) {
                var indexed: IndexedVolume? = nil
                results.set(path) {
                    let volume = try IndexedVolume(path: path)
                    indexed = volume
                    if kind == .volumeImage {
                        var po = CleanupPlanner.Options()
                        po.limits = options.limits
                        let (cleanup, report) = try CleanupPlanner(root: path, options: po).plan(indexed: volume)
                        $0.volume = report
                        $0.cleanup = cleanup
                    } else {
                        var o = Volume.Options()
                        o.limits = options.limits
                        o.threads = 1
                        $0.volume = try Volume.audit(indexed: volume, options: o)
                    }
                }
                guard withACL, let indexed else { return }
                results.set(path) {
                    var audit = ACLAudit()
                    _ = try ImageACLReader(path: path, sds: collected ? plan.sds : nil).read(
                        scopes: [], into: &audit, indexed: indexed)
                    $0.acl = audit.report(source: path)
                }
            }
        } else if let (path, _) = plan.volume {
            // A mounted volume: the walk and the ACL reading side by side (each reads the tree itself).
            add(1e9) {
                results.set(path) {
                    var po = CleanupPlanner.Options()
                    po.limits = options.limits
                    let (cleanup, report) = try CleanupPlanner(root: path, options: po).plan()
                    $0.volume = report
                    $0.cleanup = cleanup
                }
            }
            volumeACL = true
            add(1e9) {
                results.set(path) {
                    var audit = ACLAudit()
                    try MountedACLReader(root: path).read(scopes: [], into: &audit)
                    $0.acl = audit.report(source: path)
                }
            }
        }
        if !volumeACL, !plan.aclExports.isEmpty {
            // Every export of the upload into one audit (the collector saves one per folder).
            let exports = plan.aclExports
            add(exports.map { CaseTask.size($0.path) }.reduce(0, +) * 5) {
                results.set(exports[0].path) {
                    var audit = ACLAudit()
                    for (path, kind, base) in exports {
                        switch kind {
                        case .icaclsSave: try IcaclsSaveReader(path: path, base: base).read(into: &audit)
                        case .icaclsDisplay: try IcaclsDisplayReader(path: path).read(into: &audit)
                        default: try GetAclCSVReader(path: path).read(into: &audit)
                        }
                    }
                    let source =
                        exports.count == 1 ? exports[0].path : (exports[0].path as NSString).deletingLastPathComponent
                    $0.acl = audit.report(source: source)
                }
            }
        }
        // Longest first: the cores take the next task as they free, so the short ones fill in around the
        // long ones (a 1 GB trace on one core, the rest and the hashes on the other).
        let all = (tasks + alongside).sorted { $0.cost > $1.cost }
        DispatchQueue.concurrentPerform(iterations: all.count) { all[$0].run() }
        return (results.parts, results.errors, results.used)
    }
}

extension CaseAudits {
    /// The hive's descriptors against what `sc.exe sdshow` printed on the server: a difference means the
    /// hive is older than the server's state (or the other way round), so the fix scripts' check may refuse.
    static func compareLive(_ report: ServiceReport, _ queries: [(path: String, service: String?)]) throws -> [String] {
        var q = ServiceQueries()
        for (path, service) in queries { try q.read(path, service: service) }
        var out = q.warnings
        for s in report.services {
            guard let live = q.descriptors[s.name.uppercased()], let hive = s.sddl, live != hive else { continue }
            out.append(
                "\(s.name): sc.exe sdshow printed \(live) on the server, the hive holds \(hive): the hive and the server differ"
            )
        }
        return out
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
    /// The inputs some part of which was read (a volume whose walk worked and whose hive is missing is used,
    /// not ignored).
    private(set) var used: Set<String> = []

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
        used.insert(path)
        if let v = local.trace { parts.trace = v }
        if let v = local.eventlog { parts.eventlog = v }
        if let v = local.services { parts.services = v }
        if let v = local.volume { parts.volume = v }
        if let v = local.acl { parts.acl = v }
        if let v = local.cleanup { parts.cleanup = v }
        if let v = local.vssadmin { parts.vssadmin = v }
        if let v = local.software { parts.software = v }
    }
}

/// The SYSTEM and SOFTWARE hives recognition opened, handed to their audits (each is then used by one task).
final class OpenedHives: @unchecked Sendable {
    let byPath: [String: Hive]
    init(_ byPath: [String: Hive]) { self.byPath = byPath }
}
