import BinaryFormat

/// The Detail of registry events, as Procmon prints it. Each event's details start with the path's info
/// word; then per operation (offsets in the details): RegOpenKey and RegCreateKey the desired access at 4;
/// RegQueryKey and RegQueryValue the length at 4 and the information class at 8; RegEnumKey and
/// RegEnumValue the length at 4, the index at 8 and the class at 12; RegSetInfoKey the class at 4 and a
/// 2-byte length at 12. What the call returned (granted access and disposition, the key or value
/// information) is in the extra details.
extension PMLEventDecoder {
    func registryDetail(op: UInt16, _ d: UnsafeRawBufferPointer, extra: UnsafeRawBufferPointer?) {
        switch op {
        case 0, 1:  // RegOpenKey, RegCreateKey
            guard d.count >= 8 else { return }
            let desired = d.le32(4)
            guard desired != 0 else { return }
            let named = PMLFlags.registryAccess(desired)
            detail.append("Desired Access: ")
            detail.append(named)
            guard let extra, extra.count >= 8 else { return }
            if named == "Maximum Allowed" {
                detail.append(", Granted Access: ")
                detail.append(PMLFlags.registryAccess(extra.le32(0)))
            }
            let disposition = extra.le32(4)
            if disposition == 1 || disposition == 2 {
                detail.append(
                    disposition == 1 ? ", Disposition: REG_CREATED_NEW_KEY" : ", Disposition: REG_OPENED_EXISTING_KEY")
            }
        case 3, 7:  // RegQueryKey, RegEnumKey
            guard let (length, infoClass) = queryOrEnumeration(d, enumeration: op == 7) else { return }
            if op == 3 {
                detail.append("Query: ")
                detail.append(
                    Int(infoClass) < PMLFlags.keyInformationClasses.count
                        ? PMLFlags.keyInformationClasses[Int(infoClass)] : String(infoClass))
            }
            guard let extra else {
                detail.append(", Length: ")
                detail.append(unsigned: UInt64(length), grouped: true)
                return
            }
            keyInformation(infoClass, extra)
        case 5, 6:  // RegQueryValue, RegEnumValue
            guard let (length, infoClass) = queryOrEnumeration(d, enumeration: op == 6) else { return }
            if op == 6 { detail.append(", ") }
            guard let extra, extra.count >= 8 else {
                detail.append("Length: ")
                detail.append(unsigned: UInt64(length), grouped: true)
                return
            }
            valueInformation(infoClass, extra, named: op == 6)
        case 8:  // RegSetInfoKey
            guard d.count >= 14 else { return }
            let infoClass = d.le32(4)
            detail.append("KeySetInformationClass: ")
            detail.append(PMLFlags.keySetInformationClasses[infoClass] ?? "<Unknown: \(infoClass)>")
            detail.append(", Length: ")
            detail.append(unsigned: UInt64(d.le16(12)), grouped: true)
        default:
            break
        }
    }

    /// The length and information class of a query or enumeration (length at 4; the class at 8, or for an
    /// enumeration the index at 8, printed `Index: N`, and the class at 12); nil when the details are short.
    private func queryOrEnumeration(_ d: UnsafeRawBufferPointer, enumeration: Bool) -> (UInt32, UInt32)? {
        guard d.count >= (enumeration ? 16 : 12) else { return nil }
        guard enumeration else { return (d.le32(4), d.le32(8)) }
        detail.append("Index: ")
        detail.append(unsigned: UInt64(d.le32(8)), grouped: true)
        return (d.le32(4), d.le32(12))
    }

    /// KEY_*_INFORMATION a RegQueryKey or RegEnumKey returned.
    private func keyInformation(_ infoClass: UInt32, _ x: UnsafeRawBufferPointer) {
        func name(at: Int) {
            guard x.count >= at + 4 else { return }
            let n = min(Int(x.le32(at)), x.count - at - 4)
            detail.append(", Name: ")
            if n > 0 {
                detail.append(stored: UnsafeRawBufferPointer(rebasing: x[(at + 4)..<(at + 4 + n)]), ascii: false)
            }
        }
        func numbers(_ fields: [(String, Int)]) {
            for (label, at) in fields where x.count >= at + 4 {
                detail.append(", ")
                detail.append(label)
                detail.append(": ")
                detail.append(unsigned: UInt64(x.le32(at)), grouped: true)
            }
        }
        switch infoClass {
        case 0:  // KEY_BASIC_INFORMATION: LastWriteTime, TitleIndex, NameLength, Name
            name(at: 12)
        case 1:  // KEY_NODE_INFORMATION: …, ClassOffset, ClassLength, NameLength, Name
            name(at: 20)
        // KEY_FULL_INFORMATION and KEY_CACHED_INFORMATION: Procmon prints the subkey and value counts only
        // (453 rows of three 3.x captures; the Max* lengths are not shown).
        case 2:  // KEY_FULL_INFORMATION
            numbers([("SubKeys", 20), ("Values", 32)])
        case 3:  // KEY_NAME_INFORMATION: Procmon prints the class alone
            break
        case 4:  // KEY_CACHED_INFORMATION
            numbers([("SubKeys", 12), ("Values", 20)])
        case 5:
            guard x.count >= 4 else { return }
            detail.append(", UserFlags: ")
            detail.append(hex: UInt64(x.le32(0)))
        case 7:
            guard x.count >= 4 else { return }
            detail.append(", HandleTags: ")
            detail.append(hex: UInt64(x.le32(0)))
        default:
            break
        }
    }

