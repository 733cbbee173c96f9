import BinaryFormat
import Foundation

/// What was done about a dirty hive.
public enum LogRecovery: Sendable, Equatable {
    /// The hive was not dirty: no log was read.
    case clean
    /// Log entries (new format) or dirty pages (old format) were applied in memory.
    case applied(logs: [String], entries: Int, pages: Int, sequence: UInt32)
    /// Dirty, and no transaction log beside it could be applied: the hive may be stale.
    case notRecovered(reason: String)

    public var logsApplied: [String] {
        if case .applied(let logs, _, _, _) = self { return logs }
        return []
    }
}

/// Transaction log replay as Windows does it at hive load (new "HvLE" format and the old "DIRT" one), on
/// an in-memory copy; the logs and the hive are only read.
public enum TransactionLogs {
    /// `NAME.LOG1`, `NAME.LOG2`, `NAME.LOG` beside the hive, matched without regard to case, in that order.
    public static func beside(hivePath: String) -> [String] {
        let url = URL(fileURLWithPath: hivePath)
        let dir = url.deletingLastPathComponent().path
        let base = url.lastPathComponent.uppercased()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return [".LOG1", ".LOG2", ".LOG"].compactMap { suffix in
            names.first { $0.uppercased() == base + suffix }.map { dir + "/" + $0 }
        }
    }

    /// One new-format log entry that passed its checks: its sequence number, the hive bins data size it
    /// announces, and its pages (offset in the hive bins data, range in the log).
    struct Entry {
        var sequence: UInt32
        var hiveBinsDataSize: Int
        var pages: [(target: Int, source: Range<Int>)]
    }

    struct NewLog {
        var name: String
        var bytes: [UInt8]
        var base: BaseBlock
        var entries: [Entry]
    }

    static func recover(hive: HiveStorage, base: inout BaseBlock, logs: [LogFile], warnings: inout HiveWarnings)
        -> LogRecovery
    {
        let why =
            base.checksumValid
            ? "sequence numbers \(base.primarySequence) and \(base.secondarySequence) differ"
            : "its base block checksum is wrong"
        guard !logs.isEmpty else {
            warnings.add(
                HiveWarning(
                    fileOffset: 4,
                    "the hive is dirty (\(why)) and no transaction log (.LOG1, .LOG2) is beside it: recent changes may be missing"
                ))
            return .notRecovered(reason: "no transaction logs")
        }
        var newLogs: [NewLog] = []
        var oldLogs: [(LogFile, BaseBlock)] = []
        for log in logs {
            guard log.bytes.count >= 512,
                let lb = log.bytes.withUnsafeBytes({ BaseBlock(UnsafeRawBufferPointer(rebasing: $0[0..<512])) })
            else {
                if !log.bytes.isEmpty {
                    warnings.add(
                        HiveWarning(
                            fileOffset: nil, "\(log.name): not a transaction log (no \"regf\" base block); not applied")
                    )
                }
                continue
            }
            guard lb.primarySequence == lb.secondarySequence else {
                warnings.add(
                    HiveWarning(
                        fileOffset: nil, "\(log.name): its sequence numbers differ (written half-way); not applied"))
                continue
            }
            if lb.fileType == 6 {
                newLogs.append(parseNew(log, base: lb, warnings: &warnings))
            } else if lb.fileType == 1 || lb.fileType == 2 {
                oldLogs.append((log, lb))
            } else {
                warnings.add(
                    HiveWarning(
                        fileOffset: nil, "\(log.name): file type \(lb.fileType) is not a transaction log; not applied"))
            }
        }
        let result: LogRecovery
        if !newLogs.isEmpty {
            result = applyNew(newLogs, hive: hive, base: &base, warnings: &warnings)
        } else if !oldLogs.isEmpty {
            result = applyOld(oldLogs, hive: hive, base: &base, warnings: &warnings)
        } else {
            result = .notRecovered(reason: "no usable transaction log")
        }
        if case .notRecovered(let reason) = result {
            warnings.add(
                HiveWarning(
                    fileOffset: 4,
                    "the hive is dirty (\(why)) and its logs could not be applied (\(reason)): recent changes may be missing"
                ))
        }
        return result
    }

