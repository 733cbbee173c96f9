import BinaryFormat

/// The ACL export readers' error: the export cannot be read at all (not an export, too large, a folder).
/// An entry that cannot be read is handed to the `ACLEntrySink` instead and the reading goes on.
public typealias ACLExportError = ReaderError<ACLExportErrorCode>

/// The codes of `ACLExportError`.
public enum ACLExportErrorCode: String, Sendable {
    case unreadable
    case notAnExport
}

extension ACLExportError {
    /// A byte-layer error (the file cannot be read) as the export's error.
    public init(_ error: BinaryFormatError) {
        self.init(
            error.code == .unreadable ? .unreadable : .notAnExport, file: error.file, at: error.position, error.reason)
    }
}
