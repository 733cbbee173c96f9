/// Reads every entry's security descriptor from an NTFS image, without mounting: the descriptor a file's
/// security id names in $Secure:$SDS, or its own $SECURITY_DESCRIPTOR attribute (resident or not) when it
/// has no id, which is the order ntfs-3g and Windows use. The same entries as `MountedACLReader` on the
/// mounted volume: each scope folder and everything below it, links judged but never followed.
public struct ImageACLReader {
    public let path: String
    public var partition: Int?
    public var drive = "C:"

    public init(path: String, partition: Int? = nil, drive: String = "C:") {
        self.path = path
        self.partition = partition
        self.drive = drive
    }

    /// Reads and judges every entry in the scopes; returns the warnings. `onDescriptor`, when given, also
    /// receives each entry's Windows path and descriptor bytes (for comparing with other readers).
    public func read(
        scopes: [String], into audit: inout ACLAudit, onDescriptor: ((String, [UInt8]) -> Void)? = nil
    ) throws -> [String] {
        let image = try NTFSImage(path: path, partition: partition)
        var index = MFTIndex()
        let scan = try image.scan { n, r in index.add(n, r) }
        index.finish()
        guard let root = index.link() else {
            throw VolumeError(.badImage, "\(path): the MFT has no root folder (record 5): not a readable NTFS volume")
        }
        // The folders in scope, with their Windows paths.
        var scopeRoots: [Int] = []
        for text in scopes.isEmpty ? MountedACLReader.defaultScopes : scopes {
            let scope = try ImageScope(text: text, drive: drive)
            guard let f = Self.find(scope, in: index, from: root) else {
                if scopes.isEmpty { continue }  // a default scope the volume lacks is skipped
                throw VolumeError(
                    .badScope, "\(path): scope \(WindowsPath.make(drive: drive, relative: scope.relative)) is not a folder on the volume")
            }
            scopeRoots.append(f)
        }
        guard !scopeRoots.isEmpty else {
            throw VolumeError(.badScope, "\(path): no Windows\\WinSxS or Windows\\Microsoft.NET here; give --scope")
        }
        var inScope: [UInt64: String] = [:]
        var rootRecords: [UInt64: String] = [:]
        for f in scopeRoots {
            let shown = Self.windowsPath(of: f, in: index, drive: drive)
            rootRecords[index.folders[f].record] = shown
            var stack = [(f, shown)]
            while let (folder, shownPath) = stack.popLast() {
                inScope[index.folders[folder].record] = shownPath
                var child = index.folders[folder].firstChild
                while child >= 0 {
                    let c = index.folders[Int(child)]
                    stack.append((Int(child), shownPath + "\\" + String(decoding: index.name(of: c), as: UTF8.self)))
                    child = c.nextSibling
                }
            }
        }
        let secure = try Self.secureDescriptors(image)
        // Second pass: every name in a folder in scope is an entry.
        var decoded: [UInt32: Result<SecurityDescriptor, Error>] = [:]
        var failure: Error? = nil
        var entryAudit = audit
        defer { audit = entryAudit }
        _ = try image.scan { n, r in
            guard failure == nil, r.le64(32) & MFTIndex.recordMask == 0 else { return }
            guard n >= MFTIndex.firstUserRecord || n == MFTIndex.root else { return }
            let facts = RecordFacts(r)
            let kind: Bool? = facts.link ? nil : facts.directory
            let judge = { (shown: () -> String, folder: Bool?) in
                switch facts.source(totalClusters: image.boot.totalClusters) {
                case .id(let id) where secure.byID[id] != nil:
                    onDescriptor?(shown(), secure.byID[id]!)
                    let result =
                        decoded[id]
                        ?? Result { try SecurityDescriptor.decode(secure.byID[id]!) }
                    decoded[id] = result
                    switch result {
                    case .success(let sd): entryAudit.entry(path: shown, folder: folder, descriptor: sd, key: Int(id))
                    case .failure(let e):
                        entryAudit.error(path: shown(), "security id \(id): \((e as? SecurityError)?.message ?? "\(e)")")
                    }
                case .id(let id) where facts.ownDescriptor == nil:
                    entryAudit.error(path: shown(), "security id \(id) is not in $Secure:$SDS")
                default:
                    do {
                        guard let bytes = try facts.descriptorBytes(image) else {
                            entryAudit.error(path: shown(), "no security descriptor (no security id, no $SECURITY_DESCRIPTOR)")
                            return
                        }
                        onDescriptor?(shown(), bytes)
                        let sd = try SecurityDescriptor.decode(bytes)
                        entryAudit.entry(path: shown(), folder: folder, descriptor: sd)
                    } catch let e as SecurityError {
                        entryAudit.error(path: shown(), "$SECURITY_DESCRIPTOR: \(e.message)")
                    } catch {
                        failure = error
                    }
                }
            }
            if let shown = rootRecords[n] { judge({ shown }, true) }
            for name in facts.names where name.namespace != 2 {
                guard let folderPath = inScope[name.parent] else { continue }
                judge({ folderPath + "\\" + String(decoding: MFTIndex.utf8(name.utf16), as: UTF8.self) }, kind)
            }
        }
        if let failure { throw failure }
        var warnings = scan.firstDamaged
        warnings += index.warnings.map { "\(path): \($0)" }
        return warnings
    }

