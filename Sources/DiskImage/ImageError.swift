import BinaryFormat

/// The disk-image and NTFS readers' error: the image cannot be read as a volume. Damage that leaves the rest
/// readable is a warning instead.
public typealias ImageError = ReaderError<ImageErrorCode>

/// The codes of `ImageError`.
public enum ImageErrorCode: String, Sendable {
    /// Damaged beyond reading, or not a volume at all.
    case damaged
    /// A sound image read only once the user acts: a container to convert, a partition to choose.
    case unsupported
}

extension ImageError {
    /// A byte-layer error (cut-off image, read failure) as the image error a user sees.
    public init(_ e: BinaryFormatError) { self.init(.damaged, file: e.file, at: e.position, e.reason) }
}
