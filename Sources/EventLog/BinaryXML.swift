import BinaryFormat

/// Binary XML as EVTX records hold it (MS-EVEN6 2.2.12 and libevtx's notes): tokens for elements,
/// attributes, values, references and CDATA; templates, defined once in a chunk and instantiated by later
/// records with an array of typed substitution values; nested binary XML inside a value.
///
/// Every read is bounded by the chunk (offsets in the tokens are chunk-relative); element nesting and
/// template nesting are capped, so a hostile record cannot recurse without end.
struct BinaryXMLParser {
    /// The whole chunk (65,536 bytes): names and templates are found by their offset in it.
    let chunk: UnsafeRawBufferPointer
    var templates: TemplateCache
    static let maxDepth = 64

    struct Failure: Error {
        var offset: Int
        var reason: String
    }

    /// A template body: elements whose content and attribute values may be substitution placeholders.
    indirect enum Node {
        case element(name: String, attributes: [(String, [Part])], children: [Node])
        case part(Part)
        case cdata(String)
    }

    enum Part {
        case text(String)
        case substitution(index: Int, optional: Bool)
    }

    /// Typed values handed to a template instance.
    struct Value {
        var type: UInt8
        var bytes: UnsafeRawBufferPointer
    }

    init(chunk: UnsafeRawBufferPointer, templates: TemplateCache) {
        self.chunk = chunk
        self.templates = templates
    }

    // MARK: reading

    func need(_ n: Int, _ at: Int, _ what: @autoclosure () -> String) throws(Failure) {
        guard chunk.holds(n, at: at) else { throw Failure(offset: at, reason: "\(what()) runs past the chunk") }
    }

    func u8(_ at: Int) throws(Failure) -> UInt8 {
        try need(1, at, "a token")
        return chunk[at]
    }

    func u16(_ at: Int) throws(Failure) -> UInt16 {
        try need(2, at, "a 16-bit field")
        return chunk.le16(at)
    }

    func u32(_ at: Int) throws(Failure) -> UInt32 {
        try need(4, at, "a 32-bit field")
        return chunk.le32(at)
    }

    /// A name structure at a chunk offset: next offset, hash, character count, UTF-16 characters, NUL.
    mutating func name(at offset: Int) throws(Failure) -> (name: String, size: Int) {
        if let cached = templates.names[offset] { return cached }
        let count = Int(try u16(offset + 6))
        try need(8 + 2 * count, offset, "a name of \(count) characters")
        let name = UTF16LE.string(UnsafeRawBufferPointer(rebasing: chunk[(offset + 8)..<(offset + 8 + 2 * count)]))
        let result = (name, 8 + 2 * count + 2)
        templates.names[offset] = result
        return result
    }

    /// Reads a name reference at `p`; an inline name (its offset is where it stands) is stepped over.
    mutating func nameReference(_ p: inout Int) throws(Failure) -> String {
        let offset = Int(try u32(p))
        guard chunk.holds(8, at: offset) else {
            throw Failure(offset: p, reason: "a name offset \(offset) outside the chunk")
        }
        p += 4
        let (name, size) = try self.name(at: offset)
        if offset == p { p += size }
        return name
    }

    // MARK: the work a record may make

    /// Fragments of binary XML read for the current record (its own and those nested in values), and the
    /// bytes of the values substituted. A template may name a value many times and a nested fragment may
    /// instantiate the same template again, so a record of at most 64 KiB could otherwise expand without
    /// end (8 uses of a value, 60 levels deep, is 8^60 fragments).
    var fragments = 0
    var substituted = 0
    static let maxFragments = 10_000
    static let maxSubstituted = 8 << 20
    /// Elements and texts one record may make. A real event has tens to hundreds; a template that puts one
    /// array of 20,000 strings in 200 elements would make four million (and half a GiB of XML).
    var produced = 0
    static let maxProduced = 100_000

