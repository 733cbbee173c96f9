import Foundation
import Testing
import WindowsSecurity

@Suite("writer-audit sddl and sid, end to end")
struct SecurityCommandTests {
    @Test("sddl: canonical SDDL, hex, and NETWORK SERVICE's access in JSON; hex decodes back")
    func sddl() async throws {
        let run = try await Run(["sddl", "O:BAG:SYD:PAI(D;OICI;FA;;;NS)(A;OICI;FA;;;SY)", "--format", "json"])
        #expect(run.status == 0)
        let object = try #require(try await JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["sddl"] as? String == "O:BAG:SYD:PAI(D;OICI;FA;;;NS)(A;OICI;FA;;;SY)")
        #expect(object["owner"] as? String == "BA")
        let access = try #require(object["access"] as? [[String: Any]])
        #expect(access.first?["principal"] as? String == "NETWORK SERVICE")
        #expect(access.first?["canReadFile"] as? Bool == false)
        #expect(access.last?["principal"] as? String == "SYSTEM")
        #expect(access.last?["granted"] as? String == "0x001f01ff")
        let back = try await Run(["sddl", "--hex", try #require(object["hex"] as? String)])
        #expect(back.stdout.hasPrefix("O:BAG:SYD:PAI(D;OICI;FA;;;NS)(A;OICI;FA;;;SY)\n"))
    }

    @Test("malformed SDDL or hex: one line with the position, exit 2")
    func malformed() async throws {
        for arguments in [["sddl", "D:(A;;FA;;;XX)"], ["sddl", "--hex", "0100zz"], ["sddl", "--hex", "01000480"]] {
            let run = try await Run(arguments)
            #expect(run.status == 2)
            #expect(run.stderr.filter { $0 == "\n" }.count == 1, "\(run.stderr)")
            #expect(run.stderr.contains("character") || run.stderr.contains("byte offset"))
        }
    }

    @Test("sid --service computes NT SERVICE SIDs")
    func sid() async throws {
        let run = try await Run(["sid", "--service", "CryptSvc"])
        #expect(run.stdout == "S-1-5-80-242729624-280608522-2219052887-3187409060-2225943459\n")
    }
}
