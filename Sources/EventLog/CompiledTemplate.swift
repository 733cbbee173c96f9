/// A template's nodes as a flat list of operations, with its names and text as UTF-8 in one pool: what
/// `XMLRenderer` walks for every record that instantiates the template, without building a tree.
///
/// An element's operation is followed by its attributes (each followed by its parts), then its children;
/// it records where its children start and where its subtree ends, so a walk can step over it.
final class CompiledTemplate {
    struct Op {
        enum Kind: UInt8 { case element, attribute, text, substitution, cdata }
        var kind: Kind
        /// A substitution that leaves nothing when its value is empty.
        var optional = false
        /// An element whose only child is one substitution: when its value is an array, the element is
        /// written once per item.
        var arrayCandidate = false
        /// Element: the start and length of `<name` in the pool (`</name>\n` follows it). Attribute: of ` name="`. Text, CDATA: the text's. Substitution:
        /// the value's index (`a`).
        var a: Int32 = 0
        var b: Int32 = 0
        /// Element: its first child's index. Attribute: the index after its parts.
        var c: Int32 = 0
        /// Element: the index after its subtree.
        var d: Int32 = 0
    }

    /// The operations and the pool, copied once built: they do not change, so a walk reads them through
    /// pointers for as long as the template lives.
    let view: XMLRenderer.View

    init(_ nodes: [BinaryXMLParser.Node]) {
        var b = Builder()
        for node in nodes { b.add(node) }
        let (ops, pool) = (b.ops, b.pool)
        let o = UnsafeMutableBufferPointer<Op>.allocate(capacity: ops.count)
        _ = o.initialize(from: ops)
        let p = UnsafeMutableRawBufferPointer.allocate(byteCount: pool.count, alignment: 1)
        pool.withUnsafeBytes { p.copyMemory(from: $0) }
        view = XMLRenderer.View(ops: UnsafeBufferPointer(o), pool: UnsafeRawBufferPointer(p))
    }

    deinit {
        view.ops.deallocate()
        view.pool.deallocate()
    }

}

/// Flattens template nodes into operations and a pool.
private struct Builder {
    var ops: [CompiledTemplate.Op] = []
    var pool: [UInt8] = []
    typealias Op = CompiledTemplate.Op

    private mutating func text(_ s: String) -> (Int32, Int32) {
        let start = pool.count
        pool.append(contentsOf: s.utf8)
        return (Int32(start), Int32(pool.count - start))
    }

    mutating func add(_ part: BinaryXMLParser.Part) {
        switch part {
        case .text(let t):
            let (a, b) = text(t)
            ops.append(Op(kind: .text, a: a, b: b))
        case .substitution(let index, let optional):
            ops.append(Op(kind: .substitution, optional: optional, a: Int32(clamping: index)))
        }
    }

    mutating func add(_ node: BinaryXMLParser.Node) {
        switch node {
        case .element(let name, let attributes, let children):
            let at = ops.count
            let (a, b) = text("<" + name)
            _ = text("</" + name + ">\n")
            var op = Op(kind: .element, a: a, b: b)
            if children.count == 1, case .part(.substitution) = children[0] { op.arrayCandidate = true }
            ops.append(op)
            for (attribute, parts) in attributes {
                let index = ops.count
                let (a, b) = text(" " + attribute + "=\"")
                ops.append(Op(kind: .attribute, a: a, b: b))
                for part in parts { add(part) }
                ops[index].c = Int32(ops.count)
            }
            ops[at].c = Int32(ops.count)
            for child in children { add(child) }
            ops[at].d = Int32(ops.count)
        case .part(let part):
            add(part)
        case .cdata(let s):
            let (a, b) = text(s)
            ops.append(Op(kind: .cdata, a: a, b: b))
        }
    }
}
