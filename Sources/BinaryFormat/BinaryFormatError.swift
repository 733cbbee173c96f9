/// The one error of the byte layer: which file, which byte offset, and what was wrong there.
public struct BinaryFormatError: FileInputError, Equatable {
    public enum Code: String, Sendable {
        /// The file could not be opened, stat'ed or read (the operating system said no).
        case unreadable
        /// A read wanted bytes past the end of the file, or the file shrank while being read.
        case truncated
        /// The bytes are there but do not make sense (a length past its container, an overflow, a bad value).
        case malformed
    }

    public let code: Code
    public let path: String
    public let offset: UInt64?
    public let reason: String

    public init(_ code: Code, path: String, offset: UInt64?, _ reason: String) {
        self.code = code
        self.path = path
        self.offset = offset
        self.reason = reason
    }

    public var file: String { path }
    public var position: FilePosition? { offset.map(FilePosition.byteOffset) }

    public static func == (a: BinaryFormatError, b: BinaryFormatError) -> Bool { a.code == b.code }
}
