import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where a command may write (a plan, fix scripts, a report): never on the volume it audits.
public enum OutputLocation {
    /// Refuses an output path inside the audited root, or the root itself: symbolic links resolved on both
    /// sides (the output's own link too), and an existing output that is the same file as the root under
    /// another name (a hard link) refused as well.
    public static func check(out: String, auditedRoot root: String) throws(OutputLocationError) {
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath()
        let outURL = URL(fileURLWithPath: out).standardizedFileURL
        let outResolved =
            FileManager.default.fileExists(atPath: out)
            ? outURL.resolvingSymlinksInPath()
            : outURL.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(
                outURL.lastPathComponent)
        if outResolved.path == rootURL.path || outResolved.path.hasPrefix(rootURL.path + "/") || sameFile(out, root) {
            throw OutputLocationError(message: "\(out): inside the audited volume \(root); write the plan elsewhere")
        }
    }

    /// Whether `a` and `b` both exist and are one file (the same device and inode).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat()
        var sb = stat()
        return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    /// An operating-system error as the short reason a message gives (`Permission denied`).
    public static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription.split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(ns.code)"
    }
}

/// An output location refused: inside the audited volume, or not writable.
public struct OutputLocationError: UserError, Equatable {
    public let message: String
    public init(message: String) { self.message = message }
}
