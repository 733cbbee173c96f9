import ArgumentParser
import BinaryFormat
import ServiceAudit

/// Prints every key and value of a hive (or those under --key), as text or one JSON object per value.
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Print the keys and values of a registry hive file (SYSTEM, SOFTWARE, ...), logs applied.",
        discussion: """
            A dirty hive (its sequence numbers differ) is replayed in memory from NAME.LOG1 / NAME.LOG2 beside \
            it, as Windows would at load; the files are never written. --format json prints one object per \
            line: {"key", "value", "type", "data", "hex"}; data is the typed view (a string, a list of \
            strings, a number, the hex of binary types) or null when the bytes do not fit the declared type.
            """)

    @Argument(help: "The hive file (e.g. a copy of C:\\Windows\\System32\\config\\SYSTEM, or reg save output).")
    var hive: String

    @Option(help: "Only this key and what is below it, e.g. 'ControlSet001\\Services\\CryptSvc'.")
    var key: String?

    @Option(help: "text (default) or json.")
    var format: String = "text"

    @Flag(
        help:
            "With --format json: every key as a line of its own too ({\"key\", \"subkeys\", \"values\"}), before its values."
    )
    var keys = false

    @Flag(help: "Do not apply the transaction logs beside a dirty hive.")
    var noLogs = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format takes text or json") }
    }

    func run() throws {
        let h = try Hive(path: hive, applyLogs: !noLogs)
        let start: KeyNode
        var startPath = ""
        if let key {
            guard let (k, stored) = h.resolve(path: key) else {
                throw RegistryError(
                    .keyNotFound, path: hive, offset: nil, "no key \(QuotedText.escape(key)) in this hive")
            }
            start = k
            startPath = stored
        } else {
            start = h.root
        }
        var out = Output.standardOutput
        let renderer = RegistryRenderer(json: format == "json", keys: keys)
        var buffer: [UInt8] = []
        h.walk(from: start, path: startPath) { path, k in
            renderer.key(path, k, in: h, into: &buffer)
            if buffer.count >= 1 << 16 {
                out.bytes(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        out.bytes(buffer)
        out.flush()
        if !common.quiet {
            for line in RegistryRenderer.status(h) { printError("writer-audit: \(hive): \(line)") }
        }
    }
}
