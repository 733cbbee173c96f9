import BinaryFormat

/// The one error type of CSVStream: a stable code for tests and a one-line message that names the file and position.
public struct CSVStreamError: UserError, Equatable {
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
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Errors compare by code, so tests can expect a code without spelling out the message.
    public static func == (lhs: CSVStreamError, rhs: CSVStreamError) -> Bool { lhs.code == rhs.code }
}
