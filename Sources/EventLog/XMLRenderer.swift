import BinaryFormat

/// Writes a record's XML straight from its binary XML, as bytes, in `EventXML`'s layout: the templates of
/// the chunk compiled once into flat operations, substitution values rendered into the output buffer and
/// escaped in place. No tree is built; the output is byte for byte what `EventXML.append` writes for the
/// tree `BinaryXMLParser.document` builds (a test holds the two together on every reference log).
struct XMLRenderer: ~Copyable {
    typealias Failure = BinaryXMLParser.Failure
    var parser: BinaryXMLParser
    private var compiled: [Int: CompiledTemplate] = [:]
    private var values: [BinaryXMLParser.Value] = []
    private var scratch: [UInt8] = []
    /// Where the record's first top-level element was written (its `Event`).
    private var firstTop: (start: Int, end: Int)? = nil
    var out = ByteWriter(capacity: 1 << 20)

    init(chunk: UnsafeRawBufferPointer) {
        parser = BinaryXMLParser(chunk: chunk, templates: TemplateCache())
    }

    /// What a run of nodes wrote: how many elements, and whether anything at all.
    struct Emitted {
        var elements = 0
        var any = false
        mutating func add(_ e: Emitted) {
            elements += e.elements
            any = any || e.any
        }
    }

    enum Layout { case block, inline }

