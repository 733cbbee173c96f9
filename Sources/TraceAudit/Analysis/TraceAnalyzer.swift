import WriterScope

/// The single pass over a trace: finds every VSS writer's phase markers, follows each IDENTIFY window in
/// its process, and at the end builds the report.
///
/// Only RegSetValue rows (markers) and rows of a process with an open window do any work; every other
/// row costs an operation-name comparison and a PID test.
public struct TraceAnalyzer: EventSink {
    public struct Options: Sendable {
        /// The writer the verdict is about, matched case-insensitively.
        public var writer = "System Writer"
        /// Limit the verdict to windows of this PID.
        public var pid: Int? = nil
        /// How many events before Leave each window keeps.
        public var context = 25
        public var limits = FolderLimits()

        public init() {}
    }

    /// Failed events kept per window; the count goes on past it.
    public static let maxFailuresKept = 200

    private final class Writer {
        let name: String
        var markers = 0
        var processes: [String] = []
        var windows: [WindowState] = []
        init(name: String) { self.name = name }
    }

    public let options: Options
    private var writers: [String: Writer] = [:]
    private var writerOrder: [Writer] = []
    private var open: [WindowState] = []
    private var openPids: [Int] = []
    private var lastRow = 0
    private var warnings: [String] = []

    public init(options: Options = Options()) { self.options = options }

    public mutating func event(_ e: EventView) {
        lastRow = e.row
        if e.operation.count == 11, Bytes.equals(e.operation, "RegSetValue"),
            let marker = WriterMarker.parse(path: e.path)
        {
            handle(marker, e)
            return
        }
        if !openPids.isEmpty && openPids.contains(e.pid) { route(e) }
    }

    private mutating func handle(_ marker: WriterMarker, _ e: EventView) {
        let writer = writerNamed(marker.writer)
        writer.markers += 1
        let process = "\(Bytes.string(e.processName)) (\(e.pid))"
        if !writer.processes.contains(process) { writer.processes.append(process) }
        let identify = marker.phase == "IDENTIFY"
        if identify && marker.edge == .leave {
            if let w = open.first(where: { $0.writer == writer.name && $0.pid == e.pid }) {
                close(w, .leave(e.owned()))
            } else {
                warnings.append(
                    "row \(e.row): \(marker.writer) IDENTIFY (Leave) in PID \(e.pid) without an Enter (the capture started inside IDENTIFY?)"
                )
            }
        }
        route(e)
        if identify && marker.edge == .enter {
            if let w = open.first(where: { $0.writer == writer.name && $0.pid == e.pid }) {
                close(w, .enteredAgain(row: e.row))
            }
            let w = WindowState(writer: writer.name, enter: e, context: options.context)
            writer.windows.append(w)
            open.append(w)
            openPids = open.map(\.pid)
        }
    }

    /// Hands an event to the open windows of its PID, closing those whose process is gone.
    private mutating func route(_ e: EventView) {
        guard openPids.contains(e.pid) else { return }
        let exit = Bytes.equals(e.operation, "Process Exit")
        let start = Bytes.equals(e.operation, "Process Start")
        for w in open where w.pid == e.pid {
            if start || !w.isSameProcess(e.processName) {
                close(w, .pidReused(row: e.row, by: "\(Bytes.string(e.processName)) (\(e.pid))"))
            } else if exit {
                close(w, .processExit(row: e.row, status: Self.exitStatus(e.detail)))
            } else {
                w.add(e)
            }
        }
    }

    private mutating func close(_ w: WindowState, _ end: WindowState.End) {
        w.end = end
        open.removeAll { $0 === w }
        openPids = open.map(\.pid)
    }

    private mutating func writerNamed(_ name: String) -> Writer {
        let key = name.lowercased()
        if let w = writers[key] { return w }
        let w = Writer(name: name)
        writers[key] = w
        writerOrder.append(w)
        return w
    }

    /// `Exit Status: -1073741819, User Time: …` → the status.
    static func exitStatus(_ detail: UnsafeRawBufferPointer) -> Int64? {
        guard let at = Bytes.find(detail, exitStatusLabel) else { return nil }
        let rest = detail[(at + exitStatusLabel.count)...]
        let digits = rest.prefix { $0 == 0x2D || ($0 >= 0x30 && $0 <= 0x39) }
        return Int64(String(decoding: digits, as: UTF8.self))
    }

    private static let exitStatusLabel = Bytes.lowercased("exit status: ")

    /// Closes what is still open and builds the report.
    ///
    /// `listingsCounted` is false when the input had no QueryDirectory details (a CSV without Detail): a clean
    /// verdict then says that folder sizes were not checked.
    public mutating func finish(
        file: String, rows: Int, encoding: String, warnings readerWarnings: [String], listingsCounted: Bool = true
    ) -> TraceReport {
        for w in open { w.end = .captureEnded(lastRow: lastRow) }
        open.removeAll()
        openPids.removeAll()
        let timelines = writerOrder.map { w in
            WriterTimeline(
                name: w.name, markers: w.markers, processes: w.processes,
                windows: w.windows.map { window in
                    var report = window.report(limits: options.limits)
                    if !listingsCounted && report.diagnosis.kind == .clean {
                        report.diagnosis.summary +=
                            " Folder sizes were NOT checked: the export has no Detail column, so QueryDirectory listings could not be counted."
                    }
                    return report
                })
        }
        let selected = timelines.first { $0.name.lowercased() == options.writer.lowercased() }
        let windows = (selected?.windows ?? []).filter { options.pid == nil || $0.pid == options.pid }
        var advice: [String] = []
        if windows.isEmpty { advice = Self.advice(for: options, timelines: timelines) }
        return TraceReport(
            file: file, rows: rows, encoding: encoding, writer: selected?.name ?? options.writer, pid: options.pid,
            verdict: windows.last?.diagnosis, writers: timelines, warnings: readerWarnings + warnings, advice: advice,
            limits: options.limits)
    }

    static func advice(for options: Options, timelines: [WriterTimeline]) -> [String] {
        var lines: [String] = []
        let pidNote = options.pid.map { " in PID \($0)" } ?? ""
        lines.append("No IDENTIFY (Enter) of \"\(options.writer)\"\(pidNote) in this trace.")
        let logged = timelines.filter { !$0.windows.isEmpty }.map(\.name)
        if logged.isEmpty {
            lines.append("No VSS writer logged IDENTIFY markers (RegSetValue on ...\\Services\\VSS\\Diag\\<writer>).")
        } else {
            lines.append("Writers that logged IDENTIFY: \(logged.joined(separator: ", ")).")
        }
        lines.append(contentsOf: [
            "To capture it: stop the Cryptographic Services service (net stop cryptsvc), start Process Monitor,",
            "start the service (net start cryptsvc), run `vssadmin list writers`, stop the capture,",
            "and export all events (File > Save > All events, Comma-Separated Values).",
            "VSS\\Diag logging may be disabled ((Default)=Disabled on HKLM\\System\\CurrentControlSet\\Services\\VSS\\Diag)",
            "or the RegSetValue rows may have been filtered out of the export.",
        ])
        return lines
    }
}
