/// Which Windows the writer model holds for (WRITER-MODEL.md §7). It was read from a writer that imports the
/// API sets of Windows 8 / Server 2012 (build 9200) and later; Server 2008 R2's writer (6.1, build 7601) was
/// not seen, and there the field's per-folder limits may apply beyond `Windows\Microsoft.NET`. Said as
/// context with confidence possible, rather than applying the newer model silently, and never a cause.
public enum ModelCoverage {
    /// The first build the model was read from: Windows 8 / Server 2012.
    public static let firstBuild = 9200

    /// nil when the model holds for `build` (a `CurrentBuild` value such as "17763"); else what to say.
    public static func judge(build: String) -> Judgement? {
        guard let number = Int(build.prefix(while: \.isNumber)), number > 0, number < firstBuild else { return nil }
        return Judgement(
            .info, .possible,
            why:
                "the System Writer this model was read from is Windows 8 / Server 2012 (build \(firstBuild)) or later; on build \(number) the field's per-folder limits (1,000 subfolders, 10,000 files) may apply beyond Windows\\Microsoft.NET, so folders over them elsewhere are worth a look",
            source: "WRITER-MODEL.md §7")
    }
}
