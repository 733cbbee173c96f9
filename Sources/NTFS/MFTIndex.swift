import BinaryFormat
import DiskImage
import WindowsSecurity

/// The folder tree of an NTFS volume, built in one sequential pass over the MFT.
///
/// Memory grows with the folders, not the files: a file only adds one to a count of the folder its name is
/// in (found by record number), and only folders keep their name and parent. Counting follows what a
/// mounted ntfs-3g shows, so both paths give the same audit: names in the DOS namespace alone are not
/// entries (each Win32 or POSIX name is, so a hard link counts once in each folder it is in); the system
/// metafiles (records 0 to 15 but the root) are hidden; symbolic links and junctions (name-surrogate
/// reparse points) are "other" and never entered. Names moved to extension records (files with an
/// $ATTRIBUTE_LIST) are counted from those records, which name their base record.
package struct MFTIndex {
    package struct Folder {
        package var record: UInt64
        package var parent: UInt64 = 0
        var nameStart = 0
        var nameLength = 0
        package var subfolders: Int32 = 0
        package var files: Int32 = 0
        package var others: Int32 = 0
        /// The longest name of an entry counted in it, in UTF-16 code units.
        package var longestName: Int32 = 0
        /// Its own record was seen: a directory in use (otherwise it is only named as a parent).
        var registered = false
        package var firstChild: Int32 = -1
        package var nextSibling: Int32 = -1
        /// Entries its $I30 index lists (that the counts count), or -1 when it has no readable index.
        var listed: Int32 = -1
    }

    package static let root: UInt64 = 5
    package static let firstUserRecord: UInt64 = 16
    package static let recordMask: UInt64 = 0x0000_FFFF_FFFF_FFFF

    package init() {}

    package var folders: [Folder] = []
    var index: [UInt64: Int32] = [:]
    var names: [UInt8] = []
    /// Names found in extension records, by base record; resolved at the end.
    var pending: [UInt64: [(parent: UInt64, name: [UInt8], surrogate: Bool)]] = [:]
    /// Base records that have an $ATTRIBUTE_LIST: whether each is a directory, a surrogate reparse point.
    var listBases: [UInt64: (directory: Bool, surrogate: Bool)] = [:]
    private(set) var records = 0
    package var warnings: [String] = []
    var damaged = 0
    /// Records that name themselves as their base: their names, and whether each is a directory or link.
    var selfBased: [UInt64: [(parent: UInt64, name: [UInt8], surrogate: Bool)]] = [:]
    var selfBasedFacts: [UInt64: (directory: Bool, link: Bool, hasList: Bool)] = [:]
    /// The image, when large folders' index records are to be read as the scan meets them.
    package var reader: NTFSImage? = nil
    /// Large folders' index allocations, by folder record, read in `reconcile` (when there is no `reader`).
    var allocations: [UInt64: IndexAllocation] = [:]
    /// Names a record gives but its parent's index does not list: not counted, and not ACL entries.
    package var unlisted: Set<NameInFolder> = []
    /// Folders whose record has no $I30 index root (their entries are counted from the records alone).
    var withoutIndex = 0
    /// Large folders of a bare $MFT: their index records are not in the file, so the records alone count.
    var indexOutsideMFT = 0

    package struct NameInFolder: Hashable {
        package var record: UInt64
        package var parent: UInt64
        package init(record: UInt64, parent: UInt64) {
            self.record = record
            self.parent = parent
        }
    }

    /// Non-resident $ATTRIBUTE_LIST attributes by base record, read in `finish`.
    var nonResidentLists: [UInt64: [UInt8]] = [:]
    /// Extension record → the base record whose attribute list names it.
    var claimedBy: [UInt64: UInt64] = [:]
    /// Names held in extension records, by base record (kept for the ACL reader, which judges each name).
    package private(set) var extensionNames: [UInt64: [(parent: UInt64, name: [UInt8])]] = [:]

    /// A name of a record, as stored in a $FILE_NAME attribute.
    package struct Name {
        package var parent: UInt64
        package var namespace: UInt8
        package var utf16: UnsafeRawBufferPointer
    }

    mutating func folderIndex(_ record: UInt64) -> Int {
        if let i = index[record] { return Int(i) }
        folders.append(Folder(record: record))
        index[record] = Int32(folders.count - 1)
        return folders.count - 1
    }

    /// Adds one record in use (fixed up).
    package mutating func add(_ n: UInt64, _ r: UnsafeRawBufferPointer) {
        let facts: RecordFacts
        do {
            facts = try RecordFacts(parsing: r)
        } catch {
            damaged += 1
            if damaged <= 20 {
                let why: String
                switch error {
                case .badAttribute(_, let w), .badFixup(let w): why = w
                case .notARecord: why = "not a FILE record"
                }
                warnings.append("MFT record \(n): \(why); skipped")
            }
            return
        }
        if facts.base == n && n != 0 {
            // A record that names itself as its base: an extension record whose base field is damaged, when some
            // base record's attribute list claims it (resolved in `finish`), else a base record.
            selfBased[n] = facts.names.filter { $0.namespace != 2 }.map { ($0.parent, Array($0.utf16), facts.link) }
            selfBasedFacts[n] = (facts.directory, facts.link, facts.hasAttributeList)
            return
        }
        if facts.base != 0 {
            // An extension record: its names belong to the base record.
            var list = pending[facts.base] ?? []
            for name in facts.names where name.namespace != 2 {
                list.append((name.parent, Array(name.utf16), facts.link))
            }
            if facts.link { list.append((~0, [], true)) }
            if !list.isEmpty { pending[facts.base] = list }
            return
        }
        for ext in facts.listedRecords where ext != n { claimedBy[ext] = n }
        if let list = facts.nonResidentList { nonResidentLists[n] = Array(list) }
        guard n >= Self.firstUserRecord || n == Self.root else { return }
        records += 1
        if facts.hasAttributeList { listBases[n] = (facts.directory, facts.link) }
        var own: Name? = nil
        for name in facts.names where name.namespace != 2 {
            if own == nil || name.namespace == 1 || name.namespace == 3 { own = name }
            if n == Self.root { continue }
            count(in: name.parent, directory: facts.directory, surrogate: facts.link, nameLength: name.utf16.count / 2)
        }
        if facts.directory && !facts.link {
            // A folder whose attributes overflowed into extension records may keep its $FILE_NAME there:
            // it is registered in `finish`, under the parent that name gives, not here under none.
            if own != nil || !facts.hasAttributeList {
                register(n, parent: own?.parent ?? 0, utf8: own.map { Self.utf8($0.utf16) } ?? [])
            }
            noteIndex(n, facts)
        }
    }

    /// Counts what the folder's index root lists; keeps a large index's allocation to read after the scan.
    mutating func noteIndex(_ n: UInt64, _ facts: RecordFacts) {
        guard let root = facts.indexRoot else {
            // With an attribute list the root may sit in an extension record: the entries are counted from
            // the records then, as they are for a folder without one, and on a sound volume they agree.
            if !facts.hasAttributeList { withoutIndex += 1 }
            return
        }
        var listed: Int32 = 0
        guard let shape = DirectoryIndex.root(root, { if DirectoryIndex.counts($0) { listed += 1 } }) else {
            warnings.append("MFT record \(n): its $I30 index root is damaged; its entries are counted from the records")
            return
        }
        let i = folderIndex(n)
        folders[i].listed = listed
        if shape.large {
            guard let allocation = facts.indexAllocation else {
                warnings.append("MFT record \(n): its index root points to an $INDEX_ALLOCATION it does not have")
                folders[i].listed = -1
                return
            }
            let large = IndexAllocation(
                attribute: Array(allocation), bitmap: facts.indexBitmap.map { Array($0) }, recordSize: shape.recordSize)
            guard let reader else {
                allocations[n] = large
                return
            }
            guard !reader.isBareMFT else {
                folders[i].listed = -1
                indexOutsideMFT += 1
                return
            }
            // Read at once, so nothing is kept per folder (memory follows the folders, not their indexes).
            var more: Int32 = 0
            if let why = reader.indexEntries(large, { if DirectoryIndex.counts($0) { more += 1 } }) {
                warnings.append(
                    "MFT record \(n): its $I30 index cannot be read (\(why)); its entries are counted from the records")
                folders[i].listed = -1
            } else {
                folders[i].listed += more
            }
        }
    }

    mutating func count(in parent: UInt64, directory: Bool, surrogate: Bool, nameLength: Int) {
        let p = folderIndex(parent)
        folders[p].longestName = max(folders[p].longestName, Int32(clamping: nameLength))
        if surrogate {
            folders[p].others += 1
        } else if directory {
            folders[p].subfolders += 1
        } else {
            folders[p].files += 1
        }
    }

    mutating func register(_ n: UInt64, parent: UInt64, utf8 name: [UInt8]) {
        let i = folderIndex(n)
        guard !folders[i].registered else { return }
        folders[i].registered = true
        folders[i].parent = n == Self.root ? n : parent
        let shown = n == Self.root ? [] : name
        folders[i].nameStart = names.count
        folders[i].nameLength = shown.count
        names += shown
    }

    /// Counts the names found in extension records, now that every base record has been seen.
    package mutating func finish(image: NTFSImage? = nil) {
        if let image, !selfBased.isEmpty {
            // Only a record naming itself as its base needs the attribute lists that live outside the records.
            for (base, attribute) in nonResidentLists {
                attribute.withUnsafeBytes { a in
                    guard let d = try? MFTRecord.runs(a, totalClusters: image.boot.totalClusters),
                        let value = try? image.readRuns(
                            d.runs, size: d.size, limit: 1 << 20, what: "an $ATTRIBUTE_LIST")
                    else {
                        warnings.append("MFT record \(base): its $ATTRIBUTE_LIST cannot be read; skipped")
                        return
                    }
                    value.withUnsafeBytes { v in
                        for ext in AttributeList.records(in: v) where ext != base { claimedBy[ext] = base }
                    }
                }
            }
        }
        nonResidentLists = [:]
        var selfWarnings = 0
        for (n, list) in selfBased.sorted(by: { $0.key < $1.key }) {
            let info = selfBasedFacts[n]!
            selfWarnings += 1
            if let base = claimedBy[n] {
                if selfWarnings <= 5 {
                    warnings.append(
                        "MFT record \(n) names itself as its base record, but record \(base)'s attribute list holds it: read as an extension of \(base)"
                    )
                }
                if !list.isEmpty { pending[base, default: []] += list }
                if info.link { pending[base, default: []].append((~0, [], true)) }
            } else {
                if selfWarnings <= 5 {
                    warnings.append("MFT record \(n) names itself as its base record; read as a base record")
                }
                guard n >= Self.firstUserRecord else { continue }
                records += 1
                if info.hasList { listBases[n] = (info.directory, info.link) }
                for entry in list {
                    count(
                        in: entry.parent, directory: info.directory, surrogate: entry.surrogate,
                        nameLength: entry.name.count / 2)
                }
                if info.directory && !info.link, let own = list.first {
                    own.name.withUnsafeBytes { register(n, parent: own.parent, utf8: Self.utf8($0)) }
                }
            }
        }
        if selfWarnings > 5 { warnings.append("\(selfWarnings - 5) more records name themselves as their base") }
        selfBased = [:]
        for (base, list) in pending {
            guard let info = listBases[base] else {
                warnings.append(
                    "MFT record \(base): extension records name it as their base, but it has no attribute list; their names were skipped"
                )
                continue
            }
            let surrogate = info.surrogate || list.contains { $0.surrogate }
            extensionNames[base] = list.filter { $0.parent != ~0 }.map { ($0.parent, $0.name) }
            for entry in list where entry.parent != ~0 {
                count(
                    in: entry.parent, directory: info.directory, surrogate: surrogate, nameLength: entry.name.count / 2)
                if info.directory && !surrogate {
                    entry.name.withUnsafeBytes { register(base, parent: entry.parent, utf8: Self.utf8($0)) }
                }
            }
        }
        pending = [:]
        // A folder with an attribute list whose names were in no extension record read: registered with no
        // name and no parent, so the reachability check names it.
        for (base, info) in listBases where info.directory && !info.surrogate {
            if let i = index[base].map(Int.init), !folders[i].registered { register(base, parent: 0, utf8: []) }
        }
        if damaged > 20 { warnings.append("\(damaged - 20) more damaged MFT records skipped") }
    }

    /// True when a record that names itself as its base is held by another record's attribute list.
    package func isExtension(_ n: UInt64) -> Bool { claimedBy[n] != nil }

    /// Position in `folders` of the folder with this record number.
    package func position(of record: UInt64) -> Int? { index[record].map(Int.init) }

    package func name(of folder: Folder) -> ArraySlice<UInt8> {
        names[folder.nameStart..<folder.nameStart + folder.nameLength]
    }

    /// Links every registered folder under its registered parent; returns the root's position. Folders the
    /// root cannot reach (their parent references form a loop, or name a folder that is not there) are named
    /// in a warning with what hangs below them.
    package mutating func link() -> Int? {
        guard let rootIndex = index[Self.root].map(Int.init), folders[rootIndex].registered else { return nil }
        for i in folders.indices where folders[i].registered && i != rootIndex {
            guard let p = index[folders[i].parent].map(Int.init), p != i, folders[p].registered else { continue }
            folders[i].nextSibling = folders[p].firstChild
            folders[p].firstChild = Int32(i)
        }
        var reached = [Bool](repeating: false, count: folders.count)
        var stack = [rootIndex]
        reached[rootIndex] = true
        while let f = stack.popLast() {
            var child = folders[f].firstChild
            while child >= 0 {
                if !reached[Int(child)] {
                    reached[Int(child)] = true
                    stack.append(Int(child))
                }
                child = folders[Int(child)].nextSibling
            }
        }
        let lost = folders.indices.filter { folders[$0].registered && !reached[$0] }
        if !lost.isEmpty {
            let files = lost.reduce(0) { $0 + Int(folders[$1].files) }
            let shown = lost.prefix(10).map { i -> String in
                let f = folders[i]
                let parent = f.parent == ~0 ? "listed by no folder's index" : "parent record \(f.parent)"
                return "record \(f.record) (\(QuotedText.escape(name(of: f)))), \(parent)"
            }
            warnings.append(
                "\(lost.count) folder(s) not reachable from the root (a loop in their parent references, or a parent that is not a folder in use): \(shown.joined(separator: "; "))\(lost.count > 10 ? "; …" : ""); their \(files) file(s) are not counted"
            )
        }
        return rootIndex
    }

    /// UTF-16LE name → UTF-8; an unpaired surrogate becomes U+FFFD.
    package static func utf8(_ u: UnsafeRawBufferPointer) -> [UInt8] { UTF16LE.utf8(u) }
}
