import BinaryFormat

/// Access rights (MS-DTYP 2.4.3) and their SDDL names.
public enum AccessMask {
    public static let genericAll: UInt32 = 0x1000_0000
    public static let genericExecute: UInt32 = 0x2000_0000
    public static let genericWrite: UInt32 = 0x4000_0000
    public static let genericRead: UInt32 = 0x8000_0000
    public static let maximumAllowed: UInt32 = 0x0200_0000
    public static let readControl: UInt32 = 0x0002_0000
    public static let writeDAC: UInt32 = 0x0004_0000
    public static let synchronize: UInt32 = 0x0010_0000

    /// The file object's generic mapping (FILE_GENERIC_READ/WRITE/EXECUTE, FILE_ALL_ACCESS).
    public static let fileGenericRead: UInt32 = 0x0012_0089
    public static let fileGenericWrite: UInt32 = 0x0012_0116
    public static let fileGenericExecute: UInt32 = 0x0012_00A0
    public static let fileAllAccess: UInt32 = 0x001F_01FF

    /// What the System Writer needs: to read a file, and to list a folder (FILE_LIST_DIRECTORY,
    /// FILE_READ_ATTRIBUTES, SYNCHRONIZE; no traverse right, the account holds SeChangeNotifyPrivilege).
    public static let readFile: UInt32 = fileGenericRead
    public static let listFolder: UInt32 = 0x0010_0081

    /// Maps generic bits with the file mapping, as the access check does to the requested access.
    public static func mapGeneric(_ mask: UInt32) -> UInt32 {
        var m = mask & 0x0FFF_FFFF
        if mask & genericRead != 0 { m |= fileGenericRead }
        if mask & genericWrite != 0 { m |= fileGenericWrite }
        if mask & genericExecute != 0 { m |= fileGenericExecute }
        if mask & genericAll != 0 { m |= fileAllAccess }
        return m
    }

    /// Whole-mask names, tried first when printing (Windows prints 0x1F01FF as FA).
    static let compound: [(String, UInt32)] = [
        ("FA", 0x001F_01FF), ("FR", 0x0012_0089), ("FW", 0x0012_0116), ("FX", 0x0012_00A0),
        ("KA", 0x000F_003F), ("KR", 0x0002_0019), ("KW", 0x0002_0006), ("KX", 0x0002_0019),
    ]

    /// One-bit names, in the order Windows prints them: ascending bit.
    static let single: [(String, UInt32)] = [
        ("CC", 0x1), ("DC", 0x2), ("LC", 0x4), ("SW", 0x8), ("RP", 0x10), ("WP", 0x20), ("DT", 0x40), ("LO", 0x80),
        ("CR", 0x100), ("SD", 0x10000), ("RC", 0x20000), ("WD", 0x40000), ("WO", 0x80000),
        ("GA", 0x1000_0000), ("GX", 0x2000_0000), ("GW", 0x4000_0000), ("GR", 0x8000_0000),
    ]

    /// Mandatory label policy names (ML ACEs).
    static let label: [(String, UInt32)] = [("NW", 0x1), ("NR", 0x2), ("NX", 0x4)]

    /// SDDL text for a mask as Windows prints it: a whole-mask name, else one-bit names, else `0x…` in lower case.
    public static func sddl(_ mask: UInt32, mandatoryLabel: Bool = false) -> String {
        if mask == 0 { return "" }
        let singles = mandatoryLabel ? label : single
        if !mandatoryLabel, let named = compound.first(where: { $0.1 == mask }) { return named.0 }
        var rest = mask
        var out = ""
        for (name, bit) in singles where mask & bit != 0 {
            out += name
            rest &= ~bit
        }
        return rest == 0 ? out : "0x" + String(mask, radix: 16)
    }

    /// Names of the bits in `mask`, for reports (`FILE_READ_DATA`, `SYNCHRONIZE` …).
    public static func fileRightNames(_ mask: UInt32) -> [String] {
        let names: [(UInt32, String)] = [
            (0x1, "READ_DATA/LIST_DIRECTORY"), (0x2, "WRITE_DATA/ADD_FILE"), (0x4, "APPEND_DATA/ADD_SUBDIRECTORY"),
            (0x8, "READ_EA"), (0x10, "WRITE_EA"), (0x20, "EXECUTE/TRAVERSE"), (0x40, "DELETE_CHILD"),
            (0x80, "READ_ATTRIBUTES"), (0x100, "WRITE_ATTRIBUTES"), (0x10000, "DELETE"), (0x20000, "READ_CONTROL"),
            (0x40000, "WRITE_DAC"), (0x80000, "WRITE_OWNER"), (0x100000, "SYNCHRONIZE"),
        ]
        return names.filter { mask & $0.0 != 0 }.map(\.1)
    }

    /// icacls' rights: its simple rights (`F`, `M`, `RX` …) and comma lists of specific ones (`RD,RA,S`).
    static let icaclsSimple: [String: UInt32] = [
        "N": 0, "F": 0x1F01FF, "M": 0x1301BF, "RX": 0x1200A9, "R": 0x120089, "W": 0x100116, "D": 0x10000,
    ]
    static let icaclsSpecific: [String: UInt32] = [
        "DE": 0x10000, "RC": 0x20000, "WDAC": 0x40000, "WO": 0x80000, "S": 0x100000, "AS": 0x100_0000,
        "MA": 0x200_0000, "GR": 0x8000_0000, "GW": 0x4000_0000, "GE": 0x2000_0000, "GA": 0x1000_0000, "RD": 0x1,
        "WD": 0x2, "AD": 0x4, "REA": 0x8, "WEA": 0x10, "X": 0x20, "DC": 0x40, "RA": 0x80, "WA": 0x100,
    ]

    /// The mask of an icacls rights token (`RX`, `RD,RA,S`), or nil when it names an unknown right.
    public static func icacls(_ token: String) -> UInt32? {
        if let m = icaclsSimple[token] { return m }
        guard !token.isEmpty else { return nil }
        var mask: UInt32 = 0
        for part in token.split(separator: ",") {
            guard let m = icaclsSpecific[String(part)] ?? icaclsSimple[String(part)] else { return nil }
            mask |= m
        }
        return mask
    }

    /// `0x001200a9`.
    public static func hex(_ mask: UInt32) -> String { "0x" + String(mask, radix: 16).leftPadded(8) }
}
