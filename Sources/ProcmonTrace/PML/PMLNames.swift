/// Operation and result names as Procmon prints them, by the numbers a PML log stores.
enum PMLNames {
    /// Event classes of the PML event header.
    enum EventClass: UInt32 {
        case process = 1, registry, fileSystem, profiling, network, ipc
    }

    static let process = [
        "Process Defined", "Process Create", "Process Exit", "Thread Create", "Thread Exit", "Load Image",
        "Thread Profile", "Process Start", "Process Statistics", "System Statistics",
    ]

    static let registry = [
        "RegOpenKey", "RegCreateKey", "RegCloseKey", "RegQueryKey", "RegSetValue", "RegQueryValue", "RegEnumValue",
        "RegEnumKey", "RegSetInfoKey", "RegDeleteKey", "RegDeleteValue", "RegFlushKey", "RegLoadKey", "RegUnloadKey",
        "RegRenameKey", "RegQueryMultipleValueKey", "RegSetKeySecurity", "RegQueryKeySecurity",
    ]

    static let profiling = ["Thread Profiling", "Process Profiling", "Debug Output Profiling"]

    static let network = [
        "Unknown", "Other", "Send", "Receive", "Accept", "Connect", "Disconnect", "Reconnect", "Retransmit", "TCPCopy",
    ]

    /// File-system operations by IRP major function (and the fast-I/O calls Procmon numbers before them).
    static let fileSystem = [
        "VolumeDismount", "VolumeMount", "FASTIO_MDL_WRITE_COMPLETE", "WriteFile", "FASTIO_MDL_READ_COMPLETE",
        "ReadFile", "QueryOpen", "FASTIO_CHECK_IF_POSSIBLE", "IRP_MJ_12", "IRP_MJ_11", "IRP_MJ_10", "IRP_MJ_9",
        "IRP_MJ_8", "FASTIO_NOTIFY_STREAM_FO_CREATION", "FASTIO_RELEASE_FOR_CC_FLUSH", "FASTIO_ACQUIRE_FOR_CC_FLUSH",
        "FASTIO_RELEASE_FOR_MOD_WRITE", "FASTIO_ACQUIRE_FOR_MOD_WRITE", "FASTIO_RELEASE_FOR_SECTION_SYNCHRONIZATION",
        "CreateFileMapping", "CreateFile", "CreatePipe", "IRP_MJ_CLOSE", "ReadFile", "WriteFile",
        "QueryInformationFile", "SetInformationFile", "QueryEAFile", "SetEAFile", "FlushBuffersFile",
        "QueryVolumeInformation", "SetVolumeInformation", "DirectoryControl", "FileSystemControl", "DeviceIoControl",
        "InternalDeviceIoControl", "Shutdown", "LockUnlockFile", "CloseFile", "CreateMailSlot", "QuerySecurityFile",
        "SetSecurityFile", "Power", "SystemControl", "DeviceChange", "QueryFileQuota", "SetFileQuota", "PlugAndPlay",
    ]

    enum FileSystemOperation {
        static let createFile: UInt16 = 20
        static let readFile: UInt16 = 23
        static let writeFile: UInt16 = 24
        static let queryInformation: UInt16 = 25
        static let setInformation: UInt16 = 26
        static let queryVolumeInformation: UInt16 = 30
        static let setVolumeInformation: UInt16 = 31
        static let directoryControl: UInt16 = 32
        static let lockUnlock: UInt16 = 37
        static let plugAndPlay: UInt16 = 47
        /// DirectoryControl sub-operation.
        static let queryDirectory: UInt8 = 1
    }

    /// Names the Procmon that wrote version 7 logs (XP era) gave differently: it called
    /// FileAllocationInformation (0x13) `SetAllInformationFile`. Found by comparing the Noriben sample's PML
    /// with its CSV export (docs/PML-FORMAT.md).
    static let version7SubOperations: [UInt16: [UInt8: String]] = [
        FileSystemOperation.setInformation: [0x13: "SetAllInformationFile"]
    ]

