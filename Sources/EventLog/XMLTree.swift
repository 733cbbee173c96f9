/// An event record's XML, as its binary XML describes it: elements with attributes, text and children.
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [(name: String, value: String)]
    public var children: [XMLNode]

    public init(name: String, attributes: [(name: String, value: String)] = [], children: [XMLNode] = []) {
        self.name = name
        self.attributes = attributes
        self.children = children
    }

    public static func == (a: XMLElement, b: XMLElement) -> Bool {
        a.name == b.name && a.children == b.children && a.attributes.map(\.name) == b.attributes.map(\.name)
            && a.attributes.map(\.value) == b.attributes.map(\.value)
    }

    /// The first child element named `name`.
    public func child(_ name: String) -> XMLElement? {
        for case .element(let e) in children where e.name == name { return e }
        return nil
    }

    /// The element's text (its text children joined).
    public var text: String {
        children.map { if case .text(let t) = $0 { t } else { "" } }.joined()
    }

    public func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
}

public enum XMLNode: Sendable, Equatable {
    case element(XMLElement)
    case text(String)
    /// Character data in a CDATA section.
    case cdata(String)
}
