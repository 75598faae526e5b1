import CSQLite
import Foundation
import RapportCore
import RapportIngest
import RapportPipeline
@testable import RapportSinks
import Testing

/// SQLite, HTML, pseudonyms, atomic publishing and the lock (OUTPUTS.md, PRODUCT.md).
@Suite(.serialized) struct OutputsTests {
    func lineCount(_ path: String) -> Int { readText(path).split(separator: "\n", omittingEmptySubsequences: false).count - 2 }

    @Test func sqliteTablesHoldWhatTheCSVsHold() throws {
        let run = try runPipeline(repositoryRoot + "/pipelines/weekly.yaml")
        let db = run.dir + "/rapport.sqlite"
        for table in ["trust_report", "metrics", "responses", "conversations", "definitions"] {
            let count = Int(query(db, "SELECT COUNT(*) FROM \(table)")[0][0])!
            // Our CSVs quote embedded newlines, so count records with the reader, not lines.
            #expect(count == (try readCSV(run.dir + "/\(table).csv")).count, "\(table)")
        }
        #expect(query(db, "SELECT COUNT(*) FROM rejects")[0][0] == String(try readCSV(run.dir + "/rejects.csv").count))
        #expect(Int(query(db, "SELECT COUNT(*) FROM interactions")[0][0])! > 4000)
        // Each interaction carries its conversation's partner: the client's side filters by partner too.
        #expect(query(db, "SELECT COUNT(*) FROM interactions WHERE party NOT IN ('client', 'unknown') AND partner <> party") == [["0"]])
        #expect(Int(query(db, "SELECT COUNT(*) FROM interactions WHERE party = 'client' AND partner = 'globex'")[0][0])! > 500)
        #expect(query(db, "SELECT COUNT(*) FROM interactions WHERE partner IS NULL")[0][0] == query(
            db, "SELECT COUNT(*) FROM interactions i WHERE EXISTS (SELECT 1 FROM conversations c WHERE c.source = i.source AND c.conversation = i.conversation AND c.partner IS NULL) OR NOT EXISTS (SELECT 1 FROM conversations c WHERE c.source = i.source AND c.conversation = i.conversation)")[0][0])
        #expect(query(db, "SELECT run_id, records_read, definitions_version FROM runs") == [["test", "4225", "3"]])
        #expect(query(db, "SELECT COUNT(*) FROM latest_trust")[0][0] == "4")
        // partner_periods carries every metric as a column (`.` as `_`), equal to the long table's value.
        let columns = Set(query(db, "SELECT name FROM pragma_table_info('partner_periods')").map { $0[0] })
        let metrics = Set(query(db, "SELECT DISTINCT metric FROM metrics WHERE partner IS NOT NULL AND partner <> ''").map { $0[0].replacingOccurrences(of: ".", with: "_") })
        #expect(metrics.subtracting(columns).isEmpty, "\(metrics.subtracting(columns))")
        #expect(
            query(db, "SELECT p.transparency_proactive_share = m.value FROM partner_periods p JOIN metrics m ON m.period = p.period AND m.partner = p.partner AND m.metric = 'transparency.proactive_share'")
                .allSatisfy { $0 == ["1"] })
        let total = query(db, "SELECT SUM(turns) FROM trust_report")[0][0]
        #expect(total == String(try readCSV(run.dir + "/responses.csv").count))
    }

    @Test func rerunningOneWeekLeavesTheOtherWeeksUnchanged() throws {
        let out = temporaryDirectory() + "/report"
        _ = try runPipeline(repositoryRoot + "/pipelines/weekly.yaml", runID: "all-weeks", out: out)
        let db = out + "/rapport.sqlite"
        let others = "SELECT * FROM metrics WHERE period NOT IN ('2026-W40', 'total') ORDER BY period, partner, metric"
        let before = query(db, others)
        let w40 = query(db, "SELECT * FROM metrics WHERE period = '2026-W40' ORDER BY partner, metric")
        _ = try runPipeline(
            repositoryRoot + "/pipelines/weekly.yaml", runID: "one-week",
            window: WindowRequest(from: LocalDate(year: 2026, month: 9, day: 28)!, to: LocalDate(year: 2026, month: 10, day: 5)!), out: out)
        #expect(query(db, others) == before)
        // The whole-window row describes the latest run (the `runs` table keeps every run's counts).
        #expect(query(db, "SELECT period_start, period_end, value FROM metrics WHERE period = 'total'") == [["2026-09-28", "2026-10-05", "2.0"]])
        #expect(query(db, "SELECT * FROM metrics WHERE period = '2026-W40' ORDER BY partner, metric") == w40)  // idempotent
        #expect(query(db, "SELECT run_id FROM runs ORDER BY run_id") == [["all-weeks"], ["one-week"]])
        #expect(query(db, "SELECT COUNT(DISTINCT period) FROM trust_report")[0][0] == "9")
        // The page's trends come from the database: every week, not only this run's.
        #expect(readText(out + "/report.html").contains("W36"))
        // A run over every stored week starts a new file (nothing to keep) but keeps the record of runs.
        let all = query(db, "SELECT * FROM metrics ORDER BY period, partner, metric")
        _ = try runPipeline(repositoryRoot + "/pipelines/weekly.yaml", runID: "again", out: out)
        #expect(query(db, "SELECT run_id FROM runs ORDER BY run_id") == [["again"], ["all-weeks"], ["one-week"]])
        #expect(query(db, "SELECT * FROM metrics WHERE period <> 'total' ORDER BY period, partner, metric") == all.filter { $0[0] != "total" })
        #expect(query(db, "SELECT period_start, period_end FROM metrics WHERE period = 'total'") == [["2026-08-31", "2026-11-02"]])
    }

    @Test func formulaLikeTextIsNeutralisedInCSVAndKeptRawInSQLite() throws {
        let dir = temporaryDirectory()
        try """
            message_id,thread_id,sent_at,from,to,subject,body
            =HYPERLINK(1),+thread,2026-03-02T09:00:00Z,jane@acme.example,ana@globex.example,@SUM(A1),Please help.
            -reply,+thread,2026-03-02T10:00:00Z,ana@globex.example,jane@acme.example,Re,Done.

            """.write(toFile: dir + "/mail.csv", atomically: true, encoding: .utf8)
        try """
            client: { domains: [acme.example] }
            partners: [{ id: globex, domains: [globex.example] }]
            sources: [{ kind: email, format: rapport-email-csv, path: mail.csv }]

            """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let run = try runPipeline(dir + "/p.yaml", asOf: "2026-03-09")
        let responses = readText(run.dir + "/responses.csv")
        #expect(responses.contains("email,'+thread,1,globex,2026-W10,"))
        #expect(responses.contains(",'=HYPERLINK(1),'-reply"))
        #expect(!responses.contains(",=HYPERLINK") && !responses.contains(",+thread"))
        #expect(query(run.dir + "/rapport.sqlite", "SELECT conversation, opened_by FROM responses") == [["+thread", "=HYPERLINK(1)"]])
    }

    @Test func aFailedRunLeavesThePublishedReportByteForByte() throws {
        let dir = temporaryDirectory()
        try FileManager.default.copyItem(atPath: repositoryRoot + "/fixtures/edge", toPath: dir + "/edge")
        let out = dir + "/report"
        _ = try runPipeline(dir + "/edge/pipeline.yaml", asOf: "2026-04-06", out: out)
        func snapshot() throws -> [String: Data] {
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: out) { files[name] = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name)) }
            return files
        }
        let before = try snapshot()
        // Truncate the gzip export: the next run must fail and publish nothing.
        let gz = try Data(contentsOf: URL(fileURLWithPath: dir + "/edge/c.csv.gz"))
        try gz.prefix(gz.count / 2).write(to: URL(fileURLWithPath: dir + "/edge/c.csv.gz"))
        #expect(throws: RapportError.self) { try runPipeline(dir + "/edge/pipeline.yaml", asOf: "2026-04-06", out: out) }
        #expect(try snapshot() == before)
        // No staging folder is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".new-") }.isEmpty)
    }

    @Test func theCSVFilesAreTheSameWithAndWithoutTheDatabase() throws {
        // Without the database, responses.csv and conversations.csv are written beside the
        // aggregation; with it, after, on the CSV thread: both ways give the same bytes.
        let dir = temporaryDirectory()
        try FileManager.default.copyItem(atPath: repositoryRoot + "/fixtures/edge", toPath: dir + "/edge")
        let csvOnly = dir + "/edge/pipeline.yaml"
        let withDatabase = dir + "/edge/database.yaml"
        try readText(csvOnly).replacingOccurrences(of: "  formats: [csv, json]", with: "  formats: [csv, sqlite]")
            .write(toFile: withDatabase, atomically: true, encoding: .utf8)
        let a = try runPipeline(csvOnly, asOf: "2026-04-06")
        let b = try runPipeline(withDatabase, asOf: "2026-04-06")
        #expect(!FileManager.default.fileExists(atPath: a.dir + "/rapport.sqlite"))
        #expect(FileManager.default.fileExists(atPath: b.dir + "/rapport.sqlite"))
        for name in ["responses.csv", "conversations.csv", "metrics.csv", "trust_report.csv", "rejects.csv"] {
            #expect(readText(a.dir + "/" + name) == readText(b.dir + "/" + name), "\(name)")
        }
        #expect(try readCSV(a.dir + "/responses.csv").count > 10)
        #expect(try readCSV(a.dir + "/conversations.csv").count > 5)
    }

    @Test func pseudonymisedOutputsHoldNoAddress() throws {
        let dir = temporaryDirectory()
        try FileManager.default.copyItem(atPath: repositoryRoot + "/fixtures/edge", toPath: dir + "/edge")
        let pipeline = dir + "/edge/pipeline.yaml"
        try readText(pipeline).replacingOccurrences(of: "  formats: [csv, json]", with: "  formats: [csv, json, sqlite, html]\n  pseudonymize: true")
            .write(toFile: pipeline, atomically: true, encoding: .utf8)
        // Without the key the run refuses (no silent fallback to real names).
        unsetenv("RAPPORT_PSEUDONYM_KEY")
        #expect(throws: RapportError.self) { try runPipeline(pipeline, asOf: "2026-04-06") }
        // A report first published with real names (then pseudonymisation is turned on).
        let out = dir + "/report"
        let plain = dir + "/edge/plain.yaml"
        try readText(pipeline).replacingOccurrences(of: "  pseudonymize: true", with: "").write(toFile: plain, atomically: true, encoding: .utf8)
        _ = try runPipeline(plain, asOf: "2026-03-16", runID: "plain", out: out)
        #expect(readText(out + "/responses.csv").contains("acme.example"))
        setenv("RAPPORT_PSEUDONYM_KEY", "a test key of more than sixteen characters", 1)
        defer { unsetenv("RAPPORT_PSEUDONYM_KEY") }
        let run = try runPipeline(pipeline, asOf: "2026-04-06", out: out)
        // The database does not carry the real names of older periods over: its history restarts, and says so.
        #expect(readText(run.dir + "/report.json").contains("history restarted"))
        #expect(query(run.dir + "/rapport.sqlite", "SELECT run_id FROM runs") == [["test"]])
        for name in [
            "trust_report.csv", "metrics.csv", "responses.csv", "conversations.csv", "attention.csv", "partners.csv", "report.json", "report.html",
            "rapport.sqlite",
        ] {
            let data = try Data(contentsOf: URL(fileURLWithPath: run.dir + "/" + name))
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains("acme.example") && !text.contains("globex.example") && !text.contains("initech.example"), "\(name)")
        }
        let responses = try readCSV(run.dir + "/responses.csv")
        #expect(responses.allSatisfy { $0["opened_by"]!.hasPrefix("p-") })
        // The same key gives the same pseudonyms: figures still join across runs.
        let again = try runPipeline(pipeline, asOf: "2026-04-06", runID: "again", out: dir + "/again")
        #expect(readText(again.dir + "/responses.csv") == readText(run.dir + "/responses.csv"))
        // The same key continues the database's history.
        _ = try runPipeline(pipeline, asOf: "2026-04-06", runID: "next", out: out)
        #expect(query(out + "/rapport.sqlite", "SELECT run_id FROM runs ORDER BY run_id") == [["next"], ["test"]])
        #expect(!readText(out + "/report.json").contains("history restarted"))
        // rejects.csv keeps raw rows, readable by the owner only.
        let mode = try FileManager.default.attributesOfItem(atPath: run.dir + "/rejects.csv")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func theHTMLPageIsSelfContainedAndWellFormed() throws {
        let run = try runPipeline(repositoryRoot + "/pipelines/weekly.yaml")
        let html = readText(run.dir + "/report.html")
        let reader = try XMLStreamReader(source: FileByteSource(path: run.dir + "/report.html"))
        var elements = 0
        var svgs = 0
        while let e = try reader.next() {
            if case .start(let name, _) = e {
                elements += 1
                if name == "svg" { svgs += 1 }
            }
        }
        #expect(elements > 500)
        // Eight charts (trust, response time p50 and p90, volume, escalation, transparency, partner
        // and client politeness), each in a figure with a caption; five legend swatches (four partners, hollow).
        #expect(svgs == 13)
        #expect(html.components(separatedBy: "<figcaption").count - 1 == 8)
        // Hooli's escalation rate in W40 rests on 3 conversations (metrics.csv): a hollow point.
        #expect(html.contains("<title>hooli 2026-W40: 0.0 % (n 3, under min_sample 5: not a full point)</title>"))
        // The SLA targets of weekly.yaml: 8 h for globex, umbrella and hooli (the default), 1 d for initech.
        #expect(html.contains(">target 8 h: globex, umbrella, hooli</text>") && html.contains(">target 24 h: initech</text>"))
        for forbidden in ["<script", "<link", "src=", "@import", "url("] { #expect(!html.contains(forbidden), "\(forbidden)") }
        // The only links are the tickets' own pages (attention lists), never a resource the page loads.
        let hrefs = html.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(!hrefs.isEmpty)
        #expect(hrefs.allSatisfy { $0.hasPrefix("https://helpdesk.acme.example/tickets/T-") })
        let external = html.components(separatedBy: "http").count - 1
        let namespaces = html.components(separatedBy: "http://www.w3.org/").count - 1
        #expect(external == namespaces + hrefs.count)
        #expect(html.contains("Globex BPO"))
        #expect(html.contains("Definitions"))
    }

    @Test func aSecondRunWhileTheFirstHoldsTheLockExits75() throws {
        let dir = temporaryDirectory()
        let out = dir + "/report"
        // Hold the lock as a first run would.
        let fd = open(dir + "/.report.lock", O_RDWR | O_CREAT, 0o644)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        defer {
            flock(fd, LOCK_UN)
            close(fd)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        p.arguments = ["run", repositoryRoot + "/pipelines/weekly.yaml", "--out", out]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 75)
        #expect(message.contains("another rapport run is writing this report"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}

/// The order of conversation names in responses.csv and conversations.csv.
@Suite struct ConversationOrderTests {
    @Test func keysFollowSourceThenNameBytesWithEqualNamesEqual() {
        // Equal first 16 bytes, a prefix, NUL and non-ASCII bytes, one name under two sources,
        // and a name that comes back after others (not contiguous).
        let facts: [(SourceKind, String)] = [
            (.ticket, "thr-123456789012-b"), (.email, "thr-123456789012-b"), (.email, "thr-123456789012-a"), (.email, "thr-123456789012-a"),
            (.email, "thr-123456789012"), (.email, "thr-123456789012\u{0}"), (.email, "Zebra"), (.email, "ärger"), (.email, "thr-123456789012-a"),
            (.meeting, "m1"), (.email, ""),
        ]
        // Sort keys as the fact tables build them: byte order is the table's order.
        func key(_ f: (SourceKind, String)) -> [UInt8] {
            var k = RowKey()
            k.int(sourceRank(f.0))
            k.text(f.1)
            return k.bytes
        }
        let keys = facts.map(key)
        let distinct = Array(Set(keys)).sorted { $0.lexicographicallyPrecedes($1) }
        let ranks = keys.map { k in distinct.firstIndex(of: k)! }
        // By hand: email < meeting < ticket; within e-mail by bytes: "" < "Zebra" < "thr-…012" < "thr-…012\0" < "thr-…-a" < "thr-…-b" < "ärger".
        #expect(ranks == [8, 5, 4, 4, 2, 3, 1, 6, 4, 7, 0])
    }
}

/// Cells written straight into a row's bytes read exactly as their `rendered` text, and
/// as OUTPUTS.md spells them: whole numbers without a fraction, no exponents, RFC 4180
/// quoting, formula-like text neutralised, RFC 3339 timestamps with fractions only when present.
@Suite struct CellRenderingTests {
    static let cases: [(Cell, String)] = [
        (.integer(0), "0"), (.integer(-42), "-42"), (.integer(Int.max), "9223372036854775807"), (.integer(Int.min), "-9223372036854775808"),
        (.number(3600), "3600"), (.number(-0.0), "0"), (.number(-2.5), "-2.5"), (.number(999_999_999_999_999), "999999999999999"),
        (.number(1e15), "1000000000000000"), (.number(1e20), "100000000000000000000"), (.number(1e-7), "0.0000001"),
        (.number(34.08250000000001), "34.08250000000001"), (.number(.nan), ""),
        (.text(""), ""), (.text("plain"), "plain"), (.text("a,b"), "\"a,b\""), (.text("say \"hi\""), "\"say \"\"hi\"\"\""),
        (.text("two\nlines"), "\"two\nlines\""), (.text("=SUM(A1)"), "'=SUM(A1)"), (.text("-1,5"), "\"'-1,5\""), (.text("Zoë ☕"), "Zoë ☕"),
        (.bool(true), "true"), (.empty, ""),
        (.instant(Instant(nanoseconds: 0)), "1970-01-01T00:00:00Z"),
        (.instant(Instant(seconds: 1_772_442_000, nanos: 120_000_000)!), "2026-03-02T09:00:00.12Z"),
        (.instant(Instant(seconds: -1, nanos: 0)!), "1969-12-31T23:59:59Z"),
    ]

    @Test(arguments: cases.indices) func renderedInPlaceAsSpelled(_ k: Int) {
        let (cell, expected) = Self.cases[k]
        var out: [UInt8] = Array("x,".utf8)
        cell.render(into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x," + expected)
        #expect(cell.rendered == expected)
    }
}

/// Texts reach `rapport.sqlite` byte for byte through the row arena that SQLite reads in
/// place: rows of every size (the arena grows between rows), two timestamps in one row,
/// Unicode, empty and formula-like texts, each read back as written.
@Suite struct SQLiteRowTests {
    struct Rows: ReportTable {
        let name = "t"
        let columns = ["a", "b", "c", "d"]
        let rows: [[Cell]]
        func forEachRow(_ body: ([Cell]) throws(RapportError) -> Void) throws(RapportError) { for r in rows { try body(r) } }
    }

    @Test func textsOfEverySizeReadBackAsWritten() throws {
        let path = NSTemporaryDirectory() + "/rapport-rows-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let big = String(repeating: "é,x\"", count: 3_000)  // 15,000 bytes: more than the arena's first 4,096
        let rows: [[Cell]] = [
            [.text("short"), .instant(Instant(seconds: 1_772_442_000, nanos: 120_000_000)!), .integer(7), .text("=SUM(A1)")],
            [.text(big), .text(big + "!"), .empty, .text("")],
            [.instant(Instant(nanoseconds: 0)), .instant(Instant(seconds: -1, nanos: 0)!), .number(2.5), .bool(true)],
            [.text("Zoë ☕"), .text("x"), .date(LocalDate(year: 2026, month: 3, day: 2)!), .number(.nan)],
        ]
        let db = try SQLiteDatabase(path: path)
        try db.execute("CREATE TABLE t (a, b, c, d, run_id)")
        try db.transaction { () throws(RapportError) in try SQLiteReport.insert(db, Rows(rows: rows), extra: [.text("run-1")]) }
        let back = try db.rows("SELECT a, b, c, d, run_id FROM t ORDER BY rowid")
        #expect(back.count == 4)
        #expect(back[0] == ["short", "2026-03-02T09:00:00.12Z", "7", "=SUM(A1)", "run-1"])
        #expect(back[1] == [big, big + "!", nil, "", "run-1"])
        #expect(back[2] == ["1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2.5", "1", "run-1"])
        #expect(back[3] == ["Zoë ☕", "x", "2026-03-02", nil, "run-1"])
    }

    /// Rows go in 32 to a statement: two full statements and a shorter last one keep every
    /// row, in order, with the run's extra column on each.
    @Test func rowsInSeveralStatementsKeepTheirOrder() throws {
        let path = NSTemporaryDirectory() + "/rapport-rows-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rows: [[Cell]] = (0..<70).map { k in [.integer(k), .text(String(repeating: "w", count: k * 37)), .instant(Instant(seconds: Int64(k), nanos: 0)!), .text("r\(k)")] }
        let db = try SQLiteDatabase(path: path)
        try db.execute("CREATE TABLE t (a, b, c, d, run_id)")
        try db.transaction { () throws(RapportError) in try SQLiteReport.insert(db, Rows(rows: rows), extra: [.text("run-2")]) }
        let back = try db.rows("SELECT a, length(b), c, d, run_id FROM t ORDER BY rowid")
        #expect(back.count == 70)
        #expect(back.map { $0[0] } == (0..<70).map { "\($0)" })
        #expect(back.map { $0[1] } == (0..<70).map { "\($0 * 37)" })
        #expect(back[69] == ["69", "2553", "1970-01-01T00:01:09Z", "r69", "run-2"])
        #expect(back.allSatisfy { $0[4] == "run-2" })
    }
}

/// The page in a real browser (headless Chromium, when installed), at a 390 px phone width
/// and at 1280 px: no horizontal scroll, and every text's computed contrast meets WCAG 2.1 AA.
/// Skipped, saying so, where Chromium is absent.
@Suite struct RenderedPageTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The DOM of `path` once headless Chromium has rendered it and run its scripts.
    static func renderedDOM(_ chromium: String, _ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files", "--virtual-time-budget=5000", "--window-size=1400,1000",
            "--dump-dom", "file://" + path,
        ]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The page's scroll width inside an iframe `width` px wide (a desktop window cannot be made that narrow).
    func scrollWidth(_ page: String, width: Int) throws -> Int? {
        guard let chromium = Self.chromium else { return nil }
        let dir = (page as NSString).deletingLastPathComponent
        let frame = """
            <html><body style="margin:0"><iframe id="f" src="report.html" style="width:\(width)px;height:900px;border:0"></iframe>
            <script>document.getElementById("f").onload = function () { document.title = "SW " + this.contentDocument.documentElement.scrollWidth; };</script>
            </body></html>
            """
        try frame.write(toFile: dir + "/frame.html", atomically: true, encoding: .utf8)
        let dom = try Self.renderedDOM(chromium, dir + "/frame.html")
        guard let r = dom.range(of: "<title>SW ") else { return -1 }
        return Int(dom[r.upperBound...].prefix { $0.isNumber })
    }

    /// Renders the page in an iframe `width` px wide, opens every `<details>` (a reader may),
    /// and measures in the page, for every element with text of its own that is laid out, the
    /// WCAG 2.1 contrast ratio of its computed colour (`fill` for SVG text) against its
    /// effective background (the first opaque background up its ancestors, semi-transparent
    /// ones blended over it). Returns the elements checked and those under AA: 4.5, or 3.0 for
    /// large text (24 px, or bold from 18.66 px).
    func contrast(_ page: String, width: Int) throws -> (checked: Int, failures: [String])? {
        guard let chromium = Self.chromium else { return nil }
        let dir = (page as NSString).deletingLastPathComponent
        let script = """
            function parse(c) {
              var m = /rgba?\\(([^)]+)\\)/.exec(c); if (!m) return null;
              var p = m[1].split(/[ ,\\/]+/).filter(function (x) { return x.length; }).map(Number);
              return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
            }
            function lum(c) {
              function ch(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
              return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
            }
            function over(top, base) {
              return { r: top.r * top.a + base.r * (1 - top.a), g: top.g * top.a + base.g * (1 - top.a), b: top.b * top.a + base.b * (1 - top.a), a: 1 };
            }
            function background(el, win) {
              var layers = [];
              for (var n = el; n && n.nodeType === 1; n = n.parentElement) {
                var b = parse(win.getComputedStyle(n).backgroundColor);
                if (b && b.a > 0) { layers.push(b); if (b.a >= 1) break; }
              }
              var base = { r: 255, g: 255, b: 255, a: 1 };
              for (var i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
              return base;
            }
            function measure(doc, win) {
              var details = doc.querySelectorAll("details"); for (var d = 0; d < details.length; d++) details[d].open = true;
              var checked = 0, failures = [];
              var all = doc.body.querySelectorAll("*");
              for (var i = 0; i < all.length; i++) {
                var el = all[i], tag = el.tagName.toLowerCase();
                if (tag === "title" || tag === "style" || tag === "script") continue;
                var own = "";
                for (var k = 0; k < el.childNodes.length; k++) if (el.childNodes[k].nodeType === 3) own += el.childNodes[k].nodeValue;
                own = own.trim(); if (!own) continue;
                var cs = win.getComputedStyle(el);
                if (cs.visibility !== "visible" || cs.display === "none" || el.getClientRects().length === 0) continue;
                var svg = el instanceof win.SVGElement;
                var fg = parse(svg ? cs.fill : cs.color); if (!fg) continue;
                var bg = background(el, win);
                fg = over(fg, bg);
                var l1 = lum(fg), l2 = lum(bg);
                var ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
                var size = parseFloat(cs.fontSize), weight = parseInt(cs.fontWeight, 10);
                var large = size >= 24 || (weight >= 700 && size >= 18.66);
                checked++;
                if (ratio < (large ? 3.0 : 4.5)) {
                  failures.push(tag + "." + (el.getAttribute("class") || "") + " '" + own.slice(0, 40) + "' " + (svg ? cs.fill : cs.color) + " on rgb(" + [bg.r, bg.g, bg.b].map(Math.round).join(",") + ") " + ratio.toFixed(2) + (large ? " (large)" : ""));
                }
              }
              return checked + "\\n" + failures.join("\\n");
            }
            document.getElementById("f").onload = function () {
              var out = document.createElement("pre"); out.id = "contrast";
              out.textContent = "RESULT " + encodeURIComponent(measure(this.contentDocument, this.contentWindow)) + " END";
              document.body.appendChild(out);
            };
            """
        let frame = """
            <html><body style="margin:0"><iframe id="f" src="report.html" style="width:\(width)px;height:900px;border:0"></iframe>
            <script>\(script)</script>
            </body></html>
            """
        try frame.write(toFile: dir + "/contrast.html", atomically: true, encoding: .utf8)
        let dom = try Self.renderedDOM(chromium, dir + "/contrast.html")
        guard let start = dom.range(of: "id=\"contrast\">RESULT "), let end = dom.range(of: " END", range: start.upperBound..<dom.endIndex),
            let text = String(dom[start.upperBound..<end.lowerBound]).removingPercentEncoding
        else { return (0, ["no result in the dumped page"]) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        return (Int(lines.first ?? "") ?? 0, Array(lines.dropFirst()))
    }

    @Test func everyTextMeetsWCAGContrastOnAPhoneAndADesktop() throws {
        guard Self.chromium != nil else {
            print("RenderedPageTests: skipped, Chromium is not installed (apt-get install -y chromium)")
            return
        }
        let run = try runPipeline(repositoryRoot + "/pipelines/weekly.yaml")
        let page = run.dir + "/report.html"
        for width in [390, 1280] {
            let r = try #require(try contrast(page, width: width))
            // The page has cards, lists, eight charts with their tables, the trust table: hundreds of texts.
            #expect(r.checked > 500, "texts checked at \(width) px: \(r.checked)")
            #expect(r.failures.isEmpty, "under WCAG AA at \(width) px:\n\(r.failures.joined(separator: "\n"))")
        }
    }

    @Test func noHorizontalScrollOnAPhoneOrADesktop() throws {
        guard Self.chromium != nil else {
            print("RenderedPageTests: skipped, Chromium is not installed (apt-get install -y chromium)")
            return
        }
        let run = try runPipeline(repositoryRoot + "/pipelines/weekly.yaml")
        let page = run.dir + "/report.html"
        // An iframe's own scroll bar may take 15 px: the content fits when scrollWidth <= width.
        let phone = try scrollWidth(page, width: 390)
        #expect(phone != nil && phone! > 0 && phone! <= 390, "scroll width at 390 px: \(String(describing: phone))")
        let desktop = try scrollWidth(page, width: 1280)
        #expect(desktop != nil && desktop! > 0 && desktop! <= 1280, "scroll width at 1280 px: \(String(describing: desktop))")
    }
}
