import Foundation
import TestSupport
import Testing

@testable import WindowsSecurity

@Suite("SIDs, SDDL and security descriptors")
struct SecurityTests {
    @Test("computes service SIDs from the name, as sc showsid does")
    func serviceSID() {
        #expect(SID.service("CryptSvc").description == "S-1-5-80-242729624-280608522-2219052887-3187409060-2225943459")
        #expect(SID.service("cryptsvc") == SID.service("CryptSvc"))
        #expect(
            SID.service("TrustedInstaller").description
                == "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464")
    }

    @Test(
        "parses and prints SDDL as Windows does",
        arguments: [
            ("O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;;0x1200a9;;;BU)", "O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;;0x1200a9;;;BU)"),
            ("D:(A;;GRGX;;;WD)", "D:(A;;GXGR;;;WD)"),
            ("D:NO_ACCESS_CONTROL", "D:NO_ACCESS_CONTROL"),
            ("S:(AU;SA;FA;;;WD)D:(D;;FA;;;NS)", "D:(D;;FA;;;NS)S:(AU;SA;FA;;;WD)"),
            (
                "D:(A;;FA;;;S-1-5-80-242729624-280608522-2219052887-3187409060-2225943459)",
                "D:(A;;FA;;;S-1-5-80-242729624-280608522-2219052887-3187409060-2225943459)"
            ),
        ] as [(String, String)])
    func roundTrip(input: String, canonical: String) throws {
        let sd = try SDDL.parse(input)
        #expect(SDDL.string(sd) == canonical)
        #expect(try SecurityDescriptor.decode(sd.encode()) == SecurityDescriptor.decode(sd.encode()))
        #expect(SDDL.string(try SecurityDescriptor.decode(sd.encode())) == canonical)
    }

    @Test("keeps conditional ACEs as opaque text instead of rejecting them")
    func conditional() throws {
        let sd = try SDDL.parse("D:(XA;;FR;;;WD;(@User.Title == \"PM\"))")
        #expect(SDDL.string(sd) == "D:(XA;;FR;;;WD;(@User.Title == \"PM\"))")
    }

    @Test(
        "rejects malformed SDDL with the character position",
        arguments: ["D:(A;;GA;;;XX)", "D:(A;;GA;;;LG", "Q:(A;;GA;;;WD)", "D:(A;;ZZ;;;WD)", "O:", "D:(AU;SA;CR;;;BA)"])
    func rejects(text: String) {
        #expect(throws: SecurityError(.badSDDL, at: nil, "")) { try SDDL.parse(text) }
    }

    @Test("never reads past the bytes of a truncated or lying descriptor")
    func malformedBinary() throws {
        let good = try SDDL.parse("O:BAG:SYD:(A;;FA;;;SY)(D;OICI;FA;;;NS)").encode()
        for cut in 0..<good.count {
            _ = try? SecurityDescriptor.decode(Array(good.prefix(cut)))
        }
        for i in 0..<good.count {
            for v: UInt8 in [0x00, 0x7F, 0xFF] {
                var b = good
                b[i] = v
                _ = try? SecurityDescriptor.decode(b)
            }
        }
        #expect(throws: SecurityError(.badDescriptor, at: nil, "")) { try SecurityDescriptor.decode([1, 0, 4, 0x80]) }
    }
}

@Suite(
    "SDDL conformance with the Windows-made Samba vectors",
    .enabled(
        if: FileManager.default.fileExists(atPath: SamplesPath.samba) || underCI,
        "../shared/reference is not beside the clone"))
