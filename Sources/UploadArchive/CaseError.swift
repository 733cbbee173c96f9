import BinaryFormat

/// Why a case cannot be read: one line naming the input (and the member of a .zip).
public struct CaseError: UserError, Equatable {
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
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func == (a: CaseError, b: CaseError) -> Bool { a.code == b.code }
}
