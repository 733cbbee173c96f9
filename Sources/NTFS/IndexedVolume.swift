import BinaryFormat
import DiskImage

/// An NTFS image (or collected $MFT) with its MFT index built once: the folder tree, names and links every
/// image audit walks. A case hands the one index to the folder-limit audit, the cleanup plan and the ACL
/// audit instead of each scanning the MFT again. Used from one thread at a time.
public final class IndexedVolume {
    public var path: String { image.path }
    package let image: NTFSImage
    package let index: MFTIndex
    /// What the scan of the MFT stepped around.
    package let scan: NTFSImage.ScanWarnings
    /// The root folder's place in `index.folders`.
    package let root: Int

    public init(path: String, partition: Int? = nil) throws {
        image = try NTFSImage(path: path, partition: partition)
        var index = MFTIndex()
        index.reader = image
        scan = try image.scan { n, r in index.add(n, r) }
        index.reader = nil
        index.finish(image: image)
        try index.reconcile(image: image)
        guard let root = index.link() else {
            throw ImageError(.damaged, file: path, "the MFT has no root folder (record 5): not a readable NTFS volume")
        }
        self.index = index
        self.root = root
    }
}
