#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which reader a Procmon log needs, decided by content (the `PML_` signature), not by file extension.
enum LogFormat: Equatable {
    case csv
    /// Procmon's native log; the version is the 32-bit number after the signature.
    case pml(version: UInt32, is64Bit: Bool)

    static func detect(path: String) -> LogFormat {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .csv }  // the CSV reader reports the open error
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 12)
        let n = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, 12) }
        guard n == 12, head[0] == 0x50, head[1] == 0x4D, head[2] == 0x4C, head[3] == 0x5F else { return .csv }
        let version = UInt32(head[4]) | UInt32(head[5]) << 8 | UInt32(head[6]) << 16 | UInt32(head[7]) << 24
        return .pml(version: version, is64Bit: head[8] != 0)
    }
}

/// Which format a Procmon log is in, for callers that treat PML specially (process columns).
public enum ProcmonLog {
    public static func isPML(path: String) -> Bool {
        if case .pml = LogFormat.detect(path: path) { return true }
        return false
    }
}
