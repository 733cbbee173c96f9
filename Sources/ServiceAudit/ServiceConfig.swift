import RegistryHive

/// When the service control manager starts a service (the `Start` value), named as `sc qc` names it.
public enum StartType: UInt32, Sendable, Codable {
    case boot = 0, system = 1, automatic = 2, demand = 3, disabled = 4

    public var scName: String {
        switch self {
        case .boot: "BOOT_START"
        case .system: "SYSTEM_START"
        case .automatic: "AUTO_START"
        case .demand: "DEMAND_START"
        case .disabled: "DISABLED"
        }
    }

    /// The word `sc.exe config NAME start= WORD` takes.
    public var scConfigWord: String {
        switch self {
        case .boot: "boot"
        case .system: "system"
        case .automatic: "auto"
        case .demand: "demand"
        case .disabled: "disabled"
        }
    }
}

/// One service or driver of the control set, as its key under `Services` describes it.
public struct ServiceConfig: Sendable, Equatable, Encodable {
    public var name: String
    public var displayName: String?
    /// The `Start` value as `sc qc` names it, or `0x…` for a number it does not know.
    public var start: String?
    public var startType: StartType?
    /// The `Type` value as `sc qc` names it (`WIN32_SHARE_PROCESS`, `KERNEL_DRIVER` ...).
    public var type: String?
    public var typeValue: UInt32?
    /// `ObjectName`: the account a service runs as (drivers have none).
    public var account: String?
    public var imagePath: String?
    /// The descriptor the SCM applies, as SDDL: the `Security` value's, or the SCM's default.
    public var sddl: String?
    /// True when the key has no (usable) `Security` value and the SCM's default descriptor applies.
    public var defaultDescriptor: Bool

    enum CodingKeys: String, CodingKey {
        case name, displayName, start, type, account, imagePath, sddl, defaultDescriptor
    }

    /// Every key is written, null when there is no value.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(displayName, forKey: .displayName)
        try c.encode(start, forKey: .start)
        try c.encode(type, forKey: .type)
        try c.encode(account, forKey: .account)
        try c.encode(imagePath, forKey: .imagePath)
        try c.encode(sddl, forKey: .sddl)
        try c.encode(defaultDescriptor, forKey: .defaultDescriptor)
    }

    public var isDriver: Bool { (typeValue ?? 0) & 0x0B != 0 && (typeValue ?? 0) & 0xF0 == 0 }

    /// `sc qc`'s words for a service type.
    public static func typeName(_ t: UInt32) -> String {
        var parts: [String] = []
        let known: [(UInt32, String)] = [
            (0x1, "KERNEL_DRIVER"), (0x2, "FILE_SYSTEM_DRIVER"), (0x4, "ADAPTER"), (0x8, "RECOGNIZER_DRIVER"),
            (0x10, "WIN32_OWN_PROCESS"), (0x20, "WIN32_SHARE_PROCESS"), (0x40, "USER_SERVICE"),
            (0x80, "USERSERVICE_INSTANCE"), (0x100, "INTERACTIVE_PROCESS"),
        ]
        var rest = t
        for (bit, name) in known where t & bit != 0 {
            parts.append(name)
            rest &= ~bit
        }
        if rest != 0 || parts.isEmpty { parts.append("0x" + String(t, radix: 16)) }
        return parts.joined(separator: " ")
    }
}
