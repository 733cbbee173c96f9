import BinaryFormat
import DiskImage

/// What a volume says of one file asked for by path.
public enum VolumeFileState: Sendable, Equatable {
    case missing
    /// The file is there; its self-relative security descriptor when one could be read.
    case present(descriptor: [UInt8]?)
    case unreadable(String)
}

/// Files on a volume looked up by their Windows path below the volume root (`Windows\System32\config\SYSTEM`),
/// names matched without regard to case as Windows does: a mounted tree or an NTFS image.
public protocol VolumeFiles: AnyObject {
    /// How messages name the volume.
    var source: String { get }
    func state(of path: String) -> VolumeFileState
    /// The file's contents, at most `limit` bytes (more is an error); nil when it is not there.
    func contents(of path: String, limit: Int) throws -> [UInt8]?
    /// The names in a folder (nil when the folder is not there).
    func names(in folder: String) -> [String]?
    /// The folder a mounted volume is mounted at (where nothing may be written); nil for an image.
    var mountRoot: String? { get }
}

extension VolumeFiles {
    public var mountRoot: String? { nil }

    /// Path components of a Windows path below the root (`\` or `/` separated, empty parts dropped).
    static func components(_ path: String) -> [String] {
        path.split(whereSeparator: { $0 == "\\" || $0 == "/" }).map(String.init)
    }
}

/// Opens a volume for file lookups: a folder is a mounted tree, a file or block device an NTFS image.
public enum VolumeFilesOpener {
    public static func open(_ path: String, partition: Int? = nil) throws -> any VolumeFiles {
        if ImageFile.isImage(path) { return try ImageVolumeFiles(path: path, partition: partition) }
        return MountedVolumeFiles(root: path)
    }
}
