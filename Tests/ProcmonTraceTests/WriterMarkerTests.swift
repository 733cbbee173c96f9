import Testing

@testable import ProcmonTrace
@testable import TraceAudit

@Suite("VSS phase markers")
struct WriterMarkerTests {
    @Test(
        "reads writer, phase and edge from any control set, any case",
        arguments: [
            (
                "HKLM\\System\\CurrentControlSet\\Services\\VSS\\Diag\\System Writer\\IDENTIFY (Enter)",
                "System Writer", "IDENTIFY", WriterMarker.Edge.enter
            ),
            (
                "HKLM\\SYSTEM\\ControlSet001\\services\\vss\\diag\\System Writer\\IDENTIFY (Leave)", "System Writer",
                "IDENTIFY", .leave
            ),
            (
                "\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet002\\Services\\VSS\\Diag\\Registry Writer\\PrepareBackup (Enter)",
                "Registry Writer", "PREPAREBACKUP", .enter
            ),
            (
                "HKLM\\System\\CurrentControlSet\\Services\\VSS\\Diag\\COM+ REGDB Writer\\identify (leave)",
                "COM+ REGDB Writer", "IDENTIFY", .leave
            ),
        ] as [(String, String, String, WriterMarker.Edge)])
    func parses(path: String, writer: String, phase: String, edge: WriterMarker.Edge) {
        let marker = withBytes(path) { WriterMarker.parse(path: $0) }
        #expect(marker == WriterMarker(writer: writer, phase: phase, edge: edge))
    }

    @Test(
        "ignores other registry values",
        arguments: [
            "HKLM\\System\\CurrentControlSet\\Services\\VSS\\Diag",
            "HKLM\\System\\CurrentControlSet\\Services\\VSS\\Diag\\(Default)",
            "HKLM\\System\\CurrentControlSet\\Services\\VSS\\Diag\\System Writer\\Start",
            "HKLM\\System\\CurrentControlSet\\Services\\CryptSvc\\IDENTIFY (Enter)",
        ])
    func ignores(path: String) {
        #expect(withBytes(path) { WriterMarker.parse(path: $0) } == nil)
    }

    @Test("classifies results: access failures, other failures, benign ones")
    func results() {
        #expect(ResultClass.of("ACCESS DENIED") == .accessFailure)
        #expect(ResultClass.of("PRIVILEGE NOT HELD") == .accessFailure)
        #expect(ResultClass.of("SHARING VIOLATION") == .failure)
        #expect(ResultClass.of("0xc0000099") == .failure)
        for benign in ["SUCCESS", "NAME NOT FOUND", "NO MORE FILES", "BUFFER OVERFLOW", "REPARSE", "NO SUCH FILE"] {
            #expect(ResultClass.of(benign) == .benign)
        }
    }
}
