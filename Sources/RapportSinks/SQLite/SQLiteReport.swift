import CSQLite
import Glibc
import RapportCore

/// One run, as the `runs` table records it.
public struct RunRecord: Sendable {
    public var runID: String
    public var startedAt: Instant
    public var pipeline: String
    public var periodKind: String
    public var windowFirst: String?
    public var windowLast: String?
    public var asOf: Instant?
    /// Input files with their size and SHA-256.
    public var inputs: [(file: String, bytes: Int64, sha256: String)]
    public var recordsRead: Int
    public var used: Int
    public var duplicates: Int
    public var rejected: Int
    public var turns: Int
    public var conversations: Int
    public var definitionsVersion: String
    /// `--run-id` fixed the run: no wall-clock value is stored (`started_at` NULL, `seconds` 0).
    public var deterministic = false
    public var toolVersion: String
    public var seconds: Double
    /// Names the pseudonym key (a pseudonym of a fixed text), empty without pseudonyms: rows
    /// written under another key, or under none, do not join with this run's.
    public var pseudonymKeyID: String

    public init(
        runID: String, startedAt: Instant, pipeline: String, periodKind: String, windowFirst: String?, windowLast: String?, asOf: Instant?,
        inputs: [(file: String, bytes: Int64, sha256: String)], recordsRead: Int, used: Int, duplicates: Int, rejected: Int, turns: Int,
        conversations: Int, definitionsVersion: String, toolVersion: String, seconds: Double, pseudonymKeyID: String
    ) {
        self.pseudonymKeyID = pseudonymKeyID
        self.runID = runID
        self.startedAt = startedAt
        self.pipeline = pipeline
        self.periodKind = periodKind
        self.windowFirst = windowFirst
        self.windowLast = windowLast
        self.asOf = asOf
        self.inputs = inputs
        self.recordsRead = recordsRead
        self.used = used
        self.duplicates = duplicates
        self.rejected = rejected
        self.turns = turns
        self.conversations = conversations
        self.definitionsVersion = definitionsVersion
        self.toolVersion = toolVersion
        self.seconds = seconds
    }
}

/// `rapport.sqlite`: the CSV tables plus `interactions` and `runs`, for BI tools that open
/// SQLite directly. History accumulates: a run replaces only the periods it covers, in one
/// transaction, so rerunning a period is idempotent and older periods stay.
public enum SQLiteReport {
    /// Tables replaced period by period (they have a `period` column).
    static let periodTables = ["trust_report", "metrics", "responses", "conversations", "interactions", "attention"]

    /// The keys declared (OUTPUTS.md, "Keys declared in rapport.sqlite"). `partner_periods` and
    /// `latest_trust` are views over `trust_report`, whose key they share.
    static let primaryKeys: [String: [String]] = [
        "trust_report": ["period", "partner"], "metrics": ["period", "partner", "metric"],
        "responses": ["source", "tracker", "conversation", "turn"], "conversations": ["source", "tracker", "conversation"],
        "partners": ["partner"],
    ]

