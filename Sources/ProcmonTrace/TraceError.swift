import BinaryFormat
import CSVStream

/// The one error type of ProcmonTrace: a stable code and a one-line message naming the file and position.
public struct TraceError: UserError, Equatable {
    public enum Code: String, Sendable {
        /// The input is not something this reader can take (wrong columns, binary data, empty ...).
        case notAnExport
        /// The input is an export, but a row in it is malformed.
        case malformedRow
        /// The file could not be opened or read.
        case unreadable
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func == (lhs: TraceError, rhs: TraceError) -> Bool { lhs.code == rhs.code }

    /// Maps a byte-layer error (cut-off log, read failure) to the trace error a user sees.
    public init(_ error: BinaryFormatError) {
        self.init(error.code == .unreadable ? .unreadable : .malformedRow, error.message)
    }

    /// Maps a stream error to the trace error a user sees; the message already names the file and position.
    init(_ error: CSVStreamError) {
        switch error.code {
        case .cannotOpen, .readFailed: self.init(.unreadable, error.message)
        case .empty, .binary, .tooManyColumns: self.init(.notAnExport, error.message)
        case .fieldTooLong, .recordTooLong, .unterminatedQuote: self.init(.malformedRow, error.message)
        }
    }
}