    /// The log's entries from offset 512 on, up to the first that fails a check (signature, size, hashes,
    /// page bounds). Old entries left after the newest ones are cut off by the sequence check when applied.
    static func parseNew(_ log: LogFile, base: BaseBlock, warnings: inout HiveWarnings) -> NewLog {
        var entries: [Entry] = []
        log.bytes.withUnsafeBytes { b in
            var at = 512
            while b.holds(40, at: at), b[at] == 0x48, b[at + 1] == 0x76, b[at + 2] == 0x4C, b[at + 3] == 0x45 {
                func stop(_ reason: String) {
                    warnings.add(
                        HiveWarning(
                            fileOffset: nil,
                            "\(log.name): byte offset \(at): log entry \(reason); replay stops before it"))
                }
                let size = Int(b.le32(at + 4))
                let sequence = b.le32(at + 12)
                let binsSize = Int(b.le32(at + 16))
                let count = Int(b.le32(at + 20))
                guard size >= 40, size % 512 == 0, b.holds(size, at: at) else {
                    stop("size \(size) is not a multiple of 512 inside the log")
                    break
                }
                let entry = UnsafeRawBufferPointer(rebasing: b[at..<(at + size)])
                guard Marvin32.hash(UnsafeRawBufferPointer(rebasing: entry[40...])) == entry.le64(24),
                    Marvin32.hash(UnsafeRawBufferPointer(rebasing: entry[0..<32])) == entry.le64(32)
                else {
                    stop("\(sequence) has a wrong hash")
                    break
                }
                guard binsSize % 4096 == 0, binsSize > 0 else {
                    stop("\(sequence) announces hive bins data of \(binsSize) bytes, not a multiple of 4096")
                    break
                }
                guard count <= (size - 40) / 8 else {
                    stop("\(sequence) declares \(count) pages, more than it can hold")
                    break
                }
                var pages: [(Int, Range<Int>)] = []
                var source = 40 + count * 8
                var bad: String? = nil
                for i in 0..<count {
                    let target = Int(entry.le32(40 + i * 8))
                    let length = Int(entry.le32(44 + i * 8))
                    guard length > 0, length % 512 == 0, target % 512 == 0, target <= binsSize,
                        length <= binsSize - target, length <= size - source
                    else {
                        bad = "\(sequence): page \(i) (offset \(target), \(length) bytes) does not fit"
                        break
                    }
                    pages.append((target, (at + source)..<(at + source + length)))
                    source += length
                }
                if let bad {
                    stop(bad)
                    break
                }
                entries.append(Entry(sequence: sequence, hiveBinsDataSize: binsSize, pages: pages))
                at += size
            }
        }
        return NewLog(name: log.name, bytes: log.bytes, base: base, entries: entries)
    }

