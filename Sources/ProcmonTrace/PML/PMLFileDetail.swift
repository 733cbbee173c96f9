import BinaryFormat

/// The Detail of file-system events besides CreateFile and QueryDirectory, as Procmon prints it: read and
/// write offsets, lengths, I/O flags and priority; CreateFileMapping's sync type and page protection; the
/// FILE_*_INFORMATION a query returned (the extra details) or a set call passed (after the path); volume
/// information; control codes; security information.
///
/// The parameter block (`p`, 5 pointers + 0x14 bytes) holds the IRP's arguments: for reads and writes the
/// flags and priority at 4, the length at 12, the offset at 20 (32-bit) or 28 (64-bit); for
/// CreateFileMapping the sync type at 12 and page protection at 16; for controls the code at 20 or 28.
extension PMLEventDecoder {
    func fileDetail(
        op: UInt16, sub: UInt8, p: UnsafeRawBufferPointer, d: UnsafeRawBufferPointer, after: Int,
        extra: UnsafeRawBufferPointer?
    ) {
        let wide = pointerSize == 8
        switch op {
        case 23, 24, 3, 5:  // ReadFile, WriteFile (and their fast-I/O forms)
            guard p.count >= (wide ? 36 : 28) else { return }
            let flagsAndPriority = p.le32(4)
            var length = p.le32(12)
            let offset = Int64(bitPattern: p.le64(wide ? 28 : 20))
            if let extra, extra.count >= 4 { length = extra.le32(0) }
            detail.append("Offset: ")
            detail.append(signedGrouped: offset)
            detail.append(", Length: ")
            detail.append(unsigned: UInt64(length), grouped: true)
            let flags = flagsAndPriority & 0xE0_00FF
            if flags != 0 {
                detail.append(", I/O Flags: ")
                detail.append(PMLFlags.names(flags, PMLFlags.ioFlags, ", ", unnamed: true))
            }
            let priority = Int((flagsAndPriority >> 17) & 7)
            if priority != 0 {
                detail.append(", Priority: ")
                detail.append(
                    priority < PMLFlags.priorities.count
                        ? PMLFlags.priorities[priority] : "0x" + String(priority, radix: 16))
            }
        case 19:  // CreateFileMapping
            guard p.count >= 24 else { return }
            let sync = Int32(bitPattern: p.le32(12))
            detail.append("SyncType: ")
            switch sync {
            case 0: detail.append("SyncTypeOther")
            case 1:
                // Procmon names the protection from the word at p+16 in a 32-bit capture, at p+20 (the low half
                // of the output pointer) in a 64-bit one, by its first set bit in its own order; a word with
                // none of them leaves the label alone. So it prints on every capture of six Procmon versions.
                detail.append("SyncTypeCreateSection, PageProtection: ")
                detail.append(PMLFlags.pageProtection(p.le32(wide ? 20 : 16)))
            default: detail.append("Unknown: 0x" + String(UInt32(bitPattern: sync), radix: 16))
            }
        case PMLNames.FileSystemOperation.lockUnlock where sub == 1 || sub == 2:  // LockFile, UnlockFileSingle
            // FLT_PARAMETERS.LockControl after p+12: the length's pointer, key, byte offset, process,
            // FailImmediately and ExclusiveLock; the length itself follows the path.
            guard p.count >= (wide ? 46 : 34) else { return }
            let tail = UnsafeRawBufferPointer(rebasing: d[min(after, d.count)...])
            let offset = Int64(bitPattern: p.le64(wide ? 28 : 20))
            let flags = wide ? 44 : 32
            if sub == 1 {
                detail.append("Exclusive: ")
                bool(p[flags + 1])
                detail.append(", ")
            }
            detail.append("Offset: ")
            detail.append(signedGrouped: offset)
            // The length is a LARGE_INTEGER; Procmon prints its low 32 bits (a length of -1 as 4,294,967,295).
            if tail.count >= 8 {
                detail.append(", Length: ")
                detail.append(unsigned: UInt64(tail.le32(0)), grouped: true)
            }
            if sub == 1 {
                detail.append(", Fail Immediately: ")
                bool(p[flags])
            }
        case 17:  // FASTIO_ACQUIRE_FOR_MOD_WRITE: the ending offset follows the path
            let tail = UnsafeRawBufferPointer(rebasing: d[min(after, d.count)...])
            guard tail.count >= 8 else { return }
            detail.append("EndingOffset: ")
            detail.append(signedGrouped: Int64(bitPattern: tail.le64(0)))
        case 4:  // FASTIO_MDL_READ_COMPLETE: the MDL's address
            guard p.count >= 12 + pointerSize else { return }
            detail.append("MDL: 0x")
            detail.append(String(wide ? p.le64(12) : UInt64(p.le32(12)), radix: 16))
        case 25:  // QueryInformationFile: what it returned
            guard let extra else { return }
            queryInformation(sub, extra)
        case 26:  // SetInformationFile: what it passed, after the path
            setInformation(sub, UnsafeRawBufferPointer(rebasing: d[min(after, d.count)...]))
        case 30:  // QueryVolumeInformation
            guard let extra else { return }
            queryVolume(sub, extra)
        case 33, 34:  // FileSystemControl, DeviceIoControl
            guard p.count >= (wide ? 32 : 24) else { return }
            let code = p.le32(wide ? 28 : 20)
            detail.append("Control: ")
            detail.append(PMLControlCodes.name(code))
            // FSCTL_OFFLOAD_READ: its FSCTL_OFFLOAD_READ_INPUT follows the path (size, flags, token time to
            // live, reserved, then the file offset and copy length).
            let tail = UnsafeRawBufferPointer(rebasing: d[min(after, d.count)...])
            if op == 33, code == 0x9_4264, tail.count >= 32 {
                detail.append(", Offset: ")
                detail.append(signedGrouped: Int64(bitPattern: tail.le64(16)))
                detail.append(", Length: ")
                detail.append(unsigned: tail.le64(24), grouped: true)
            }
        case 32 where sub == 2:  // NotifyChangeDirectory: the completion filter at p+0x10 (p+0x14)
            guard p.count >= (wide ? 0x18 : 0x14) else { return }
            detail.append("Filter: ")
            detail.append(PMLFlags.names(p.le32(wide ? 0x14 : 0x10), PMLFlags.notifyFilters, ", ", unnamed: true))
        case 40, 41:  // QuerySecurityFile, SetSecurityFile
            guard p.count >= 16 else { return }
            detail.append("Information: ")
            detail.append(PMLFlags.names(p.le32(12), PMLFlags.securityInformation, ", ", unnamed: true))
        default:
            break
        }
    }

