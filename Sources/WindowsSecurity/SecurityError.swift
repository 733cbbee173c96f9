import BinaryFormat

/// Errors of the Security part: malformed SDDL, binary descriptors and SIDs, with the position. They are
/// about a value, not a file (`file` is empty): the reader that found the value names its file and place.
public struct SecurityError: FileInputError, Equatable {
    public enum Code: String, Sendable {
        case badSDDL
        case badDescriptor
        case badSID
        case unsupported
    }

    public let code: Code
    public var file: String { "" }
    /// Character offset in the SDDL text, or byte offset in the binary descriptor.
    public let position: FilePosition?
    public let reason: String

    public init(_ code: Code, at position: FilePosition?, _ reason: String) {
        self.code = code
        self.position = position
        self.reason = reason
    }

    public static func == (a: SecurityError, b: SecurityError) -> Bool { a.code == b.code }
}