    /// Counts a fragment; a record's own (depth 0) starts the count afresh.
    mutating func enterFragment(at start: Int, depth: Int) throws(Failure) {
        guard depth < Self.maxDepth else {
            throw Failure(offset: start, reason: "binary XML nested more than \(Self.maxDepth) deep")
        }
        if depth == 0 {
            fragments = 0
            substituted = 0
            produced = 0
        }
        fragments += 1
        guard fragments <= Self.maxFragments else {
            throw Failure(
                offset: start,
                reason: "the record expands to more than \(Self.maxFragments) fragments of nested binary XML")
        }
    }

    /// Counts `n` elements or texts about to be made for the record.
    mutating func produce(_ n: Int = 1, at offset: Int) throws(Failure) {
        produced += n
        guard produced <= Self.maxProduced else {
            throw Failure(
                offset: offset,
                reason:
                    "the record expands to more than \(Self.maxProduced) elements (a template naming an array value many times)"
            )
        }
    }

    /// Counts the bytes of a value about to be substituted.
    mutating func charge(_ v: Value) throws(Failure) {
        substituted += v.bytes.count
        guard substituted <= Self.maxSubstituted else {
            throw Failure(
                offset: v.bytes.baseAddress.map { $0 - chunk.baseAddress! } ?? 0,
                reason:
                    "the record expands to more than \(Self.maxSubstituted >> 20) MiB of substituted values (a template naming a value many times)"
            )
        }
    }

    // MARK: fragments and templates

    /// A record's binary XML (or a nested fragment): the XML it stands for, substitutions expanded.
    mutating func document(from start: Int, to end: Int, depth: Int = 0) throws(Failure) -> [XMLNode] {
        try enterFragment(at: start, depth: depth)
        var p = start
        var out: [XMLNode] = []
        while p < end {
            let token = try u8(p)
            switch token & 0x1F {
            case 0x00:
                return out
            case 0x0F:  // fragment header: major, minor, flags
                p += 4
            case 0x0C:
                out += try templateInstance(&p, end: end, depth: depth)
                // A record, and a fragment held in a value, is one XML document: what follows its root (bytes
                // of an older record, a second root such as RenderingInfo) is not part of it, as libevtx and
                // pyevtx-rs read it.
                return out
            case 0x01:
                let node = try element(&p, end: end, dependency: false, depth: depth + 1)
                out += try expand([node], with: [], depth: depth)
                return out
            default:
                throw Failure(
                    offset: p,
                    reason: "unexpected binary XML token 0x\(Hex.padded(token, width: 2)) at the top of a fragment")
            }
        }
        return out
    }

    /// A template instance: the template (defined here or earlier in the chunk) and its values.
    mutating func templateInstance(_ p: inout Int, end: Int, depth: Int) throws(Failure) -> [XMLNode] {
        var values: [Value] = []
        let definition = try instance(&p, end: end, values: &values)
        return try expand(templates.parsed[definition] ?? [], with: values, depth: depth)
    }

    /// Reads a template instance at `p`: parses its template (cached by its offset, which it returns) and
    /// appends its substitution values to `values`; `p` ends after the values.
    mutating func instance(_ p: inout Int, end: Int, values: inout [Value]) throws(Failure) -> Int {
        let at = p
        p += 1 + 1 + 4  // token, unknown byte, template id
        let definition = Int(try u32(p))
        guard chunk.holds(24, at: definition) else {
            throw Failure(offset: p, reason: "a template definition offset \(definition) outside the chunk")
        }
        p += 4
        if definition == p {  // defined inline: next offset, GUID, data size, body
            let size = Int(try u32(p + 20))
            try need(24 + size, p, "a template definition of \(size) bytes")
            p += 24 + size
        }
        _ = try template(at: definition)
        let count = Int(try u32(p))
        p += 4
        guard count <= 4096, chunk.holds(count * 4, at: p) else {
            throw Failure(offset: p - 4, reason: "a template instance with \(count) values")
        }
        values.reserveCapacity(values.count + count)
        var data = p + count * 4
        for i in 0..<count {
            let size = Int(chunk.le16(p + 4 * i))
            let type = chunk[p + 4 * i + 2]
            try need(size, data, "substitution value \(i) (\(size) bytes)")
            values.append(Value(type: type, bytes: UnsafeRawBufferPointer(rebasing: chunk[data..<(data + size)])))
            data += size
        }
        p = data
        guard p <= end || end == chunk.count else {
            throw Failure(offset: at, reason: "a template instance runs past its record")
        }
        return definition
    }

