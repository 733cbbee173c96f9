import Testing
import WriterScope

@Suite("Where the writer reads, and what a folder over the limits means there")
struct WriterModelTests {
    @Test(
        "areas and how the writer reads them",
        arguments: [
            (
                "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319", WriterArea.microsoftNET,
                WriterArea.Reading.walkedFileByFile
            ),
            (
                "C:\\Windows\\Microsoft.NET\\Framework\\v2.0.50727\\Temporary ASP.NET Files\\root", .temporaryASPNET,
                .walkedFileByFile
            ),
            ("C:\\Windows\\WinSxS\\Manifests", .winSxS, .addedWhole),
            ("C:\\Windows\\servicing\\Packages", .servicing, .addedWhole),
            ("C:\\Windows\\System32\\catroot2\\{127D0A1D-4EF2-11D1-8608-00C04FC295EE}", .catalogs, .addedWhole),
            ("C:\\Windows\\System32\\DriverStore\\FileRepository\\x.inf_amd64", .driverStore, .addedWhole),
            ("C:\\Windows\\assembly\\NativeImages_v4.0.30319_64", .assembly, .addedWhole),
            ("C:\\Windows\\Installer", .windows, .notRead),
            ("C:\\Windows\\System32\\LogFiles", .system32, .notRead),
            ("C:\\inetpub\\logs\\LogFiles\\W3SVC1", .outside, .notRead),
            ("\\windows\\MICROSOFT.NET\\x", .microsoftNET, .walkedFileByFile),
        ])
    func areas(_ path: String, _ area: WriterArea, _ reading: WriterArea.Reading) {
        #expect(WriterArea.of(windowsPath: path) == area)
        #expect(area.reading == reading)
    }

    @Test("over the limits: a cause under Microsoft.NET, context with the stock size in WinSxS")
    func folderJudgement() {
        let limits = FolderLimits()
        let net = limits.judge(
            [.files], area: .temporaryASPNET, path: "C:\\Windows\\Microsoft.NET\\x", subfolders: 0, files: 12_000)
        #expect(net.impact == .missingWriter && net.confidence == .likely)
        let sxs = limits.judge([.subfolders], area: .winSxS, path: "C:\\Windows\\WinSxS", subfolders: 15_172, files: 0)
        #expect(sxs.impact == .info)
        #expect(
            sxs.why.contains("15,172 subfolders") && sxs.why.contains("Server 2019 15,172")
                && sxs.why.contains("never walked"))
        let long = limits.judge(
            [.pathLength], area: .microsoftNET, path: "C:\\Windows\\Microsoft.NET\\x", subfolders: 0, files: 1)
        #expect(long.impact == .missingWriter && long.confidence == .confirmed)
        let logs = limits.judge([.files], area: .outside, path: "C:\\inetpub\\logs", subfolders: 0, files: 30_000)
        #expect(logs.impact == .info)
    }

    @Test("path limits: files and subfolders up to 259 characters, a folder listed up to 257")
    func pathLimits() {
        let limits = FolderLimits()
        #expect(!limits.pathTooLong(folder: 257, longestEntry: 259))
        #expect(limits.pathTooLong(folder: 258, longestEntry: 0))
        #expect(limits.pathTooLong(folder: 200, longestEntry: 260))
        #expect(limits.excesses(subfolders: 0, files: 0, pathLength: 240, longestEntryPath: 262) == [.pathLength])
    }

    @Test("the total under Microsoft.NET: stock is context; far above stock a cause unless a folder explains it")
    func total() {
        let limits = FolderLimits()
        #expect(limits.judgeMicrosoftNETTotal(files: 1_980, explainedByAFolder: false).impact == .info)
        #expect(limits.judgeMicrosoftNETTotal(files: 25_000, explainedByAFolder: false).impact == .missingWriter)
        #expect(limits.judgeMicrosoftNETTotal(files: 25_000, explainedByAFolder: true).impact == .info)
    }

    @Test("a denial is a cause where the writer lists or enumerates, context elsewhere")
    func access() {
        #expect(
            WriterAccess.judgeDenied(windowsPath: "C:\\Windows\\WinSxS\\FileMaps\\x.manifest", folder: false).impact
                == .missingWriter)
        #expect(
            WriterAccess.judgeDenied(windowsPath: "C:\\Windows\\Temp\\PendingRenames", folder: true).impact
                == .missingWriter)
        #expect(
            WriterAccess.judgeDenied(
                windowsPath: "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\x", folder: true
            ).impact == .missingWriter)
        #expect(
            WriterAccess.judgeDenied(
                windowsPath: "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\x.dll", folder: false
            ).impact == .info)
        #expect(
            WriterAccess.judgeDenied(windowsPath: "C:\\Windows\\WinSxS\\amd64_x\\y.dll", folder: false).impact == .info)
        #expect(
            WriterAccess.judgeDenied(windowsPath: "C:\\Windows\\System32\\drivers\\x.sys", folder: false).impact
                == .info)
    }

    @Test(
        "a driver ImagePath the writer cannot build (KB968247)",
        arguments: [
            ("C:\\Drivers\\x.sys", true), ("\"C:\\Program Files\\x\\y.sys\"", true),
            ("\\??\\C:\\Drivers\\x.sys", false),
            ("\\SystemRoot\\System32\\drivers\\x.sys", false), ("System32\\drivers\\x.sys", false), ("", false),
        ])
    func driverImagePath(_ path: String, _ broken: Bool) {
        #expect((WriterServices.driverImagePathProblem(path) != nil) == broken)
    }
}
