import Foundation
import TestSupport
import Testing

/// Headless Chromium (Debian `chromium`), as the scripts install it.
enum Browser {
    static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Chromium's flags for a root user in a container: no sandbox, no GPU, nothing from the network.
    static let flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
        "--disable-background-networking", "--hide-scrollbars",
    ]

    static func run(_ arguments: [String]) async throws -> ProcessRun {
        guard let path else { throw BrowserMissing() }
        return try await ProcessRun.run("/usr/bin/env", ["timeout", "120", path] + flags + arguments)
    }
}

struct BrowserMissing: Error, CustomStringConvertible {
    var description: String { "chromium is not installed (scripts/setup installs it)" }
}

extension Trait where Self == ConditionTrait {
    /// Tests that open the report in Chromium: skipped where it is missing, always run under CI.
    static var browserTests: Self {
        .enabled(if: Browser.path != nil || underCI, "chromium is not installed (scripts/setup installs it)")
    }
}

@Suite(
    "The case report page in headless Chromium", .browserTests,
    ConditionTrait.enabled(if: ReferenceHives.present || underCI, "../shared/reference is not beside the clone"))
struct CaseReportBrowserTests {
    static let hostileEvtx = "<img src=x onerror=alert(1)>.evtx"
    static let hostileText = "<script>alert(2)<script>.txt"

    /// The bundled case with two hostile file names, its report written with --html.
    func report() async throws -> (dir: String, html: String) {
        let dir = try caseFolder()
        try await script("make-case", [dir + "/upload"])
        try FileManager.default.copyItem(
            atPath: dir + "/upload/Application.evtx", toPath: dir + "/upload/" + Self.hostileEvtx)
        try "notes\n".write(toFile: dir + "/upload/" + Self.hostileText, atomically: true, encoding: .utf8)
        let html = dir + "/report.html"
        let run = try await Run(["case", dir + "/upload", "--html", html])
        #expect(run.status == 1, "\(run.stderr)")
        return (dir, html)
    }

    @Test(
        "from file://: the verdict and the key numbers in the DOM, scripts ran without a console error, names stay text"
    )
    func dom() async throws {
        let (dir, html) = try await report()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try await Browser.run([
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000", "--dump-dom", "file://" + html,
        ])
        #expect(run.status == 0, "\(run.stderr.suffix(500))")
        let dom = run.stdout
        #expect(dom.contains("<span class=\"kind\" id=\"verdict-kind\">folder-limit</span>"))
        #expect(dom.contains("<span class=\"confidence\" id=\"verdict-confidence\">likely</span>"))
        #expect(dom.contains("12,500 files and 0 subfolders"))
        #expect(dom.contains("row 145: folder-limit"))
        // The copy buttons are shown by the page's script: it ran.
        #expect(dom.contains("<button type=\"button\" class=\"copy\" data-target=\"fix-0\">Copy</button>"))
        // Hostile names are text, not elements.
        #expect(dom.contains("&lt;img src=x onerror=alert(1)&gt;.evtx"))
        #expect(dom.contains("&lt;script&gt;alert(2)&lt;script&gt;.txt"))
        #expect(!dom.contains("<img") && !dom.contains("<script>alert(2)"))
        let console = run.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
        #expect(console.isEmpty, "\(console)")
    }

