import BinaryFormat

/// Why a case cannot be read: one line naming the input (and the member of a .zip), in the shape of every
/// reader's error; `file` is empty for what concerns no one file (a signal).
public struct CaseError: FileInputError, Equatable {
    public enum Code: String, Sendable {
        /// A path given does not exist or cannot be read.
        case unreadable
        /// Nothing in the upload is an input the case reads.
        case unusable
        /// A .zip that cannot be read, or holds a member whose path climbs out (`..`) or is absolute.
        case badArchive
        /// An output location that cannot be written.
        case badOutput
        /// SIGINT or SIGTERM arrived while the upload was being unpacked.
        case interrupted
    }

    public let code: Code
    public let file: String
    public let position: FilePosition?
    public let reason: String

    public init(_ code: Code, file: String, at position: FilePosition? = nil, _ reason: String) {
        self.code = code
        self.file = file
        self.position = position
        self.reason = reason
    }

    public static func == (a: CaseError, b: CaseError) -> Bool { a.code == b.code }
}
