import BinaryFormat
import DiskImage

/// What a file is as a volume image, for those who sort files by content (the case command).
public enum ImageProbe: Sendable, Equatable {
    /// An NTFS volume this reader reads: a partition image, a disk with one NTFS partition, a fixed VHD.
    case ntfs
    /// A collected $MFT file (records only): folder counts, and descriptors with its $Secure:$SDS.
    case collectedMFT
    /// A disk image this reader does not read as it is, and why (a VHDX or dynamic VHD: convert it; a disk
    /// with several NTFS partitions: name one).
    case unsupported(String)
    case notAnImage
}

extension NTFSImage {
    /// Reads the first and last sectors (and a GPT) of `path` to tell whether it is an NTFS image.
    public static func probe(_ path: String) -> ImageProbe {
        guard ImageFile.isImage(path) else { return .notAnImage }
        let file: ImageFile
        do {
            file = try ImageFile(path: path)
        } catch let error as BinaryFormatError {
            return .unsupported(error.message)  // a damaged VHDX or VHD, a parent not there, a log to replay
        } catch {
            return .notAnImage
        }
        if (try? BareMFT(file)) != nil { return .collectedMFT }
        do {
            _ = try DiskLayout.locate(file, partition: nil)
            return .ntfs
        } catch let error as ImageError where error.code == .unsupported {
            return .unsupported(error.message)
        } catch {
            return .notAnImage
        }
    }
}
