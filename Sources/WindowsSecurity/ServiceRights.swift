/// Access rights on a service, as the service control manager checks them (winsvc.h), and the names
/// Windows gives them. SDDL spells them with the directory-service letters: CC query config, DC change
/// config, LC query status, SW enumerate dependents, RP start, WP stop, DT pause/continue, LO interrogate,
/// CR user-defined control, RC read control.
public enum ServiceRights {
    public static let queryConfig: UInt32 = 0x0001
    public static let changeConfig: UInt32 = 0x0002
    public static let queryStatus: UInt32 = 0x0004
    public static let enumerateDependents: UInt32 = 0x0008
    public static let start: UInt32 = 0x0010
    public static let stop: UInt32 = 0x0020
    public static let pauseContinue: UInt32 = 0x0040
    public static let interrogate: UInt32 = 0x0080
    public static let userDefinedControl: UInt32 = 0x0100
    public static let allAccess: UInt32 = 0x000F_01FF

    /// What the SCM grants SERVICE and INTERACTIVE by default ("service user rights": CCLCSWLOCRRC).
    public static let serviceUser: UInt32 =
        queryConfig | queryStatus | enumerateDependents | interrogate | userDefinedControl | AccessMask.readControl

    /// The ACE that gives SERVICE (and so the System Writer's NETWORK SERVICE token) the service user rights.
    public static let serviceUserACE = "(A;;CCLCSWLOCRRC;;;SU)"

    /// The descriptor the SCM gives a service whose key has no `Security` value (as `sc sdshow` prints it
    /// for such a service on Windows 10 and Server 2016-2022).
    public static let scmDefaultSDDL =
        "D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWLOCRRC;;;IU)(A;;CCLCSWLOCRRC;;;SU)"

    /// Windows' names of the bits in `mask` (`SERVICE_QUERY_CONFIG`, `READ_CONTROL` ...).
    public static func names(_ mask: UInt32) -> [String] {
        let names: [(UInt32, String)] = [
            (queryConfig, "SERVICE_QUERY_CONFIG"), (changeConfig, "SERVICE_CHANGE_CONFIG"),
            (queryStatus, "SERVICE_QUERY_STATUS"), (enumerateDependents, "SERVICE_ENUMERATE_DEPENDENTS"),
            (start, "SERVICE_START"), (stop, "SERVICE_STOP"), (pauseContinue, "SERVICE_PAUSE_CONTINUE"),
            (interrogate, "SERVICE_INTERROGATE"), (userDefinedControl, "SERVICE_USER_DEFINED_CONTROL"),
            (0x10000, "DELETE"), (AccessMask.readControl, "READ_CONTROL"), (AccessMask.writeDAC, "WRITE_DAC"),
            (0x80000, "WRITE_OWNER"),
        ]
        return names.filter { mask & $0.0 != 0 }.map(\.1)
    }
}

/// The object a descriptor protects, which decides the names its rights are given.
public enum ProtectedObject: String, Sendable, CaseIterable {
    case file, service

    public func rightNames(_ mask: UInt32) -> [String] {
        switch self {
        case .file: AccessMask.fileRightNames(mask)
        case .service: ServiceRights.names(mask)
        }
    }
}
