#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Resolves `--scope` paths to folders under the mount root, matching names as Windows does.
///
/// Accepts Windows paths (`C:\Windows\Microsoft.NET`, `\Windows\WinSxS`), paths relative to the root
/// (`Windows/WinSxS`) and absolute paths inside the root (`/mnt/c/Windows`). Each component is matched
/// exactly first, then case-insensitively, since a mounted NTFS volume is case-sensitive on Linux.
/// Symbolic links are never followed.
public struct ScopeResolver {
    public let root: String

    public init(root: String) { self.root = root }

    public func resolve(_ scope: String) throws -> TreeWalker.Start {
        var text = scope
        let rootPrefix = root.hasSuffix("/") ? root : root + "/"
        if text.hasPrefix(rootPrefix) {
            text.removeFirst(rootPrefix.count)
        } else if text == root {
            text = ""
        } else if text.count >= 2, text.dropFirst().first == ":", text.first?.isLetter == true {
            text.removeFirst(2)
        }
        let wanted = text.split(whereSeparator: { $0 == "\\" || $0 == "/" }).map(String.init)
            .filter { $0 != "." }
        var components: [[UInt8]] = []
        for name in wanted {
            guard name != ".." else {
                throw VolumeError(.badScope, "scope \(scope): '..' is not allowed; give a path inside the volume")
            }
            let here =
                components.isEmpty
                ? root : root + "/" + components.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
            guard let match = try find(name, in: here, scope: scope) else {
                throw VolumeError(.badScope, "scope \(scope): no folder named \"\(name)\" in \(here)")
            }
            components.append(match)
        }
        return TreeWalker.Start(components: components)
    }

    /// The entry of `directory` named `name` (exact, else ignoring case) that is a real folder.
    private func find(_ name: String, in directory: String, scope: String) throws -> [UInt8]? {
        guard let dir = opendir(directory) else {
            throw VolumeError(
                .badScope, "scope \(scope): cannot list \(directory): \(String(cString: strerror(errno)))")
        }
        defer { closedir(dir) }
        let exact = Array(name.utf8)
        let folded = name.lowercased()
        var caseless: [UInt8]? = nil
        while let entry = readdir(dir) {
            let bytes: [UInt8] = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                Array(raw.prefix(strnlen(raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)))
            }
            var st = stat()
            let isFolder = (directory + "/" + String(decoding: bytes, as: UTF8.self)).withCString {
                lstat($0, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            }
            guard isFolder else { continue }
            if bytes == exact { return bytes }
            if caseless == nil, String(decoding: bytes, as: UTF8.self).lowercased() == folded { caseless = bytes }
        }
        return caseless
    }
}

/// Scopes given on the command line, nested ones dropped: a scope inside another is walked once, as part
/// of the outer one (and of two equal scopes, the first is kept).
enum ScopeNesting {
    /// Positions of the scopes to walk, in the order given; `components` are comparable path components.
    static func outermost<C: Equatable>(_ components: [[C]]) -> [Int] {
        components.indices.filter { i in
            !components.indices.contains { j in
                j != i && components[j].count <= components[i].count
                    && Array(components[i].prefix(components[j].count)) == components[j]
                    && (components[j].count < components[i].count || j < i)
            }
        }
    }
}
