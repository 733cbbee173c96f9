import BinaryFormat
import WindowsSecurity

/// Reads every entry's security descriptor from an NTFS image, without mounting: the descriptor a file's
/// security id names in $Secure:$SDS, or its own $SECURITY_DESCRIPTOR attribute (resident or not) when it
/// has no id, which is the order ntfs-3g and Windows use. The same entries as `MountedACLReader` on the
/// mounted volume: each scope folder and everything below it, links judged but never followed.
public struct ImageACLReader {
    public let path: String
    public var partition: Int?
    public var drive = "C:"
    /// For a collected $MFT: the collected $Secure:$SDS stream, where the descriptors are.
    public var sds: String?

    public init(path: String, partition: Int? = nil, drive: String = "C:", sds: String? = nil) {
        self.path = path
        self.partition = partition
        self.drive = drive
        self.sds = sds
    }

    /// Reads and judges every entry in the scopes; returns the warnings. `onDescriptor`, when given, also
    /// receives each entry's Windows path and descriptor bytes (for comparing with other readers).
    public func read(
        scopes: [String], into audit: inout ACLAudit, indexed: IndexedVolume? = nil,
        onDescriptor: ((String, [UInt8]) -> Void)? = nil
    ) throws -> [String] {
        // The MFT index a case built for the folder-limit audit is used again; else it is built here.
        let volume = try indexed ?? IndexedVolume(path: path, partition: partition)
        let (image, index, scan, root) = (volume.image, volume.index, volume.scan, volume.root)
        let secure = try SecureDescriptors.of(image, sds: sds)
        // The folders in scope, with their Windows paths.
        var scopeRoots: [Int] = []
        for text in scopes.isEmpty ? MountedACLReader.defaultScopes : scopes {
            let scope = try ImageScope(text: text, drive: drive)
            guard let f = Self.find(scope, in: index, from: root) else {
                if scopes.isEmpty { continue }  // a default scope the volume lacks is skipped
                throw VolumeError(
                    .badScope,
                    "\(path): scope \(WindowsPath.make(drive: drive, relative: scope.relative)) is not a folder on the volume"
                )
            }
            scopeRoots.append(f)
        }
        guard !scopeRoots.isEmpty else {
            throw VolumeError(
                .badScope,
                "\(path): none of the folders the System Writer reads (Windows\\Microsoft.NET, WinSxS\\FileMaps ...) here; give --scope"
            )
        }
        // The folders in scope by record, with their position in the tree: a path is built only when an entry
        // is reported (keeping every folder's path made an 8,000-level chain take 96 MiB).
        var inScope: [UInt64: Int] = [:]
        var rootRecords: [UInt64: String] = [:]
        for f in scopeRoots {
            rootRecords[index.folders[f].record] = Self.windowsPath(of: f, in: index, drive: drive)
            var stack = [f]
            while let folder = stack.popLast() {
                inScope[index.folders[folder].record] = folder
                var child = index.folders[folder].firstChild
                while child >= 0 {
                    stack.append(Int(child))
                    child = index.folders[Int(child)].nextSibling
                }
            }
        }
        // Second pass: every name in a folder in scope is an entry.
        let judge = ScopeJudge(
            image: image, index: index, secure: secure, inScope: inScope, drive: drive, scopeRoots: rootRecords,
            onDescriptor: onDescriptor,
            audit: audit)
        _ = try image.scan { n, r in judge.record(n, r) }
        for (record, shown) in rootRecords.sorted(by: { $0.key < $1.key }) where !judge.seenRoots.contains(record) {
            judge.audit.error(
                path: shown, "MFT record \(record) is not in use (its in-use flag is cleared): no descriptor to judge")
        }
        audit = judge.audit
        if let failure = judge.failure { throw failure }
        var warnings = scan.firstDamaged
        warnings += index.warnings.map { "\(path): \($0)" }
        warnings += image.unreadWarnings
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
}

/// Judges the entries of one record when it has a name in a folder in scope. Descriptors are keyed (by
/// security id, or by their bytes when stored per file) so each distinct one is decoded and judged once.
final class ScopeJudge {
    let image: NTFSImage
    let index: MFTIndex
    let secure: SecureDescriptors
    let inScope: [UInt64: Int]
    let drive: String
    let scopeRoots: [UInt64: String]
    let onDescriptor: ((String, [UInt8]) -> Void)?
    var audit: ACLAudit
    var failure: Error? = nil
    private var keysByHash: [UInt64: Int] = [:]
    /// Scope folders whose own record was judged; the others are errors (their record is not in use).
    private(set) var seenRoots: Set<UInt64> = []
    private var keyBytes: [Int: [UInt8]] = [:]
    private var decoded: [Int: SecurityDescriptor] = [:]
    private var undecodable: [Int: String] = [:]

    init(
        image: NTFSImage, index: MFTIndex, secure: SecureDescriptors, inScope: [UInt64: Int], drive: String,
        scopeRoots: [UInt64: String],
        onDescriptor: ((String, [UInt8]) -> Void)?, audit: ACLAudit
    ) {
        self.image = image
        self.index = index
        self.secure = secure
        self.inScope = inScope
        self.drive = drive
        self.scopeRoots = scopeRoots
        self.onDescriptor = onDescriptor
        self.audit = audit
    }

