import WindowsSecurity

/// What an ACL export reader hands on: each entry's security descriptor, or why an entry could not be
/// read (with the file and line or record). The reader knows the export's layout; the receiver judges.
public protocol ACLEntrySink {
    /// How the export's account names (`NT AUTHORITY\NETWORK SERVICE`, `BUILTIN\Users`) become SIDs.
    var aliases: SIDAliases { get }
    /// `folder` nil when the export cannot tell a folder from a file.
    mutating func entry(path: String, folder: Bool?, descriptor: SecurityDescriptor)
    mutating func error(path: String, _ message: String)
}
