import BinaryFormat
import Foundation
import RegistryHive
import TestSupport
import Testing

/// One value as the comparison sees it.
struct ValueLine: Equatable, CustomStringConvertible {
    var key: String
    var value: String
    var type: UInt32
    var hex: String
    var description: String { "\(key) : \(value) : 0x\(String(type, radix: 16)) : \(hex.prefix(64))" }
}

/// Every value of the hive in walk order (keys depth first in stored order), through the library.
func libraryValues(_ hive: Hive) -> [(ValueLine, RegistryValue)] {
    var out: [(ValueLine, RegistryValue)] = []
    hive.walk(from: hive.root, path: "") { path, key in
        for v in hive.values(of: key) {
            out.append((ValueLine(key: path.string, value: v.name, type: v.rawType, hex: hexString(v.data)), v))
        }
    }
    return out
}

func hexString(_ b: [UInt8]) -> String { Hex.string(b) }

/// scripts/registry-peer's reading of the hive with python-registry, one line per value.
func peerValues(_ hivePath: String) async throws -> [ValueLine] {
    let r = try await ProcessRun.run(ProjectPaths.script("registry-peer"), [hivePath])
    #expect(r.status == 0, "registry-peer: \(r.stderr.suffix(400))")
    let names: [String: UInt32] = [
        "REG_NONE": 0, "REG_SZ": 1, "REG_EXPAND_SZ": 2, "REG_BINARY": 3, "REG_DWORD": 4, "REG_DWORD_BIG_ENDIAN": 5,
        "REG_LINK": 6, "REG_MULTI_SZ": 7, "REG_RESOURCE_LIST": 8, "REG_FULL_RESOURCE_DESCRIPTOR": 9,
        "REG_RESOURCE_REQUIREMENTS_LIST": 10, "REG_QWORD": 11,
    ]
    return r.stdout.split(separator: "\n").compactMap { line in
        guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] else { return nil }
        let t = o["type"]!
        let type = names[t] ?? UInt32(t.dropFirst(6), radix: 16)!
        return ValueLine(key: o["key"]!, value: o["value"]!, type: type, hex: o["hex"]!)
    }
}

/// How a library value differs from python-registry 1.3.1's reading, where that reading departs from the
/// format (its RegistryParse.py, VKRecord.data_type and raw_data):
/// - it masks the type to 12 bits (DEVPROP_MASK_TYPE), so 0xFFFF0011 reads as 0x11;
/// - for data kept in the value record (4 bytes or less, the size's top bit set) it ignores the size:
///   REG_SZ, REG_EXPAND_SZ, REG_DWORD and the types it does not know give the whole 4-byte field, REG_MULTI_SZ
///   gives nothing, REG_DWORD_BIG_ENDIAN, REG_QWORD and FILETIME (0x10) read a cell the field does not point to.
/// Returns nil when the two agree under those rules, else why not.
func disagreement(_ mine: ValueLine, _ v: RegistryValue, _ peer: ValueLine) -> String? {
    guard mine.key == peer.key, mine.value == peer.value else { return "a different value in this place" }
    let masked = mine.type & 0xFFF
    guard masked == peer.type else {
        return "type 0x\(String(mine.type, radix: 16)) read as 0x\(String(peer.type, radix: 16))"
    }
    if mine.hex == peer.hex { return nil }
    guard v.storedInRecord else { return "data differs" }
    switch masked {
    case 7: return peer.hex.isEmpty ? nil : "record data differs"
    case 5, 11, 0x10: return nil  // python-registry reads an unrelated cell
    default: return peer.hex.count == 8 && peer.hex.hasPrefix(mine.hex) ? nil : "record data differs"
    }
}
