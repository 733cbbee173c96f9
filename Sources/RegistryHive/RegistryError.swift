import BinaryFormat

/// The hive reader's error: nothing usable could be read (not a hive, no root key, the file cannot be read).
/// Damage that leaves the rest readable is a `HiveWarning` instead.
public struct RegistryError: FileInputError, Equatable {
    public enum Code: String, Sendable {
        case unreadable
        case notAHive
        case noRootKey
        case keyNotFound
        /// A sound hive of another kind than the one asked for (a SOFTWARE hive given as SYSTEM).
        case wrongKind
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

    public static func == (a: RegistryError, b: RegistryError) -> Bool { a.code == b.code }
}
