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
