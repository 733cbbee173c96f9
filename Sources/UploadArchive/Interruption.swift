import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// SIGINT and SIGTERM while a case runs: the temporary folders it made (the .zip members it unpacked) are
/// removed before the process ends with 128 + the signal's number, so an interrupted case leaves nothing
/// behind. Work in progress checks `check()` between members and between blocks, and stops.
public enum Interruption {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var folders: Set<String> = []
    nonisolated(unsafe) private static var received: Int32 = 0
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Installs the handlers (once per process).
    public static func install() {
        lock.lock()
        defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { interrupted(by: sig) }
            source.resume()
            sources.append(source)
        }
    }

    /// `folder` is removed if the process is interrupted before `forget(folder)`.
    static func removeOnSignal(_ folder: String) {
        lock.lock()
        folders.insert(folder)
        lock.unlock()
    }

    static func forget(_ folder: String) {
        lock.lock()
        folders.remove(folder)
        lock.unlock()
    }

    /// Once a signal has arrived, no new file is started in a folder being removed: the caller waits here
    /// for the handler, which ends the process (so the exit status is the signal's, never an error's).
    static func check() throws(CaseError) {
        lock.lock()
        let sig = received
        lock.unlock()
        guard sig != 0 else { return }
        for _ in 0..<200 { usleep(50_000) }
        throw CaseError(.interrupted, file: "", "interrupted by signal \(sig)")
    }

    private static func interrupted(by sig: Int32) {
        lock.lock()
        received = sig
        let list = folders
        lock.unlock()
        // The main thread may be finishing one block of a member: a second pass takes what it left.
        for _ in 0..<3 {
            for folder in list { try? FileManager.default.removeItem(atPath: folder) }
            if !list.contains(where: { FileManager.default.fileExists(atPath: $0) }) { break }
            usleep(50_000)
        }
        _exit(128 + sig)
    }
}