    /// Whether the major function has sub-operations that name it (a non-zero one Procmon does not know is
    /// `<Unknown>`).
    static func hasSubOperations(_ major: UInt16) -> Bool {
        [
            FileSystemOperation.queryInformation, FileSystemOperation.setInformation,
            FileSystemOperation.queryVolumeInformation,
            FileSystemOperation.setVolumeInformation, FileSystemOperation.directoryControl,
            FileSystemOperation.lockUnlock,
            FileSystemOperation.plugAndPlay,
        ].contains(major)
    }

    /// The name of a sub-operation, which Procmon shows instead of the major function; nil when unknown.
    static func subOperation(_ major: UInt16, _ minor: UInt8, version: UInt32 = 9) -> String? {
        if version == 7, let name = version7SubOperations[major]?[minor] { return name }
        switch major {
        case FileSystemOperation.queryInformation:
            return queryInformation[minor]
        case FileSystemOperation.setInformation:
            return setInformation[minor]
        case FileSystemOperation.queryVolumeInformation:
            return queryVolume[minor]
        case FileSystemOperation.setVolumeInformation:
            return setVolume[minor]
        case FileSystemOperation.directoryControl:
            return minor == 1 ? "QueryDirectory" : minor == 2 ? "NotifyChangeDirectory" : nil
        case FileSystemOperation.lockUnlock:
            return lockUnlock[minor]
        case FileSystemOperation.plugAndPlay:
            return plugAndPlay[minor]
        default:
            return nil
        }
    }

    /// FILE_INFORMATION_CLASS values as Procmon names their query operations.
    static let queryInformation: [UInt8: String] = [
        0x04: "QueryBasicInformationFile", 0x05: "QueryStandardInformationFile",
        0x06: "QueryFileInternalInformationFile", 0x07: "QueryEaInformationFile", 0x09: "QueryNameInformationFile",
        0x0E: "QueryPositionInformationFile", 0x12: "QueryAllInformationFile", 0x14: "QueryEndOfFile",
        0x16: "QueryStreamInformationFile", 0x1C: "QueryCompressionInformationFile", 0x1D: "QueryId",
        0x1F: "QueryMoveClusterInformationFile", 0x22: "QueryNetworkOpenInformationFile",
        0x23: "QueryAttributeTagFile", 0x25: "QueryIdBothDirectory", 0x27: "QueryValidDataLength",
        0x28: "QueryShortNameInformationFile", 0x2B: "QueryIoPiorityHint", 0x2E: "QueryLinks",
        0x30: "QueryNormalizedNameInformationFile", 0x31: "QueryNetworkPhysicalNameInformationFile",
        0x32: "QueryIdGlobalTxDirectoryInformation", 0x33: "QueryIsRemoteDeviceInformation",
        0x34: "QueryAttributeCacheInformation", 0x35: "QueryNumaNodeInformation",
        0x36: "QueryStandardLinkInformation", 0x37: "QueryRemoteProtocolInformation",
        0x38: "QueryRenameInformationBypassAccessCheck", 0x39: "QueryLinkInformationBypassAccessCheck",
        0x3A: "QueryVolumeNameInformation", 0x3B: "QueryIdInformation", 0x3C: "QueryIdExtdDirectoryInformation",
        0x3E: "QueryHardLinkFullIdInformation", 0x3F: "QueryIdExtdBothDirectoryInformation",
        0x43: "QueryDesiredStorageClassInformation", 0x44: "QueryStatInformation",
        0x45: "QueryMemoryPartitionInformation", 0x46: "QuerySatLxInformation",
        0x48: "QueryLinkInformationEx",
    ]

    static let setInformation: [UInt8: String] = [
        0x04: "SetBasicInformationFile", 0x0A: "SetRenameInformationFile", 0x0B: "SetLinkInformationFile",
        0x0D: "SetDispositionInformationFile", 0x0E: "SetPositionInformationFile", 0x12: "SetAllInformationFile",
        0x13: "SetAllocationInformationFile", 0x14: "SetEndOfFileInformationFile", 0x16: "SetFileStreamInformation",
        0x17: "SetPipeInformation", 0x27: "SetValidDataLengthInformationFile", 0x28: "SetShortNameInformation",
        0x3D: "SetReplaceCompletionInformation", 0x40: "SetDispositionInformationEx", 0x41: "SetRenameInformationEx",
        0x42: "SetRenameInformationExBypassAccessCheck",
    ]

