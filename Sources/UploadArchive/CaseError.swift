import BinaryFormat

/// Why a case cannot be read: one line naming the input (and the member of a .zip), in the shape of every
/// reader's error; `file` is empty for what concerns no one file (a signal).
public typealias CaseError = ReaderError<CaseErrorCode>

/// The codes of `CaseError`.
public enum CaseErrorCode: String, Sendable {
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
