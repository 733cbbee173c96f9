import BinaryFormat
import ServiceAudit

/// Renders keys and values: text in the manner of a .reg export, or one JSON object per value.
struct RegistryRenderer {
    let json: Bool
    /// JSON: each key as its own line too, `{"key": …, "subkeys": n, "values": n}` (so a key with no values
    /// is listed), before its values.
    var keys = false

    /// One key and its values, appended to `out`.
    func key(_ path: KeyPath, _ key: KeyNode, in hive: Hive, into out: inout [UInt8]) {
        if json {
            if keys {
                out.append(contentsOf: "{\"key\":".utf8)
                JSONQuoting.append(path.bytes, to: &out)
                out.append(contentsOf: ",\"subkeys\":\(key.subkeyCount),\"values\":\(key.valueCount)}\n".utf8)
            }
            guard key.valueCount > 0 else { return }
            var prefix = Array("{\"key\":".utf8)
            JSONQuoting.append(path.bytes, to: &prefix)
            prefix.append(contentsOf: ",\"value\":".utf8)
            hive.withValues(of: key) { Self.value($0, prefix: prefix, into: &out) }
            return
        }
        out.append(0x5B)
        if path.bytes.isEmpty {
            out.append(0x5C)
        } else if path.bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            out.append(contentsOf: QuotedText.oneLine(path.string).utf8)
        } else {
            out.append(contentsOf: path.bytes)
        }
        out.append(contentsOf: "]\n".utf8)
        hive.withValues(of: key) { Self.textLine($0, into: &out) }
    }

    /// `  "Name" = REG_TYPE data`, written straight into the output buffer.
    private static func textLine(_ v: ValueView, into out: inout [UInt8]) {
        out.append(contentsOf: "  ".utf8)
        if v.name.isEmpty { out.append(0x40) } else { appendQuoted(v.name, into: &out) }
        out.append(contentsOf: " = ".utf8)
        out.append(contentsOf: v.type.name.utf8)
        out.append(0x20)
        do {
            let data = v.bytes
            switch v.typed {
            case .string(let s): appendQuoted(s, into: &out)
            case .strings(let list):
                for (i, s) in list.enumerated() {
                    if i > 0 { out.append(0x20) }
                    appendQuoted(s, into: &out)
                }
            case .number(let n):
                out.append(contentsOf: "\(n) (0x\(Hex.padded(n, width: data.count * 2)))".utf8)
            case .bytes:
                if data.isEmpty { out.append(contentsOf: "(no data)".utf8) } else { Hex.append(data, to: &out) }
            case .mismatch:
                out.append(contentsOf: "(does not fit \(v.type.name)) ".utf8)
                Hex.append(data, to: &out)
            }
        }
        out.append(0x0A)
    }

    /// `"text"`, control characters escaped so a value stays on its line.
    private static func appendQuoted(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        if QuotedText.hasControlCharacter(s) {
            out.append(contentsOf: QuotedText.oneLine(s).utf8)
        } else {
            var s = s
            s.withUTF8 { out.append(contentsOf: UnsafeRawBufferPointer($0)) }
        }
        out.append(0x22)
    }

    private static func quote(_ s: String, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { JSONQuoting.append(UnsafeRawBufferPointer($0), to: &out) }
    }

    /// One JSON object: {"key", "value", "type", "data", "hex"}, written straight into the output buffer.
    private static func value(_ v: ValueView, prefix: [UInt8], into out: inout [UInt8]) {
        out.append(contentsOf: prefix)
        quote(v.name, into: &out)
        out.append(contentsOf: ",\"type\":\"".utf8)
        out.append(contentsOf: v.type.name.utf8)
        out.append(contentsOf: "\",\"data\":".utf8)
        do {
            let data = v.bytes
            switch v.typed {
            case .string(let s): quote(s, into: &out)
            case .strings(let list):
                out.append(0x5B)
                for (i, s) in list.enumerated() {
                    if i > 0 { out.append(0x2C) }
                    quote(s, into: &out)
                }
                out.append(0x5D)
            case .number(let n): out.append(contentsOf: String(n).utf8)
            case .bytes:
                out.append(0x22)
                Hex.append(data, to: &out)
                out.append(0x22)
            case .mismatch: out.append(contentsOf: "null".utf8)
            }
            out.append(contentsOf: ",\"hex\":\"".utf8)
            Hex.append(data, to: &out)
            out.append(contentsOf: "\"}\n".utf8)
        }
    }

    /// What stderr says about the hive: logs applied or missing, and each warning.
    static func status(_ h: Hive) -> [String] {
        var lines: [String] = []
        switch h.recovery {
        case .clean: break
        case .applied(let logs, let entries, let pages, let sequence):
            lines.append(
                "dirty hive: applied \(entries) log entries (\(pages) pages) from \(logs.joined(separator: ", ")), now at sequence \(sequence)"
            )
        case .notRecovered: break
        }
        return lines + h.warnings.lines.map { "warning: " + $0 }
    }
}
