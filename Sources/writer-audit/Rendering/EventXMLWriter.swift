import BinaryFormat
import EventLog

/// Records as XML, in the manner of Event Viewer's "Save as XML": `<Events>` holding one `<Event>` per
/// record, indented; text and attribute values escaped.
struct EventXMLWriter {
    static func begin(into out: inout Output) {
        out.line("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
        out.line("<Events>")
    }

    static func end(into out: inout Output) { out.line("</Events>") }

    static func write(_ e: XMLElement, depth: Int = 1, into out: inout Output) {
        var line = String(repeating: "  ", count: depth) + "<" + e.name
        for (name, value) in e.attributes { line += " \(name)=\"\(escape(value, attribute: true))\"" }
        let elements = e.children.contains { if case .element = $0 { true } else { false } }
        if e.children.isEmpty {
            out.line(line + "/>")
            return
        }
        if !elements {
            var text = ""
            for child in e.children {
                switch child {
                case .text(let t): text += escape(t, attribute: false)
                case .cdata(let t): text += "<![CDATA[" + t.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>") + "]]>"
                case .element: break
                }
            }
            out.line(line + ">" + text + "</" + e.name + ">")
            return
        }
        out.line(line + ">")
        for child in e.children {
            switch child {
            case .element(let c): write(c, depth: depth + 1, into: &out)
            case .text(let t): out.line(String(repeating: "  ", count: depth + 1) + escape(t, attribute: false))
            case .cdata(let t): out.line(String(repeating: "  ", count: depth + 1) + "<![CDATA[" + t + "]]>")
            }
        }
        out.line(String(repeating: "  ", count: depth) + "</" + e.name + ">")
    }

    static func escape(_ s: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#10;"
            case "\r": out += "&#13;"
            default:
                if ch.value < 0x20 && ch != "\n" && ch != "\t" || ch.value == 0xFFFE || ch.value == 0xFFFF {
                    out += "&#\(ch.value);"  // not allowed in XML 1.0 as a character: written as a reference
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out
    }
}
