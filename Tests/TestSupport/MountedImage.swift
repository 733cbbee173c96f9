import Foundation
import Testing

/// A real NTFS image built by scripts/make-ntfs-image, mounted read-only with ntfs-3g for one test.
public struct MountedImage {
    public let image: String
    public let mount: String

    /// Why images cannot be mounted here, or nil when they can.
    public static var unavailableReason: String? {
        if !FileManager.default.fileExists(atPath: "/dev/fuse") { return "/dev/fuse is missing (no FUSE)" }
        if ProcessRun.which("ntfs-3g") == nil || ProcessRun.which("mkntfs") == nil {
            return "ntfs-3g/mkntfs not installed (apt-get install ntfs-3g)"
        }
        return nil
    }

    /// Builds the image from a spec and mounts it read-only; the caller unmounts.
    public static func make(spec: String, mountInside parent: String? = nil) async throws -> MountedImage {
        try await make(specPath: ProjectPaths.fixture("ntfs/\(spec)"), mountInside: parent)
    }

    /// Builds an image from spec text written here (for descriptors made by the library under test).
    public static func make(specText: String, readWrite: Bool = false) async throws -> MountedImage {
        let path = NSTemporaryDirectory() + "spec-\(UUID().uuidString).spec"
        try specText.write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        return try await make(specPath: path, mountInside: nil, readWrite: readWrite)
    }

    public static func make(specPath: String, mountInside parent: String?, readWrite: Bool = false) async throws
        -> MountedImage
    {
        let dir = NSTemporaryDirectory() + "ntfs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let image = dir + "/volume.img"
        let built = try await run("/usr/bin/env", ["python3", ProjectPaths.script("make-ntfs-image"), specPath, image])
        guard built.status == 0 else { throw MountError(message: "make-ntfs-image: \(built.stderr)") }
        let mount = parent.map { $0 + "/mnt" } ?? dir + "/mnt"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        let mounted = try await run(
            "/usr/bin/env",
            ["python3", ProjectPaths.script("mount-ntfs-image")] + (readWrite ? ["--rw"] : []) + [image, mount])
        guard mounted.status == 0 else { throw MountError(message: mounted.stderr) }
        return MountedImage(image: image, mount: mount)
    }

    /// Unmounts but keeps the image file (for tools that read it directly).
    public func unmountOnly() {
        ProcessRun.runToEnd("/usr/bin/env", ["python3", ProjectPaths.script("mount-ntfs-image"), "--unmount", mount])
    }

    /// Unmounts and removes the image (a cleanup, run from `defer`).
    public func unmount() {
        ProcessRun.runToEnd("/usr/bin/env", ["python3", ProjectPaths.script("mount-ntfs-image"), "--unmount", mount])
        ProcessRun.runToEnd("/bin/rm", ["-rf", (image as NSString).deletingLastPathComponent])
    }

    public struct MountError: Error, CustomStringConvertible {
        public let message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }
}

extension Trait where Self == ConditionTrait {
    /// Tests that build and mount real NTFS images: reported as skipped where FUSE or ntfs-3g is missing,
    /// always run under CI (where `requireImages` then fails them).
    public static var imageTests: Self {
        .enabled(
            if: MountedImage.unavailableReason == nil || underCI,
            Comment(rawValue: "NTFS images cannot be mounted here: \(MountedImage.unavailableReason ?? "")"))
    }
}

public struct ImagesUnavailable: Error, CustomStringConvertible {
    public let description: String
}

/// Throws (a failure) when images cannot be mounted: reached only under CI, where `.imageTests` runs anyway.
public func requireImages() throws {
    if let reason = MountedImage.unavailableReason {
        throw ImagesUnavailable(description: "NTFS image tests cannot run under CI: \(reason)")
    }
}
