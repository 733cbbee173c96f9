import Foundation
import Testing

/// Exact outputs of the bundled examples, kept under Fixtures/expected/ and compared byte for byte.
///
/// Refresh them after a deliberate change of output with `scripts/refresh-golden` (it sets
/// WRITER_AUDIT_REFRESH_GOLDEN=1, which makes these tests write the files instead of comparing), then review
/// the diff with `git diff Fixtures/expected` before committing it.
@Suite("Golden outputs of the bundled examples")
struct GoldenOutputTests {
    static let expected = Run.root.appendingPathComponent("Fixtures/expected").path
    static let refresh = ProcessInfo.processInfo.environment["WRITER_AUDIT_REFRESH_GOLDEN"] == "1"

    /// One example: the arguments (paths relative to the repository, which is the working directory).
    struct Example: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        var testDescription: String { name }
    }

    static var traceExamples: [Example] {
        let folder = Run.root.appendingPathComponent("Fixtures/procmon").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".csv") && !$0.hasPrefix("refuse-") }.sorted().flatMap { name in
            let base = "trace-" + name.dropLast(4)
            return [
                Example(name: base + ".txt", arguments: ["trace", "Fixtures/procmon/" + name]),
                Example(name: base + ".json", arguments: ["trace", "Fixtures/procmon/" + name, "--format", "json"]),
            ]
        }
    }

    /// MSLLDP's service descriptor in the reference hives (../shared/reference/registry/SOURCES.md).
    static let mslldp =
        "O:SYG:SYD:(D;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BG)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;SY)(A;;CCDCLCSWRPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWRPWPDTLOCRRC;;;SO)(A;;LCRPWP;;;S-1-5-80-3141615172-2057878085-1754447212-2405740020-3916490453)"

    static let otherExamples: [Example] = [
        Example(name: "acl-getacl.txt", arguments: ["acl", "--getacl-csv", "Fixtures/acl/getacl.csv"]),
        Example(
            name: "acl-getacl.json", arguments: ["acl", "--getacl-csv", "Fixtures/acl/getacl.csv", "--format", "json"]),
        Example(
            name: "acl-icacls-display.txt", arguments: ["acl", "--icacls-display", "Fixtures/acl/icacls-display.txt"]),
        Example(
            name: "acl-icacls-display.json",
            arguments: ["acl", "--icacls-display", "Fixtures/acl/icacls-display.txt", "--format", "json"]),
        Example(name: "acl-icacls-save.txt", arguments: ["acl", "--icacls", "Fixtures/acl/icacls-save.txt"]),
        Example(
            name: "acl-icacls-save.json",
            arguments: ["acl", "--icacls", "Fixtures/acl/icacls-save.txt", "--format", "json"]),
        Example(
            name: "sddl-deny.txt",
            arguments: ["sddl", "O:BAG:SYD:PAI(D;;FA;;;NS)(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;BU)"]),
        Example(
            name: "sddl-deny.json",
            arguments: ["sddl", "O:BAG:SYD:PAI(D;;FA;;;NS)(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;BU)", "--format", "json"]),
        Example(name: "sddl-service-mslldp.txt", arguments: ["sddl", "--object", "service", mslldp]),
        Example(
            name: "sddl-service-mslldp.json", arguments: ["sddl", "--object", "service", mslldp, "--format", "json"]),
        Example(
            name: "eventlog-demo.txt",
            arguments: ["eventlog", "Fixtures/evtx/Application.evtx", "Fixtures/evtx/System.evtx"]),
        Example(
            name: "eventlog-demo.json",
            arguments: ["eventlog", "Fixtures/evtx/Application.evtx", "Fixtures/evtx/System.evtx", "--format", "json"]),
    ]

    static var refusals: [Example] {
        let folder = Run.root.appendingPathComponent("Fixtures/procmon").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix("refuse-") }.sorted().map { name in
            Example(
                name: "trace-" + (name as NSString).deletingPathExtension + ".stderr",
                arguments: ["trace", "Fixtures/procmon/" + name])
        }
    }

    /// Compares the output with `Fixtures/expected/NAME` and the exit status with `NAME.exit`: both are kept.
    private func compare(_ example: Example, output: String, status: Int32) async throws {
        let path = Self.expected + "/" + example.name
        let exit = "\(status)\n"
        if Self.refresh {
            try FileManager.default.createDirectory(atPath: Self.expected, withIntermediateDirectories: true)
            try output.write(toFile: path, atomically: true, encoding: .utf8)
            try exit.write(toFile: path + ".exit", atomically: true, encoding: .utf8)
            return
        }
        let want = try #require(
            try? await String(contentsOfFile: path, encoding: .utf8),
            "no \(path): run scripts/refresh-golden and review the diff")
        #expect(output == want, "\(example.name) differs from Fixtures/expected (scripts/refresh-golden if deliberate)")
        let wantExit = try #require(
            try? await String(contentsOfFile: path + ".exit", encoding: .utf8),
            "no \(path).exit: run scripts/refresh-golden and review the diff")
        #expect(exit == wantExit, "\(example.name): exit \(status), Fixtures/expected says \(wantExit)")
    }

    @Test("trace, text and JSON, of every bundled Procmon export", arguments: traceExamples)
    func trace(_ example: Example) async throws {
        let run = try await Run(example.arguments, in: Run.root.path)
        try await compare(example, output: run.stdout, status: run.status)
    }

    @Test("acl exports, sddl and the bundled event logs, text and JSON", arguments: otherExamples)
    func others(_ example: Example) async throws {
        let run = try await Run(example.arguments, in: Run.root.path)
        try await compare(example, output: run.stdout, status: run.status)
    }

    @Test("the refusals of the bundled bad exports: exit 2 and their exact line", arguments: refusals)
    func refusal(_ example: Example) async throws {
        let run = try await Run(example.arguments, in: Run.root.path)
        try await compare(example, output: run.stderr, status: run.status)
    }
}
