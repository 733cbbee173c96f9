import BinaryFormat
import CXattr
import DiskImage
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Files on a mounted volume. Names are matched without regard to case (a Linux mount of NTFS may be
/// case-sensitive); the descriptor is ntfs-3g's `system.ntfs_acl` when the mount has it.
public final class MountedVolumeFiles: VolumeFiles {
    public let root: String
    public var mountRoot: String? { root }
    public var source: String { root }

    public init(root: String) { self.root = root }

    /// The real path of `path` below the root, each component matched case-insensitively; nil when missing.
    func resolve(_ path: String) -> String? {
        var current = root
        for part in Self.components(path) {
            if FileManager.default.fileExists(atPath: current + "/" + part) {
                current += "/" + part
                continue
            }
            let wanted = part.uppercased()
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: current),
                let match = names.first(where: { $0.uppercased() == wanted })
            else { return nil }
            current += "/" + match
        }
        return current
    }

    public func state(of path: String) -> VolumeFileState {
        guard let real = resolve(path) else { return .missing }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let n = buffer.withUnsafeMutableBytes { lgetxattr(real, "system.ntfs_acl", $0.baseAddress!, $0.count) }
        if n >= 0 { return .present(descriptor: Array(buffer[0..<n])) }
        if errno == wa_no_attribute_errno() || errno == ENOTSUP { return .present(descriptor: nil) }
        return .unreadable(String(cString: strerror(errno)))
    }

    public func contents(of path: String, limit: Int) throws -> [UInt8]? {
        guard let real = resolve(path) else { return nil }
        let file = try ReadOnlyFile(path: real)
        guard file.size <= UInt64(limit) else {
            throw ImageError(.damaged, file: real, "\(file.size) bytes, more than the \(limit) expected")
        }
        return try file.bytes(Int(file.size), at: 0, what: "the file")
    }

    public func names(in folder: String) -> [String]? {
        guard let real = resolve(folder) else { return nil }
        return try? FileManager.default.contentsOfDirectory(atPath: real)
    }
}
