import Foundation

/// JSON output: pretty, keys sorted, so the same input gives byte-identical output.
enum JSONRendering {
    /// The JSON text of `value`, with its final line break.
    static func string<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    static func write<T: Encodable>(_ value: T, into out: inout Output) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        out.bytes(data)
        out.line()
    }
}