    /// The template whose definition is at `offset`, parsed once per chunk.
    mutating func template(at offset: Int) throws(Failure) -> [Node] {
        if let t = templates.parsed[offset] { return t }
        guard !templates.parsing.contains(offset) else {
            throw Failure(offset: offset, reason: "a template that refers to itself")
        }
        templates.parsing.insert(offset)
        defer { templates.parsing.remove(offset) }
        let size = Int(try u32(offset + 20))
        try need(24 + size, offset, "a template definition of \(size) bytes")
        var p = offset + 24
        let end = offset + 24 + size
        var nodes: [Node] = []
        while p < end {
            let token = try u8(p)
            switch token & 0x1F {
            case 0x00: p = end
            case 0x0F: p += 4
            case 0x01: nodes.append(try element(&p, end: end, dependency: true, depth: 1))
            default:
                throw Failure(
                    offset: p, reason: "unexpected binary XML token 0x\(Hex.padded(token, width: 2)) in a template")
            }
        }
        templates.parsed[offset] = nodes
        return nodes
    }

    /// An element from its open-start token to its end, as a template node.
    mutating func element(_ p: inout Int, end: Int, dependency: Bool, depth: Int) throws(Failure) -> Node {
        guard depth < Self.maxDepth else {
            throw Failure(offset: p, reason: "elements nested more than \(Self.maxDepth) deep")
        }
        let token = try u8(p)
        p += 1
        if dependency { p += 2 }
        p += 4  // data size
        let name = try nameReference(&p)
        var attributes: [(String, [Part])] = []
        if token & 0x40 != 0 {
            p += 4  // attribute list size
            while try u8(p) & 0x1F == 0x06 {
                p += 1
                let attribute = try nameReference(&p)
                attributes.append((attribute, try parts(&p)))
            }
        }
        let close = try u8(p)
        p += 1
        var children: [Node] = []
        switch close {
        case 0x03:
            return .element(name: name, attributes: attributes, children: [])
        case 0x02:
            while true {
                let t = try u8(p)
                switch t & 0x1F {
                case 0x04:
                    p += 1
                    return .element(name: name, attributes: attributes, children: children)
                case 0x01:
                    children.append(try element(&p, end: end, dependency: dependency, depth: depth + 1))
                case 0x07:
                    let count = Int(try u16(p + 1))
                    try need(2 * count, p + 3, "a CDATA section")
                    children.append(
                        .cdata(UTF16LE.string(UnsafeRawBufferPointer(rebasing: chunk[(p + 3)..<(p + 3 + 2 * count)]))))
                    p += 3 + 2 * count
                case 0x05, 0x08, 0x09, 0x0D, 0x0E:
                    for part in try parts(&p) { children.append(.part(part)) }
                case 0x0A, 0x0B:
                    try skipProcessingInstruction(&p)
                case 0x00:
                    throw Failure(offset: p, reason: "the element \(name) has no end")
                default:
                    throw Failure(
                        offset: p, reason: "unexpected binary XML token 0x\(Hex.padded(t, width: 2)) in element \(name)"
                    )
                }
            }
        default:
            throw Failure(
                offset: p - 1,
                reason: "expected the end of element \(name)'s start tag, found 0x\(Hex.padded(close, width: 2))")
        }
    }

