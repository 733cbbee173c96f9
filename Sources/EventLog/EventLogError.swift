import BinaryFormat

/// The event-log reader's error: the file is not an EVTX log or cannot be read at all. Damage that leaves
/// other chunks readable is a warning instead.
public struct EventLogError: FileInputError, Equatable {
    public enum Code: String, Sendable {
        case unreadable
        case notAnEventLog
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

    public static func == (a: EventLogError, b: EventLogError) -> Bool { a.code == b.code }
}
