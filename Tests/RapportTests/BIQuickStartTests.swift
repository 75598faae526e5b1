import Foundation
import RapportCore
import Testing

/// docs/bi-quickstart.md's example queries, read from the doc itself (its ```sql blocks), run
/// with DuckDB's Python package over the fixtures' rapport.sqlite and, the same text, with
/// Python's sqlite3: both give the rows that metrics.csv, trust_report.csv and responses.csv
/// say they should.
@Suite(.serialized) struct BIQuickStartTests {
    static let doc = repositoryRoot + "/docs/bi-quickstart.md"

    /// Runs every ```sql block of the doc; prints JSON `{engine, note, queries, results}`.
    /// `duckdb` falls back to sqlite3 (and says why in `note`) when DuckDB's Python package
    /// or its sqlite extension is not installed; the extension is DuckDB's own (`LOAD
    /// sqlite`, after an `INSTALL sqlite` online) or PyPI's `duckdb-extension-sqlite-scanner`.
    static let script = #"""
        import json, os, re, sys
        doc, db, wanted = sys.argv[1], sys.argv[2], sys.argv[3]
        queries = re.findall(r"^```sql\n(.*?)^```", open(doc, encoding="utf-8").read(), re.S | re.M)
        note = ""
        def duck():
            import duckdb
            con = duckdb.connect()
            try:
                con.execute("LOAD sqlite")
            except Exception:
                import duckdb_extension_sqlite_scanner as ext
                con.execute("LOAD '%s'" % os.path.join(os.path.dirname(ext.__file__), "extensions", "v" + duckdb.__version__, "sqlite_scanner.duckdb_extension"))
            con.execute("ATTACH '%s' AS r (TYPE sqlite, READ_ONLY)" % db.replace("'", "''"))
            con.execute("USE r")
            return con, "duckdb " + duckdb.__version__
        def lite():
            import sqlite3
            return sqlite3.connect("file:%s?mode=ro" % db, uri=True), "sqlite3 " + sqlite3.sqlite_version
        if wanted == "duckdb":
            try:
                con, engine = duck()
            except Exception as e:
                con, engine = lite()
                note = "DuckDB's Python package or its sqlite extension is not installed (%s: %s); the queries ran with Python's sqlite3 instead (pip install duckdb==1.5.5 duckdb-extension-sqlite-scanner==1.5.5)" % (type(e).__name__, e)
        else:
            con, engine = lite()
        def cell(v):
            if v is None or isinstance(v, (int, float, str)): return v
            try: return float(v)
            except Exception: return str(v)
        results = [[[cell(v) for v in row] for row in con.execute(q).fetchall()] for q in queries]
        print(json.dumps({"engine": engine, "note": note, "queries": queries, "results": results}))
        """#

    struct Answer {
        var engine: String
        var note: String
        var queries: [String]
        var results: [[[Any]]]
    }

    /// Runs the doc's queries with `engine` (`duckdb` or `sqlite3`); nil without python3.
    static func run(_ engine: String, database: String) throws -> Answer? {
        guard let python = which("python3") ?? ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: FileManager.default.isExecutableFile) else {
            return nil
        }
        let dir = temporaryDirectory("rapport-bi")
        try script.write(toFile: dir + "/queries.py", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [dir + "/queries.py", doc, database, engine]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RapportError(.failed, "the doc's queries failed under \(engine): \(errors)")
        }
        return Answer(
            engine: json["engine"] as? String ?? "", note: json["note"] as? String ?? "", queries: json["queries"] as? [String] ?? [],
            results: (json["results"] as? [[[Any]]]) ?? [])
    }

    /// The first `name` on PATH (python3 under pyenv is a shim there).
    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    func number(_ v: Any) -> Double? { (v as? NSNumber)?.doubleValue }
    func text(_ v: Any) -> String? { v as? String }

    @Test func theDocsQueriesGiveTheFiguresOfTheCSVFiles() throws {
        let run = try runPipeline(repositoryRoot + "/pipelines/weekly.yaml")
        let db = run.dir + "/rapport.sqlite"
        guard let duck = try Self.run("duckdb", database: db), let lite = try Self.run("sqlite3", database: db) else {
            print("BIQuickStartTests: skipped: python3 is not installed, so the doc's queries cannot be run")
            return
        }
        if !duck.note.isEmpty { print("BIQuickStartTests: notice: \(duck.note)") }
        print("BIQuickStartTests: ran \(duck.queries.count) queries with \(duck.engine) and \(lite.engine)")
        #expect(duck.queries.count == 4)
        #expect(duck.results.count == 4)
        guard duck.results.count == 4 else { return }
        // The same text gives the same rows in DuckDB and in SQLite.
        #expect(String(describing: duck.results) == String(describing: lite.results))

        let metrics = try metricIndex(run.dir)
        func metric(_ period: String, _ partner: String, _ name: String) -> (value: Double, n: Int)? {
            guard let v = metrics["\(period) \(partner) \(name)"] else { return nil }
            let parts = v.split(separator: " ")
            return (Double(parts[0])!, Int(parts[1])!)
        }
        let trust = try readCSV(run.dir + "/trust_report.csv")
        let names = Dictionary(uniqueKeysWithValues: try readCSV(run.dir + "/partners.csv").map { ($0["partner"]!, $0["name"]!) })

        // 1. Trust by partner and period: the complete periods of trust_report.csv (W36 is
        // partial: the data begins inside it), with SLA attainment and its n from metrics.csv.
        let q1 = duck.results[0]
        let complete = trust.filter { $0["complete"] == "true" }.sorted { ($0["partner"]!, $0["period_start"]!) < ($1["partner"]!, $1["period_start"]!) }
        #expect(q1.count == 32 && complete.count == 32)
        for (row, want) in zip(q1, complete) {
            let p = want["period"]!
            let partner = want["partner"]!
            #expect(text(row[0]) == p && text(row[1]) == partner)
            #expect(abs(number(row[2])! - Double(want["trust_index"]!)!) < 0.005, "\(p) \(partner)")
            #expect(text(row[3]) == want["band"])
            let sla = metric(p, partner, "response.sla_attainment")!
            #expect(abs(number(row[4])! - sla.value * 100) <= 0.05 + 1e-9, "\(p) \(partner)")
            #expect(number(row[5]).map(Int.init) == sla.n, "\(p) \(partner)")
        }
        // Worked by hand from metrics.csv: globex W37, 51 of 52 turns within target = 98.1 %.
        #expect(String(describing: q1.first!) == String(describing: ["2026-W37", "globex", 92.19, "excellent", 98.1, 52] as [Any]))

        // 2. SLA breaches per partner: the sums over periods of n and n·(1 − attainment).
        let periods = Set(trust.map { $0["period"]! })
        var breaches: [(name: String, turns: Int, breached: Int)] = []
        for partner in names.keys {
            var turns = 0
            var breached = 0.0
            for p in periods { if let m = metric(p, partner, "response.sla_attainment") { turns += m.n; breached += (Double(m.n) * (1 - m.value)).rounded() } }
            breaches.append((names[partner]!, turns, Int(breached)))
        }
        breaches.sort { $0.breached != $1.breached ? $0.breached > $1.breached : $0.name < $1.name }
        #expect(duck.results[1].map { "\(text($0[0])!) \(Int(number($0[1])!)) \(Int(number($0[2])!))" } == breaches.map { "\($0.name) \($0.turns) \($0.breached)" })
        #expect(String(describing: duck.results[1].first!) == String(describing: ["Initech Support", 284, 96, 33.8] as [Any]))

        // 3. The five longest answered waits: responses.csv's, each at or above its period's p90.
        let answered = try readCSV(run.dir + "/responses.csv").filter { $0["answered"] == "true" }.sorted { a, b in
            let la = Double(a["latency_s"]!)!
            let lb = Double(b["latency_s"]!)!
            if la != lb { return la > lb }
            return (a["partner"]!, a["conversation"]!, Int(a["turn"]!)!) < (b["partner"]!, b["conversation"]!, Int(b["turn"]!)!)
        }
        let q3 = duck.results[2]
        #expect(q3.count == 5)
        for (row, want) in zip(q3, answered.prefix(5)) {
            #expect(text(row[0]) == want["partner"] && text(row[1]) == want["period"] && text(row[3]) == want["conversation"])
            #expect(number(row[4]).map(Int.init) == Int(want["turn"]!))
            #expect(abs(number(row[5])! - Double(want["latency_s"]!)! / 3600) <= 0.05 + 1e-9)
            let p90 = metric(want["period"]!, want["partner"]!, "response.latency_p90_s")!
            #expect(Double(want["latency_s"]!)! >= p90.value)
        }
        // By hand: thread thr-57-a30858, opened 2026-09-14T07:12:03Z, answered 2026-09-23T13:45:22Z:
        // 801,199 s = 222.6 hours, against an 8-hour target.
        #expect(q3.first.map { "\(text($0[0])!) \(text($0[3])!) \(number($0[5])!) \(number($0[6])!)" } == "initech thr-57-a30858 222.6 8.0")

        // 4. Escalation rate per partner: metrics.csv's escalated and conversations, summed.
        var escalation: [(partner: String, conversations: Int, escalated: Int)] = []
        for partner in names.keys {
            var conversations = 0.0
            var escalated = 0.0
            for p in periods {
                conversations += metric(p, partner, "escalation.conversations")?.value ?? 0
                escalated += metric(p, partner, "escalation.escalated")?.value ?? 0
            }
            escalation.append((partner, Int(conversations), Int(escalated)))
        }
        escalation.sort { a, b in
            let ra = Double(a.escalated) / Double(a.conversations)
            let rb = Double(b.escalated) / Double(b.conversations)
            return ra != rb ? ra > rb : a.partner < b.partner
        }
        #expect(duck.results[3].map { "\(text($0[0])!) \(Int(number($0[1])!)) \(Int(number($0[2])!))" } == escalation.map { "\($0.partner) \($0.conversations) \($0.escalated)" })
        #expect(String(describing: duck.results[3].first!) == String(describing: ["initech", 142, 64, 45.1] as [Any]))
    }
}
