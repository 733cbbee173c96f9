import BinaryFormat
import EventLog

/// Records as XML, in the manner of Event Viewer's "Save as XML": `<Events>` holding one `<Event>` per
/// record, indented; text and attribute values escaped. Written as bytes straight into the output buffer.
struct EventXMLWriter {
    static func begin(into out: inout Output) {
        out.line("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
        out.line("<Events>")
    }

    static func end(into out: inout Output) { out.line("</Events>") }

    static func write(_ e: XMLElement, depth: Int = 1, into out: inout Output) {
        out.append { element(e, depth: depth, into: &$0) }
    }

    private static func indent(_ depth: Int, _ out: inout [UInt8]) {
        for _ in 0..<depth { out.append(0x20); out.append(0x20) }
    }

    private static func raw(_ s: String, _ out: inout [UInt8]) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    private static func element(_ e: XMLElement, depth: Int, into out: inout [UInt8]) {
        indent(depth, &out)
        out.append(0x3C)  // <
        raw(e.name, &out)
        for (name, value) in e.attributes {
            out.append(0x20)
            raw(name, &out)
            out.append(contentsOf: [0x3D, 0x22])  // ="
            escape(value, attribute: true, into: &out)
            out.append(0x22)
        }
        if e.children.isEmpty {
            out.append(contentsOf: [0x2F, 0x3E, 0x0A])  // />\n
            return
        }
        let elements = e.children.contains { if case .element = $0 { true } else { false } }
        if !elements {
            out.append(0x3E)
            for child in e.children {
                switch child {
                case .text(let t): escape(t, attribute: false, into: &out)
                case .cdata(let t): cdata(t, &out)
                case .element: break
                }
            }
            close(e.name, &out)
            return
        }
        out.append(contentsOf: [0x3E, 0x0A])
        for child in e.children {
            switch child {
            case .element(let c): element(c, depth: depth + 1, into: &out)
            case .text(let t):
                indent(depth + 1, &out)
                escape(t, attribute: false, into: &out)
                out.append(0x0A)
            case .cdata(let t):
                indent(depth + 1, &out)
                out.append(contentsOf: Array("<![CDATA[".utf8))
                raw(t, &out)
                out.append(contentsOf: Array("]]>\n".utf8))
            }
        }
        indent(depth, &out)
        close(e.name, &out)
    }

    private static func close(_ name: String, _ out: inout [UInt8]) {
        out.append(contentsOf: [0x3C, 0x2F])  // </
        raw(name, &out)
        out.append(contentsOf: [0x3E, 0x0A])
    }

    private static func cdata(_ t: String, _ out: inout [UInt8]) {
        out.append(contentsOf: Array("<![CDATA[".utf8))
        raw(t.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>"), &out)
        out.append(contentsOf: Array("]]>".utf8))
    }

    /// XML escaping on the UTF-8 bytes: & < > (and " and line breaks in attributes), CR as &#13;, and the
    /// characters XML 1.0 cannot hold as references &#N; (control characters, U+FFFE, U+FFFF).
    static func escape(_ s: String, attribute: Bool, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { b in
            var start = 0
            var i = 0
            func flush(_ upTo: Int) { if upTo > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<upTo])) } }
            while i < b.count {
                let c = b[i]
                var replacement: [UInt8]? = nil
                var width = 1
                switch c {
                case 0x26: replacement = Array("&amp;".utf8)
                case 0x3C: replacement = Array("&lt;".utf8)
                case 0x3E: replacement = Array("&gt;".utf8)
                case 0x22 where attribute: replacement = Array("&quot;".utf8)
                case 0x0A where attribute: replacement = Array("&#10;".utf8)
                case 0x0D: replacement = Array("&#13;".utf8)
                case 0x0A, 0x09: break
                case 0xEF where i + 2 < b.count && b[i + 1] == 0xBF && (b[i + 2] == 0xBE || b[i + 2] == 0xBF):
                    replacement = Array((b[i + 2] == 0xBE ? "&#65534;" : "&#65535;").utf8)
                    width = 3
                default:
                    if c < 0x20 { replacement = Array("&#\(c);".utf8) }
                }
                if let r = replacement {
                    flush(i)
                    out.append(contentsOf: r)
                    i += width
                    start = i
                } else {
                    i += 1
                }
            }
            flush(b.count)
        }
    }
}
