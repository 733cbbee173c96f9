import Testing

@testable import ProcmonTrace
@testable import TraceAudit

@Suite("QueryDirectory Detail")
struct DirectoryListingTests {
    @Test(
        "counts listed names, dots left out, lost slots counted",
        arguments: [
            ("Filter: *, 1: .", 0, 0, true),
            ("0: .., 1: de, 2: es, 3: fr", 3, 0, false),
            // Newer Procmon: FileInformationClass overwrites slot 2 of a continuing call.
            ("0: ., 1: .., FileInformationClass: FileIdBothDirectoryInformation, 3: a.cpx, 4: b.cpx", 3, 1, false),
            ("FileInformationClass: FileFullDirectoryInformation, Filter: gcc.*, 2: gcc.exe", 1, 0, true),
            ("FileInformationClass: FileFullDirectoryInformation, Filter: gcc.*", 0, 0, true),
            ("0: report, final.txt, 1: b.dll", 2, 0, false),
            ("0: a, 1: b, 5: f", 6, 3, false),
            ("", 0, 0, false),
        ] as [(String, Int, Int, Bool)])
    func names(detail: String, names: Int, hidden: Int, starts: Bool) {
        let listing = withBytes(detail) { DirectoryListing(detail: $0) }
        #expect(listing.names == names)
        #expect(listing.hiddenSlots == hidden)
        #expect(listing.startsListing == starts)
        #expect(!listing.truncated)
    }

    @Test("reads the filter of a listing's first call")
    func filter() {
        let listing = withBytes("Filter: *.dll, 1: a.dll") { DirectoryListing(detail: $0) }
        #expect(listing.filter == "*.dll")
        #expect(listing.names == 1)
    }

    @Test("flags a Detail that reached Procmon's 4,095-character cap")
    func cap() {
        var parts: [String] = []
        var i = 0
        while parts.joined(separator: ", ").count < 4095 {
            parts.append("\(i): file\(i).dll")
            i += 1
        }
        let detail = String(parts.joined(separator: ", ").prefix(4095))
        let listing = withBytes(detail) { DirectoryListing(detail: $0) }
        #expect(listing.truncated)
        #expect(listing.names == i)
    }

    @Test(
        "names the folder of a QueryDirectory path",
        arguments: [
            ("C:\\Windows\\WinSxS\\*", "*", "C:\\Windows\\WinSxS"),
            ("D:\\bin\\gcc.*", "gcc.*", "D:\\bin"),
            ("D:\\bin\\gcc.exe", "gcc.exe", "D:\\bin"),
            ("C:\\Windows\\WinSxS", nil, "C:\\Windows\\WinSxS"),
            ("C:\\*", "*", "C:\\"),
        ] as [(String, String?, String)])
    func folder(path: String, filter: String?, expected: String) {
        #expect(WindowState.folder(of: path, filter: filter) == expected)
    }
}
