import BinaryFormat
import DiskImage
import Foundation
import NTFS
import WindowsSecurity
import WriterScope

/// What `sc.exe qc NAME` and `sc.exe sdshow NAME` printed on the server (the collector's
/// `services/NAME-qc.txt` and `NAME-sdshow.txt`): each service's start type, account, binary and
/// descriptor as the service control manager holds them at that moment.
public struct ServiceQueries: Sendable {
    public private(set) var configs: [String: ServiceConfig] = [:]
    /// `sc.exe sdshow`'s text, keyed by upper-cased service name: what the fix scripts compare before
    /// they change a descriptor.
    public private(set) var descriptors: [String: String] = [:]
    public private(set) var warnings: [String] = []
    /// The files read, in order.
    public private(set) var files: [String] = []

    public init() {}

    /// Reads one output file. `service` names the service for `sdshow` output, which does not name it
    /// (from the collector's manifest, or the file name `NAME-sdshow.txt`).
    public mutating func read(_ path: String, service: String?) throws {
        let lines = try TextFile.lines(path).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        files.append(path)
        if let name = lines.first(where: { $0.hasPrefix("SERVICE_NAME:") }).map({ value($0) }) {
            configs[name.uppercased()] = config(name: name, lines: lines)
            return
        }
        if let failed = lines.first(where: { $0.hasPrefix("[SC]") && $0.contains("FAILED") }) {
            warnings.append("\(path): \(failed)\(lines.dropFirst().first.map { " " + $0 } ?? "")")
            return
        }
        guard let sddl = lines.first(where: { ["D:", "O:", "G:", "S:"].contains(where: $0.hasPrefix) }) else {
            throw ServiceQueryError(file: path, at: .line(1), "neither sc.exe qc nor sc.exe sdshow output")
        }
        guard let service, !service.isEmpty else {
            warnings.append("\(path): sc.exe sdshow output that names no service (not in the manifest): not used")
            return
        }
        do {
            _ = try SDDL.parse(sddl)
        } catch let e as SecurityError {
            throw ServiceQueryError(file: path, at: .line((lines.firstIndex(of: sddl) ?? 0) + 1), e.message)
        }
        descriptors[service.uppercased()] = sddl
    }

    private func value(_ line: String) -> String {
        guard let colon = line.firstIndex(of: ":") else { return "" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    private func config(name: String, lines: [String]) -> ServiceConfig {
        func field(_ key: String) -> String? {
            lines.first { $0.hasPrefix(key) && $0.dropFirst(key.count).first.map { $0 == " " || $0 == ":" } == true }
                .map(value)
        }
        // "START_TYPE : 2   AUTO_START" and "TYPE : 20  WIN32_SHARE_PROCESS".
        let startNumber = field("START_TYPE").flatMap { UInt32($0.split(separator: " ").first ?? "") }
        let typeNumber = field("TYPE").flatMap { UInt32($0.split(separator: " ").first ?? "", radix: 16) }
        return ServiceConfig(
            name: name, displayName: field("DISPLAY_NAME"),
            start: startNumber.map { StartType(rawValue: $0)?.scName ?? "0x" + String($0, radix: 16) },
            startType: startNumber.flatMap(StartType.init(rawValue:)),
            type: typeNumber.map(ServiceConfig.typeName), typeValue: typeNumber, account: field("SERVICE_START_NAME"),
            imagePath: field("BINARY_PATH_NAME"), sddl: nil, defaultDescriptor: false)
    }

    /// The services as read, each with its `sdshow` descriptor when there was one.
    public var services: [ServiceConfig] {
        var all = configs
        for (key, sddl) in descriptors {
            all[
                key,
                default: ServiceConfig(
                    name: WriterServices.dependencies.first { $0.name.uppercased() == key }?.name ?? key,
                    displayName: nil,
                    start: nil, startType: nil, type: nil, typeValue: nil, account: nil, imagePath: nil, sddl: nil,
                    defaultDescriptor: false)
            ].sddl = sddl
        }
        return all.values.sorted { $0.name.uppercased() < $1.name.uppercased() }
    }
}

/// `sc.exe` output that is not what the collector saves.
public struct ServiceQueryError: FileInputError {
    public let file: String
    public let position: FilePosition?
    public let reason: String

    public init(file: String, at position: FilePosition?, _ reason: String) {
        self.file = file
        self.position = position
        self.reason = reason
    }
}

extension ServiceAudit {
    /// The services the writer needs judged from `sc.exe` output, when the upload has no SYSTEM hive: a
    /// service with no `qc` output is not judged missing (it may simply not have been queried).
    public static func audit(queries: ServiceQueries, source: String, token: Token = WriterServices.token)
        -> ServiceReport
    {
        let services = queries.services
        var descriptors: [String: SecurityDescriptor] = [:]
        for s in services {
            if let sddl = s.sddl, let sd = try? SDDL.parse(sddl) { descriptors[s.name.uppercased()] = sd }
        }
        let findings = judge(services, descriptors: descriptors, in: "sc.exe output", token: token, expectAll: false)
        return ServiceReport(
            source: source, controlSet: "sc.exe output", dirty: false, logsApplied: [], warnings: queries.warnings,
            services: services, findings: findings,
            vssDiagnostics: VSSDiagnostics(enabled: false, components: [], systemWriterMarkers: []),
            imagePathsChecked: false)
    }
}
