import RegistryHive

/// VSS diagnostic logging (`Services\VSS\Diag`): when the key is there, VSS components write a value per
/// phase (`IDENTIFY (Enter)`, ...) under a subkey of their own, which is what a Procmon capture shows as the
/// writer's IDENTIFY markers.
public struct VSSDiagnostics: Sendable, Equatable, Encodable {
    public var enabled: Bool
    /// The components that wrote phase markers (subkeys of Diag), e.g. `System Writer`, `SPP`.
    public var components: [String]
    /// The phase markers the System Writer left, by value name.
    public var systemWriterMarkers: [String]

    static func read(_ hive: Hive, services: KeyNode) -> VSSDiagnostics {
        guard let vss = hive.subkey("VSS", of: services), let diag = hive.subkey("Diag", of: vss) else {
            return VSSDiagnostics(enabled: false, components: [], systemWriterMarkers: [])
        }
        let components = hive.subkeys(of: diag)
        let writer = components.first { $0.name.uppercased() == "SYSTEM WRITER" }
        return VSSDiagnostics(
            enabled: true, components: components.map(\.name),
            systemWriterMarkers: writer.map { hive.values(of: $0).map(\.name) } ?? [])
    }
}