    /// A compiled template seen through pointers while it is written (no reference counting per node).
    struct View {
        var ops: UnsafeBufferPointer<CompiledTemplate.Op>
        var pool: UnsafeRawBufferPointer
        func text(_ op: CompiledTemplate.Op) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: pool[Int(op.a)..<Int(op.a + op.b)])
        }
    }

    private mutating func nodes(
        _ t: CompiledTemplate, base: Int, count: Int, depth: Int, level: Int, layout: Layout
    ) throws(Failure) -> Emitted {
        defer { withExtendedLifetime(t) {} }
        return try nodes(
            t.view, 0..<t.view.ops.count, base: base, count: count, depth: depth, level: level, layout: layout)
    }

    /// Appends the record's first element (its `Event`) at one level of indentation; on failure nothing is
    /// appended and the failure is thrown, as a record that does not parse has no XML.
    mutating func record(from start: Int, to end: Int) throws(Failure) {
        let begin = out.count
        values.removeAll(keepingCapacity: true)
        firstTop = nil
        do {
            _ = try document(from: start, to: end, depth: 0, level: 1, layout: .block)
        } catch {
            out.truncate(to: begin)
            throw error
        }
        guard let span = firstTop else {
            out.truncate(to: begin)
            return
        }
        if span.start != begin || span.end != out.count {
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: out.bytes[span.start..<span.end]))
            out.truncate(to: begin)
            out.append(scratch)
        }
    }

    private mutating func template(at offset: Int) -> CompiledTemplate {
        if let t = compiled[offset] { return t }
        let t = CompiledTemplate(parser.templates.parsed[offset] ?? [])
        compiled[offset] = t
        return t
    }

    /// A fragment (a record's, or a value of nested binary XML), as `BinaryXMLParser.document` reads it.
    private mutating func document(from start: Int, to end: Int, depth: Int, level: Int, layout: Layout) throws(Failure)
        -> Emitted
    {
        try parser.enterFragment(at: start, depth: depth)
        var emitted = Emitted()
        var p = start
        while p < end {
            let token = try parser.u8(p)
            switch token & 0x1F {
            case 0x00:
                return emitted
            case 0x0F:
                p += 4
            case 0x0C:
                let base = values.count
                let definition = try parser.instance(&p, end: end, values: &values)
                let t = template(at: definition)
                emitted.add(
                    try nodes(t, base: base, count: values.count - base, depth: depth, level: level, layout: layout))
                values.removeSubrange(base...)
                return emitted  // one root, as BinaryXMLParser.document reads it
            case 0x01:
                let node = try parser.element(&p, end: end, dependency: false, depth: depth + 1)
                let t = CompiledTemplate([node])
                emitted.add(try nodes(t, base: values.count, count: 0, depth: depth, level: level, layout: layout))
                return emitted
            default:
                throw Failure(
                    offset: p,
                    reason: "unexpected binary XML token 0x\(Hex.padded(token, width: 2)) at the top of a fragment")
            }
        }
        return emitted
    }

    /// The value a substitution stands for, or nil when it leaves nothing (no such value, or an optional
    /// one that is empty).
    @inline(__always)
    private func value(_ op: CompiledTemplate.Op, base: Int, count: Int) -> BinaryXMLParser.Value? {
        let i = Int(op.a)
        guard i < count else { return nil }
        let v = values[base + i]
        if op.optional && (v.type == 0 || v.bytes.isEmpty) { return nil }
        return v
    }

    /// The array value an element stands for once per item, if it is one.
    @inline(__always)
    private func arrayValue(_ t: View, _ e: Int, base: Int, count: Int) -> BinaryXMLParser.Value? {
        let op = t.ops[e]
        guard op.arrayCandidate else { return nil }
        let child = t.ops[Int(op.c)]
        let i = Int(child.a)
        guard i < count, values[base + i].type & 0x80 != 0 else { return nil }
        return values[base + i]
    }

    private mutating func nodes(
        _ t: View, _ range: Range<Int>, base: Int, count: Int, depth: Int, level: Int, layout: Layout
    ) throws(Failure) -> Emitted {
        var emitted = Emitted()
        var i = range.lowerBound
        while i < range.upperBound {
            let op = t.ops[i]
            switch op.kind {
            case .element:
                if layout == .inline {
                    // Never met: inline content is chosen only when no element is written; kept exact anyway.
                    let mark = out.count
                    emitted.add(try element(t, i, base: base, count: count, depth: depth, level: level))
                    out.truncate(to: mark)
                } else {
                    emitted.add(try element(t, i, base: base, count: count, depth: depth, level: level))
                }
                i = Int(op.d)
                continue
            case .text:
                if layout == .block { EventXML.indent(level, &out) }
                EventXML.escape(t.text(op), attribute: false, into: &out)
                if layout == .block { out.append(0x0A) }
                emitted.any = true
            case .cdata:
                if layout == .block {
                    EventXML.indent(level, &out)
                    EventXML.blockCDATA(t.text(op), &out)
                } else {
                    EventXML.inlineCDATA(t.text(op), &out)
                }
                emitted.any = true
            case .substitution:
                guard let v = value(op, base: base, count: count) else { break }
                if v.type == 0x21 {
                    let start = v.bytes.baseAddress! - parser.chunk.baseAddress!
                    emitted.add(
                        try document(
                            from: start, to: start + v.bytes.count, depth: depth + 1, level: level, layout: layout))
                } else {
                    try parser.charge(v)
                    if layout == .block { EventXML.indent(level, &out) }
                    let mark = out.count
                    ValueText.append(v.type, v.bytes, into: &out)
                    EventXML.escapeTail(of: &out, from: mark, attribute: false, scratch: &scratch)
                    if layout == .block { out.append(0x0A) }
                    emitted.any = true
                }
            case .attribute:
                break  // attributes are written with their element
            }
            i += 1
        }
        return emitted
    }

    /// The start tag up to its attributes: `<name a="v"`.
    /// Values in attributes are charged to the record's work when `charging` (an element written once per
    /// array item is charged once, as the tree expands its attributes once).
    private mutating func startTag(_ t: View, _ e: Int, base: Int, count: Int, level: Int, charging: Bool = true)
        throws(Failure)
    {
        let op = t.ops[e]
        EventXML.indent(level, &out)
        out.append(t.text(op))
        var j = e + 1
        while j < Int(op.c) {
            let attribute = t.ops[j]
            let parts = (j + 1)..<Int(attribute.c)
            var present = false
            for k in parts {
                let part = t.ops[k]
                // A NULL value (type 0) does not make an attribute, optional or not (as pyevtx-rs writes it).
                if part.kind == .text
                    || (part.kind == .substitution && (value(part, base: base, count: count)?.type ?? 0) != 0)
                {
                    present = true
                    break
                }
            }
            if present {
                out.append(t.text(attribute))
                for k in parts {
                    let part = t.ops[k]
                    if part.kind == .text {
                        EventXML.escape(t.text(part), attribute: true, into: &out)
                    } else if part.kind == .substitution, let v = value(part, base: base, count: count) {
                        if charging { try parser.charge(v) }
                        let mark = out.count
                        ValueText.append(v.type, v.bytes, into: &out)
                        EventXML.escapeTail(of: &out, from: mark, attribute: true, scratch: &scratch)
                    }
                }
                out.append(0x22)
            }
            j = Int(attribute.c)
        }
    }

    private mutating func endTag(_ t: View, _ e: Int) {
        let op = t.ops[e]
        out.append(UnsafeRawBufferPointer(rebasing: t.pool[Int(op.a + op.b)..<Int(op.a + op.b + op.b + 3)]))
    }

    private mutating func noteTop(_ start: Int, level: Int) {
        if level == 1 && firstTop == nil { firstTop = (start, out.count) }
    }

    /// An element and its subtree, written in block layout at `level`.
    private mutating func element(_ t: View, _ e: Int, base: Int, count: Int, depth: Int, level: Int) throws(Failure)
        -> Emitted
    {
        let op = t.ops[e]
        if let array = arrayValue(t, e, base: base, count: count) {
            // As the tree: the shell's attributes, then the array, charged once.
            let mark = out.count
            try startTag(t, e, base: base, count: count, level: level)
            out.truncate(to: mark)
            try parser.charge(array)
            var n = 0
            var failure: Failure? = nil
            let arrayAt = array.bytes.baseAddress.map { $0 - parser.chunk.baseAddress! } ?? 0
            ValueText.forEachItem(array.type & 0x7F, array.bytes) { type, item in
                guard failure == nil else { return }
                let start = out.count
                do throws(Failure) {
                    try parser.produce(at: arrayAt)
                    try startTag(t, e, base: base, count: count, level: level, charging: false)
                } catch {
                    failure = error
                    return
                }
                out.append(0x3E)
                let mark = out.count
                ValueText.appendItem(type, item, into: &out)
                if out.count == mark {
                    out.truncate(to: mark - 1)
                    out.append(0x2F)
                    out.append(0x3E)
                    out.append(0x0A)
                } else {
                    EventXML.escapeTail(of: &out, from: mark, attribute: false, scratch: &scratch)
                    endTag(t, e)
                }
                noteTop(start, level: level)
                n += 1
            }
            if let failure { throw failure }
            return Emitted(elements: n, any: n > 0)
        }
        try parser.produce(at: 0)
        let start = out.count
        try startTag(t, e, base: base, count: count, level: level)
        // Which layout: child elements (block), only text (one line), nothing (`/>`). A value of nested
        // binary XML may hold either, so then the children are written as a block and looked at.
        var hasElement = false
        var hasAny = false
        var uncertain = false
        var i = Int(op.c)
        while i < Int(op.d) {
            let child = t.ops[i]
            switch child.kind {
            case .element:
                if let array = arrayValue(t, i, base: base, count: count) {
                    if ValueText.itemCount(array.type & 0x7F, array.bytes) > 0 { hasElement = true }
                } else {
                    hasElement = true
                }
                i = Int(child.d)
                continue
            case .text, .cdata:
                hasAny = true
            case .substitution:
                if let v = value(child, base: base, count: count) {
                    if v.type == 0x21 { uncertain = true } else { hasAny = true }
                }
            case .attribute:
                break
            }
            if hasElement { break }
            i += 1
        }
        let children = Int(op.c)..<Int(op.d)
        if hasElement || uncertain {
            let mark = out.count
            let work = (parser.fragments, parser.substituted)
            out.append(0x3E)
            out.append(0x0A)
            let inner = try nodes(t, children, base: base, count: count, depth: depth, level: level + 1, layout: .block)
            if inner.elements > 0 {
                EventXML.indent(level, &out)
                endTag(t, e)
                noteTop(start, level: level)
                return Emitted(elements: 1, any: true)
            }
            // Written again inline: the work of the block just undone is not counted twice.
            out.truncate(to: mark)
            (parser.fragments, parser.substituted) = work
            hasAny = hasAny || inner.any
        }
        if hasAny {
            out.append(0x3E)
            _ = try nodes(t, children, base: base, count: count, depth: depth, level: level + 1, layout: .inline)
            endTag(t, e)
        } else {
            out.append(0x2F)
            out.append(0x3E)
            out.append(0x0A)
        }
        noteTop(start, level: level)
        return Emitted(elements: 1, any: true)
    }
}
