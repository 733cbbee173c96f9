import BinaryFormat

/// The disk-image and NTFS readers' error: the image cannot be read as a volume. Damage that leaves the rest
/// readable is a warning instead.
public struct ImageError: FileInputError, Equatable {
    public enum Code: String, Sendable {
        /// Damaged beyond reading, or not a volume at all.
        case damaged
        /// A sound image read only once the user acts: a container to convert, a partition to choose.
        case unsupported
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

    /// A byte-layer error (cut-off image, read failure) as the image error a user sees.
    public init(_ e: BinaryFormatError) { self.init(.damaged, file: e.file, at: e.position, e.reason) }

    public static func == (a: ImageError, b: ImageError) -> Bool { a.code == b.code }
}