    /// True when a $FILE_NAME of the record is in a folder in scope (read without allocating).
    private func touchesScope(_ r: UnsafeRawBufferPointer) -> Bool {
        var hit = false
        let inScope = self.inScope
        try? MFTRecord.attributes(r) { type, a throws(MFTRecord.Problem) in
            guard !hit, type == 0x30, let v = MFTRecord.residentValue(a), v.count >= 0x42, v[0x41] != 2 else { return }
            hit = inScope[v.le64(0) & MFTIndex.recordMask] != nil
        }
        return hit
    }

    func record(_ n: UInt64, _ r: UnsafeRawBufferPointer) {
        let base = r.le64(32) & MFTIndex.recordMask
        guard failure == nil, base == 0 || (base == n && !index.isExtension(n)) else { return }
        guard n >= MFTIndex.firstUserRecord || n == MFTIndex.root else { return }
        let root = scopeRoots[n]
        // Its names may all sit in extension records (a file or folder whose attributes overflowed).
        guard
            root != nil || touchesScope(r)
                || index.extensionNames[n]?.contains(where: { inScope[$0.parent] != nil }) == true
        else { return }
        guard let facts = RecordFacts(r) else { return }
        // Where the descriptor is: the security id's entry in $Secure, else the record's own attribute.
        var key: Int
        var problem: String? = nil
        if facts.securityID != 0, secure.byID[facts.securityID] != nil {
            key = Int(facts.securityID)
            if decoded[key] == nil && undecodable[key] == nil { decode(secure.byID[facts.securityID]!, key: key) }
        } else if facts.securityID != 0 && facts.ownDescriptor == nil {
            key = 0
            problem = "security id \(facts.securityID) is not in $Secure:$SDS"
        } else if let resident = facts.ownDescriptor?.resident {
            key = self.key(for: resident)
        } else {
            do {
                if let bytes = try facts.descriptorBytes(image, record: n) {
                    key = bytes.withUnsafeBytes { self.key(for: $0) }
                } else {
                    key = 0
                    problem = "no security descriptor (no security id, no $SECURITY_DESCRIPTOR)"
                }
            } catch {
                // One damaged descriptor is that entry's error; the rest of the volume is still judged.
                key = 0
                problem = "MFT record \(n): its $SECURITY_DESCRIPTOR cannot be read: \(Self.reason(error))"
            }
        }
        if problem == nil, decoded[key] == nil {
            let source = facts.securityID != 0 ? "security id \(facts.securityID)" : "$SECURITY_DESCRIPTOR"
            problem = "\(source): \(undecodable[key] ?? "undecodable")"
        }
        let kind: Bool? = facts.link ? nil : facts.directory
        if let root {
            seenRoots.insert(n)
            entry(path: { root }, folder: true, key: key, problem: problem)
        }
        let index = self.index
        let drive = self.drive
        // Its own names, and those moved to extension records (a file with many hard links): each an entry.
        let names =
            facts.names.filter { $0.namespace != 2 }.map { (parent: $0.parent, utf16: Array($0.utf16)) }
            + (index.extensionNames[n] ?? []).map { (parent: $0.parent, utf16: $0.name) }
        for name in names {
            guard let folder = inScope[name.parent],
                !index.unlisted.contains(MFTIndex.NameInFolder(record: n, parent: name.parent))
            else { continue }
            entry(
                path: {
                    ImageACLReader.windowsPath(of: folder, in: index, drive: drive) + "\\"
                        + String(decoding: name.utf16.withUnsafeBytes { MFTIndex.utf8($0) }, as: UTF8.self)
                }, folder: kind, key: key, problem: problem)
        }
    }

    /// The reason of an image error without the image's name and offset (the entry names the place).
    static func reason(_ error: Error) -> String { PositionedMessage.reason(of: error) }

    private func entry(path: () -> String, folder: Bool?, key: Int, problem: String?) {
        if let onDescriptor, problem == nil, let bytes = keyBytes[key] ?? secure.byID[UInt32(truncatingIfNeeded: key)] {
            onDescriptor(path(), bytes)
        }
        if let problem {
            audit.error(path: path(), problem)
        } else if let sd = decoded[key] {
            audit.entry(path: path, folder: folder, descriptor: sd, key: key)
        }
    }

    private func decode(_ bytes: [UInt8], key: Int) {
        do {
            decoded[key] = try SecurityDescriptor.decode(bytes)
        } catch let e as SecurityError {
            undecodable[key] = e.message
        } catch {
            undecodable[key] = "\(error)"
        }
    }

    /// The key of a descriptor stored per file: equal bytes, equal key (found by a 64-bit hash, then compared).
    private func key(for bytes: UnsafeRawBufferPointer) -> Int {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        var i = 0
        while i + 8 <= bytes.count {
            h = (h ^ bytes.le64(i)) &* 0x0000_0100_0000_01B3
            h ^= h >> 29
            i += 8
        }
        while i < bytes.count {
            h = (h ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01B3
            i += 1
        }
        var probe = h
        while let candidate = keysByHash[probe] {
            if let known = keyBytes[candidate], known.elementsEqual(bytes) { return candidate }
            probe &+= 1  // a different descriptor with the same hash: the next slot
        }
        let key = (1 << 33) + keyBytes.count
        keysByHash[probe] = key
        let copy = Array(bytes)
        keyBytes[key] = copy
        decode(copy, key: key)
        return key
    }
}