    private func times(_ b: UnsafeRawBufferPointer) {
        for (k, name) in ["CreationTime: ", ", LastAccessTime: ", ", LastWriteTime: ", ", ChangeTime: "].enumerated() {
            detail.append(name)
            detail.append(dateTime: Int64(bitPattern: b.le64(8 * k)) &+ clockOffset)
        }
    }

    private func attributes(_ value: UInt32) {
        detail.append(value == 0 ? "n/a" : PMLFlags.names(value, PMLFlags.attributeLetters, "", unnamed: true))
    }

    private func bool(_ b: UInt8) { detail.append(b != 0 ? "True" : "False") }

    /// `label` and the 8-byte size or offset at the start of `x`.
    private func size(_ label: StaticString, _ x: UnsafeRawBufferPointer) {
        guard x.count >= 8 else { return }
        detail.append(label)
        detail.append(unsigned: x.le64(0), grouped: true)
    }

    private func queryInformation(_ sub: UInt8, _ x: UnsafeRawBufferPointer) {
        switch sub {
        case 0x04, 0x12, 0x22:  // Basic, All, NetworkOpen
            guard x.count >= (sub == 0x12 ? 72 : sub == 0x22 ? 52 : 36) else { return }
            times(x)
            if sub == 0x22 {
                detail.append(", AllocationSize: ")
                detail.append(unsigned: x.le64(32), grouped: true)
                detail.append(", EndOfFile: ")
                detail.append(unsigned: x.le64(40), grouped: true)
                detail.append(", FileAttributes: ")
                attributes(x.le32(48))
                return
            }
            detail.append(", FileAttributes: ")
            attributes(x.le32(32))
            guard sub == 0x12 else { return }
            // FILE_ALL_INFORMATION: basic (40), standard (24), internal (8), EA (4), access (4), position (8),
            // mode (4), alignment (4), name (length, then the name).
            detail.append(", ")
            standard(UnsafeRawBufferPointer(rebasing: x[40...]))
            detail.append(", IndexNumber: ")
            detail.append(hex: x.le64(64))
            guard x.count >= 96 else { return }
            detail.append(", EaSize: ")
            detail.append(unsigned: UInt64(x.le32(72)), grouped: true)
            detail.append(", Access: ")
            detail.append(PMLFlags.fileAccess(x.le32(76)))
            detail.append(", Position: ")
            detail.append(unsigned: x.le64(80), grouped: true)
            detail.append(", Mode: ")
            detail.append(PMLFlags.names(x.le32(88), PMLFlags.createOptions, ", ", unnamed: true))
            detail.append(", AlignmentRequirement: ")
            detail.append(PMLFlags.alignment(x.le32(92)))
        case 0x05:
            standard(x)
        case 0x06:
            guard x.count >= 8 else { return }
            detail.append("IndexNumber: ")
            detail.append(hex: x.le64(0))
        case 0x07:
            guard x.count >= 4 else { return }
            detail.append("EaSize: ")
            detail.append(unsigned: UInt64(x.le32(0)), grouped: true)
        case 0x09, 0x30:  // Name, NormalizedName
            guard x.count >= 4 else { return }
            let n = min(Int(x.le32(0)), x.count - 4)
            detail.append("Name: ")
            detail.append(stored: UnsafeRawBufferPointer(rebasing: x[4..<(4 + n)]), ascii: false)
        case 0x0E: size("CurrentByteOffset: ", x)
        case 0x23:
            guard x.count >= 8 else { return }
            detail.append("Attributes: ")
            attributes(x.le32(0))
            detail.append(", ReparseTag: ")
            detail.append(hex: UInt64(x.le32(4)))
        default:
            break
        }
    }

