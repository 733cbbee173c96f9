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
    /// root (`ControlSet001\\Services`). A damaged hive can list one key under two parents: it is listed
    /// under both, as python-registry and libregf list it, with a warning. A key listed under its own
    /// descendant (a loop) is warned about and not entered; no key is entered more than twice, so the walk
    /// stays linear in the hive's size whatever the lists say.
    public func walk(from start: KeyNode, path: String, _ visit: (KeyPath, KeyNode) -> Void) {
        // Cells are 8-byte aligned: one bit per 8 bytes of hive bins marks a key entered once, another twice.
        let words = data.count / 512 + 1
        var once = [UInt64](repeating: 0, count: words)
        var twice = [UInt64](repeating: 0, count: words)
        func mark(_ bits: inout [UInt64], _ cell: UInt32) -> Bool {
            let slot = Int(cell >> 3)
            let word = slot >> 6
            guard word < bits.count else { return true }
            let bit = UInt64(1) << UInt64(slot & 63)
            if bits[word] & bit != 0 { return false }
            bits[word] |= bit
            return true
        }
        _ = mark(&once, start.cell)
        // The path is one buffer: in a depth-first walk, when a key is taken from the stack, the buffer
        // still starts with its parent's path, so it is cut there and the key's name appended. `ancestors`
        // holds the cells of the keys above the current one, the same way.
        var buffer = Array(path.utf8)
        var ancestors: [UInt32] = []
        var stack: [(key: KeyNode, parentLength: Int, depth: Int, again: Bool)] = [(start, -1, 0, false)]
        while let (key, parentLength, depth, again) = stack.popLast() {
            if parentLength >= 0 {
                buffer.removeSubrange(parentLength...)
                if parentLength > 0 { buffer.append(0x5C) }
                var name = key.name
                name.withUTF8 { buffer.append(contentsOf: $0) }
            }
            ancestors.removeSubrange(min(depth, ancestors.count)...)
            ancestors.append(key.cell)
            buffer.withUnsafeBytes { visit(KeyPath(bytes: $0), key) }
            guard key.subkeyCount > 0 else { continue }
            if depth >= Self.maxDepth {
                warn(
                    cell: key.cell,
                    "key \"\(String(decoding: buffer, as: UTF8.self))\" is nested \(depth) deep; its subkeys are not read"
                )
                continue
            }
            let length = buffer.count
            for child in subkeys(of: key).reversed() {
                if mark(&once, child.cell) {
                    stack.append((child, length, depth + 1, again))
                    continue
                }
                let here = String(decoding: buffer, as: UTF8.self)
                if ancestors.contains(child.cell) {
                    warn(
                        cell: child.cell,
                        "key \"\(child.name)\" is listed again under \"\(here)\", its own descendant (a loop); not entered"
                    )
                } else if mark(&twice, child.cell) {
                    // A subtree entered the second time repeats its keys: only its top is worth a warning.
                    if !again {
                        warn(
                            cell: child.cell,
                            "key \"\(child.name)\" is listed again under \"\(here)\" (its cell is another key's subkey too); listed under both"
                        )
                    }
                    stack.append((child, length, depth + 1, true))
                } else if !again {
                    warn(
                        cell: child.cell,
                        "key \"\(child.name)\" is listed again under \"\(here)\", a third time; not entered")
                }
            }
        }
    }
}

/// A key's path during a walk, as UTF-8 bytes valid for the visit (`string` for a copy).
public struct KeyPath {
    public let bytes: UnsafeRawBufferPointer
    public var string: String { String(decoding: bytes, as: UTF8.self) }
}