    /// The foreign keys a table declares: every `partner` column references `partners` (an empty
    /// partner is NULL, which references nothing), and an attention row about a turn references
    /// that turn in `responses` (rows about a conversation have no turn, NULL). Not declared,
    /// because they do not always hold: responses, attention and interactions referencing
    /// `conversations`, which lists conversations *opened* in the window: a run over the last
    /// weeks has turns of conversations opened before them (8 of 270 turns with `--last 2` over
    /// the fixtures).
    static func foreignKeys(_ table: any ReportTable) -> [String] {
        var keys: [String] = []
        if table.name != "partners" && table.columns.contains("partner") { keys.append("FOREIGN KEY (partner) REFERENCES partners (partner)") }
        if table.name == "attention" {
            keys.append("FOREIGN KEY (source, tracker, conversation, turn) REFERENCES responses (source, tracker, conversation, turn)")
        }
        return keys
    }
    /// Updates (or creates) the database at `path` with this run's tables; `carryingRunsFrom`
    /// names a database whose `runs` rows a new file keeps.
    public static func write(
        path: String, tables: [any ReportTable], rejects: RejectsTable, run: RunRecord, windowLabels: [String],
        carryingRunsFrom previous: String? = nil
    ) throws(RapportError) {
        let db = try SQLiteDatabase(path: path)
        if let previous { try db.execute("ATTACH DATABASE '\(previous.replacingAll("'", with: "''"))' AS previous") }
        // The file is a private copy in the staging folder, published by rename only when the run
        // succeeds, so SQLite's own journal and syncs buy nothing: a failed run abandons the copy.
        // One fsync after closing makes it durable before the rename. (A database is only ever
        // continued under the same pseudonym key, see `continues`, so deleted rows hold nothing
        // the kept ones do not.)
        // The keys are declared for the tools that read them (and checked by the tests with
        // `PRAGMA foreign_key_check`), not enforced row by row while the run writes.
        try db.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536; PRAGMA foreign_keys = OFF")
        try db.transaction { () throws(RapportError) in
            try createSchema(db, tables: tables + [rejects])
            // Other runs' records carry over; this run id's is written anew below, so that a
            // rerun with the same --run-id gives the same file, byte for byte.
            if previous != nil {
                try db.execute("INSERT OR IGNORE INTO runs SELECT * FROM previous.runs WHERE run_id <> '\(run.runID.replacingAll("'", with: "''"))'")
            }
            // Replace the periods this run covers (and the whole-window rows), nothing else. When
            // no other period is stored, empty the table whole: SQLite then drops pages instead of
            // visiting every row and index entry.
            let labels = (windowLabels + ["total"]).map { "'" + $0.replacingAll("'", with: "''") + "'" }.joined(separator: ",")
            for t in tables where periodTables.contains(t.name) {
                let others = try db.rows("SELECT EXISTS (SELECT 1 FROM \(t.name) WHERE period NOT IN (\(labels)))")
                try db.execute("DELETE FROM \(t.name)" + (others.first?.first == "0" ? "" : " WHERE period IN (\(labels))"))
            }
            // Rejects are the inputs' as this run read them (every run reads them all): replaced, never accumulated.
            try db.execute("DELETE FROM definitions; DELETE FROM rejects")
            // Partners are the pipeline's, replaced; one no longer configured stays while stored
            // periods still name it, so that no row's partner references nothing.
            let partners = tables.contains { $0.name == "partners" }
            if partners { try db.execute("CREATE TEMP TABLE earlier_partners AS SELECT * FROM partners; DELETE FROM partners") }
            for t in tables { try insert(db, t, extra: []) }
            if partners { try keepEarlierPartners(db, tables: tables) }
            try insert(db, rejects, extra: [.text(run.runID)])
            try insertRun(db, run)
            try createIndexes(db, tables: tables + [rejects])
        }
        if previous != nil { try db.execute("DETACH DATABASE previous") }
        try db.close()
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        defer { if fd >= 0 { close(fd) } }
        if fd < 0 || fsync(fd) != 0 { throw RapportError(.failed, file: path, "fsync failed: \(String(cString: strerror(errno)))") }
    }

    /// Puts back the partners of earlier runs that this run's pipeline no longer names but
    /// stored rows still refer to (their last known name and rules).
    static func keepEarlierPartners(_ db: SQLiteDatabase, tables: [any ReportTable]) throws(RapportError) {
        let referring = tables.filter { $0.name != "partners" && $0.columns.contains("partner") }
            .map { "EXISTS (SELECT 1 FROM \($0.name) r WHERE r.partner = e.partner)" }
        if !referring.isEmpty {
            try db.execute(
                """
                INSERT INTO partners SELECT e.* FROM temp.earlier_partners e
                WHERE e.rowid IN (SELECT MAX(rowid) FROM temp.earlier_partners GROUP BY partner)
                  AND e.partner NOT IN (SELECT partner FROM partners) AND (\(referring.joined(separator: " OR ")))
                """)
        }
        try db.execute("DROP TABLE temp.earlier_partners")
    }

    /// The period and partner indexes. Created after the rows go in: building an index over a
    /// filled table sorts once, where keeping it during the inserts walks it per row (a database
    /// carried over from an earlier run already has them, and keeps them up to date).
    static func createIndexes(_ db: SQLiteDatabase, tables: [any ReportTable]) throws(RapportError) {
        for t in tables {
            if t.columns.contains("period") {
                try db.execute("CREATE INDEX IF NOT EXISTS \(t.name)_period ON \(t.name) (period\(t.columns.contains("partner") ? ", partner" : ""))")
            }
            if t.columns.contains("partner") {
                try db.execute("CREATE INDEX IF NOT EXISTS \(t.name)_partner ON \(t.name) (partner)")
            }
        }
    }

    static func sqlType(_ column: String, table: String) -> String {
        switch column {
        case "trust_index", "trust_index_delta", "coverage", "responsiveness", "escalation", "reliability", "clarity", "engagement", "transparency",
            "respect", "value",
            "latency_s", "business_latency_s", "target_s":
            return "REAL"
        case "conversations", "turns", "messages", "n", "turn", "answered", "first_response", "breached", "escalated", "resolved", "reopened",
            "record", "public", "acknowledgement", "automated", "ignored", "politeness", "complete":
            return "INTEGER"
        default: return "TEXT"
        }
    }

    /// Every metric of metrics.csv as a column of `partner_periods` (OUTPUTS.md): the name with
    /// `.` replaced by `_`, from one pivot of `metrics` joined on (period, partner). Names the
    /// view already has (`escalation_rate`) are not repeated.
    static func wideMetrics(_ tables: [any ReportTable]) -> (columns: String, join: String) {
        let existing: Set<String> = ["latency_p50_s", "latency_p90_s", "sla_attainment", "escalation_rate", "client_politeness"]
        let metrics = (tables.compactMap { $0 as? DefinitionsTable }.first?.definitions ?? []).map(\.metric)
            .filter { !$0.hasPrefix("trust.") && $0 != "quality.rejected" }
            .filter { !existing.contains($0.replacingAll(".", with: "_")) && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." } }
        guard !metrics.isEmpty else { return ("", "") }
        let columns = metrics.map { ",\n  w.\($0.replacingAll(".", with: "_"))" }.joined()
        let pivot = metrics.map { "MAX(CASE WHEN metric = '\($0)' THEN value END) AS \($0.replacingAll(".", with: "_"))" }.joined(separator: ", ")
        let join = "\nLEFT JOIN (SELECT period, partner, \(pivot) FROM metrics WHERE partner IS NOT NULL AND partner <> '' GROUP BY period, partner) w"
            + " ON w.period = t.period AND w.partner = t.partner"
        return (columns, join)
    }

    static func createSchema(_ db: SQLiteDatabase, tables: [any ReportTable]) throws(RapportError) {
        let wide = wideMetrics(tables)
        // Views first: a table rebuilt below must not leave a view naming a table that is gone.
        try db.execute("DROP VIEW IF EXISTS latest_trust")
        try db.execute("DROP VIEW IF EXISTS partner_periods")
        for t in tables {
            try db.execute("CREATE TABLE IF NOT EXISTS \(t.name) (\(definition(t)))")
            try addMissingColumns(db, table: t)
            try declareKeys(db, table: t)
        }
        try db.execute(
            """
            CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, started_at TEXT, pipeline TEXT, period_kind TEXT, window_first TEXT,
              window_last TEXT, as_of TEXT, inputs TEXT, records_read INTEGER, used INTEGER, duplicates INTEGER, rejected INTEGER,
              turns INTEGER, conversations INTEGER, definitions_version TEXT, tool_version TEXT, seconds REAL, pseudonym_key TEXT)
            """)
        // Where a BI user starts: the headline figures per partner and period, and each partner's latest period.
        // Views hold no data: they are made again (dropped above), so that a database of an earlier version gains their new columns.
        try db.execute(
            """
            CREATE VIEW partner_periods AS
            SELECT t.period, t.period_start, t.period_end, t.partner, t.trust_index, t.trust_index_delta, t.band, t.coverage,
              t.responsiveness, t.escalation, t.reliability, t.clarity, t.engagement, t.conversations, t.turns, t.messages,
              (SELECT value FROM metrics m WHERE m.period = t.period AND m.partner = t.partner AND m.metric = 'response.latency_p50_s') AS latency_p50_s,
              (SELECT value FROM metrics m WHERE m.period = t.period AND m.partner = t.partner AND m.metric = 'response.latency_p90_s') AS latency_p90_s,
              (SELECT value FROM metrics m WHERE m.period = t.period AND m.partner = t.partner AND m.metric = 'response.sla_attainment') AS sla_attainment,
              (SELECT value FROM metrics m WHERE m.period = t.period AND m.partner = t.partner AND m.metric = 'escalation.rate') AS escalation_rate,
              t.transparency, t.respect, t.complete,
              (SELECT value FROM metrics m WHERE m.period = t.period AND m.partner = t.partner AND m.metric = 'respect.client.politeness') AS client_politeness\(wide.columns)
            FROM trust_report t\(wide.join)
            """)
        try db.execute(
            """
            CREATE VIEW latest_trust AS
            SELECT p.* FROM partner_periods p
            WHERE p.period_start = (SELECT MAX(t.period_start) FROM trust_report t WHERE t.partner = p.partner)
            """)
    }

    /// A table's columns with their types, then its keys.
    static func definition(_ t: any ReportTable) -> String {
        var parts = t.columns.map { "\"\($0)\" \(sqlType($0, table: t.name))" }
        if t.name == "rejects" { parts.append("run_id TEXT") }
        if let key = primaryKeys[t.name] { parts.append("PRIMARY KEY (\(key.joined(separator: ", ")))") }
        return (parts + foreignKeys(t)).joined(separator: ", ")
    }

    /// A database written before keys were declared has tables without them, and SQLite cannot
    /// add a constraint to a table: such a table is made again with its keys and its rows copied
    /// (rows repeating a key, which older versions could leave in `partners` and `attention`,
    /// are copied once).
    static func declareKeys(_ db: SQLiteDatabase, table t: any ReportTable) throws(RapportError) {
        let wantsKey = primaryKeys[t.name] != nil
        let wantsForeign = !foreignKeys(t).isEmpty
        guard wantsKey || wantsForeign else { return }
        let hasKey = try db.rows("SELECT COUNT(*) FROM pragma_table_info('\(t.name)') WHERE pk > 0").first?.first != "0"
        let hasForeign = try db.rows("SELECT COUNT(*) FROM pragma_foreign_key_list('\(t.name)')").first?.first != "0"
        if hasKey == wantsKey && hasForeign == wantsForeign { return }
        let columns = (t.columns + (t.name == "rejects" ? ["run_id"] : [])).map { "\"\($0)\"" }.joined(separator: ", ")
        // attention has no key of its own; earlier versions appended a continued run's rows to the stored ones.
        let once = t.name == "attention" ? " WHERE rowid IN (SELECT MIN(rowid) FROM \(t.name) GROUP BY \(columns))" : ""
        try db.execute(
            """
            CREATE TABLE \(t.name)__keyed (\(definition(t)));
            INSERT OR IGNORE INTO \(t.name)__keyed (\(columns)) SELECT \(columns) FROM \(t.name)\(once) ORDER BY rowid;
            DROP TABLE \(t.name);
            ALTER TABLE \(t.name)__keyed RENAME TO \(t.name)
            """)
    }

    /// A database written by an earlier version lacks the columns appended since (OUTPUTS.md:
    /// columns are appended, never renamed): they are added, empty for the rows already there.
    static func addMissingColumns(_ db: SQLiteDatabase, table: any ReportTable) throws(RapportError) {
        let present = Set(try db.rows("SELECT name FROM pragma_table_info('\(table.name)')").compactMap { $0.first ?? nil })
        for column in table.columns where !present.contains(column) {
            try db.execute("ALTER TABLE \(table.name) ADD COLUMN \"\(column)\" \(sqlType(column, table: table.name))")
        }
    }

    /// Inserts the table's rows, each followed by `extra`. Rows go in several to a statement
    /// (`INSERT ... VALUES (...), (...)`): SQLite's work per statement is then shared.
    static func insert(_ db: SQLiteDatabase, _ table: any ReportTable, extra: [SQLValue]) throws(RapportError) {
        let columns = table.columns.count
        let width = columns + extra.count
        let rowsPerStatement = max(1, min(32, 999 / width))  // 999: the oldest SQLite's limit on parameters
        func statement(rows: Int) throws(RapportError) -> SQLiteStatement {
            let row = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
            return try db.prepare("INSERT INTO \(table.name) VALUES " + Array(repeating: row, count: rows).joined(separator: ", "))
        }
        let full = try statement(rows: rowsPerStatement)
        // Cells bound as they are (raw text, no spreadsheet neutralisation; numbers; 0/1
        // booleans; RFC 3339 instants; NULL for empty cells and non-finite numbers), without
        // an `SQLValue` (a String retained and released per text); texts, dates and timestamps
        // through the arena, which SQLite reads in place.
        let arena = RowArena()
        var scratch: [UInt8] = []
        scratch.reserveCapacity(64)
        var pending: [Cell] = []
        pending.reserveCapacity(rowsPerStatement * columns)

        func run(_ statement: SQLiteStatement) throws(RapportError) {
            var needed = 0
            for cell in pending {
                switch cell {
                case .text(let s): needed += s.utf8.count * 6  // control characters grow to `\u00XX`
                case .instant: needed += 40  // "-yyyy-mm-ddThh:mm:ss.nnnnnnnnnZ" at most
                case .date: needed += 16  // "-yyyy-mm-dd" at most
                default: break
                }
            }
            arena.start(needing: needed)
            for (k, cell) in pending.enumerated() {
                let i = k / columns * width + k % columns
                switch cell {
                case .text(let s): statement.bindTextInPlace(arena.keep(CSVFormatting.escapingControls(s)), at: i)
                case .number(let d): if d.isFinite { statement.bindReal(d, at: i) } else { statement.bindNull(at: i) }
                case .integer(let n): statement.bindInteger(Int64(n), at: i)
                case .bool(let b): statement.bindInteger(b ? 1 : 0, at: i)
                case .instant(let t):
                    scratch.removeAll(keepingCapacity: true)
                    t.appendRFC3339(to: &scratch)
                    statement.bindTextInPlace(scratch.withUnsafeBufferPointer { arena.keep($0) }, at: i)
                case .date(let d): statement.bindTextInPlace(arena.keep(d.description), at: i)
                case .empty: statement.bindNull(at: i)
                }
            }
            for row in 0..<(pending.count / columns) {
                for (i, value) in extra.enumerated() { statement.bind(value, at: row * width + columns + i) }
            }
            try statement.run()
            pending.removeAll(keepingCapacity: true)
        }

        try table.forEachRow { (cells) throws(RapportError) in
            precondition(cells.count == columns, "\(table.name): a row of \(cells.count) cells for \(columns) columns")
            pending.append(contentsOf: cells)
            if pending.count == rowsPerStatement * columns { try run(full) }
        }
        if !pending.isEmpty { try run(try statement(rows: pending.count / columns)) }
    }

    static func insertRun(_ db: SQLiteDatabase, _ r: RunRecord) throws(RapportError) {
        let inputs = "[" + r.inputs.map { "{\"file\": \(JSONValue.escape($0.file)), \"bytes\": \($0.bytes), \"sha256\": \"\($0.sha256)\"}" }.joined(separator: ", ") + "]"
        let s = try db.prepare("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        try s.run([
            .text(r.runID), r.deterministic ? .null : .text(r.startedAt.rfc3339), .text(r.pipeline), .text(r.periodKind), .optional(r.windowFirst), .optional(r.windowLast),
            .optional(r.asOf?.rfc3339), .text(inputs), .integer(Int64(r.recordsRead)), .integer(Int64(r.used)), .integer(Int64(r.duplicates)),
            .integer(Int64(r.rejected)), .integer(Int64(r.turns)), .integer(Int64(r.conversations)), .text(r.definitionsVersion),
            .text(r.toolVersion), .real(r.seconds), .text(r.pseudonymKeyID),
        ])
    }

    /// True when the database at `path` may be continued by a run with this pseudonym key id:
    /// its latest run used the same key (or, both, none). Otherwise history restarts, so that
    /// real names never sit beside pseudonyms, nor pseudonyms of two keys that cannot join.
    public static func continues(path: String, pseudonymKeyID: String) -> Bool {
        guard let db = try? SQLiteDatabase(path: path, readOnly: true),
            let rows = try? db.rows("SELECT pseudonym_key FROM runs ORDER BY rowid DESC LIMIT 1")
        else { return false }
        return rows.isEmpty || rows[0][0] == pseudonymKeyID
    }

    /// True when every period row of the database at `path` belongs to `windowLabels` (or
    /// `total`): a run over that window replaces all of it, so it starts a new file and carries
    /// only the `runs` table over instead of copying and emptying the whole database.
    public static func isCoveredEntirely(path: String, windowLabels: [String]) -> Bool {
        guard let db = try? SQLiteDatabase(path: path, readOnly: true) else { return false }
        let labels = (windowLabels + ["total"]).map { "'" + $0.replacingAll("'", with: "''") + "'" }.joined(separator: ",")
        for table in periodTables {
            guard let rows = try? db.rows("SELECT EXISTS (SELECT 1 FROM \(table) WHERE period NOT IN (\(labels)))"), rows.first?.first == "0" else {
                return false
            }
        }
        return true
    }

    /// The trust history in a database (all periods it holds), for the HTML trend charts:
    /// period, start, partner, the charted figures, then the samples of latency (calendar and
    /// business), escalation rate, the two transparency parts, partner and client politeness.
    public static func trustHistory(path: String) throws(RapportError) -> [[String?]] {
        let db = try SQLiteDatabase(path: path)
        // The samples behind the charted figures, from the long table (its key makes each a lookup).
        let samples = [
            "response.latency_p50_s", "response.business_latency_p50_s", "escalation.rate", "transparency.proactive_share",
            "transparency.kept_informed_rate", "respect.partner.politeness", "respect.client.politeness",
        ].map { "(SELECT n FROM metrics m WHERE m.period = p.period AND m.partner = p.partner AND m.metric = '\($0)')" }
        return try db.rows(
            """
            SELECT period, period_start, partner, trust_index, latency_p50_s, latency_p90_s, escalation_rate, transparency, respect, client_politeness,
              response_business_latency_p50_s, response_business_latency_p90_s, conversations, turns, \(samples.joined(separator: ", "))
            FROM partner_periods p ORDER BY period_start, partner
            """)
    }

    /// Copies a file (the previous database) byte for byte; false when there is none.
    public static func copy(from: String, to: String) throws(RapportError) -> Bool {
        let input = open(from, O_RDONLY | O_CLOEXEC)
        if input < 0 { return false }
        defer { close(input) }
        let output = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if output < 0 { throw RapportError(.failed, file: to, "cannot write: \(String(cString: strerror(errno)))") }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 { throw RapportError(.failed, file: from, "cannot read: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            var off = 0
            while off < n {
                let w = buffer.withUnsafeBytes { Glibc.write(output, $0.baseAddress! + off, n - off) }
                if w <= 0 { throw RapportError(.failed, file: to, "cannot write: \(String(cString: strerror(errno)))") }
                off += w
            }
        }
        return true
    }
}