    @Test(
        "readable with JavaScript off: the verdict, the fix and the chain are in the markup, the one script only adds copy buttons"
    )
    func noScript() async throws {
        let (dir, html) = try await report()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("id=\"verdict-kind\">folder-limit</span>") && page.contains("<table id=\"chain\">"))
        #expect(page.contains("data-target=\"fix-0\" hidden>Copy</button>"))
        // One script, the copy buttons'; no network: nothing loaded from elsewhere.
        #expect(
            page.components(separatedBy: "<script").count == 2 && !page.contains("http://")
                && !page.contains("https://"))
    }

    @Test("a screenshot that is not blank")
    func screenshot() async throws {
        let (dir, html) = try await report()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let png = dir + "/report.png"
        let run = try await Browser.run(["--window-size=1100,1800", "--screenshot=" + png, "file://" + html])
        #expect(run.status == 0, "\(run.stderr.suffix(300))")
        // The decompressed pixel rows of a blank page hold a handful of byte values; a page of text and
        // charts hundreds.
        let check = """
            import sys, zlib, struct
            d = open(sys.argv[1], "rb").read()
            assert d[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
            i, idat, w, h = 8, b"", 0, 0
            while i < len(d):
                n, t = struct.unpack(">I4s", d[i:i + 8])
                if t == b"IHDR": w, h = struct.unpack(">II", d[i + 8:i + 16])
                if t == b"IDAT": idat += d[i + 8:i + 8 + n]
                i += 12 + n
            raw = zlib.decompress(idat)
            print(w, h, len(set(raw)), sum(1 for b in raw if b not in (0, 255)) * 100 // len(raw))
            """
        let r = try await ProcessRun.run("/usr/bin/env", ["python3", "-c", check, png])
        let numbers = r.stdout.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(numbers.count == 4 && numbers[0] == 1100 && numbers[1] == 1800, "\(r.stdout) \(r.stderr)")
        #expect(numbers.count == 4 && numbers[2] > 100 && numbers[3] >= 1, "distinct bytes, % not blank: \(r.stdout)")
    }

    /// The bundled collector upload's report (the server named, the tool's version, every input's SHA-256).
    func collectorReport() async throws -> (dir: String, html: String) {
        let (dir, zip) = try await collectorUpload()
        let html = dir + "/report.html"
        let run = try await Run(["case", zip, "--html", html])
        #expect(run.status == 1, "\(run.stderr)")
        return (dir, html)
    }

    /// The page's widths as laid out `width` CSS pixels wide. Headless Chromium's window is at least 500 px
    /// wide, so the page is framed at that width in a harness page (beside it, same folder) whose script
    /// writes the framed document's scroll and client widths into the DOM, read back with --dump-dom.
    func layoutWidth(_ html: String, width: Int) async throws -> (scroll: Int, client: Int) {
        let name = (html as NSString).lastPathComponent
        let harness = html + ".harness-\(width).html"
        try """
        <!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="\(name)" style="width:\(width)px;height:900px;border:0"></iframe>
        <script>document.getElementById("f").addEventListener("load", () => { const d = document.getElementById("f").contentDocument.documentElement; document.body.setAttribute("data-width", d.scrollWidth + "x" + d.clientWidth); });</script></body></html>
        """.write(toFile: harness, atomically: true, encoding: .utf8)
        let run = try await Browser.run([
            "--allow-file-access-from-files", "--window-size=\(max(width, 500) + 20),900", "--virtual-time-budget=2000",
            "--dump-dom", "file://" + harness,
        ])
        #expect(run.status == 0, "\(run.stderr.suffix(300))")
        let found =
            run.stdout.range(of: #"data-width="\d+x\d+""#, options: .regularExpression).map { String(run.stdout[$0]) }
            ?? ""
        let numbers = found.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        try #require(numbers.count == 2, "\(run.stdout.prefix(300))")
        return (numbers[0], numbers[1])
    }

    @Test(
        "the report a customer is sent: server, Windows, tool version and SHA-256s; 375 px wide with no horizontal scroll; screenshots at 375 and 1280 px"
    )
    func customerReport() async throws {
        let (dir, html) = try await collectorReport()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<strong id=\"server-name\">DESKTOP-PM6C56D</strong>"))
        #expect(page.contains("<span id=\"server-windows\">Microsoft Windows 10 Pro (10.0.17763)</span>"))
        let version = try await Run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(page.contains("<span id=\"tool-version\">WriterAudit \(version)</span>"))
        #expect(page.components(separatedBy: "<td class=\"path\">").count > 20)
        let hashes = page.matches(of: /[0-9a-f]{64}/).count
        #expect(hashes >= 20, "every input's SHA-256: \(hashes)")
        let narrow = try await layoutWidth(html, width: 375)
        #expect(
            narrow.client == 375 && narrow.scroll <= narrow.client,
            "at 375 px: scroll width \(narrow.scroll), client \(narrow.client)")
        let wide = try await layoutWidth(html, width: 1280)
        #expect(wide.scroll <= wide.client, "at 1280 px: \(wide)")
        for width in [375, 1280] {
            // 375 px: the framing harness (the window cannot be narrower than 500 px).
            let png = dir + "/report-\(width).png"
            let target = width == 375 ? html + ".harness-375.html" : html
            let run = try await Browser.run([
                "--allow-file-access-from-files", "--window-size=\(max(width, 500)),1600", "--virtual-time-budget=2000",
                "--screenshot=" + png, "file://" + target,
            ])
            #expect(run.status == 0, "\(run.stderr.suffix(300))")
            let size = (try? FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0
            #expect(size > 20_000, "a \(width) px screenshot of \(size) bytes")
        }
    }

    @Test("printed to PDF on A4: the verdict and the server on page 1, read back with pdftotext")
    func printed() async throws {
        let (dir, html) = try await collectorReport()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pdf = dir + "/report.pdf"
        let run = try await Browser.run(["--no-pdf-header-footer", "--print-to-pdf=" + pdf, "file://" + html])
        #expect(run.status == 0, "\(run.stderr.suffix(300))")
        let info = try await ProcessRun.run("/usr/bin/env", ["pdfinfo", pdf])
        #expect(info.status == 0, "\(info.stderr)")
        let pages =
            info.stdout.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap {
                Int($0.split(separator: " ").last ?? "")
            } ?? 0
        #expect(pages >= 1 && pages <= 12, "\(info.stdout)")
        #expect(info.stdout.contains("(A4)"), "\(info.stdout)")
        let first = try await ProcessRun.run("/usr/bin/env", ["pdftotext", "-f", "1", "-l", "1", "-layout", pdf, "-"])
        #expect(first.status == 0, "\(first.stderr)")
        let text = first.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("folder-limit") && text.contains("confirmed"), "\(text.prefix(600))")
        #expect(text.contains("DESKTOP-PM6C56D"))
        #expect(
            text.contains("The System Writer dies in OnIdentify on a folder over the limits"), "\(text.prefix(600))")
    }
}
