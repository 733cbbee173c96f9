import BinaryFormat

/// The one error type of CSVStream: a stable code for tests and a one-line message that names the file and position.
public typealias CSVStreamError = ReaderError<CSVStreamErrorCode>

/// The codes of `CSVStreamError`.
public enum CSVStreamErrorCode: String, Sendable {
    case cannotOpen
    case readFailed
    case empty
    case binary
    case fieldTooLong
    case recordTooLong
    case tooManyColumns
    case unterminatedQuote
}
