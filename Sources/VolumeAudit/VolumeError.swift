import BinaryFormat

/// The one error type of VolumeAudit: a stable code and a one-line message naming the input and position.
public struct VolumeError: UserError, Equatable {
    public enum Code: String, Sendable {
        /// The root is missing, not a directory, or cannot be opened.
        case badRoot
        /// A `--scope` path does not name a folder under the root.
        case badScope
        /// A mounted folder whose entries carry no NTFS security descriptor (not an ntfs-3g mount).
        case noDescriptors
        /// An output location that is not allowed (on the audited volume) or cannot be written.
        case badOutput
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func == (lhs: VolumeError, rhs: VolumeError) -> Bool { lhs.code == rhs.code }
}
