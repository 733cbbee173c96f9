import BinaryFormat
import Foundation

/// The parent of a differencing disk (a Hyper-V checkpoint's .avhdx, a differencing VHD): found through the
/// paths its locator gives, opened read-only, and checked to be the disk the child was made from.
///
/// Paths are tried in the locator's order of trust: the relative path (from the child's folder), then the
/// absolute ones. Windows paths are mapped: `\` becomes `/`, a relative one is taken from the child's folder,
/// and an absolute one (`C:\VMs\base.vhdx`, `\\?\Volume{…}\VMs\base.vhdx`) is looked for by its file name
/// beside the child, where an upload puts it. A chain is at most `maxDepth` deep and may not loop.
enum ParentDisk {
    static let maxDepth = 32

    /// The paths to try for a parent, in order, without repeats.
    static func candidates(relative: [String], absolute: [String], child: String) -> [String] {
        let folder = (child as NSString).deletingLastPathComponent
        func beside(_ name: String) -> String { folder.isEmpty ? name : folder + "/" + name }
        var out: [String] = []
        func add(_ p: String) { if !p.isEmpty, !out.contains(p) { out.append(p) } }
        for r in relative {
            var p = r.replacingOccurrences(of: "\\", with: "/")
            while p.hasPrefix("./") { p.removeFirst(2) }
            add(p.hasPrefix("/") ? p : beside(p))
        }
        for a in absolute {
            let p = a.replacingOccurrences(of: "\\", with: "/")
            if p.hasPrefix("/") && !p.hasPrefix("//") { add(p) }  // made on Linux: an absolute path here
            if let name = p.split(separator: "/").last, !name.contains(":") { add(beside(String(name))) }
        }
        return out
    }

    /// Opens the first candidate that exists as a virtual disk. `chain` holds the resolved paths of the child
    /// and its descendants: a candidate among them is a loop. Throws naming the child's locator `at`.
    static func open(
        for child: ReadOnlyFile, candidates: [String], named: [String], chain: [String], at offset: UInt64,
        expecting kind: String
    ) throws(BinaryFormatError) -> any VirtualDisk {
        guard !candidates.isEmpty else {
            throw child.malformed(at: offset, "a differencing disk whose parent locator gives no path to its parent")
        }
        guard chain.count < maxDepth else {
            throw child.malformed(at: offset, "a chain of more than \(maxDepth) differencing disks")
        }
        for path in candidates {
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let resolved = (path as NSString).resolvingSymlinksInPath
            guard !chain.contains(resolved) else {
                throw child.malformed(
                    at: offset, "its parent \(path) is the disk itself or one of its children: a loop of parents")
            }
            let file = try ReadOnlyFile(path: path)
            guard let disk = try VirtualDisks.open(file, chain: chain + [resolved]) else {
                throw child.malformed(at: offset, "its parent \(path) is not a \(kind)")
            }
            guard disk.name.hasSuffix(kind) else {  // "differencing VHDX" is a VHDX, "fixed VHD" a VHD
                throw child.malformed(at: offset, "its parent \(path) is a \(disk.name), not a \(kind)")
            }
            return disk
        }
        throw child.malformed(
            at: offset,
            "a differencing disk whose parent is not here: its locator names \(named.map { "\"\($0)\"" }.joined(separator: ", ")); looked for \(candidates.joined(separator: ", ")); put the parent (the .vhdx or .vhd the checkpoint was taken from) beside it"
        )
    }
}

/// Opens whatever virtual disk a file holds, following differencing disks to their parents.
enum VirtualDisks {
    /// A VHDX, a dynamic or differencing VHD, or (as a parent only) a fixed VHD; nil for a raw image.
    /// `chain`: the resolved paths of this file and the children that led to it.
    static func open(_ file: ReadOnlyFile, chain: [String]) throws(BinaryFormatError) -> (any VirtualDisk)? {
        if let disk = try VHDXDisk.open(file, chain: chain) { return disk }
        if let disk = try DynamicVHD.open(file, chain: chain) { return disk }
        if chain.count > 1, let disk = try FixedVHD.open(file) { return disk }
        return nil
    }
}