    /// Entries of both logs in sequence order: the log with the earlier entries first, each entry numbered one
    /// more than the last applied, starting at that log's base block sequence number.
    static func applyNew(_ logs: [NewLog], hive: HiveStorage, base: inout BaseBlock, warnings: inout HiveWarnings)
        -> LogRecovery
    {
        var usable = logs.filter { log in
            guard let first = log.entries.first else { return false }
            return first.sequence == log.base.primarySequence
                && (!base.checksumValid || first.sequence >= base.secondarySequence)
        }
        usable.sort { $0.entries[0].sequence < $1.entries[0].sequence }
        if !base.checksumValid, let latest = usable.last { usable = [latest] }
        guard var expected = usable.first?.entries.first?.sequence else {
            return .notRecovered(reason: "no log entry continues from sequence number \(base.secondarySequence)")
        }
        // A hive only grows by pages its logs carry: a larger size announced is damage, not a reason to
        // allocate what a length field asks for.
        let limit = hive.count + usable.reduce(0) { $0 + $1.bytes.count }
        var applied: [String] = []
        var entries = 0
        var pages = 0
        var binsSize = Int(base.hiveBinsDataSize)
        var previous: String? = nil
        replay: for log in usable {
            // Entries a log shares with the one applied before it (the same sequence numbers, as when one
            // log's entries were copied into the other) are applied once: the rest of the log continues.
            let repeated = log.entries.prefix { entry in
                previous != nil && entry.sequence < expected && expected &- entry.sequence <= UInt32(entries)
            }
            if let previous, let first = repeated.first, let last = repeated.last {
                warnings.add(
                    HiveWarning(
                        fileOffset: nil,
                        "\(log.name): log entries \(first.sequence) to \(last.sequence) repeat those of \(previous); applied once"
                    ))
            }
            let rest = log.entries.dropFirst(repeated.count)
            guard let next = rest.first else { continue }
            guard next.sequence == expected else { break }
            applied.append(log.name)
            previous = log.name
            for entry in rest {
                guard entry.sequence == expected else { break }
                let needed = BaseBlock.size + entry.hiveBinsDataSize
                if needed > limit {
                    warnings.add(
                        HiveWarning(
                            fileOffset: nil,
                            "\(log.name): log entry \(entry.sequence) grows the hive to \(needed) bytes, more than the hive and its logs hold; replay stops"
                        ))
                    break replay
                }
                hive.grow(to: needed)
                let h = hive.buffer
                log.bytes.withUnsafeBytes { l in
                    for page in entry.pages {
                        let dst = UnsafeMutableRawBufferPointer(rebasing: h[(BaseBlock.size + page.target)...])
                        dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: l[page.source]))
                    }
                }
                binsSize = entry.hiveBinsDataSize
                expected &+= 1
                entries += 1
                pages += entry.pages.count
            }
        }
        let sequence = expected &- 1
        base.primarySequence = sequence
        base.secondarySequence = sequence
        base.hiveBinsDataSize = UInt32(binsSize)
        return .applied(logs: applied, entries: entries, pages: pages, sequence: sequence)
    }

    /// The old format: a dirty vector ("DIRT", one bit per 512-byte page of the hive bins data) after the base
    /// block, then the dirty pages in bit order. A log applies when its base block was written with the
    /// hive's (same last-written time); LOG1 is tried first.
    static func applyOld(
        _ logs: [(LogFile, BaseBlock)], hive: HiveStorage, base: inout BaseBlock, warnings: inout HiveWarnings
    ) -> LogRecovery {
        guard let (log, lb) = logs.first(where: { !base.checksumValid || $0.1.lastWritten == base.lastWritten }) else {
            return .notRecovered(reason: "no old-format log was written with this hive (last-written times differ)")
        }
        let bits = Int(lb.hiveBinsDataSize) / 512
        let vectorBytes = (bits + 7) / 8
        var pages = 0
        let ok: String? = log.bytes.withUnsafeBytes { l -> String? in
            guard l.holds(4 + vectorBytes, at: 512), l[512] == 0x44, l[513] == 0x49, l[514] == 0x52, l[515] == 0x54
            else {
                return "byte offset 512: no dirty vector (\"DIRT\")"
            }
            var source = (512 + 4 + vectorBytes + 511) / 512 * 512
            let needed = BaseBlock.size + Int(lb.hiveBinsDataSize)
            guard needed <= hive.count + l.count else {
                return "the hive bins size \(lb.hiveBinsDataSize) is larger than the hive and its log"
            }
            hive.grow(to: needed)
            let h = hive.buffer
            for bit in 0..<bits where l[516 + bit / 8] >> (bit % 8) & 1 == 1 {
                guard l.holds(512, at: source) else { return "byte offset \(source): dirty page \(pages) is cut off" }
                guard BaseBlock.size + bit * 512 + 512 <= h.count else {
                    return "dirty page \(pages) lies past the hive"
                }
                UnsafeMutableRawBufferPointer(rebasing: h[(BaseBlock.size + bit * 512)...])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: l[source..<(source + 512)]))
                source += 512
                pages += 1
            }
            return nil
        }
        if let ok {
            warnings.add(HiveWarning(fileOffset: nil, "\(log.name): \(ok); pages before it were applied"))
        }
        base.primarySequence = lb.primarySequence
        base.secondarySequence = lb.primarySequence
        base.hiveBinsDataSize = lb.hiveBinsDataSize
        return .applied(logs: [log.name], entries: 1, pages: pages, sequence: lb.primarySequence)
    }
}
