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
        access(mask, generic: (0x12_0089, 0x12_0116, 0x12_00A0, 0x1F_01FF), fileAccessNames)
    }

    /// Generic read, write, execute and all mapped to `generic`'s rights, then the mask named by `table`
    /// (`None 0x…` when nothing is named).
    static func access(_ mask: UInt32, generic: (UInt32, UInt32, UInt32, UInt32), _ table: [(UInt32, String)]) -> String
    {
        var m = mask
        if m & 0x8000_0000 != 0 { m |= generic.0 }
        if m & 0x4000_0000 != 0 { m |= generic.1 }
        if m & 0x2000_0000 != 0 { m |= generic.2 }
        if m & 0x1000_0000 != 0 { m |= generic.3 }
        let named = names(m, table, ", ")
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
    /// With `unnamed`, what no name covers follows as `0x…`, as Procmon prints some masks (`Owner, Group, 0x100`).
    static func names(_ mask: UInt32, _ table: [(UInt32, String)], _ separator: String, unnamed: Bool = false) -> String
    {
        var m = mask
        var out: [String] = []
        for (value, name) in table where m & value == value {
            out.append(name)
            m &= ~value
        }
        if unnamed && m != 0 { out.append("0x" + String(m, radix: 16)) }
        return out.joined(separator: separator)
    }

    /// An impersonated account: the well-known service accounts by name, anything else as its SID.
    static func account(_ sid: UnsafeRawBufferPointer) -> String {
        guard let s = SIDBytes.read(sid), s.revision == 1, s.length == sid.count else { return "" }
        let text = s.text
        let known = [
            "S-1-5-18": "NT AUTHORITY\\SYSTEM", "S-1-5-19": "NT AUTHORITY\\LOCAL SERVICE",
            "S-1-5-20": "NT AUTHORITY\\NETWORK SERVICE", "S-1-5-32-544": "BUILTIN\\Administrators",
        ]
        return known[text] ?? text
    }

    /// IRP flags of reads and writes.
    static let ioFlags: [(UInt32, String)] = [
        (0x10, "Buffered"), (0x1, "Non-cached"), (0x2, "Paging I/O"), (0x4, "Synchronous"),
        (0x40, "Synchronous Paging I/O"),
        (0x40_0000, "Write Through"),
    ]

    /// I/O priority hints (IoPriorityVeryLow ... IoPriorityCritical), by value; 0 is not printed.
    static let priorities = ["", "Very Low", "Low", "Normal", "High", "Critical"]

    /// CreateFileMapping's page protection: the first PAGE_* that is set, and `|PAGE_NOCACHE` (alone when no
    /// other is set, as Procmon prints it); empty when none.
    static func pageProtection(_ p: UInt32) -> String {
        let names: [(UInt32, String)] = [
            (0x02, "PAGE_READONLY"), (0x04, "PAGE_READWRITE"), (0x08, "PAGE_WRITECOPY"), (0x10, "PAGE_EXECUTE"),
            (0x20, "PAGE_EXECUTE_READ"), (0x40, "PAGE_EXECUTE_READWRITE"),
        ]
        let set: (UInt32, String)? = names.first { p & $0.0 != 0 }
        let name = set?.1 ?? ""
        return p & 0x200 != 0 ? name + "|PAGE_NOCACHE" : name
    }

    /// SECURITY_INFORMATION bits of QuerySecurityFile and SetSecurityFile.
    static let securityInformation: [(UInt32, String)] = [
        (0x1, "Owner"), (0x2, "Group"), (0x4, "DACL"), (0x8, "SACL"), (0x10, "Label"), (0x20, "Attribute"),
        (0x40, "Scope"),
        (0x80, "Process Trust Label"), (0x8000_0000, "DACL Protected"), (0x4000_0000, "SACL Protected"),
        (0x2000_0000, "DACL Unprotected"), (0x1000_0000, "SACL Unprotected"),
    ]

    /// FILE_FS_ATTRIBUTE_INFORMATION's FileSystemAttributes, in Procmon's order.
    static let fileSystemAttributes: [(UInt32, String)] = [
        (0x2, "Case Preserved"), (0x1, "Case Sensitive"), (0x4, "Unicode"), (0x8, "ACLs"), (0x10, "Compression"),
        (0x4_0000, "Named Streams"), (0x2_0000, "EFS"), (0x1_0000, "Object IDs"), (0x80, "Reparse Points"),
        (0x40, "Sparse Files"), (0x20, "Quotas"), (0x20_0000, "Transactions"),
    ]

    /// FILE_ALIGNMENT_INFORMATION's AlignmentRequirement.
    static func alignment(_ v: UInt32) -> String {
        let names: [UInt32: String] = [
            0: "Byte", 1: "Word", 3: "Long", 7: "Quad", 15: "Octa", 31: "32 Byte", 63: "64 Byte", 127: "128 Byte",
            255: "256 Byte", 511: "512 Byte",
        ]
        return names[v] ?? "0x" + String(v, radix: 16)
    }

    /// File-system and device control codes by name (FSCTL_*, IOCTL_*), else `0x…`.

    /// Registry access rights, combined names first; generic rights map as the registry maps them.
    static let registryAccessNames: [(UInt32, String)] = [
        (0xF_003F, "All Access"), (0x2_001F, "Read/Write"), (0x2_0019, "Read"), (0x2_0006, "Write"),
        (0x1, "Query Value"),
        (0x2, "Set Value"), (0x4, "Create Sub Key"), (0x8, "Enumerate Sub Keys"), (0x10, "Notify"),
        (0x20, "Create Link"),
        (0x300, "WOW64_Res"), (0x200, "WOW64_32Key"), (0x100, "WOW64_64Key"), (0x1_0000, "Delete"),
        (0x2_0000, "Read Control"), (0x4_0000, "Write DAC"), (0x8_0000, "Write Owner"), (0x10_0000, "Synchronize"),
        (0x100_0000, "Access System Security"), (0x200_0000, "Maximum Allowed"),
    ]

    static func registryAccess(_ mask: UInt32) -> String {
        access(mask, generic: (0x2_0019, 0x2_0006, 0x2_0019, 0xF_003F), registryAccessNames)
    }

    static let keyInformationClasses = [
        "Basic", "Node", "Full", "Name", "Cached", "Flags", "Virtualization", "HandleTags", "Trust", "Layer",
    ]

    static let keySetInformationClasses: [UInt32: String] = [
        0: "KeyWriteTimeInformation", 1: "KeyWow64FlagsInformation", 2: "KeyControlFlagsInformation",
        3: "KeySetVirtualizationInformation", 4: "KeySetDebugInformation", 5: "KeySetHandleTagsInformation",
        6: "KeySetLayerInformation",
    ]

    static let registryTypes = [
        "REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_DWORD_BIG_ENDIAN", "REG_LINK",
        "REG_MULTI_SZ", "REG_RESOURCE_LIST", "REG_FULL_RESOURCE_DESCRIPTOR", "REG_RESOURCE_REQUIREMENTS_LIST",
        "REG_QWORD",
    ]

    static func registryType(_ t: UInt32) -> String {
        Int(t) < registryTypes.count ? registryTypes[Int(t)] : "<Unknown: \(t)>"
    }

    /// NotifyChangeDirectory's completion filter (FILE_NOTIFY_CHANGE_*).
    static let notifyFilters: [(UInt32, String)] = [
        (0x1, "FILE_NOTIFY_CHANGE_FILE_NAME"), (0x2, "FILE_NOTIFY_CHANGE_DIR_NAME"),
        (0x4, "FILE_NOTIFY_CHANGE_ATTRIBUTES"),
        (0x8, "FILE_NOTIFY_CHANGE_SIZE"), (0x10, "FILE_NOTIFY_CHANGE_LAST_WRITE"),
        (0x20, "FILE_NOTIFY_CHANGE_LAST_ACCESS"),
        (0x40, "FILE_NOTIFY_CHANGE_CREATION"), (0x80, "FILE_NOTIFY_CHANGE_EA"), (0x100, "FILE_NOTIFY_CHANGE_SECURITY"),
        (0x200, "FILE_NOTIFY_CHANGE_STREAM_NAME"), (0x400, "FILE_NOTIFY_CHANGE_STREAM_SIZE"),
        (0x800, "FILE_NOTIFY_CHANGE_STREAM_WRITE"),
    ]
}
