/// The tool's version: `writer-audit --version`, the case's JSON and its report page.
public enum ToolVersion {
    public static let string = "0.25.0"
}
