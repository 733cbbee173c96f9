import BinaryFormat

/// Errors of the Security part: malformed SDDL, binary descriptors and SIDs, with the position.
public struct SecurityError: UserError, Equatable {
    public enum Code: String, Sendable {
        case badSDDL
        case badDescriptor
        case badSID
        case unsupported
    }

    public let code: Code
    public let message: String
    /// Character offset in the SDDL text, or byte offset in the binary descriptor.
    public let position: Int

    public init(_ code: Code, _ message: String, at position: Int) {
        self.code = code
        self.message = message
        self.position = position
    }

    public static func == (a: SecurityError, b: SecurityError) -> Bool { a.code == b.code }
}
