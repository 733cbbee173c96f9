import BinaryFormat

/// A disk or volume image is read through the byte layer's read-only file (never written).
typealias ImageFile = ReadOnlyFile

extension ReadOnlyFile {
    /// An error about the bytes at `offset` of the image.
    func error(at offset: UInt64, _ what: String) -> VolumeError {
        VolumeError(.badImage, "\(path): byte offset \(offset): \(what)")
    }
}

extension VolumeError {
    /// A byte-layer error (cut-off image, read failure) as the volume error a user sees.
    init(_ e: BinaryFormatError) { self.init(.badImage, e.message) }
}
