import Foundation

/// An error the user caused (bad input, a bad path, an output location not allowed, an unreadable file):
/// the command line prints its message as one line on stderr and exits 2. Every module's error conforms;
/// anything else that escapes is a bug (exit 3).
public protocol UserError: Error, CustomStringConvertible, Sendable {
    /// One line naming the file and the position (row, line, record, byte offset) where it is known.
    var message: String { get }
}

extension UserError {
    public var description: String { message }
}

/// Where in a file a reader found what it did not expect.
public enum FilePosition: Sendable, Equatable, CustomStringConvertible {
    case byteOffset(UInt64)
    /// An offset in the disk a container (VHDX, dynamic VHD) holds, not in the container file.
    case diskOffset(container: String, offset: UInt64)
    /// A text line, from 1.
    case line(Int)
    /// A CSV file's header line.
    case header
    /// A CSV data row, from 1 (the header is not a row).
    case row(Int)
    /// A character of an SDDL string, or of hexadecimal text, from 0.
    case sddlCharacter(Int)
    case hexCharacter(Int)
    /// A numbered record of the format (an MFT record, an event record).
    case record(UInt64)

    public var description: String {
        switch self {
        case .byteOffset(let o): return "byte offset \(o)"
        case .diskOffset(let container, let o): return "\(container) disk byte offset \(o)"
        case .line(let n): return "line \(n)"
        case .header: return "header"
        case .sddlCharacter(let n): return "SDDL character \(n)"
        case .hexCharacter(let n): return "hex character \(n)"
        case .row(let n): return "row \(n)"
        case .record(let n): return "record \(n)"
        }
    }
}

/// The one shape of an error about an input file, whichever reader raises it: the file, where in it (when
/// known), and what was wrong or expected there, rendered `FILE: POSITION: REASON` (or `FILE: REASON`).
/// Each reader's error type conforms and keeps its own stable code; none renders its message by hand.
public protocol FileInputError: UserError {
    var file: String { get }
    var position: FilePosition? { get }
    var reason: String { get }
}

extension FileInputError {
    public var message: String { PositionedMessage.line(file: file, position: position, reason) }
}

/// The one error type of the readers: a stable code of the reader's own (`ReaderError<ImageErrorCode>` is the
/// disk image's error, `ReaderError<TraceErrorCode>` the Procmon reader's), the file, the position and the
/// reason. Errors compare by code, so tests can expect a code without spelling out the message.
public struct ReaderError<C: RawRepresentable & Sendable & Equatable>: FileInputError, Equatable
where C.RawValue == String {
    public typealias Code = C
    public let code: Code
    /// Empty while code that knows the place but not the path holds it (a libcsv callback, a zip member);
    /// whoever knows the path names it.
    public var file: String
    public let position: FilePosition?
    public let reason: String

    public init(_ code: Code, file: String, at position: FilePosition? = nil, _ reason: String) {
        self.code = code
        self.file = file
        self.position = position
        self.reason = reason
    }

    public static func == (a: ReaderError, b: ReaderError) -> Bool { a.code == b.code }
}

/// The rendering of `FileInputError`: `PATH: byte offset N: reason`, or `PATH: reason`.
public enum PositionedMessage {
    public static func line(file: String, position: FilePosition?, _ reason: String) -> String {
        let place = [file.isEmpty ? nil : file, position.map(\.description)].compactMap { $0 }
        return (place + [reason]).joined(separator: ": ")
    }

    public static func line(path: String, offset: UInt64?, _ reason: String) -> String {
        line(file: path, position: offset.map(FilePosition.byteOffset), reason)
    }

    /// What was wrong, without the file and position: for a line in a list that already names the place.
    public static func reason(of error: any Error) -> String {
        if let e = error as? any FileInputError { return e.reason }
        guard let e = error as? any UserError else { return "\(error)" }
        let m = e.message
        if let r = m.range(of: ": byte offset "), let colon = m[r.upperBound...].firstIndex(of: ":") {
            return String(m[m.index(after: colon)...].drop(while: { $0 == " " }))
        }
        return m
    }
}