struct ConformanceTests {
    @Test("100% on canonical, non_canonical, should_fail, windows_is_* and every JSON case")
    func all() async throws {
        let work = NSTemporaryDirectory() + "sddl-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { ProcessRun.runToEnd("/bin/rm", ["-rf", work]) }
        let windows = SamplesPath.samba + "/windows"
        for f in try FileManager.default.contentsOfDirectory(atPath: windows) {
            try FileManager.default.copyItem(atPath: windows + "/" + f, toPath: work + "/" + f)
        }
        let data = SamplesPath.samba + "/data"
        for f in try FileManager.default.contentsOfDirectory(atPath: data) {
            if f.hasSuffix(".gz") {
                let out = try await run(
                    "/bin/sh", ["-c", "gzip -dc \"$0\" > \"$1\"", data + "/" + f, work + "/" + String(f.dropLast(3))])
                #expect(out.status == 0)
            } else {
                try FileManager.default.copyItem(atPath: data + "/" + f, toPath: work + "/" + f)
            }
        }
        let results = try SDDLConformance.run(directory: work)
        #expect(results.count == 10)
        #expect(results.reduce(0) { $0 + $1.passed } >= 7427)
        for r in results {
            #expect(r.failed == 0, "\(r.file): \(r.failures.prefix(3))")
        }
    }
}

enum SamplesPath {
    static let samba = ProjectPaths.reference("acl/samba")
}

@Suite("Access check for the System Writer's account")
struct AccessCheckTests {
    func judge(_ sddl: String, folder: Bool = false, token: Token = .networkServiceCryptSvc) throws
        -> AccessCheck.Verdict
    {
        AccessCheck.judge(try SDDL.parse(sddl), token: token, folder: folder)
    }

    @Test("a deny ACE for NETWORK SERVICE before the grant refuses it, and names the ACE")
    func deny() throws {
        let v = try judge("O:BAD:(D;;FA;;;NS)(A;;FA;;;WD)")
        #expect(!v.allowed)
        #expect(v.denyingACE == "(D;;FA;;;NS)")
        #expect(v.denial == .deniedByACE(index: 0, sddl: "(D;;FA;;;NS)"))
    }

    @Test("an allow before a deny keeps the bits it granted (stored order)")
    func order() throws {
        #expect(try judge("D:(A;;FR;;;WD)(D;;FA;;;NS)").allowed)
    }

    @Test("a grant only to other principals: no ACE grants it")
    func noACE() throws {
        let v = try judge("O:BAG:SYD:(A;;FA;;;SY)(A;;FA;;;BA)")
        #expect(!v.allowed)
        #expect(v.denyingACE == nil)
        #expect(v.denial == .noGrantingACE)
        #expect(try judge("O:BAG:SYD:(A;;FA;;;SY)(A;;FA;;;BA)", token: .localSystem).allowed)
    }

    @Test("inherit-only grants do not count; NULL DACL grants all; empty DACL grants nothing")
    func specialDACLs() throws {
        #expect(try !judge("D:(A;OICIIO;FA;;;WD)").allowed)
        #expect(try judge("D:NO_ACCESS_CONTROL").allowed)
        #expect(try judge("O:SY").allowed)
        let empty = try judge("D:")
        #expect(!empty.allowed)
        #expect(empty.denial == .emptyDACL)
    }

    @Test("groups of the CryptSvc token count: Users, the service SID; a folder needs list rights")
    func groups() throws {
        #expect(try judge("D:(A;;0x1200a9;;;BU)", folder: true).allowed)
        let service = SID.service("CryptSvc").description
        #expect(try judge("D:(A;;FR;;;\(service))").allowed)
        #expect(try !judge("D:(A;;0x100080;;;WD)", folder: true).allowed)  // no LIST_DIRECTORY
    }

    @Test("generic bits stored in an effective ACE are not mapped at check time")
    func genericInACE() throws {
        #expect(try !judge("D:(A;;GA;;;WD)").allowed)
    }

    @Test("the owner gets READ_CONTROL and WRITE_DAC unless OWNER RIGHTS says otherwise")
    func owner() throws {
        let sd = try SDDL.parse("O:NSD:")
        #expect(
            AccessCheck.check(sd, token: .networkServiceCryptSvc).granted == AccessMask.readControl
                | AccessMask.writeDAC)
        let limited = try SDDL.parse("O:NSD:(A;;FR;;;OW)")
        #expect(AccessCheck.check(limited, token: .networkServiceCryptSvc).granted == AccessMask.fileGenericRead)
    }
}
