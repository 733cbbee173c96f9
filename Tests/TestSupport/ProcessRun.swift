import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// What a program printed and how it ended: the one process runner of the test targets (swift-subprocess).
public struct ProcessRun: Sendable {
    /// The exit code, or 128 + N when signal N ended it (as a shell reports it).
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// Runs `program` (a path) with `arguments`, in `directory` when given, and collects both outputs.
    public static func run(_ program: String, _ arguments: [String], in directory: String? = nil) async throws
        -> ProcessRun
    {
        let result = try await Subprocess.run(
            .path(FilePath(program)), arguments: Arguments(arguments),
            workingDirectory: directory.map { FilePath($0) },
            output: .string(limit: 1 << 30), error: .string(limit: 1 << 30))
        let status: Int32
        switch result.terminationStatus {
        case .exited(let code): status = Int32(code)
        case .signaled(let signal): status = 128 + Int32(signal)
        }
        return ProcessRun(status: status, stdout: result.standardOutput ?? "", stderr: result.standardError ?? "")
    }

    /// Runs a cleanup command to its end from synchronous code (a `defer`, a `deinit`), output discarded.
    /// Spawned and waited for directly: blocking on an async run here could starve the test runner's threads.
    /// `stdout`, when given, is a file that receives standard output (for callers that read it after).
    @discardableResult
    public static func runToEnd(_ program: String, _ arguments: [String], stdout: String? = nil) -> Int32 {
        var pid: pid_t = 0
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        guard posix_spawn(&pid, program, &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // The exit code, or 128 + N for signal N.
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// Where a command is on PATH (and in /usr/sbin, /sbin), or nil.
    public static func which(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