    /// KEY_VALUE_*_INFORMATION a RegQueryValue or RegEnumValue returned: its name (RegEnumValue's full
    /// information), type, length and data.
    private func valueInformation(_ infoClass: UInt32, _ x: UnsafeRawBufferPointer, named: Bool) {
        let type = x.le32(4)
        var dataAt = 0
        var length: UInt32 = 0
        switch infoClass {
        case 1, 3:  // KEY_VALUE_FULL_INFORMATION: TitleIndex, Type, DataOffset, DataLength, NameLength, Name
            guard x.count >= 20 else { return }
            dataAt = Int(x.le32(8))
            length = x.le32(12)
            // RegEnumValue names the value it found; RegQueryValue's path already does.
            if named {
                let n = min(Int(x.le32(16)), x.count - 20)
                detail.append("Name: ")
                if n > 0 { detail.append(stored: UnsafeRawBufferPointer(rebasing: x[20..<(20 + n)]), ascii: false) }
                detail.append(", ")
            }
        case 2, 4:  // KEY_VALUE_PARTIAL_INFORMATION: TitleIndex, Type, DataLength, Data
            guard x.count >= 12 else { return }
            length = x.le32(8)
            dataAt = 12
        default:
            detail.append("Type: ")
            detail.append(PMLFlags.registryType(type))
            return
        }
        let available = dataAt <= x.count ? x.count - dataAt : 0
        registryData(
            type: type, length: length,
            data: UnsafeRawBufferPointer(
                rebasing: x[min(dataAt, x.count)..<(min(dataAt, x.count) + min(Int(length), available))]))
    }

    /// `Type: REG_SZ, Length: 12, Data: hehda`: the data as Procmon shows it (numbers in decimal, strings,
    /// multi-strings joined by `, `, other types as their first 16 bytes in hex).
    func registryData(type: UInt32, length: UInt32, data: UnsafeRawBufferPointer) {
        detail.append("Type: ")
        detail.append(PMLFlags.registryType(type))
        detail.append(", Length: ")
        detail.append(unsigned: UInt64(length), grouped: true)
        let n = data.count
        // A type Procmon has no name for shows an empty Data label whenever the value has a length, even
        // when the capture kept none of its bytes.
        let unnamed = Int(type) >= PMLFlags.registryTypes.count
        guard n > 0 || (unnamed && length > 0) else { return }
        detail.append(", Data: ")
        switch type {
        case 4 where n >= 4:
            detail.append(unsigned: UInt64(data.le32(0)), grouped: false)
        case 11:
            break  // Procmon prints REG_QWORD data empty (every export seen, 136 rows of 7 captures)
        case 1, 2:
            detail.append(stored: UnsafeRawBufferPointer(rebasing: data[0..<(n & ~1)]), ascii: false)
        case 7:
            // NUL-separated strings, an empty one ending the list.
            var start = 0
            var i = 0
            var first = true
            while i + 1 < n {
                if data[i] == 0 && data[i + 1] == 0 {
                    if i == start { break }
                    if !first { detail.append(", ") }
                    detail.append(stored: UnsafeRawBufferPointer(rebasing: data[start..<i]), ascii: false)
                    first = false
                    start = i + 2
                }
                i += 2
            }
            if start < i && i >= n - 1 && start < (n & ~1) {
                if !first { detail.append(", ") }
                detail.append(stored: UnsafeRawBufferPointer(rebasing: data[start..<(n & ~1)]), ascii: false)
            }
        case let t where Int(t) >= PMLFlags.registryTypes.count:
            break  // a type Procmon has no name for: `<Unknown: N>` and its data empty
        default:
            detail.append(
                upperHex: UnsafeRawBufferPointer(rebasing: data[0..<min(16, n)]), separator: UInt8(ascii: " "))
        }
    }
}
