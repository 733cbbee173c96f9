import BinaryFormat
/// The flag words of file-system details, spelled as Procmon prints them.
enum PMLFlags {
    /// Access rights, combined names first (Procmon prints the largest named combination that is set).
    static let fileAccessNames: [(UInt32, String)] = [
        (0x1F_01FF, "All Access"), (0x12_01BF, "Generic Read/Write/Execute"), (0x12_019F, "Generic Read/Write"),
        (0x12_00A9, "Generic Read/Execute"), (0x12_01B6, "Generic Write/Execute"), (0x12_0089, "Generic Read"),
        (0x12_0116, "Generic Write"), (0x12_00A0, "Generic Execute"), (0x1, "Read Data/List Directory"),
        (0x2, "Write Data/Add File"), (0x4, "Append Data/Add Subdirectory/Create Pipe Instance"), (0x8, "Read EA"),
        (0x10, "Write EA"), (0x20, "Execute/Traverse"), (0x40, "Delete Child"), (0x80, "Read Attributes"),
        (0x100, "Write Attributes"), (0x1_0000, "Delete"), (0x2_0000, "Read Control"), (0x4_0000, "Write DAC"),
        (0x8_0000, "Write Owner"), (0x10_0000, "Synchronize"), (0x100_0000, "Access System Security"),
        (0x200_0000, "Maximum Allowed"),
    ]

    /// A desired access mask: generic bits mapped to the file rights they stand for, then named.
    static func fileAccess(_ mask: UInt32) -> String {
        var m = mask
        if m & 0x8000_0000 != 0 { m |= 0x12_0089 }
        if m & 0x4000_0000 != 0 { m |= 0x12_0116 }
        if m & 0x2000_0000 != 0 { m |= 0x12_00A0 }
        if m & 0x1000_0000 != 0 { m |= 0x1F_01FF }
        let named = names(m, fileAccessNames, ", ")
        return named.isEmpty ? "None 0x" + String(m, radix: 16) : named
    }

    static let dispositions = ["Supersede", "Open", "Create", "OpenIf", "Overwrite", "OverwriteIf"]
    static let openResults = ["Superseded", "Opened", "Created", "Overwritten", "Exists", "DoesNotExist"]

    static let createOptions: [(UInt32, String)] = [
        (0x1, "Directory"), (0x2, "Write Through"), (0x4, "Sequential Access"), (0x8, "No Buffering"),
        (0x10, "Synchronous IO Alert"), (0x20, "Synchronous IO Non-Alert"), (0x40, "Non-Directory File"),
        (0x80, "Create Tree Connection"), (0x100, "Complete If Oplocked"), (0x200, "No EA Knowledge"),
        (0x400, "Open for Recovery"), (0x800, "Random Access"), (0x1000, "Delete On Close"), (0x2000, "Open By ID"),
        (0x4000, "Open For Backup"), (0x8000, "No Compression"), (0x10_0000, "Reserve OpFilter"),
        (0x20_0000, "Open Reparse Point"), (0x40_0000, "Open No Recall"), (0x80_0000, "Open For Free Space Query"),
        (0x1_0000, "Open Requiring Oplock"), (0x2_0000, "Disallow Exclusive"),
    ]

    /// FILE_ATTRIBUTE_* as the letters Procmon prints (`HS` for hidden and system).
    static let attributeLetters: [(UInt32, String)] = [
        (0x1, "R"), (0x2, "H"), (0x4, "S"), (0x10, "D"), (0x20, "A"), (0x40, "D"), (0x80, "N"), (0x100, "T"),
        (0x200, "SF"), (0x400, "RP"), (0x800, "C"), (0x1000, "O"), (0x2000, "NCI"), (0x4000, "E"), (0x1_0000, "V"),
    ]

    static let shareModes: [(UInt32, String)] = [(0x1, "Read"), (0x2, "Write"), (0x4, "Delete")]

    /// The names of the flags set in `mask`, in table order; a combination takes its bits out of the mask.
    static func names(_ mask: UInt32, _ table: [(UInt32, String)], _ separator: String) -> String {
        var m = mask
        var out: [String] = []
        for (value, name) in table where m & value == value {
            out.append(name)
            m &= ~value
        }
        return out.joined(separator: separator)
    }

    /// An impersonated account: the well-known service accounts by name, anything else as its SID.
    static func account(_ sid: UnsafeRawBufferPointer) -> String {
        guard sid.count >= 8, sid[0] == 1, sid.count == 8 + 4 * Int(sid[1]) else { return "" }
        var authority: UInt64 = 0
        for i in 2..<8 { authority = authority << 8 | UInt64(sid[i]) }
        var text = "S-1-\(authority)"
        for k in 0..<Int(sid[1]) { text += "-\(sid.le32(8 + 4 * k))" }
        let known = [
            "S-1-5-18": "NT AUTHORITY\\SYSTEM", "S-1-5-19": "NT AUTHORITY\\LOCAL SERVICE",
            "S-1-5-20": "NT AUTHORITY\\NETWORK SERVICE", "S-1-5-32-544": "BUILTIN\\Administrators",
        ]
        return known[text] ?? text
    }
}
