import BinaryFormat

/// A value's declared type. Unknown numbers are kept.
public enum ValueType: Sendable, Equatable, Hashable {
    case none, string, expandString, binary, dword, dwordBigEndian, link, multiString, resourceList,
        fullResourceDescriptor, resourceRequirementsList, qword
    case other(UInt32)

    public init(_ raw: UInt32) {
        switch raw {
        case 0: self = .none
        case 1: self = .string
        case 2: self = .expandString
        case 3: self = .binary
        case 4: self = .dword
        case 5: self = .dwordBigEndian
        case 6: self = .link
        case 7: self = .multiString
        case 8: self = .resourceList
        case 9: self = .fullResourceDescriptor
        case 10: self = .resourceRequirementsList
        case 11: self = .qword
        default: self = .other(raw)
        }
    }

    /// The name regedit and reg.exe use (`REG_SZ`, ...); an unknown type as `REG_0x…`.
    public var name: String {
        switch self {
        case .none: "REG_NONE"
        case .string: "REG_SZ"
        case .expandString: "REG_EXPAND_SZ"
        case .binary: "REG_BINARY"
        case .dword: "REG_DWORD"
        case .dwordBigEndian: "REG_DWORD_BIG_ENDIAN"
        case .link: "REG_LINK"
        case .multiString: "REG_MULTI_SZ"
        case .resourceList: "REG_RESOURCE_LIST"
        case .fullResourceDescriptor: "REG_FULL_RESOURCE_DESCRIPTOR"
        case .resourceRequirementsList: "REG_RESOURCE_REQUIREMENTS_LIST"
        case .qword: "REG_QWORD"
        case .other(let raw): "REG_0x" + Hex.padded(raw, width: 8)
        }
    }
}

/// A value's data seen as its type says, or `.bytes` for the types that are bytes.
/// `.mismatch` when the bytes do not fit the declared type: they are still there, in `RegistryValue.data`.
public enum TypedData: Sendable, Equatable {
    case string(String)
    case strings([String])
    case number(UInt64)
    case bytes
    case mismatch
}

/// A key's value: its name ("" for the default value), declared type and data bytes as stored.
public struct RegistryValue: Sendable, Equatable {
    public var name: String
    public var type: ValueType
    public var data: [UInt8]
    /// Cell of the "vk" record.
    public var cell: UInt32
    /// Data of 4 bytes or less kept in the value record itself (the size's top bit set), not in a cell.
    public var storedInRecord: Bool
    /// The type number as stored (device-property values carry 0xFFFF in the high half).
    public var rawType: UInt32

    /// An owned copy of a value seen in place.
    public init(_ view: ValueView) {
        self.init(
            name: view.name, type: view.type, data: Array(view.bytes), cell: view.cell,
            storedInRecord: view.storedInRecord)
    }

    public init(name: String, type: ValueType, data: [UInt8], cell: UInt32 = 0, storedInRecord: Bool = false) {
        self.name = name
        self.type = type
        self.data = data
        self.cell = cell
        self.storedInRecord = storedInRecord
        if case .other(let raw) = type { rawType = raw } else { rawType = Self.number(of: type) }
    }

    private static func number(of type: ValueType) -> UInt32 {
        switch type {
        case .none: 0
        case .string: 1
        case .expandString: 2
        case .binary: 3
        case .dword: 4
        case .dwordBigEndian: 5
        case .link: 6
        case .multiString: 7
        case .resourceList: 8
        case .fullResourceDescriptor: 9
        case .resourceRequirementsList: 10
        case .qword: 11
        case .other(let raw): raw
        }
    }

    /// The data as its type reads it. Strings end at the first NUL; a string of an odd number of bytes or
    /// with an unpaired surrogate, a DWORD not of 4 bytes or a QWORD not of 8 does not fit.
    public var typed: TypedData { data.withUnsafeBytes { Self.typed(type, $0) } }

    /// Bytes of a value of type `type` as that type reads them (see `typed`).
    public static func typed(_ type: ValueType, _ data: UnsafeRawBufferPointer) -> TypedData {
        switch type {
        case .string, .expandString, .link:
            guard let s = utf16(data) else { return .mismatch }
            return .string(s)
        case .multiString:
            guard data.count % 2 == 0 else { return .mismatch }
            var parts: [String] = []
            var start = 0
            var i = 0
            while i + 1 < data.count {
                if data[i] == 0 && data[i + 1] == 0 {
                    guard let s = utf16(UnsafeRawBufferPointer(rebasing: data[start..<i])) else { return .mismatch }
                    parts.append(s)
                    start = i + 2
                }
                i += 2
            }
            if start < data.count {
                guard let s = utf16(UnsafeRawBufferPointer(rebasing: data[start...])) else { return .mismatch }
                parts.append(s)
            }
            while parts.last == "" { parts.removeLast() }
            return .strings(parts)
        case .dword:
            guard data.count == 4 else { return .mismatch }
            return .number(UInt64(data.le32(0)))
        case .dwordBigEndian:
            guard data.count == 4 else { return .mismatch }
            return .number(UInt64(data.be32(0)))
        case .qword:
            guard data.count == 8 else { return .mismatch }
            return .number(data.le64(0))
        default:
            return .bytes
        }
    }

    /// The DWORD, when the value is one that fits.
    public var dword: UInt32? {
        if case .number(let n) = typed, type == .dword || type == .dwordBigEndian { return UInt32(n) }
        return nil
    }

    /// The string (REG_SZ, REG_EXPAND_SZ), when it fits.
    public var string: String? {
        if case .string(let s) = typed { return s }
        return nil
    }

    /// UTF-16LE up to the first NUL; nil when the byte count is odd or a surrogate is unpaired.
    static func utf16(_ raw: UnsafeRawBufferPointer) -> String? {
        guard raw.count % 2 == 0 else { return nil }
        let n = raw.count / 2
        var end = 0
        var k = 0
        while k < n {
            let u = raw.le16(2 * k)
            if u == 0 { break }
            if u & 0xFC00 == 0xD800 {
                guard k + 1 < n, raw.le16(2 * k + 2) & 0xFC00 == 0xDC00 else { return nil }
                k += 2
            } else if u & 0xFC00 == 0xDC00 {
                return nil
            } else {
                k += 1
            }
            end = k
        }
        // Most registry strings are ASCII: each unit below 0x80 is then one UTF-8 byte.
        var ascii = true
        for i in 0..<end where raw[2 * i + 1] != 0 || raw[2 * i] >= 0x80 {
            ascii = false
            break
        }
        if ascii {
            return String(unsafeUninitializedCapacity: end) { out in
                for i in 0..<end { out[i] = raw[2 * i] }
                return end
            }
        }
        return UTF16LE.string(UnsafeRawBufferPointer(rebasing: raw[0..<(2 * end)]))
    }
}

/// A value seen in place during `Hive.withValues(of:_:)`: its bytes point into the hive (or a scratch
/// buffer) and are valid only during the call. `RegistryValue(view)` keeps a copy.
public struct ValueView {
    public var name: String
    public var type: ValueType
    public var bytes: UnsafeRawBufferPointer
    public var cell: UInt32
    public var storedInRecord: Bool

    public var typed: TypedData { RegistryValue.typed(type, bytes) }
}
