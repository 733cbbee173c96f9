import BinaryFormat

/// The ACL export readers' error: the export cannot be read at all (not an export, too large, a folder).
/// An entry that cannot be read is handed to the `ACLEntrySink` instead and the reading goes on.
public struct ACLExportError: FileInputError, Equatable {
    public enum Code: String, Sendable {
        case unreadable
        case notAnExport
    }

    public let code: Code
    public let file: String
    public let position: FilePosition?
    public let reason: String

    public init(_ code: Code, file: String, at position: FilePosition? = nil, _ reason: String) {
        self.code = code
        self.file = file
        self.position = position
        self.reason = reason
    }

    /// A byte-layer error (the file cannot be read) as the export's error.
    public init(_ error: BinaryFormatError) {
        self.init(
            error.code == .unreadable ? .unreadable : .notAnExport, file: error.file, at: error.position, error.reason)
    }

    public static func == (a: ACLExportError, b: ACLExportError) -> Bool { a.code == b.code }
}
