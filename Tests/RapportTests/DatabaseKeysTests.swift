import CSQLite
import Foundation
import RapportCore
import RapportPipeline
import Testing

/// The keys rapport.sqlite declares (OUTPUTS.md, "Keys declared in rapport.sqlite") hold on the
/// fixtures' report, alone and continued, and a database written before keys gains them.
@Suite(.serialized) struct DatabaseKeysTests {
    /// Runs SQL on a database file, writable (the shared `query` helper opens read-only).
    func execute(_ path: String, _ sql: String) throws {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else { throw RapportError(.failed, "cannot open \(path)") }
        defer { sqlite3_close(db) }
        var error: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &error) != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error"
            sqlite3_free(error)
            throw RapportError(.failed, "SQLite: \(message)")
        }
    }

    /// `PRAGMA foreign_key_check` as "table parent" pairs, one per row that references nothing.
    func violations(_ db: String) -> [String] { query(db, "PRAGMA foreign_key_check").map { "\($0[0]) \($0[2])" }.sorted() }

    func primaryKey(_ db: String, _ table: String) -> [String] {
        query(db, "SELECT name FROM pragma_table_info('\(table)') WHERE pk > 0 ORDER BY pk").map { $0[0] }
    }

    func foreignKeys(_ db: String, _ table: String) -> [String] {
        query(db, "SELECT \"table\", group_concat(\"from\", ','), group_concat(\"to\", ',') FROM pragma_foreign_key_list('\(table)') GROUP BY id ORDER BY id")
            .map { "\($0[1]) -> \($0[0])(\($0[2]))" }.sorted()
    }

    /// The weekly pipeline with absolute input paths, written into `dir`, optionally without a partner.
    func pipeline(in dir: String, dropping partner: String? = nil) throws -> String {
        var text = readText(repositoryRoot + "/pipelines/weekly.yaml").replacingOccurrences(of: "../fixtures", with: repositoryRoot + "/fixtures")
        if let partner {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let start = lines.firstIndex(of: "  - id: \(partner)") else { throw RapportError(.failed, "no partner \(partner)") }
            let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("  - id: ") || !$0.hasPrefix("    ") } ?? lines.count
            text = (lines[..<start] + lines[end...]).joined(separator: "\n")
        }
        let path = dir + "/weekly.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theFixturesReportDeclaresItsKeysAndNoRowBreaksThem() throws {
        let run = try runPipeline(repositoryRoot + "/pipelines/weekly.yaml")
        let db = run.dir + "/rapport.sqlite"
        #expect(primaryKey(db, "trust_report") == ["period", "partner"])
        #expect(primaryKey(db, "metrics") == ["period", "partner", "metric"])
        #expect(primaryKey(db, "responses") == ["source", "tracker", "conversation", "turn"])
        #expect(primaryKey(db, "conversations") == ["source", "tracker", "conversation"])
        #expect(primaryKey(db, "partners") == ["partner"])
        for table in ["trust_report", "metrics", "conversations", "interactions"] {
            #expect(foreignKeys(db, table) == ["partner -> partners(partner)"], "\(table)")
        }
        #expect(foreignKeys(db, "responses") == ["partner -> partners(partner)"])
        #expect(
            foreignKeys(db, "attention") == [
                "partner -> partners(partner)", "source,tracker,conversation,turn -> responses(source,tracker,conversation,turn)",
            ])
        #expect(violations(db) == [])
        // What the check rests on: 4 partners; 1,140 turns, 217 of them in attention; 36 trust rows.
        #expect(query(db, "SELECT partner FROM partners ORDER BY partner") == [["globex"], ["hooli"], ["initech"], ["umbrella"]])
        #expect(query(db, "SELECT COUNT(*) FROM responses") == [["1140"]])
        #expect(query(db, "SELECT COUNT(*) FROM attention WHERE turn IS NOT NULL") == [["217"]])
        #expect(query(db, "SELECT COUNT(*) FROM trust_report") == [["36"]])
        // Booleans are integers here too: `WHERE complete = 1` means what it says.
        #expect(query(db, "SELECT typeof(complete), COUNT(*) FROM trust_report GROUP BY 1") == [["integer", "36"]])

        // The check is not vacuous: a row naming an unknown partner and an attention row naming a
        // turn that is not in responses are both reported, and a repeated key is refused.
        let copy = temporaryDirectory() + "/copy.sqlite"
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        try execute(copy, "UPDATE metrics SET partner = 'nobody' WHERE rowid = (SELECT MIN(rowid) FROM metrics WHERE partner = 'globex')")
        try execute(copy, "UPDATE attention SET turn = 999 WHERE rowid = (SELECT MIN(rowid) FROM attention WHERE turn IS NOT NULL)")
        #expect(violations(copy) == ["attention responses", "metrics partners"])
        #expect(throws: RapportError.self) { try execute(copy, "INSERT INTO trust_report (period, partner) SELECT period, partner FROM trust_report LIMIT 1") }
    }

    @Test func aContinuedHistoryKeepsOneRowPerPartnerAndPerAttentionItem() throws {
        let dir = temporaryDirectory()
        let path = try pipeline(in: dir)
        let out = dir + "/report"
        _ = try runPipeline(path, runID: "all", out: out)
        let db = out + "/rapport.sqlite"
        let attention = query(db, "SELECT * FROM attention ORDER BY period, partner, kind, conversation, turn")
        #expect(attention.count == 604)
        // The last two weeks again: their rows are replaced, not added to (before, partners
        // doubled to 8 rows and attention grew to 782).
        _ = try runPipeline(path, runID: "last-two", window: WindowRequest(last: 2), out: out)
        #expect(query(db, "SELECT COUNT(*) FROM partners") == [["4"]])
        #expect(query(db, "SELECT * FROM attention ORDER BY period, partner, kind, conversation, turn") == attention)
        #expect(violations(db) == [])

        // A partner taken out of the pipeline stays in `partners` while stored weeks name it
        // (hooli's W36..W42), so that those rows still reference a partner.
        let without = try pipeline(in: dir, dropping: "hooli")
        _ = try runPipeline(without, runID: "no-hooli", window: WindowRequest(last: 2), out: out)
        #expect(query(db, "SELECT partner, name FROM partners ORDER BY partner") == [
            ["globex", "Globex BPO"], ["hooli", "Hooli Outsourcing"], ["initech", "Initech Support"], ["umbrella", "Umbrella Services"],
        ])
        #expect(query(db, "SELECT COUNT(*) FROM trust_report WHERE partner = 'hooli'") == [["7"]])
        #expect(violations(db) == [])
        // partners.csv is the pipeline's own list.
        #expect(try readCSV(out + "/partners.csv").map { $0["partner"]! } == ["globex", "initech", "umbrella"])
        // A run over every stored week starts afresh: no row names hooli any more, nor does `partners`.
        _ = try runPipeline(without, runID: "no-hooli-all", out: out)
        #expect(query(db, "SELECT partner FROM partners ORDER BY partner") == [["globex"], ["initech"], ["umbrella"]])
        #expect(violations(db) == [])
    }

    @Test func aDatabaseWrittenWithoutKeysGainsThemAndKeepsItsRows() throws {
        let dir = temporaryDirectory()
        let path = try pipeline(in: dir)
        let out = dir + "/report"
        _ = try runPipeline(path, runID: "all", out: out)
        let db = out + "/rapport.sqlite"
        let metrics = query(db, "SELECT * FROM metrics WHERE period NOT IN ('2026-W44', 'total') ORDER BY period, partner, metric")
        #expect(metrics.count > 1500)
        // As an earlier version left it: tables without keys, partners and
        // attention rows repeated by a continued run.
        var legacy = "DROP VIEW latest_trust; DROP VIEW partner_periods;"
        for table in ["trust_report", "metrics", "responses", "conversations", "attention", "partners", "interactions"] {
            legacy += "CREATE TABLE old_\(table) AS SELECT * FROM \(table); DROP TABLE \(table); ALTER TABLE old_\(table) RENAME TO \(table);"
        }
        legacy += "INSERT INTO partners SELECT * FROM partners; INSERT INTO attention SELECT * FROM attention WHERE period <= '2026-W43';"
        try execute(db, legacy)
        #expect(primaryKey(db, "metrics") == [])
        #expect(query(db, "SELECT COUNT(*) FROM partners") == [["8"]])

        _ = try runPipeline(path, runID: "last-one", window: WindowRequest(last: 1), out: out)
        #expect(primaryKey(db, "responses") == ["source", "tracker", "conversation", "turn"])
        #expect(foreignKeys(db, "attention").count == 2)
        #expect(query(db, "SELECT COUNT(*) FROM partners") == [["4"]])
        #expect(query(db, "SELECT COUNT(*) FROM attention") == [["604"]])
        #expect(query(db, "SELECT typeof(complete), COUNT(*) FROM trust_report GROUP BY 1") == [["integer", "36"]])
        #expect(query(db, "SELECT * FROM metrics WHERE period NOT IN ('2026-W44', 'total') ORDER BY period, partner, metric") == metrics)
        #expect(query(db, "SELECT COUNT(*) FROM latest_trust") == [["4"]])
        #expect(violations(db) == [])
    }
}
