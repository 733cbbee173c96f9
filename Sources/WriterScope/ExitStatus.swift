/// What the process's exit code says, the same for every command (README, "Exit codes").
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Nothing found that stops the writer.
    case nothingFound = 0
    /// A cause found: a finding whose impact is `missing-writer` or `backup-fails`.
    case causeFound = 1
    /// Bad usage, or input that cannot be used (one line on stderr names the file and the place).
    case badInput = 2
    /// A fault of the tool itself.
    case internalError = 3
    /// The evidence cannot decide: the writer's IDENTIFY is not in the capture or did not end, or nothing
    /// in the upload bears on the writer.
    case undecided = 4

    /// 1 when some impact is a cause, else 0.
    public static func judging<S: Sequence>(_ impacts: S) -> ExitStatus where S.Element == Impact {
        impacts.contains(where: \.isCause) ? .causeFound : .nothingFound
    }
}
