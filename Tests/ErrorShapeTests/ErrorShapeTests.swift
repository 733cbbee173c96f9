import ACLExports
import BinaryFormat
import CSVStream
import DiskImage
import EventLog
import Foundation
import NTFS
import ProcmonTrace
import RegistryHive
import Testing
import UploadArchive
import WindowsSecurity

/// Every reader's error, provoked on a damaged file of its format, takes the one shape: it is a
/// `FileInputError` naming the file it was given, and its message is `FILE: POSITION: REASON` on one line,
/// the position written the way `FilePosition` writes it.
@Suite("One error shape across readers")
struct ErrorShapeTests {
    struct Case: CustomTestStringConvertible {
        let reader: String
        let bytes: [UInt8]
        /// The position the error must name (nil: the reader cannot place it; the message is `FILE: REASON`).
        let position: FilePosition?
        let read: @Sendable (String) throws -> Void
        var testDescription: String { reader }
    }

    struct Events: EventSink { mutating func event(_ event: EventView) {} }

    struct Entries: ACLEntrySink {
        var aliases = SIDAliases()
        mutating func entry(path: String, folder: Bool?, descriptor: SecurityDescriptor) {}
        mutating func error(path: String, _ message: String) {}
    }

    static let cases: [Case] = [
        Case(reader: "byte layer (ReadOnlyFile)", bytes: Array("short".utf8), position: .byteOffset(2)) { path in
            _ = try ReadOnlyFile(path: path).bytes(8, at: 2, what: "a header")
        },
        Case(reader: "CSVStream", bytes: Array("a,b\n1,2\n".utf8) + [0] + Array("x\n".utf8), position: .byteOffset(8)) {
            path in
            struct Sink: CSVRecordSink {
                mutating func header(_ r: CSVRecord) throws -> [Int] { [0, 1] }
                mutating func record(_ r: CSVRecord) throws {}
            }
            var sink = Sink()
            _ = try CSVFile(path: path).stream(into: &sink)
        },
        Case(reader: "Procmon CSV", bytes: Array("\"Time\",\"Who\"\n\"1\",\"2\"\n".utf8), position: .header) { path in
            var sink = Events()
            _ = try Trace.read(path: path, into: &sink)
        },
        Case(
            reader: "Procmon PML", bytes: Array("PML_".utf8) + [9, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 1000),
            position: .byteOffset(8)
        ) { path in
            var sink = Events()
            _ = try Trace.read(path: path, into: &sink)
        },
        Case(
            reader: "EVTX", bytes: Array("ElfFile\0".utf8) + [UInt8](repeating: 0, count: 100), position: .byteOffset(0)
        ) { path in
            _ = try EventLogFile(path: path)
        },
        Case(
            reader: "registry hive", bytes: Array("regf".utf8) + [UInt8](repeating: 0, count: 100),
            position: .byteOffset(104)
        ) {
            path in
            _ = try Hive(path: path, applyLogs: false)
        },
        Case(reader: "disk image and NTFS", bytes: [UInt8](repeating: 0, count: 4096), position: .byteOffset(3)) {
            path in
            _ = try NTFSImage(path: path)
        },
        Case(
            reader: "ACL export (Get-Acl CSV)", bytes: Array("\"Name\",\"Owner\"\n\"a\",\"b\"\n".utf8),
            position: .header
        ) {
            path in
            var sink = Entries()
            try GetAclCSVReader(path: path).read(into: &sink)
        },
        Case(reader: "ACL export (icacls)", bytes: [], position: nil) { path in
            var sink = Entries()
            try IcaclsSaveReader(path: path + ".missing").read(into: &sink)
        },
        // A local header, then an end of central directory whose directory lies past it.
        Case(
            reader: "upload archive (zip)",
            bytes: [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 26)
                + [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0, 46, 0, 0, 0, 0xE8, 0x03, 0, 0, 0, 0],
            position: .byteOffset(42)
        ) {
            path in
            let zip = path + ".zip"
            try? FileManager.default.removeItem(atPath: zip)
            try FileManager.default.moveItem(atPath: path, toPath: zip)
            defer { try? FileManager.default.moveItem(atPath: zip, toPath: path) }
            do { _ = try CaseInputs([zip]) } catch var e as CaseError {
                // The member was named by its .zip path; the shape is checked on that name.
                #expect(e.file == zip)
                e = CaseError(e.code, file: path, at: e.position, e.reason)
                throw e
            }
        },
    ]

    @Test("each reader's error names the file, the position and the reason, in one form", arguments: cases)
    func shape(_ c: Case) throws {
        // Cases run in parallel: each in a folder of its own.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "error-shape-\(getpid())-\(c.reader.filter(\.isLetter))"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/input"
        try Data(c.bytes).write(to: URL(fileURLWithPath: path))
        do {
            try c.read(path)
            Issue.record("\(c.reader): the damaged file was read")
        } catch let e as any FileInputError {
            let shown = c.reader == "ACL export (icacls)" ? path + ".missing" : path
            #expect(e.file == shown, "\(c.reader): \(e.message)")
            if let position = c.position { #expect(e.position == position, "\(c.reader): \(e.message)") }
            let expected = [e.file, e.position?.description, e.reason].compactMap { $0 }.joined(separator: ": ")
            #expect(e.message == expected)
            #expect(e.message.hasPrefix(shown + ": "))
            #expect(!e.reason.isEmpty && !e.message.contains("\n"), "\(c.reader): \(e.message)")
            // A position is never written twice: once by the shape, not again by hand in the reason.
            if let p = e.position { #expect(!e.reason.contains(p.description), "\(c.reader): \(e.message)") }
        } catch {
            Issue.record("\(c.reader): \(type(of: error)) is not a FileInputError: \(error)")
        }
    }

    @Test("every position is written as users read it, and a value's error has no file part")
    func positions() throws {
        #expect(FilePosition.byteOffset(7).description == "byte offset 7")
        #expect(FilePosition.row(3).description == "row 3")
        #expect(FilePosition.header.description == "header")
        #expect(FilePosition.line(2).description == "line 2")
        #expect(FilePosition.record(9).description == "record 9")
        #expect(FilePosition.diskOffset(container: "VHDX", offset: 4).description == "VHDX disk byte offset 4")
        do {
            _ = try SDDL.parse("D:(Q;;;;;WD)")
            Issue.record("bad SDDL parsed")
        } catch let e as SecurityError {
            #expect(e.file.isEmpty)
            #expect(e.message == "\(e.position!.description): \(e.reason)")
            #expect(e.message.hasPrefix("SDDL character "))
        }
    }
}
