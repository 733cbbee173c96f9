/// An error the user caused (bad input, a bad path, an output location not allowed, an unreadable file):
/// the command line prints its message as one line on stderr and exits 2. Every module's error conforms;
/// anything else that escapes is a bug (exit 3).
public protocol UserError: Error, CustomStringConvertible, Sendable {
    /// One line naming the file and the position (row, line, record, byte offset) where it is known.
    var message: String { get }
}

extension UserError {
    public var description: String { message }
}

/// The one shape of an error line about a file: `PATH: byte offset N: reason`, or `PATH: reason`.
public enum PositionedMessage {
    public static func line(path: String, offset: UInt64?, _ reason: String) -> String {
        offset.map { "\(path): byte offset \($0): \(reason)" } ?? "\(path): \(reason)"
    }
}
