import Foundation

/// The reference hives of ../shared/reference/registry, unpacked once per test run into a scratch folder.
public enum ReferenceHives {
    public static let folder = ProjectPaths.reference("registry")
    public static var present: Bool { FileManager.default.fileExists(atPath: folder + "/SOURCES.md") }
    public static let scratch = NSTemporaryDirectory() + "registry-hive-tests-\(getpid())"

    /// The unpacked file (`SYSTEM`, `SYSTEM_B.LOG1`, ...), unpacked with xz on first use (once, though
    /// tests run in parallel).
    public static func path(_ name: String) async throws -> String { try await Unpacked.shared.path(name) }

    actor Unpacked {
        static let shared = Unpacked()
        private var tasks: [String: Task<String, any Error>] = [:]

        func path(_ name: String) async throws -> String {
            if let t = tasks[name] { return try await t.value }
            let t = Task<String, any Error> {
                let out = ReferenceHives.scratch + "/" + name
                try FileManager.default.createDirectory(
                    atPath: ReferenceHives.scratch, withIntermediateDirectories: true)
                let r = try await ProcessRun.run(
                    "/bin/sh", ["-c", "xz -dc '\(ReferenceHives.folder)/\(name).xz' > '\(out)'"])
                guard r.status == 0 else { throw ProcessFailure(message: "xz \(name): \(r.stderr)") }
                return out
            }
            tasks[name] = t
            return try await t.value
        }
    }
}

public struct ProcessFailure: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
