import BinaryFormat
import RegistryHive

/// Renders keys and values: text in the manner of a .reg export, or one JSON object per value.
struct RegistryRenderer {
    let json: Bool

    mutating func key(_ path: String, _ key: KeyNode, _ values: [RegistryValue], into out: inout Output) {
        if json {
            for v in values { value(path, v, into: &out) }
            return
        }
        out.line("[\(path.isEmpty ? "\\" : path)]")
        for v in values {
            let name = v.name.isEmpty ? "@" : "\"" + v.name + "\""
            out.line("  \(name) = \(v.type.name) \(Self.text(v))")
        }
    }

    private func value(_ path: String, _ v: RegistryValue, into out: inout Output) {
        out.write("{\"key\":")
        out.write(JSONQuoting.quoted(path))
        out.write(",\"value\":")
        out.write(JSONQuoting.quoted(v.name))
        out.write(",\"type\":\"")
        out.write(v.type.name)
        out.write("\",\"data\":")
        switch v.typed {
        case .string(let s): out.write(JSONQuoting.quoted(s))
        case .strings(let list): out.write("[" + list.map(JSONQuoting.quoted).joined(separator: ",") + "]")
        case .number(let n): out.write(String(n))
        case .bytes: out.write("\"" + Hex.string(v.data) + "\"")
        case .mismatch: out.write("null")
        }
        out.write(",\"hex\":\"")
        out.write(Hex.string(v.data))
        out.write("\"}\n")
    }

    /// The data as a person reads it: strings quoted, numbers in decimal and hex, bytes in hex.
    static func text(_ v: RegistryValue) -> String {
        switch v.typed {
        case .string(let s): return QuotedText.oneLine(s).quotedForText
        case .strings(let list): return list.map { QuotedText.oneLine($0).quotedForText }.joined(separator: " ")
        case .number(let n): return "\(n) (0x\(Hex.padded(n, width: v.data.count * 2)))"
        case .bytes: return v.data.isEmpty ? "(no data)" : Hex.string(v.data)
        case .mismatch: return "(does not fit \(v.type.name)) " + Hex.string(v.data)
        }
    }

    /// What stderr says about the hive: logs applied or missing, and each warning.
    static func status(_ h: Hive) -> [String] {
        var lines: [String] = []
        switch h.recovery {
        case .clean: break
        case .applied(let logs, let entries, let pages, let sequence):
            lines.append("dirty hive: applied \(entries) log entries (\(pages) pages) from \(logs.joined(separator: ", ")), now at sequence \(sequence)")
        case .notRecovered: break
        }
        return lines + h.warnings.lines.map { "warning: " + $0 }
    }
}

extension String {
    fileprivate var quotedForText: String { "\"" + self + "\"" }
}
