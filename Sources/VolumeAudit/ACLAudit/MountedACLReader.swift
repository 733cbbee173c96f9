import CXattr
import WindowsSecurity
import WriterScope

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads every entry's descriptor from a mounted NTFS volume: ntfs-3g exposes it as the extended attribute
/// `system.ntfs_acl` (the self-relative bytes). Never follows links; reads only.
public struct MountedACLReader {
    public let root: String
    public var drive = "C:"

    public init(root: String, drive: String = "C:") {
        self.root = root
        self.drive = drive
    }

    /// The folders audited when no scope is given: where the System Writer dies on unreadable files.
    /// What the writer lists or enumerates (WriterScope): every folder under Microsoft.NET, WinSxS\\FileMaps,
    /// Temp\\PendingRenames, the catalogs, the driver store, servicing\\Packages, the Crypto folders.
    public static let defaultScopes = WriterAccess.defaultScopes

    public func read(scopes: [String], into audit: inout ACLAudit) throws {
        let resolver = ScopeResolver(root: root)
        var starts: [TreeWalker.Start] = []
        for scope in scopes.isEmpty ? Self.defaultScopes : scopes {
            do {
                starts.append(try resolver.resolve(scope))
            } catch let e as VolumeError where scopes.isEmpty {
                _ = e  // a default scope the volume lacks is skipped
            }
        }
        guard !starts.isEmpty else {
            throw VolumeError(
                .badScope,
                "\(root): none of the folders the System Writer reads (Windows\\Microsoft.NET, WinSxS\\FileMaps ...) here; give --scope"
            )
        }
        // A tree that carries no descriptor at all (a copy, ext4, the kernel's ntfs3) would give one error per
        // entry and a report that judged nothing: refuse it once, up front.
        let probe = root + "/" + String(decoding: Array(starts[0].components.joined(separator: [0x2F])), as: UTF8.self)
        let probeFailed = lgetxattr(probe, "system.ntfs_acl", nil, 0) < 0
        let probeErrno = errno
        if probeFailed, probeErrno == EOPNOTSUPP || probeErrno == wa_no_attribute_errno() {
            let why =
                probeErrno == EOPNOTSUPP ? "the file system has no system.ntfs_acl" : "no system.ntfs_acl attribute"
            throw VolumeError(
                .noDescriptors,
                "\(root): no NTFS security descriptors here (\(why)): mount the volume with ntfs-3g, or give the NTFS image, VHD(X) or an icacls /save export"
            )
        }
        final class Shared {
            var audit: ACLAudit
            init(_ audit: ACLAudit) { self.audit = audit }
        }
        let shared = Shared(audit)
        defer { audit = shared.audit }
        var walker = TreeWalker(root: root, drive: drive)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 64 << 10, alignment: 8)
        defer { buffer.deallocate() }
        let drive = self.drive
        var cache = DescriptorCache()
        walker.onEntry = { folderFd, folderPath, name, type in
            // The path is built only when the entry is reported: building it for every entry made a deep
            // tree quadratic in time and memory.
            func path() -> String {
                var relative = Array(folderPath)
                if !relative.isEmpty { relative.append(0x2F) }
                relative += name
                return WindowsPath.make(drive: drive, relative: relative)
            }
            // /proc/self/fd/N/name keeps every path short, however deep the folder.
            var link = Array("/proc/self/fd/\(folderFd)/".utf8) + Array(name)
            link.append(0)
            let n = link.withUnsafeBufferPointer {
                lgetxattr(
                    UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), "system.ntfs_acl", buffer,
                    64 << 10)
            }
            guard n >= 0 else {
                Self.judge(n, buffer, path: path(), folder: false, isLink: false, into: &shared.audit)
                return
            }
            let folder: Bool? = type == UInt8(DT_LNK) ? nil : type == UInt8(DT_DIR)
            switch cache.descriptor(UnsafeRawBufferPointer(start: buffer, count: n)) {
            case .decoded(let sd, let key): shared.audit.entry(path: path, folder: folder, descriptor: sd, key: key)
            case .undecodable(let message): shared.audit.error(path: path(), "system.ntfs_acl: \(message)")
            }
        }
        for start in starts {
            // The scope folder itself, then everything below it.
            let relative = Array(start.components.joined(separator: [0x2F]))
            let full = root + "/" + String(decoding: relative, as: UTF8.self)
            let n = lgetxattr(full, "system.ntfs_acl", buffer, 64 << 10)
            Self.judge(
                n, buffer, path: WindowsPath.make(drive: drive, relative: relative), folder: true, isLink: false,
                into: &shared.audit)
            var sink = ErrorSink(drive: drive, shared: { shared.audit.error(path: $0, $1) })
            try walker.walk(from: start, into: &sink)
        }
    }

    static func judge(
        _ n: Int, _ buffer: UnsafeMutableRawPointer, path: String, folder: Bool, isLink: Bool,
        into audit: inout ACLAudit
    ) {
        guard n >= 0 else {
            let reason =
                errno == wa_no_attribute_errno()
                ? "no system.ntfs_acl attribute (not an ntfs-3g mount?)" : String(cString: strerror(errno))
            audit.error(path: path, "cannot read system.ntfs_acl: \(reason)")
            return
        }
        let bytes = Array(UnsafeRawBufferPointer(start: buffer, count: n))
        do {
            let sd = try SecurityDescriptor.decode(bytes)
            audit.entry(path: path, folder: isLink ? nil : folder, descriptor: sd)
        } catch let e as SecurityError {
            audit.error(path: path, "system.ntfs_acl: \(e.message)")
        } catch {
            audit.error(path: path, "system.ntfs_acl: \(error)")
        }
    }

    /// Each distinct descriptor decoded once (a volume has few), keyed for the audit's verdict cache.
    struct DescriptorCache {
        enum Outcome {
            case decoded(SecurityDescriptor, key: Int)
            case undecodable(String)
        }
        private var keys: [[UInt8]: Int] = [:]
        private var outcomes: [Outcome] = []

        mutating func descriptor(_ bytes: UnsafeRawBufferPointer) -> Outcome {
            let copy = Array(bytes)
            if let key = keys[copy] { return outcomes[key] }
            let key = outcomes.count
            let outcome: Outcome
            do {
                outcome = .decoded(try SecurityDescriptor.decode(copy), key: (1 << 40) + key)
            } catch {
                outcome = .undecodable((error as? SecurityError)?.message ?? "\(error)")
            }
            keys[copy] = key
            outcomes.append(outcome)
            return outcome
        }
    }

    /// Folder counts are not wanted here; folders that cannot be listed are errors of the ACL audit.
    struct ErrorSink: FolderSink {
        let drive: String
        let shared: (String, String) -> Void
        mutating func folder(_ visit: FolderVisit) {}
        mutating func unreadable(path: UnsafeRawBufferPointer, reason: String) {
            shared(WindowsPath.make(drive: drive, relative: path), "cannot list: \(reason)")
        }
        mutating func otherFilesystem(path: UnsafeRawBufferPointer) {}
    }
}
