#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file that is not data at rest: a named pipe, a socket or a character device. Reading one can block
/// forever (a pipe without a writer) or never end (`/dev/zero`), so no reader opens one: it is refused.
/// Regular files, folders and block devices (a disk given as a volume) are what the tool reads.
public enum SpecialFile: Sendable, Equatable {
    case namedPipe
    case socket
    case characterDevice

    /// The kind of special file `mode` (a `stat` st_mode) names, or nil for a file, folder, block device or link.
    public init?(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFIFO: self = .namedPipe
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        default: return nil
        }
    }

    /// The kind of special file `path` names, a link followed (what opening it would reach), or nil.
    public init?(following path: String) {
        var st = stat()
        guard stat(path, &st) == 0, let kind = SpecialFile(mode: st.st_mode) else { return nil }
        self = kind
    }

    public var name: String {
        switch self {
        case .namedPipe: "a named pipe (FIFO)"
        case .socket: "a socket"
        case .characterDevice: "a character device"
        }
    }

    /// The one-line reason a reader gives.
    public var refusal: String { "\(name), not a regular file: not read" }
}
