/// How the analysis judges a Procmon Result.
public enum ResultClass: Equatable, Sendable {
    /// Success, or a status that is part of normal work (end of a listing, a probe for a missing name ...).
    case benign
    /// The caller was refused access: the evidence of a permissions problem.
    case accessFailure
    /// Any other failure (sharing violation, out of resources, unknown status ...).
    case failure

    /// Results that normal enumeration and probing produce all the time.
    static let benignResults: Set<String> = [
        "SUCCESS", "NAME NOT FOUND", "PATH NOT FOUND", "NO MORE FILES", "NO SUCH FILE", "NO MORE ENTRIES",
        "BUFFER OVERFLOW", "BUFFER TOO SMALL", "REPARSE", "END OF FILE", "NOT REPARSE POINT", "FAST IO DISALLOWED",
        "IS DIRECTORY", "NAME COLLISION", "FILE LOCKED WITH ONLY READERS", "FILE LOCKED WITH WRITERS",
        "OPLOCK NOT GRANTED", "NOTIFY CLEANUP", "NOTIFY ENUM DIR", "MORE ENTRIES", "OPLOCK BREAK IN PROGRESS",
        "NOT GRANTED", "INVALID DEVICE REQUEST", "NOT A DIRECTORY", "NAME INVALID", "OBJECT NAME NOT FOUND",
        "NO EAS ON FILE", "EAS NOT SUPPORTED", "CANCELLED", "NOT SUPPORTED", "INVALID PARAMETER", "",
    ]

    static let accessResults: Set<String> = ["ACCESS DENIED", "PRIVILEGE NOT HELD"]

    public static func of(_ result: String) -> ResultClass {
        let key = result.trimmingSpaces().uppercased()
        if accessResults.contains(key) { return .accessFailure }
        return benignResults.contains(key) ? .benign : .failure
    }

    /// The hot-path test: SUCCESS is by far the most common result, decided without a String.
    @inline(__always)
    static func isSuccess(_ result: UnsafeRawBufferPointer) -> Bool { Bytes.equals(result, "SUCCESS") }
}
