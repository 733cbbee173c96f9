import BinaryFormat
import DiskImage

/// Makes the counts agree with what each folder's index lists, as Windows, the System Writer and ntfs-3g
/// see a folder: a name that a record gives but its parent's index does not list is not counted (a warning
/// names the record, the name and the folder); an entry the index lists whose record names another parent
/// is counted where it is listed, and a listed folder whose record is not in use is counted and entered.
///
/// Indexes are read for every folder (the root's entries come with the MFT scan; large folders' index
/// records after it). Only folders whose listed count differs from the records' count are looked at
/// closely, with a second scan of the MFT; on a consistent volume there is none.
extension MFTIndex {
    package mutating func reconcile(image: NTFSImage) throws {
        // Large folders: the entries in their index records.
        for (record, allocation) in allocations {
            guard let i = position(of: record) else { continue }
            guard !image.isBareMFT else {
                folders[i].listed = -1
                indexOutsideMFT += 1
                continue
            }
            var listed: Int32 = 0
            if let why = image.indexEntries(allocation, { if DirectoryIndex.counts($0) { listed += 1 } }) {
                warnings.append(
                    "MFT record \(record): its $I30 index cannot be read (\(why)); its entries are counted from the records"
                )
                folders[i].listed = -1
                continue
            }
            folders[i].listed += listed
        }
        if indexOutsideMFT > 0 {
            warnings.append(
                "\(indexOutsideMFT) folder(s) keep their index in index records, which are outside a collected $MFT: their entries are counted from the records alone (whether Windows lists each name cannot be checked; on a healthy volume the counts are the same)"
            )
        }
        if withoutIndex > 0 {
            warnings.append(
                "\(withoutIndex) folder(s) have no $I30 index root; their entries are counted from their records alone")
        }
        let mismatched = folders.indices.filter {
            folders[$0].registered && folders[$0].listed >= 0
                && Int(folders[$0].listed) != Int(folders[$0].subfolders) + Int(folders[$0].files)
                    + Int(folders[$0].others)
        }
        guard !mismatched.isEmpty else { return }

        // What each of those folders lists: record -> (name, attributes).
        var listedIn: [UInt64: [UInt64: (name: [UInt8], attributes: UInt32)]] = [:]
        for i in mismatched {
            let record = folders[i].record
            var listed: [UInt64: (name: [UInt8], attributes: UInt32)] = [:]
            let add: (DirectoryIndex.Entry) -> Void = { e in
                if DirectoryIndex.counts(e), listed[e.record] == nil {
                    listed[e.record] = (UTF16LE.utf8(e.name), e.attributes)
                }
            }
            var allocation = allocations[record]
            if let r = try image.record(record) {
                r.withUnsafeBytes { b in
                    guard let facts = RecordFacts(b), let root = facts.indexRoot,
                        let shape = DirectoryIndex.root(root, add)
                    else { return }
                    if shape.large, allocation == nil, let a = facts.indexAllocation {
                        allocation = IndexAllocation(
                            attribute: Array(a), bitmap: facts.indexBitmap.map { Array($0) },
                            recordSize: shape.recordSize)
                    }
                }
            }
            if let allocation { _ = image.indexEntries(allocation, add) }
            listedIn[record] = listed
        }
        allocations = [:]

        // Second scan: every name given in a mismatched folder, checked against its index.
        var matched: Set<NameInFolder> = []
        var kinds: [UInt64: (directory: Bool, link: Bool)] = [:]
        var unlistedNames: [(NameInFolder, [UInt8], Bool, Bool)] = []
        let listedRecords = Set(listedIn.values.flatMap { $0.keys })
        _ = try image.scan { n, r in
            guard let facts = RecordFacts(r) else { return }
            let base = facts.base == 0 || facts.base == n ? (isExtension(n) ? claimedBy[n]! : n) : facts.base
            let info =
                base == n
                ? (facts.directory, facts.link)
                : (listBases[base].map { ($0.directory, $0.surrogate) } ?? (facts.directory, facts.link))
            guard base >= MFTIndex.firstUserRecord else { return }  // metafiles are neither listed nor counted
            if base == n, listedRecords.contains(n) { kinds[n] = (facts.directory, facts.link) }
            for name in facts.names where name.namespace != 2 {
                guard let listed = listedIn[name.parent] else { continue }
                let key = NameInFolder(record: base, parent: name.parent)
                if listed[base] != nil {
                    matched.insert(key)
                } else {
                    unlistedNames.append((key, UTF16LE.utf8(name.utf16), info.0, info.1))
                }
            }
        }
        // Names the index does not list: not counted.
        var shown = 0
        for (key, name, directory, link) in unlistedNames where !unlisted.contains(key) {
            unlisted.insert(key)
            guard let p = position(of: key.parent) else { continue }
            if link {
                folders[p].others -= 1
            } else if directory {
                folders[p].subfolders -= 1
            } else {
                folders[p].files -= 1
            }
            if directory && !link, let c = position(of: key.record), folders[c].parent == key.parent {
                folders[c].parent = ~0  // not below this folder; re-attached below where an index lists it
            }
            shown += 1
            if shown <= 20 {
                warnings.append(
                    "MFT record \(key.record) (\(QuotedText.escape(name))) names folder record \(key.parent) (\(shownName(p))) as its parent, but that folder's index does not list it: not counted there (Windows does not list it there either)"
                )
            }
        }
        if shown > 20 { warnings.append("\(shown - 20) more names not listed by their folder's index, not counted") }
        // Entries the index lists that no record names there.
        var listedOnly = 0
        for (parent, listed) in listedIn.sorted(by: { $0.key < $1.key }) {
            guard let p = position(of: parent) else { continue }
            for (record, entry) in listed.sorted(by: { $0.key < $1.key })
            where !matched.contains(NameInFolder(record: record, parent: parent)) {
                listedOnly += 1
                let kind = kinds[record]
                let directory = kind?.directory ?? (entry.attributes & 0x1000_0000 != 0)
                let link = kind?.link ?? false
                count(
                    in: parent, directory: directory, surrogate: link,
                    nameLength: entry.name.withUnsafeBytes { WindowsPath.utf16Length($0) })
                if directory && !link {
                    let c = folderIndex(record)
                    if folders[c].registered {
                        folders[c].parent = parent
                    } else {
                        register(record, parent: parent, utf8: entry.name)
                    }
                }
                if listedOnly <= 20 {
                    let why =
                        kind == nil ? "whose record is not in use or is damaged" : "whose record names another parent"
                    warnings.append(
                        "folder record \(parent) (\(shownName(p)))'s index lists record \(record) (\(QuotedText.escape(entry.name))), \(why): counted where the index lists it"
                    )
                }
            }
        }
        if listedOnly > 20 {
            warnings.append("\(listedOnly - 20) more index entries whose records name another parent")
        }
    }
}

extension MFTIndex {
    /// A folder's name for a warning: its name, or "the root".
    func shownName(_ position: Int) -> String {
        folders[position].record == Self.root ? "the root" : QuotedText.escape(name(of: folders[position]))
    }
}