    static let queryVolume: [UInt8: String] = [
        1: "QueryInformationVolume", 2: "QueryLabelInformationVolume", 3: "QuerySizeInformationVolume",
        4: "QueryDeviceInformationVolume", 5: "QueryAttributeInformationVolume", 6: "QueryControlInformationVolume",
        7: "QueryFullSizeInformationVolume", 8: "QueryObjectIdInformationVolume",
    ]

    static let setVolume: [UInt8: String] = [
        1: "SetControlInformationVolume", 2: "SetLabelInformationVolume", 8: "SetObjectIdInformationVolume",
    ]

    static let lockUnlock: [UInt8: String] = [
        1: "LockFile", 2: "UnlockFileSingle", 3: "UnlockFileAll", 4: "UnlockFileByKey",
    ]

    static let plugAndPlay: [UInt8: String] = [
        0: "StartDevice", 1: "QueryRemoveDevice", 2: "RemoveDevice", 3: "CancelRemoveDevice", 4: "StopDevice",
        5: "QueryStopDevice", 6: "CancelStopDevice", 7: "QueryDeviceRelations", 8: "QueryInterface",
        9: "QueryCapabilities", 10: "QueryResources", 11: "QueryResourceRequirements", 12: "QueryDeviceText",
        13: "FilterResourceRequirements", 15: "ReadConfig", 16: "WriteConfig", 17: "Eject", 18: "SetLock",
        19: "QueryId2", 20: "QueryPnpDeviceState", 21: "QueryBusInformation", 22: "DeviceUsageNotification",
        23: "SurpriseRemoval", 24: "QueryLegacyBusInformation",
    ]

    /// FILE_INFORMATION_CLASS names that QueryDirectory details print.
    static let fileInformationClass: [UInt32: String] = [
        1: "FileDirectoryInformation", 2: "FileFullDirectoryInformation", 3: "FileBothDirectoryInformation",
        12: "FileNamesInformation", 37: "FileIdBothDirectoryInformation", 38: "FileIdFullDirectoryInformation",
        50: "FileIdGlobalTxDirectoryInformation", 60: "FileIdExtdDirectoryInformation",
        63: "FileIdExtdBothDirectoryInformation",
    ]

