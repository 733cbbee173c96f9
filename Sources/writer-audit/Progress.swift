import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-line progress bar on stderr (bytes, MB/s, ETA), drawn only when stderr is a terminal.
final class ProgressBar {
    private let enabled: Bool
    private let label: String
    private var started = 0.0
    private var lastDraw = 0.0
    private var drawn = false

    init(label: String, enabled: Bool) {
        self.label = label
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
        started = Self.now()
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Returns the callback to hand to a reader, or nil when nothing is to be drawn.
    var callback: ((Int64, Int64) -> Void)? {
        guard enabled else { return nil }
        return { [self] done, total in update(done, total) }
    }

    private func update(_ done: Int64, _ total: Int64) {
        let t = Self.now()
        guard t - lastDraw >= 0.1 || done == total else { return }
        lastDraw = t
        let elapsed = max(t - started, 1e-6)
        let rate = Double(done) / elapsed
        let fraction = total > 0 ? min(Double(done) / Double(total), 1) : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let eta = rate > 0 && total > done ? Double(total - done) / rate : 0
        let line =
            "\r\(label) [\(bar)] \(Self.megabytes(done))/\(Self.megabytes(total)) MB  \(Int(rate / 1e6)) MB/s  ETA \(Int(eta.rounded()))s "
        FileHandleWriter.stderr(line)
        drawn = true
    }

    /// Clears the line so that what follows starts clean.
    func finish() {
        guard drawn else { return }
        FileHandleWriter.stderr("\r\u{1B}[K")
    }

    private static func megabytes(_ n: Int64) -> String { String(Int((Double(n) / 1e6).rounded())) }
}

enum FileHandleWriter {
    static func stderr(_ text: String) {
        var out = Output(fd: STDERR_FILENO)
        out.write(text)
        out.flush()
    }
}

/// Progress of a walk on stderr (folders visited, entries/s), only when stderr is a terminal.
final class WalkProgress {
    private let enabled: Bool
    private let started = ProgressBar.now()
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled && isatty(STDERR_FILENO) == 1 }

    var callback: ((Int, Int) -> Void)? {
        guard enabled else { return nil }
        return { [self] folders, entries in
            let rate = Double(entries) / max(ProgressBar.now() - started, 1e-6)
            FileHandleWriter.stderr("\rvolume: \(folders) folders, \(entries) entries, \(Int(rate)) entries/s ")
            drawn = true
        }
    }

    func finish() { if drawn { FileHandleWriter.stderr("\r\u{1B}[K") } }
}

/// A status line on stderr for work without a measure of its own (a case's audits side by side, a hive,
/// event logs, an ACL export): what is being done and the seconds so far, redrawn twice a second; only
/// when stderr is a terminal, and cleared when the work ends.
final class Progress: @unchecked Sendable {
    private let enabled: Bool
    private let label: String
    private let started = ProgressBar.now()
    private let lock = NSLock()
    private var text = ""
    private var timer: DispatchSourceTimer?
    private var finished = false

    init(enabled: Bool, label: String) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
        self.label = label
    }

    func note(_ what: String) {
        guard enabled else { return }
        lock.lock()
        text = what
        lock.unlock()
        if timer == nil {
            let t = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
            t.schedule(deadline: .now(), repeating: 0.5)
            t.setEventHandler { [self] in draw() }
            t.resume()
            timer = t
        }
    }

    private func draw() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        FileHandleWriter.stderr("\r\u{1B}[K\(label): \(text) (\(Int(ProgressBar.now() - started)) s)")
    }

    func finish() {
        guard let timer else { return }
        timer.cancel()
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        finished = true
        FileHandleWriter.stderr("\r\u{1B}[K")
    }
}
