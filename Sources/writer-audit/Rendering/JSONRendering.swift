import Foundation

/// JSON output: pretty, keys sorted, so the same input gives byte-identical output.
enum JSONRendering {
    static func write<T: Encodable>(_ value: T, into out: inout Output) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        out.bytes(data)
        out.line()
    }
}