    /// NTSTATUS results as Procmon prints them: the status name without `STATUS_`, spaces for underscores,
    /// `OBJECT_` dropped from the object-name statuses. Codes not listed print as hex.
    static let results: [UInt32: String] = [
        0x0000_0000: "SUCCESS", 0x0000_0103: "", 0x0000_0104: "REPARSE", 0x0000_0105: "MORE ENTRIES",
        0x0000_0108: "OPLOCK BREAK IN PROGRESS", 0x0000_010B: "NOTIFY CLEANUP", 0x0000_010C: "NOTIFY ENUM DIR",
        0x0000_012A: "FILE LOCKED WITH ONLY READERS", 0x0000_012B: "FILE LOCKED WITH WRITERS",
        0x0000_0215: "OPLOCK SWITCHED TO NEW HANDLE", 0x0000_0216: "OPLOCK HANDLE CLOSED",
        0x0000_0367: "WAIT FOR OPLOCK", 0x4000_0016: "PREDEFINED HANDLE",
        0x8000_0002: "DATATYPE MISALIGNMENT", 0x8000_0005: "BUFFER OVERFLOW", 0x8000_0006: "NO MORE FILES",
        0x8000_0015: "INVALID EA FLAG", 0x8000_001A: "NO MORE ENTRIES", 0x8009_0322: "E_WRONG_PRINCIPAL",
        0xC000_0001: "UNSUCCESSFUL", 0xC000_0002: "NOT IMPLEMENTED", 0xC000_0003: "INVALID INFO CLASS",
        0xC000_0004: "INFO LENGTH MISMATCH", 0xC000_0005: "ACCESS VIOLATION", 0xC000_0008: "INVALID HANDLE",
        0xC000_000D: "INVALID PARAMETER", 0xC000_000E: "NO SUCH DEVICE", 0xC000_000F: "NO SUCH FILE",
        0xC000_0010: "INVALID DEVICE REQUEST", 0xC000_0011: "END OF FILE", 0xC000_0016: "MORE PROCESSING REQUIRED",
        0xC000_0017: "NO MEMORY", 0xC000_001D: "ILLEGAL INSTRUCTION", 0xC000_0022: "ACCESS DENIED",
        0xC000_0023: "BUFFER TOO SMALL", 0xC000_0024: "OBJECT TYPE MISMATCH", 0xC000_0033: "NAME INVALID",
        0xC000_0034: "NAME NOT FOUND", 0xC000_0035: "NAME COLLISION", 0xC000_0039: "PATH INVALID",
        0xC000_003A: "PATH NOT FOUND", 0xC000_003B: "PATH SYNTAX BAD", 0xC000_0043: "SHARING VIOLATION",
        0xC000_0044: "QUOTA EXCEEDED", 0xC000_004F: "EAS NOT SUPPORTED", 0xC000_0054: "FILE LOCK CONFLICT",
        0xC000_0055: "LOCK NOT GRANTED", 0xC000_0056: "DELETE PENDING", 0xC000_0061: "PRIVILEGE NOT HELD",
        0xC000_006D: "LOGON FAILURE", 0xC000_007F: "DISK FULL", 0xC000_009A: "INSUFFICIENT RESOURCES",
        0xC000_00A2: "MEDIA WRITE PROTECTED", 0xC000_00AC: "PIPE NOT AVAILABLE", 0xC000_00AD: "INVALID PIPE STATE",
        0xC000_00AE: "PIPE BUSY", 0xC000_00B0: "PIPE DISCONNECTED", 0xC000_00B1: "PIPE CLOSING",
        0xC000_00B5: "IO TIMEOUT", 0xC000_00BA: "IS DIRECTORY", 0xC000_00BB: "NOT SUPPORTED",
        0xC000_00C3: "INVALID NETWORK RESPONSE", 0xC000_00CC: "BAD NETWORK NAME", 0xC000_00D4: "NOT SAME DEVICE",
        0xC000_00E5: "INTERNAL ERROR", 0xC000_0101: "NOT EMPTY", 0xC000_0103: "NOT A DIRECTORY",
        0xC000_0120: "CANCELLED", 0xC000_0121: "CANNOT DELETE", 0xC000_0123: "FILE DELETED",
        0xC000_0128: "FILE CLOSED", 0xC000_0148: "INVALID LEVEL", 0xC000_014B: "PIPE BROKEN",
        0xC000_0184: "INVALID DEVICE STATE", 0xC000_0188: "LOG FILE FULL", 0xC000_01AF: "PIPE EMPTY",
        0xC000_0203: "USER SESSION DELETED", 0xC000_0204: "DRIVER INTERNAL ERROR", 0xC000_0225: "NOT FOUND",
        0xC000_0235: "HANDLE NOT CLOSABLE", 0xC000_0236: "CONNECTION REFUSED", 0xC000_023A: "CONNECTION INVALID",
        0xC000_0240: "REQUEST ABORTED", 0xC000_0275: "NOT REPARSE POINT", 0xC000_02E9: "OPLOCK NOT GRANTED",
        0xC000_0427: "FILE SYSTEM LIMITATION", 0xC000_0467: "FILE NOT AVAILABLE", 0xC000_0468: "NOT A CLOUD FILE",
        0xC000_0489: "CLOUD FILE PROVIDER NOT RUNNING", 0xC01C_0004: "FAST IO DISALLOWED",
        0xC019_000F: "TRANSACTION NOT ACTIVE", 0xC000_00BE: "BAD NETWORK PATH", 0xC000_0273: "NO MORE MATCHES",
        0xC000_A2A3: "OFFLOAD READ FILE NOT SUPPORTED", 0xC000_02F0: "OBJECTID NOT FOUND",
        0xC000_0243: "USER MAPPED FILE",
        0xC000_046D: "OBJECT NOT EXTERNALLY BACKED", 0xC000_0052: "NO EAS ON FILE",
    ]

    /// The result text of an NTSTATUS: its name, or `0x…` in hex when Procmon has no name for it.
    static func result(_ status: UInt32) -> String {
        results[status] ?? "0x" + String(status, radix: 16, uppercase: true)
    }
}
