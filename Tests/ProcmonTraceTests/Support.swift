import Foundation
import TestSupport

@testable import ProcmonTrace
@testable import TraceAudit

/// Paths of the project's fixtures and of the shared reference data, found from this file.
enum Paths {
    static let root = ProjectPaths.root
    static func fixture(_ name: String) -> String { root.appendingPathComponent("Fixtures/procmon/\(name)").path }
    static let reference = ProjectPaths.reference("procmon")
    static var hasReference: Bool { FileManager.default.fileExists(atPath: reference + "/SOURCES.md") }
}

/// Runs a byte-slice test on a Swift string.
func withBytes<T>(_ s: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
    Array(s.utf8).withUnsafeBytes(body)
}

func analyze(_ fixture: String, configure: (inout TraceAnalyzer.Options) -> Void = { _ in }) throws -> TraceReport {
    var options = TraceAnalyzer.Options()
    configure(&options)
    return try Trace.analyze(path: Paths.fixture(fixture), options: options)
}
