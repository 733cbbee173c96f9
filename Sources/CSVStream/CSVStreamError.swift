import BinaryFormat

/// The one error type of CSVStream: a stable code for tests and a one-line message that names the file and position.
public struct CSVStreamError: FileInputError, Equatable {
    public enum Code: String, Sendable {
        case cannotOpen
        case readFailed
        case empty
        case binary
        case fieldTooLong
        case recordTooLong
        case tooManyColumns
        case unterminatedQuote
    }

    public let code: Code
    /// Empty while a libcsv callback holds it (they know the row, not the path); the stream then names it.
    public internal(set) var file: String
    public let position: FilePosition?
    public let reason: String

    public init(_ code: Code, file: String, at position: FilePosition? = nil, _ reason: String) {
        self.code = code
        self.file = file
        self.position = position
        self.reason = reason
    }

    /// Errors compare by code, so tests can expect a code without spelling out the message.
    public static func == (lhs: CSVStreamError, rhs: CSVStreamError) -> Bool { lhs.code == rhs.code }
}