    /// FILE_STANDARD_INFORMATION: `AllocationSize: …, EndOfFile: …, NumberOfLinks: …, DeletePending: …, Directory: …`.
    private func standard(_ x: UnsafeRawBufferPointer) {
        guard x.count >= 22 else { return }
        detail.append("AllocationSize: ")
        detail.append(unsigned: x.le64(0), grouped: true)
        detail.append(", EndOfFile: ")
        detail.append(unsigned: x.le64(8), grouped: true)
        detail.append(", NumberOfLinks: ")
        detail.append(unsigned: UInt64(x.le32(16)), grouped: true)
        detail.append(", DeletePending: ")
        bool(x[20])
        detail.append(", Directory: ")
        bool(x[21])
    }

    private func setInformation(_ sub: UInt8, _ x: UnsafeRawBufferPointer) {
        switch sub {
        case 0x04:
            guard x.count >= 36 else { return }
            times(x)
            detail.append(", FileAttributes: ")
            attributes(x.le32(32))
        case 0x0D:
            guard x.count >= 1 else { return }
            detail.append("Delete: ")
            bool(x[0])
        case 0x13: size("AllocationSize: ", x)
        case 0x14: size("EndOfFile: ", x)
        case 0x0E: size("CurrentByteOffset: ", x)
        default:
            break
        }
    }

    private func queryVolume(_ sub: UInt8, _ x: UnsafeRawBufferPointer) {
        switch sub {
        case 1:  // FILE_FS_VOLUME_INFORMATION
            guard x.count >= 18 else { return }
            detail.append("VolumeCreationTime: ")
            detail.append(dateTime: Int64(bitPattern: x.le64(0)) &+ clockOffset)
            detail.append(", VolumeSerialNumber: ")
            let serial = String(x.le32(8), radix: 16, uppercase: true)
            let padded = String(repeating: "0", count: max(0, 8 - serial.count)) + serial
            detail.append(String(padded.prefix(4)) + "-" + String(padded.suffix(4)))
            detail.append(", SupportsObjects: ")
            bool(x[16])
            detail.append(", VolumeLabel: ")
            let n = min(Int(x.le32(12)), x.count - 18)
            if n > 0 { detail.append(stored: UnsafeRawBufferPointer(rebasing: x[18..<(18 + n)]), ascii: false) }
        case 3, 7:  // FILE_FS_SIZE_INFORMATION, FILE_FS_FULL_SIZE_INFORMATION
            let full = sub == 7
            guard x.count >= (full ? 32 : 24) else { return }
            detail.append("TotalAllocationUnits: ")
            detail.append(unsigned: x.le64(0), grouped: true)
            if full {
                detail.append(", CallerAvailableAllocationUnits: ")
                detail.append(unsigned: x.le64(8), grouped: true)
                detail.append(", ActualAvailableAllocationUnits: ")
                detail.append(unsigned: x.le64(16), grouped: true)
            } else {
                detail.append(", AvailableAllocationUnits: ")
                detail.append(unsigned: x.le64(8), grouped: true)
            }
            let at = full ? 24 : 16
            detail.append(", SectorsPerAllocationUnit: ")
            detail.append(unsigned: UInt64(x.le32(at)), grouped: true)
            detail.append(", BytesPerSector: ")
            detail.append(unsigned: UInt64(x.le32(at + 4)), grouped: true)
        case 5:  // FILE_FS_ATTRIBUTE_INFORMATION
            guard x.count >= 12 else { return }
            detail.append("FileSystemAttributes: ")
            detail.append(PMLFlags.names(x.le32(0), PMLFlags.fileSystemAttributes, ", ", unnamed: true))
            detail.append(", MaximumComponentNameLength: ")
            detail.append(unsigned: UInt64(x.le32(4)), grouped: true)
            detail.append(", FileSystemName: ")
            let n = min(Int(x.le32(8)), x.count - 12)
            if n > 0 { detail.append(stored: UnsafeRawBufferPointer(rebasing: x[12..<(12 + n)]), ascii: false) }
        case 8:  // FILE_FS_OBJECTID_INFORMATION: the volume's object id, its 16 bytes in upper-case hex
            guard x.count >= 16 else { return }
            detail.append("ObjectId: ")
            detail.append(upperHex: UnsafeRawBufferPointer(rebasing: x[0..<16]))
        default:
            break
        }
    }
}