    /// The folder a scope names, matched by name case-insensitively from the root.
    static func find(_ scope: ImageScope, in index: MFTIndex, from root: Int) -> Int? {
        var at = root
        for component in scope.components {
            let wanted = ImageScope.fold(component)
            var child = index.folders[at].firstChild
            var next: Int? = nil
            while child >= 0 {
                if ImageScope.fold(index.name(of: index.folders[Int(child)])) == wanted {
                    next = Int(child)
                    break
                }
                child = index.folders[Int(child)].nextSibling
            }
            guard let next else { return nil }
            at = next
        }
        return at
    }

    static func windowsPath(of folder: Int, in index: MFTIndex, drive: String) -> String {
        var names: [String] = []
        var at = folder
        var guardDepth = 0
        while index.folders[at].record != MFTIndex.root, guardDepth < 1 << 16 {
            names.append(String(decoding: index.name(of: index.folders[at]), as: UTF8.self))
            guard let parent = index.position(of: index.folders[at].parent) else { break }
            at = parent
            guardDepth += 1
        }
        return drive + "\\" + names.reversed().joined(separator: "\\")
    }

    /// $Secure (record 9): its $SDS stream, read whole (it grows with distinct descriptors, not files).
    static func secureDescriptors(_ image: NTFSImage) throws -> SecureDescriptors {
        guard let r = try image.record(9) else { return SecureDescriptors() }
        var sds: [UInt8]? = nil
        try r.withUnsafeBytes { b in
            var found: (runs: [DataRun], size: UInt64)? = nil
            var resident: [UInt8]? = nil
            do {
                try MFTRecord.attributes(b) { type, a throws(MFTRecord.Problem) in
                    guard type == 0x80, MFTRecord.named(a, "$SDS") else { return }
                    if let v = MFTRecord.residentValue(a) { resident = Array(v) }
                    if let d = try MFTRecord.runs(a, totalClusters: image.boot.totalClusters), a.le64(16) == 0 {
                        found = d
                    }
                }
            } catch {
                throw image.file.error(at: 0, "MFT record 9 ($Secure) is damaged: \(error)")
            }
            if let resident { sds = resident }
            if let found {
                sds = try image.readRuns(found.runs, size: found.size, limit: 256 << 20, what: "$Secure:$SDS")
            }
        }
        return sds.map { SecureDescriptors(sds: $0) } ?? SecureDescriptors()
    }
}

/// What the ACL audit needs from one record: its names, kind, security id and own descriptor.
struct RecordFacts {
    var names: [MFTIndex.Name] = []
    var directory = false
    var link = false
    var securityID: UInt32 = 0
    /// The $SECURITY_DESCRIPTOR attribute: its resident value, or its runs and size.
    var ownDescriptor: (resident: [UInt8]?, runs: [DataRun]?, size: UInt64, raw: UnsafeRawBufferPointer)? = nil

    init(_ r: UnsafeRawBufferPointer) {
        directory = r.le16(22) & MFTRecord.directory != 0
        var system = false
        var interix = false
        try? MFTRecord.attributes(r) { type, a throws(MFTRecord.Problem) in
            switch type {
            case 0x10:
                if let v = MFTRecord.residentValue(a) {
                    if v.count >= 0x24 { system = v.le32(0x20) & 0x4 != 0 }
                    if v.count >= 0x38 { securityID = v.le32(0x34) }
                }
            case 0x30:
                if let v = MFTRecord.residentValue(a), v.count >= 0x42, 0x42 + 2 * Int(v[0x40]) <= v.count {
                    names.append(
                        MFTIndex.Name(
                            parent: v.le64(0) & MFTIndex.recordMask, namespace: v[0x41],
                            utf16: UnsafeRawBufferPointer(rebasing: v[0x42..<0x42 + 2 * Int(v[0x40])])))
                }
            case 0x50:
                ownDescriptor = (MFTRecord.residentValue(a).map(Array.init), nil, 0, a)
            case 0x80:
                if a[9] == 0, let v = MFTRecord.residentValue(a), v.count >= 8 {
                    let magic = v.le64(0)
                    interix = magic == 0x014B_4E4C_7874_6E49 || magic == 0x0052_4843_7874_6E49
                        || magic == 0x004B_4C42_7874_6E49
                }
            case 0xC0:
                if let v = MFTRecord.residentValue(a), v.count >= 4 {
                    link = link || v.le32(0) & 0x2000_0000 != 0
                } else {
                    link = true
                }
            default:
                break
            }
        }
        if interix && system && !directory { link = true }
    }

    fileprivate func source(totalClusters: UInt64) -> ImageACLReaderSource {
        securityID != 0 ? .id(securityID) : .own
    }

    /// The bytes of the record's own $SECURITY_DESCRIPTOR, or nil when it has none.
    func descriptorBytes(_ image: NTFSImage) throws -> [UInt8]? {
        guard let own = ownDescriptor else { return nil }
        if let resident = own.resident { return resident }
        guard let d = try? MFTRecord.runs(own.raw, totalClusters: image.boot.totalClusters) else {
            throw image.file.error(at: 0, "a $SECURITY_DESCRIPTOR with a damaged runlist")
        }
        return try image.readRuns(d.runs, size: d.size, limit: 1 << 20, what: "a $SECURITY_DESCRIPTOR")
    }
}

enum ImageACLReaderSource {
    case id(UInt32)
    case own
}
