import WriterScope

/// The `services` command's report: the control set read, every service and driver, and the findings.
public struct ServiceReport: Sendable, Encodable {
    /// The hive file, image or mount that was read.
    public var source: String
    public var controlSet: String
    /// The hive was dirty (sequence numbers differ or a wrong checksum).
    public var dirty: Bool
    public var logsApplied: [String]
    public var warnings: [String]
    public var services: [ServiceConfig]
    public var findings: [ServiceFinding]
    public var vssDiagnostics: VSSDiagnostics
    /// Whether binaries were checked on a volume (an image or mount was given).
    public var imagePathsChecked: Bool
    /// The server's name (`Control\ComputerName\ComputerName`), when the hive has it.
    public var computerName: String? = nil

    /// 1 when a finding stops the writer or the backup (`missing-writer`, `backup-fails`), else 0: a
    /// per-service descriptor the writer cannot read is benign (KB3209092).
    public var exitCode: Int32 { ExitStatus.judging(findings.map(\.impact)).rawValue }
}
