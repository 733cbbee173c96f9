/// A VSS phase marker: the registry write a VSS component makes on entering and leaving each phase.
///
/// Path shape: `HKLM\System\<any control set>\Services\VSS\Diag\<component>\<PHASE> (Enter|Leave)`.
public struct WriterMarker: Equatable, Sendable {
    public enum Edge: String, Sendable { case enter = "Enter", leave = "Leave" }

    /// The component (writer) name as the path spells it, e.g. `System Writer`.
    public var writer: String
    /// The phase, upper-cased, e.g. `IDENTIFY`.
    public var phase: String
    public var edge: Edge

    private static let diagKey = Bytes.lowercased("\\services\\vss\\diag\\")

    /// The marker a RegSetValue path carries, or nil.
    public static func parse(path: UnsafeRawBufferPointer) -> WriterMarker? {
        guard let at = Bytes.find(path, diagKey) else { return nil }
        let rest = UnsafeRawBufferPointer(rebasing: path[(at + diagKey.count)...])
        guard let lastSlash = rest.lastIndex(of: 0x5C), lastSlash > 0 else { return nil }
        let value = Bytes.string(UnsafeRawBufferPointer(rebasing: rest[(lastSlash + 1)...]))
        let writer = Bytes.string(UnsafeRawBufferPointer(rebasing: rest[..<lastSlash]))
        return parse(writer: writer, value: value)
    }

    static func parse(writer: String, value: String) -> WriterMarker? {
        let trimmed = value.trimmingSpaces()
        let edge: Edge
        let lower = trimmed.lowercased()
        if lower.hasSuffix("(enter)") {
            edge = .enter
        } else if lower.hasSuffix("(leave)") {
            edge = .leave
        } else {
            return nil
        }
        let phase = String(trimmed.dropLast(7)).trimmingSpaces().uppercased()
        guard !phase.isEmpty, !writer.isEmpty else { return nil }
        return WriterMarker(writer: writer, phase: phase, edge: edge)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
