import Foundation

/// Inputs that hold the same bytes (one log uploaded twice, a hard link, a path given twice): the first is
/// read, the others are listed with the name of the one read, so no finding is counted twice. Only files
/// of equal size are hashed here (SHA-256, kept for the inputs table); sizes alone tell the rest apart.
enum CaseDuplicates {
    /// Kinds whose bytes say what they are about (a log, a capture, a hive, a disk, an export naming full
    /// paths). Others mean something by their name as well: `sc sdshow` prints the same descriptor for VSS
    /// and swprv, an icacls /save is relative to the folder the manifest gives it, so equal bytes there are
    /// two pieces of evidence.
    static let selfNamed: Set<InputKind> = [
        .procmonPML, .procmonCSV, .eventLog, .hive, .softwareHive, .volumeImage, .collectedMFT, .icaclsDisplay,
        .getAclCSV, .fileListing,
    ]

    /// For each later copy, the index of the input it repeats; and the hashes computed on the way.
    static func find(paths: [String], inputs: [CaseInput]) -> (repeats: [Int: Int], hashes: [Int: String]) {
        var bySize: [UInt64: [Int]] = [:]
        for (i, input) in inputs.enumerated() where selfNamed.contains(input.kind) && input.bytes > 0 {
            bySize[input.bytes, default: []].append(i)
        }
        var repeats: [Int: Int] = [:]
        var hashes: [Int: String] = [:]
        for (_, group) in bySize where group.count > 1 {
            var firstByHash: [String: Int] = [:]
            for i in group {
                guard let hash = try? CaseInput.sha256(of: paths[i]) else { continue }
                hashes[i] = hash
                if let first = firstByHash[hash] {
                    repeats[i] = first
                } else {
                    firstByHash[hash] = i
                }
            }
        }
        return (repeats, hashes)
    }
}