    /// Values, references and substitutions up to the next token of another kind.
    mutating func parts(_ p: inout Int) throws(Failure) -> [Part] {
        var out: [Part] = []
        while true {
            let t = try u8(p)
            switch t & 0x1F {
            case 0x05:
                let type = try u8(p + 1)
                guard type == 0x01 else {
                    throw Failure(
                        offset: p + 1,
                        reason:
                            "a value token of type 0x\(Hex.padded(type, width: 2)) (only strings are written in line)")
                }
                let count = Int(try u16(p + 2))
                try need(2 * count, p + 4, "a string value")
                out.append(
                    .text(UTF16LE.string(UnsafeRawBufferPointer(rebasing: chunk[(p + 4)..<(p + 4 + 2 * count)]))))
                p += 4 + 2 * count
            case 0x08:
                let code = try u16(p + 1)
                out.append(.text(Unicode.Scalar(code).map { String(Character($0)) } ?? ""))
                p += 3
            case 0x09:
                p += 1
                let name = try nameReference(&p)
                let known = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
                out.append(.text(known[name] ?? "&\(name);"))
            case 0x0D, 0x0E:
                let index = Int(try u16(p + 1))
                p += 4  // token, index, type
                out.append(.substitution(index: index, optional: t & 0x1F == 0x0E))
            default:
                return out
            }
        }
    }

    mutating func skipProcessingInstruction(_ p: inout Int) throws(Failure) {
        if try u8(p) & 0x1F == 0x0A {
            p += 1
            _ = try nameReference(&p)
        } else {
            let count = Int(try u16(p + 1))
            p += 3 + 2 * count
        }
    }

    // MARK: expansion

    /// Template nodes with their substitutions filled in. An optional substitution whose value is empty
    /// leaves its attribute out; a value of binary XML (type 0x21) becomes the elements it holds.
    mutating func expand(_ nodes: [Node], with values: [Value], depth: Int) throws(Failure) -> [XMLNode] {
        var out: [XMLNode] = []
        for node in nodes {
            switch node {
            case .element(let name, let attributes, let children):
                // An element whose only content is an array value stands for one element per item,
                // as Event Viewer shows it (`<Data>` once per string of a string array).
                if children.count == 1, case .part(.substitution(let i, _)) = children[0], i < values.count,
                    values[i].type & 0x80 != 0
                {
                    let attrs = try expand(
                        [.element(name: name, attributes: attributes, children: [])], with: values, depth: depth)
                    guard case .element(let shell) = attrs.first else { continue }
                    try charge(values[i])
                    let items = ValueText.items(values[i].type & 0x7F, values[i].bytes)
                    try produce(items.count, at: values[i].bytes.baseAddress.map { $0 - chunk.baseAddress! } ?? 0)
                    for item in items {
                        var e = shell
                        e.children = item.isEmpty ? [] : [.text(item)]
                        out.append(.element(e))
                    }
                    continue
                }
                var element = XMLElement(name: name)
                for (attribute, parts) in attributes {
                    var text = ""
                    var present = false
                    for part in parts {
                        switch part {
                        case .text(let t):
                            text += t
                            present = true
                        case .substitution(let i, let optional):
                            guard i < values.count else { continue }
                            let v = values[i]
                            if v.type == 0 || (optional && v.bytes.isEmpty) { continue }  // NULL: no attribute
                            try charge(v)
                            text += ValueText.render(v.type, v.bytes)
                            present = true
                        }
                    }
                    if present { element.attributes.append((attribute, text)) }
                }
                element.children = try expand(children, with: values, depth: depth)
                try produce(at: 0)
                out.append(.element(element))
            case .cdata(let s):
                out.append(.cdata(s))
            case .part(.text(let t)):
                out.append(.text(t))
            case .part(.substitution(let i, let optional)):
                guard i < values.count else { continue }
                let v = values[i]
                if optional && (v.type == 0 || v.bytes.isEmpty) { continue }
                if v.type == 0x21 {
                    let start = v.bytes.baseAddress! - chunk.baseAddress!
                    out += try document(from: start, to: start + v.bytes.count, depth: depth + 1)
                } else {
                    try charge(v)
                    out.append(.text(ValueText.render(v.type, v.bytes)))
                }
            }
        }
        return out
    }
}

/// What a chunk's records share: names and parsed templates by their offset in the chunk.
struct TemplateCache {
    var names: [Int: (name: String, size: Int)] = [:]
    var parsed: [Int: [BinaryXMLParser.Node]] = [:]
    var parsing: Set<Int> = []
}
