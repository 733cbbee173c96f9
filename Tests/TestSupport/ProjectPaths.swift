import Foundation

/// Where the project and the shared reference data are, found from this file (Tests/TestSupport/).
public enum ProjectPaths {
    /// The package root.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// A file under Fixtures/.
    public static func fixture(_ name: String) -> String { root.appendingPathComponent("Fixtures/\(name)").path }
    /// A program under scripts/.
    public static func script(_ name: String) -> String { root.appendingPathComponent("scripts/\(name)").path }
    /// The `writer-audit` executable SwiftPM built with the tests: it sits in the products folder the test
    /// runner runs from (whatever the triple and configuration), so no build path is written here.
    public static let binary: String = {
        let candidates: [String] = [
            Bundle.main.bundleURL.appendingPathComponent("writer-audit").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("writer-audit").path,
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("writer-audit").path,
        ].compactMap { $0 }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            fatalError(
                "writer-audit is not built beside the tests (looked in \(candidates)); run swift build --build-tests")
        }
        return found
    }()

    /// A folder of ../shared/reference beside the clone.
    public static func reference(_ folder: String) -> String {
        root.deletingLastPathComponent().appendingPathComponent("shared/reference/\(folder)").path
    }
}

/// Under CI (`CI=true`) nothing is skipped for missing data or tools: the tests run and fail instead.
public let underCI = ["true", "1"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")

/// Runs a program; returns its exit status and output (through the test targets' one runner).
@discardableResult
public func run(_ program: String, _ arguments: [String]) async throws -> (
    status: Int32, stdout: String, stderr: String
) {
    let r = try await ProcessRun.run(program, arguments)
    return (r.status, r.stdout, r.stderr)
}
