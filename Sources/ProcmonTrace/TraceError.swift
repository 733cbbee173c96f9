import BinaryFormat
import CSVStream

/// The one error type of ProcmonTrace: a stable code, the file, the position and what was expected there.
public typealias TraceError = ReaderError<TraceErrorCode>

/// The codes of `TraceError`.
public enum TraceErrorCode: String, Sendable {
    /// The input is not something this reader can take (wrong columns, binary data, empty ...).
    case notAnExport
    /// The input is an export, but a row in it is malformed.
    case malformedRow
    /// The file could not be opened or read.
    case unreadable
}

extension TraceError {
    /// Maps a byte-layer error (cut-off log, read failure) to the trace error a user sees.
    public init(_ error: BinaryFormatError) {
        self.init(
            error.code == .unreadable ? .unreadable : .malformedRow, file: error.file, at: error.position, error.reason)
    }

    /// Maps a stream error to the trace error a user sees; the message already names the file and position.
    init(_ error: CSVStreamError) {
        switch error.code {
        case .cannotOpen, .readFailed: self.init(.unreadable, file: error.file, at: error.position, error.reason)
        case .empty, .binary, .tooManyColumns:
            self.init(.notAnExport, file: error.file, at: error.position, error.reason)
        case .fieldTooLong, .recordTooLong, .unterminatedQuote:
            self.init(.malformedRow, file: error.file, at: error.position, error.reason)
        }
    }
}
