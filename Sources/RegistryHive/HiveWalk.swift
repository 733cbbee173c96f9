extension Hive {
    /// Windows refuses keys nested deeper than this; a deeper chain is damage.
    public static let maxDepth = 512

    /// The key at `path` below the root, matched without regard to case as Windows does. `""` or `\` is the
    /// root; a leading `HKLM\SYSTEM\` (or `HKEY_LOCAL_MACHINE\SYSTEM\`) is dropped, and `CurrentControlSet`
    /// is the control set `Select\Current` names.
    public func key(path: String) -> KeyNode? { resolve(path: path)?.key }

    /// The key at `path` (as `key(path:)` finds it) and its path spelled as the hive stores the names.
    public func resolve(path: String) -> (key: KeyNode, path: String)? {
        var parts = path.split(separator: "\\").map(String.init)
        if parts.count >= 2, ["HKLM", "HKEY_LOCAL_MACHINE"].contains(parts[0].uppercased()) { parts.removeFirst(2) }
        var key = root
        var stored: [String] = []
        for part in parts {
            var name = part
            if name.uppercased() == "CURRENTCONTROLSET", key.cell == rootCell, let n = currentControlSet {
                name = n
            }
            guard let next = subkey(name, of: key) else { return nil }
            key = next
            stored.append(next.name)
        }
        return (key, stored.joined(separator: "\\"))
    }

    /// The direct subkey named `name` (case-insensitive).
    public func subkey(_ name: String, of key: KeyNode) -> KeyNode? {
        let wanted = name.uppercased()
        return subkeys(of: key).first { $0.name.uppercased() == wanted }
    }

    /// `ControlSet00N` for the N in `Select\Current`, when the hive has one.
    public var currentControlSet: String? {
        guard let select = subkey("Select", of: root), let n = value("Current", of: select)?.dword else { return nil }
        return "ControlSet" + String(repeating: "0", count: max(0, 3 - String(n).count)) + String(n)
    }

    /// Every key from `start` down, depth first in stored order: `visit(path, key)`, the path relative to the
    /// root. A key listed under its own descendant, or reached a second time, is warned about and not entered
    /// again, so a damaged hive cannot make the walk loop or explode.
    public func walk(from start: KeyNode, path: String, _ visit: (String, KeyNode) -> Void) {
        var seen = Set<UInt32>()
        var stack: [(KeyNode, String, Int)] = [(start, path, 0)]
        seen.insert(start.cell)
        while let (key, keyPath, depth) = stack.popLast() {
            visit(keyPath, key)
            guard key.subkeyCount > 0 else { continue }
            if depth >= Self.maxDepth {
                warn(cell: key.cell, "key \"\(keyPath)\" is nested \(depth) deep; its subkeys are not read")
                continue
            }
            let children = subkeys(of: key)
            for child in children.reversed() {
                guard seen.insert(child.cell).inserted else {
                    warn(cell: child.cell, "key \"\(child.name)\" is listed again under \"\(keyPath)\" (a loop or a shared subkey); not entered twice")
                    continue
                }
                stack.append((child, keyPath.isEmpty ? child.name : keyPath + "\\" + child.name, depth + 1))
            }
        }
    }
}
