import BinaryFormat

/// Records as XML, in the manner of Event Viewer's "Save as XML": `<Events>` holding one `<Event>` per
/// record, indented two spaces a level; text and attribute values escaped.
///
/// The layout, which `XMLRenderer` keeps too when it writes straight from binary XML: an element with no
/// children is `<x/>`; one with text (no child elements) is `<x>text</x>` on one line; one with child
/// elements has each child, element or text, on its own line one level deeper.
public enum EventXML {
    public static let header: [UInt8] = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Events>\n".utf8)
    public static let footer: [UInt8] = Array("</Events>\n".utf8)

    /// Appends `e` (and its children) at `depth` levels of indentation.
    public static func append(_ e: XMLElement, depth: Int = 1, into out: inout ByteWriter) {
        indent(depth, &out)
        out.append(0x3C)  // <
        raw(e.name, &out)
        for (name, value) in e.attributes {
            out.append(0x20)
            raw(name, &out)
            out.append(0x3D)
            out.append(0x22)
            escape(value, attribute: true, into: &out)
            out.append(0x22)
        }
        if e.children.isEmpty {
            out.append(0x2F)
            out.append(0x3E)
            out.append(0x0A)
            return
        }
        let elements = e.children.contains { if case .element = $0 { true } else { false } }
        if !elements {
            out.append(0x3E)
            for child in e.children {
                switch child {
                case .text(let t): escape(t, attribute: false, into: &out)
                case .cdata(let t): inlineCDATA(t, &out)
                case .element: break
                }
            }
            close(e.name, &out)
            return
        }
        out.append(0x3E)
        out.append(0x0A)
        for child in e.children {
            switch child {
            case .element(let c): append(c, depth: depth + 1, into: &out)
            case .text(let t):
                indent(depth + 1, &out)
                escape(t, attribute: false, into: &out)
                out.append(0x0A)
            case .cdata(let t):
                indent(depth + 1, &out)
                var t = t
                t.withUTF8 { blockCDATA(UnsafeRawBufferPointer($0), &out) }
            }
        }
        indent(depth, &out)
        close(e.name, &out)
    }

    private static let spaces = [UInt8](repeating: 0x20, count: 128)

    @inline(__always) static func indent(_ depth: Int, _ out: inout ByteWriter) {
        var n = 2 * depth
        while n > 0 {
            let k = min(n, spaces.count)
            spaces.withUnsafeBytes { out.append(UnsafeRawBufferPointer(rebasing: $0[0..<k])) }
            n -= k
        }
    }

    private static func raw(_ s: String, _ out: inout ByteWriter) {
        var s = s
        s.withUTF8 { out.append(UnsafeRawBufferPointer($0)) }
    }

    private static func close(_ name: String, _ out: inout ByteWriter) {
        out.append(0x3C)
        out.append(0x2F)
        raw(name, &out)
        out.append(0x3E)
        out.append(0x0A)
    }

    private static func inlineCDATA(_ t: String, _ out: inout ByteWriter) {
        var t = t
        t.withUTF8 { inlineCDATA(UnsafeRawBufferPointer($0), &out) }
    }

    /// A CDATA section inside a line of text: a `]]>` in it is split across two sections.
    static func inlineCDATA(_ b: UnsafeRawBufferPointer, _ out: inout ByteWriter) {
        out.append("<![CDATA[")
        var i = 0
        while i < b.count {
            if i + 2 < b.count && b[i] == 0x5D && b[i + 1] == 0x5D && b[i + 2] == 0x3E {
                out.append("]]]]><![CDATA[>")
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        out.append("]]>")
    }

    /// A CDATA section on its own line, as written.
    static func blockCDATA(_ b: UnsafeRawBufferPointer, _ out: inout ByteWriter) {
        out.append("<![CDATA[")
        out.append(b)
        out.append("]]>\n")
    }

    static func escape(_ s: String, attribute: Bool, into out: inout ByteWriter) {
        var s = s
        s.withUTF8 { escape(UnsafeRawBufferPointer($0), attribute: attribute, into: &out) }
    }

    /// Whether `escape` would change these bytes.
    @inline(__always) static func needsEscape(_ b: UnsafeRawBufferPointer, attribute: Bool) -> Bool {
        for c in b {
            if c < 0x20 || c == 0x26 || c == 0x3C || c == 0x3E || c == 0xEF || (attribute && c == 0x22) {
                if c == 0x09 || (c == 0x0A && !attribute) { continue }
                return true
            }
        }
        return false
    }

    /// XML escaping on UTF-8 bytes: & < > (and " and line breaks in attributes), CR as &#13;, and the
    /// characters XML 1.0 cannot hold as references &#N; (control characters, U+FFFE, U+FFFF).
    static func escape(_ b: UnsafeRawBufferPointer, attribute: Bool, into out: inout ByteWriter) {
        var start = 0
        var i = 0
        func flush(_ upTo: Int) { if upTo > start { out.append(UnsafeRawBufferPointer(rebasing: b[start..<upTo])) } }
        while i < b.count {
            let c = b[i]
            var replacement: String? = nil
            var width = 1
            switch c {
            case 0x26: replacement = "&amp;"
            case 0x3C: replacement = "&lt;"
            case 0x3E: replacement = "&gt;"
            case 0x22 where attribute: replacement = "&quot;"
            case 0x0A where attribute: replacement = "&#10;"
            case 0x0D: replacement = "&#13;"
            case 0x0A, 0x09: break
            case 0xEF where i + 2 < b.count && b[i + 1] == 0xBF && (b[i + 2] == 0xBE || b[i + 2] == 0xBF):
                replacement = b[i + 2] == 0xBE ? "&#65534;" : "&#65535;"
                width = 3
            default:
                if c < 0x20 { replacement = "&#\(c);" }
            }
            if let r = replacement {
                flush(i)
                out.append(r)
                i += width
                start = i
            } else {
                i += 1
            }
        }
        flush(b.count)
    }

    /// Escapes in place what was appended to `out` from `start` on; `scratch` is reused between calls.
    @inline(__always) static func escapeTail(
        of out: inout ByteWriter, from start: Int, attribute: Bool, scratch: inout [UInt8]
    ) {
        guard needsEscape(UnsafeRawBufferPointer(rebasing: out.bytes[start...]), attribute: attribute) else { return }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: out.bytes[start...]))
        out.truncate(to: start)
        scratch.withUnsafeBytes { escape($0, attribute: attribute, into: &out) }
    }
}
