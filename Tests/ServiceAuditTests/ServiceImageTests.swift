import Foundation
import NTFS
import RegistryHive
import TestSupport
import Testing

@testable import ServiceAudit

@Suite("services on an NTFS image and its mount that hold a real SYSTEM hive", referenceHives, .serialized)
struct ServiceImageTests {
    /// A volume with SYSTEM_B and its logs at Windows\System32\config, and the binaries of a few services
    /// (MSLLDP's driver, svchost.exe), one of them unreadable by NETWORK SERVICE.
    func makeImage() async throws -> MountedImage {
        let dir = try await ReferenceHives.path("SYSTEM_B")
        let folder = (dir as NSString).deletingLastPathComponent
        _ = try await ReferenceHives.path("SYSTEM_B.LOG1")
        _ = try await ReferenceHives.path("SYSTEM_B.LOG2")
        // O:SYG:SYD:(A;;FA;;;SY)(A;;FR;;;NS), and O:SYG:SYD:(A;;FA;;;SY) (NETWORK SERVICE gets nothing).
        let readable =
            "0100048044000000500000000000000014000000020030000200000000001400ff011f000101000000000005120000000000140089001200010100000000000514000000010100000000000512000000010100000000000512000000"
        let unreadable =
            "01000480300000003c000000000000001400000002001c000100000000001400ff011f00010100000000000512000000010100000000000512000000010100000000000512000000"
        return try await MountedImage.make(
            specText: """
                size 64M
                copy "Windows/System32/config/SYSTEM" "\(folder)/SYSTEM_B"
                copy "Windows/System32/config/SYSTEM.LOG1" "\(folder)/SYSTEM_B.LOG1"
                copy "Windows/System32/config/SYSTEM.LOG2" "\(folder)/SYSTEM_B.LOG2"
                file "Windows/System32/drivers/mslldp.sys" 4096
                file "Windows/System32/svchost.exe" 4096
                file "Windows/System32/vssvc.exe" 4096
                acl "Windows/System32/drivers/mslldp.sys" \(readable)
                acl "Windows/System32/svchost.exe" \(readable)
                acl "Windows/System32/vssvc.exe" \(unreadable)
                """)
    }

    @Test("the image gives the hive file's services and findings, plus the binaries it checked", .imageTests)
    func imageEqualsHive() async throws {
        try requireImages()
        let image = try await makeImage()
        defer { image.unmount() }
        let hiveReport = try audit(try await ReferenceHives.path("SYSTEM_B"))
        let imageReport = try audit(image.image)
        let mountReport = try audit(image.mount)
        #expect(imageReport.logsApplied.count == 2)
        for r in [imageReport, mountReport] {
            #expect(r.imagePathsChecked)
            #expect(r.services == hiveReport.services)
            #expect(r.findings.filter { $0.kind != .imagePath } == hiveReport.findings)
        }
        #expect(!hiveReport.imagePathsChecked)
        #expect(!hiveReport.findings.contains { $0.kind == .imagePath })
        // Image and mount agree on every binary, found through the directory indexes either way.
        #expect(imageReport.findings == mountReport.findings)
        let binaries = imageReport.findings.filter { $0.kind == .imagePath }
        #expect(!binaries.contains { $0.service.uppercased() == "MSLLDP" })
        #expect(!binaries.contains { $0.service == "CryptSvc" })  // svchost.exe is there and readable
        let vss = try #require(binaries.first { $0.service == "VSS" })
        #expect(vss.missing.contains("READ_DATA/LIST_DIRECTORY"))
        #expect(vss.detail.lowercased().contains("cannot read c:\\windows\\system32\\vssvc.exe"))
        let missing = try #require(binaries.first { $0.service == "COMSysApp" })
        #expect(missing.detail.contains("dllhost.exe") && missing.detail.contains("is not on the volume"))
    }
}
