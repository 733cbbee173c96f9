import BinaryFormat
import Foundation

/// A disk or volume image, read-only, by offset in the disk it holds: a raw image or fixed VHD as it is,
/// or a VHDX or dynamic VHD through its block table (recognised by content). Every reader of NTFS, MBR and
/// GPT stands on this; none knows which container it reads.
package final class ImageFile: PositionedReader, @unchecked Sendable {
    package let path: String
    /// The size of the disk (for a VHDX or dynamic VHD, its virtual size).
    package let size: UInt64
    private let raw: ReadOnlyFile
    private let disk: (any VirtualDisk)?
    /// What holds the disk, for messages: "VHDX", "dynamic VHD", or nil for a raw image.
    package let container: String?
    /// The files read for the disk: this one, then a differencing disk's parents.
    package var chain: [String] { disk?.chain ?? [path] }
    /// What the container's tables hold that was read around.
    package var warnings: [String] { disk?.warnings ?? [] }

    package init(path: String) throws {
        raw = try ReadOnlyFile(path: path, blockDevice: true)
        self.path = path
        let found = try VirtualDisks.open(raw, chain: [(path as NSString).resolvingSymlinksInPath])
        if let disk = found {
            self.disk = disk
            size = disk.size
            container = disk.name
        } else {
            disk = nil
            size = raw.size
            container = nil
        }
    }

    /// Reads exactly `count` bytes of the disk at `offset`, or throws naming `what`.
    package func read(
        into buffer: UnsafeMutableRawPointer, count: Int, at offset: UInt64, what: @autoclosure () -> String
    )
        throws(BinaryFormatError)
    {
        guard let disk else { return try raw.read(into: buffer, count: count, at: offset, what: what()) }
        guard count >= 0, offset <= size, UInt64(count) <= size - offset else {
            throw BinaryFormatError(
                .truncated, path: path, offset: offset,
                "\(what()) needs \(count) bytes but the \(disk.name) disk ends at byte \(size) (an offset points outside it)"
            )
        }
        try disk.read(into: buffer, count: count, at: offset)
    }

    /// An error about the bytes at `offset` of the disk (for a VHDX or dynamic VHD, a virtual offset).
    package func error(at offset: UInt64, _ what: String) -> ImageError {
        ImageError(
            .damaged, file: path,
            at: container.map { .diskOffset(container: $0, offset: offset) } ?? .byteOffset(offset), what)
    }
}

/// A disk held in a container file, read by virtual offset.
protocol VirtualDisk: Sendable {
    var name: String { get }
    var size: UInt64 { get }
    /// The file that holds it.
    var path: String { get }
    /// What a differencing child names its parent by: a VHDX's DataWriteGuid, a VHD's unique id.
    var identity: [UInt8] { get }
    /// The files read for it: its own, then its parent's chain.
    var chain: [String] { get }
    /// Reads `count` bytes at virtual `offset` (within `size`).
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: UInt64) throws(BinaryFormatError)
    /// What its tables hold that no writer makes, read around (its parents' included).
    var warnings: [String] { get }
}

extension ImageFile {
    /// Whether `path` names an image to read (a regular file or a block device) rather than a folder to walk.
    public static func isImage(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        let kind = st.st_mode & S_IFMT
        return kind == S_IFREG || kind == S_IFBLK
    }
}
