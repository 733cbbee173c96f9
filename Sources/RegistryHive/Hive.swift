import BinaryFormat

/// A registry hive (regf) held in memory, with its transaction logs applied when it is dirty.
///
/// Every offset read from the hive is checked against the hive bins and the cell it points into; damage
/// becomes a `HiveWarning` with the byte offset and the walk goes on. Only a hive with no base block or no
/// root key is an error. The files are opened read-only and never written: logs are applied in memory.
public final class Hive {
    /// The name used in messages (the path of the hive file, or `image:\path`).
    public let path: String
    /// The base block as read from the file (before any log was applied).
    public let fileBaseBlock: BaseBlock
    /// The base block in effect: after log replay its sequence numbers and data size are the last entry's.
    public private(set) var baseBlock: BaseBlock
    /// What was done about a dirty hive.
    public let recovery: LogRecovery
    /// What the reader stepped around so far.
    public private(set) var warnings = HiveWarnings()

    /// The whole file (base block first), with logged pages applied.
    private let storage: HiveStorage
    /// The hive bins data: `storage` after the base block.
    let data: UnsafeRawBufferPointer
    let bins: HiveBins
    /// Cell offset of the root key.
    public let rootCell: UInt32

    /// Opens the hive file at `path` and, when it is dirty, the transaction logs beside it
    /// (`NAME.LOG1`, `NAME.LOG2`, `NAME.LOG`, matched without regard to case).
    public convenience init(path: String, applyLogs: Bool = true) throws(RegistryError) {
        let storage: HiveStorage
        do {
            let file = try ReadOnlyFile(path: path)
            guard !file.isDirectory else {
                throw RegistryError(.unreadable, path: path, offset: nil, "is a folder, not a hive file")
            }
            storage = try HiveStorage(file: file)
        } catch let e as RegistryError {
            throw e
        } catch let e as BinaryFormatError {
            throw RegistryError(.unreadable, path: path, offset: e.offset, e.reason)
        } catch {
            throw RegistryError(.unreadable, path: path, offset: nil, "\(error)")
        }
        var logs: [LogFile] = []
        var unread: [HiveWarning] = []
        if applyLogs {
            for logPath in TransactionLogs.beside(hivePath: path) {
                do {
                    let file = try ReadOnlyFile(path: logPath)
                    guard !file.isDirectory, file.size <= Self.logSizeLimit else {
                        unread.append(
                            HiveWarning(
                                fileOffset: nil,
                                "\(logPath): \(file.isDirectory ? "a folder" : "over \(Self.logSizeLimit >> 20) MiB, more than a transaction log holds"): not applied"
                            ))
                        continue
                    }
                    logs.append(LogFile(name: logPath, bytes: try file.bytes(Int(file.size), at: 0, what: "the log")))
                } catch {
                    unread.append(HiveWarning(fileOffset: nil, "\(logPath): \(error.reason): not applied"))
                }
            }
        }
        try self.init(storage: storage, name: path, logs: logs)
        for w in unread { noteUnreadLog(w) }
    }

    /// A transaction log beside the hive that could not be read: a warning when the hive needed its logs.
    public func noteUnreadLog(_ warning: HiveWarning) {
        if recovery != .clean { warnings.add(warning) }
    }

    /// A transaction log larger than this is not read (Windows keeps them to a few MiB; a SYSTEM hive's
    /// LOG1 grows to tens of MiB at most).
    public static let logSizeLimit: UInt64 = 256 << 20

    /// A hive from bytes already read (from an NTFS image, say), with its logs' bytes.
    public convenience init(bytes: [UInt8], name: String, logs: [LogFile]) throws(RegistryError) {
        try self.init(storage: HiveStorage(copying: bytes), name: name, logs: logs)
    }

    init(storage image: HiveStorage, name: String, logs: [LogFile]) throws(RegistryError) {
        path = name
        let bytes = image.bytes
        guard bytes.count >= BaseBlock.size else {
            throw RegistryError(
                .notAHive, path: name, offset: UInt64(bytes.count),
                "a registry hive starts with a 4096-byte base block, the file has \(bytes.count) bytes (cut off)")
        }
        guard let base = BaseBlock(UnsafeRawBufferPointer(rebasing: bytes[0..<BaseBlock.size])) else {
            throw RegistryError(.notAHive, path: name, offset: 0, "not a registry hive (no \"regf\" signature)")
        }
        fileBaseBlock = base
        var warnings = HiveWarnings()
        if !(base.majorVersion == 1 && (3...6).contains(base.minorVersion)) {
            warnings.add(HiveWarning(fileOffset: 20, "hive version \(base.version) (read as 1.3-1.6)"))
        }
        var effective = base
        let recovery: LogRecovery
        if base.isDirty {
            recovery = TransactionLogs.recover(hive: image, base: &effective, logs: logs, warnings: &warnings)
        } else {
            recovery = .clean
        }
        self.recovery = recovery
        baseBlock = effective
        let declared = Int(effective.hiveBinsDataSize)
        if declared % 4096 != 0 {
            warnings.add(HiveWarning(fileOffset: 40, "hive bins data size \(declared) is not a multiple of 4096"))
        }
        if image.count - BaseBlock.size < declared {
            warnings.add(
                HiveWarning(
                    fileOffset: UInt64(image.count),
                    "the hive is cut off: the base block declares \(declared) bytes of hive bins, the file holds \(image.count - BaseBlock.size)"
                ))
        }
        storage = image
        data = UnsafeRawBufferPointer(rebasing: image.bytes[BaseBlock.size...])
        bins = HiveBins(data, declaredSize: declared, warn: { warnings.add(HiveWarning(fileOffset: $0, $1)) })
        rootCell = effective.rootCell
        self.warnings = warnings
        guard let root = key(at: rootCell) else {
            throw RegistryError(
                .noRootKey, path: name, offset: UInt64(BaseBlock.size) + UInt64(rootCell),
                "the root key cell the base block names is not a key node")
        }
        _ = root
    }

    /// The root key.
    public var root: KeyNode { key(at: rootCell)! }

    func warn(cell: UInt32, _ reason: String) {
        warnings.add(HiveWarning(fileOffset: UInt64(BaseBlock.size) + UInt64(cell), reason))
    }

    /// The data of the cell at `offset` (after its 4-byte size), bounded by the cell and its bin; nil with a
    /// warning when the offset is outside every bin or the cell's size does not fit.
    func cell(_ offset: UInt32, _ what: @autoclosure () -> String) -> UnsafeRawBufferPointer? {
        guard offset != 0xFFFF_FFFF else { return nil }
        let at = Int(offset)
        guard let end = bins.end(of: at), end - at >= 4 else {
            warn(cell: offset, "\(what()) points outside the hive bins")
            return nil
        }
        let size = Int(Int32(bitPattern: data.le32(at)).magnitude)
        guard size >= 8, size <= end - at else {
            warn(cell: offset, "\(what()): cell size \(size) does not fit its hive bin")
            return nil
        }
        return UnsafeRawBufferPointer(rebasing: data[(at + 4)..<(at + size)])
    }
}

/// A transaction log's bytes and the name to give in messages.
public struct LogFile: Sendable {
    public var name: String
    public var bytes: [UInt8]
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}
