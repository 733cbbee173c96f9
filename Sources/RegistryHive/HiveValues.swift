import BinaryFormat

extension Hive {
    /// Data longer than this is held in a big-data ("db") cell from hive version 1.4 on.
    static let bigDataSegment = 16344

    /// The key's values in stored order. A value whose data cannot be reached is kept with the bytes that
    /// can be (possibly none), and a warning.
    public func values(of key: KeyNode) -> [RegistryValue] {
        var out: [RegistryValue] = []
        withValues(of: key) { out.append(RegistryValue($0)) }
        return out
    }

    /// Each of the key's values seen in place, in stored order, without copying their data.
    public func withValues(of key: KeyNode, _ body: (ValueView) -> Void) {
        guard key.valueCount > 0, let list = cell(key.valueListCell, "value list of key \"\(key.name)\"") else {
            return
        }
        var count = Int(key.valueCount)
        if count > list.count / 4 {
            warn(
                cell: key.valueListCell,
                "key \"\(key.name)\" declares \(count) values, its list holds \(list.count / 4)")
            count = list.count / 4
        }
        // A value cell listed twice is shown once (a list can repeat one cell a million times).
        var seen: Set<UInt32> = []
        var repeated = 0
        for i in 0..<count {
            let cell = list.le32(i * 4)
            guard count == 1 || seen.insert(cell).inserted else {
                repeated += 1
                continue
            }
            view(at: cell, of: key, body)
        }
        if repeated > 0 {
            warn(
                cell: key.valueListCell,
                "the value list of key \"\(key.name)\" names \(repeated) value cells again; each read once")
        }
    }

    /// The value named `name` (case-insensitive; "" the default value).
    public func value(_ name: String, of key: KeyNode) -> RegistryValue? {
        let wanted = name.uppercased()
        return values(of: key).first { $0.name.uppercased() == wanted }
    }

    func view(at cellOffset: UInt32, of key: KeyNode, _ body: (ValueView) -> Void) {
        guard let c = cell(cellOffset, "value of key \"\(key.name)\"") else { return }
        guard c.count >= 20, c[0] == 0x76, c[1] == 0x6B else {
            warn(cell: cellOffset, "expected a value (\"vk\"), found \(Self.signature(c))")
            return
        }
        let nameLength = Int(c.le16(2))
        let rawSize = c.le32(4)
        let dataCell = c.le32(8)
        let type = ValueType(c.le32(12))
        let flags = c.le16(16)
        var nameBytes = UnsafeRawBufferPointer(rebasing: c[20...])
        if nameLength > nameBytes.count {
            warn(cell: cellOffset, "value name of \(nameLength) bytes runs past its cell")
        } else {
            nameBytes = UnsafeRawBufferPointer(rebasing: nameBytes[..<nameLength])
        }
        let name = flags & 0x0001 != 0 ? Self.latin1(nameBytes) : UTF16LE.string(nameBytes)
        let inRecord = rawSize & 0x8000_0000 != 0
        func show(_ bytes: UnsafeRawBufferPointer) {
            body(ValueView(name: name, type: type, bytes: bytes, cell: cellOffset, storedInRecord: inRecord))
        }
        if inRecord {
            let size = Int(rawSize & 0x7FFF_FFFF)
            if size > 4 {
                warn(
                    cell: cellOffset, "value \"\(name)\": data of \(size) bytes said to be in the record, which holds 4"
                )
            }
            // The data field itself, in the record's byte order.
            show(UnsafeRawBufferPointer(rebasing: c[8..<(8 + min(size, 4))]))
            return
        }
        let size = Int(rawSize)
        guard size > 0, let d = cell(dataCell, "data of value \"\(name)\"") else {
            show(UnsafeRawBufferPointer(rebasing: c[0..<0]))
            return
        }
        if size > Self.bigDataSegment, baseBlock.minorVersion > 3, d.count >= 8, d[0] == 0x64, d[1] == 0x62 {
            bigData(d, size: size, at: dataCell, name: name).withUnsafeBytes { show($0) }
            return
        }
        if size > d.count {
            warn(cell: dataCell, "value \"\(name)\": \(size) bytes of data declared, its cell holds \(d.count)")
        }
        show(UnsafeRawBufferPointer(rebasing: d[..<min(size, d.count)]))
    }

    /// Data held in segments listed by a big-data record, each up to 16,344 bytes.
    private func bigData(_ db: UnsafeRawBufferPointer, size: Int, at dbCell: UInt32, name: String) -> [UInt8] {
        let segments = Int(db.le16(2))
        guard let list = cell(db.le32(4), "segment list of value \"\(name)\"") else { return [] }
        var count = segments
        if count > list.count / 4 {
            warn(
                cell: dbCell, "value \"\(name)\": \(segments) data segments declared, the list holds \(list.count / 4)")
            count = list.count / 4
        }
        // Each segment is a cell of its own: data can be no longer than the hive bins hold, and a segment
        // cell named twice ends the data (one 16 KiB cell listed 65,535 times would make a GiB).
        var size = size
        if size > data.count {
            warn(
                cell: dbCell,
                "value \"\(name)\": \(size) bytes of data declared, more than the hive's \(data.count) bytes of bins")
            size = data.count
        }
        var out: [UInt8] = []
        out.reserveCapacity(min(size, count * Self.bigDataSegment))
        var seen: Set<UInt32> = []
        for i in 0..<count where out.count < size {
            let segment = list.le32(i * 4)
            guard seen.insert(segment).inserted else {
                warn(cell: dbCell, "value \"\(name)\": data segment \(i) is cell \(segment) again; the data ends there")
                break
            }
            guard let seg = cell(segment, "data segment \(i) of value \"\(name)\"") else { break }
            let take = min(seg.count, Self.bigDataSegment, size - out.count)
            out.append(contentsOf: seg[..<take])
        }
        if out.count < size {
            warn(cell: dbCell, "value \"\(name)\": \(size) bytes of data declared, its segments hold \(out.count)")
        }
        return out
    }
}
