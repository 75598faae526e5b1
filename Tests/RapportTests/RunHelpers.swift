import Foundation
import Logging
import RapportCore
import RapportIngest
import RapportPipeline
import CSQLite

/// Runs a pipeline into a fresh folder and returns the folder.
func runPipeline(
    _ path: String, asOf: String? = nil, runID: String = "test", window: WindowRequest = WindowRequest(), out: String? = nil,
    now: String = "2026-11-29T12:00:00Z", jobs: Int? = nil
) throws -> (dir: String, summary: RunSummary) {
    let config = try PipelineConfig.load(path: path)
    var options = RunOptions()
    options.outputDirectory = out ?? temporaryDirectory("rapport-run") + "/report"
    options.runID = runID
    options.window = window
    options.now = instant(now)
    if let jobs { options.jobs = jobs }
    if let asOf { options.asOf = try CommandValues.instant(asOf, zone: config.zone, option: "--as-of") }
    let summary = try Runner.run(config, options: options, logger: Logger(label: "test"))
    return (options.outputDirectory!, summary)
}

/// Reads an output CSV (our own writer's dialect) into rows keyed by column.
func readCSV(_ path: String) throws -> [[String: String]] {
    let reader = CSVReader(source: try FileByteSource(path: path))
    var header: [String] = []
    var rows: [[String: String]] = []
    while let e = try reader.next() {
        guard e == .record else { throw RapportError(.failed, "malformed output CSV \(path):\(reader.line)") }
        let fields = (0..<reader.fieldCount).map { reader.string($0)! }
        if header.isEmpty {
            header = fields
        } else {
            rows.append(Dictionary(uniqueKeysWithValues: zip(header, fields)))
        }
    }
    return rows
}

/// `metrics.csv` as "period partner metric" -> "value n".
func metricIndex(_ dir: String) throws -> [String: String] {
    var out: [String: String] = [:]
    for r in try readCSV(dir + "/metrics.csv") {
        out["\(r["period"]!) \(r["partner"]!) \(r["metric"]!)"] = "\(r["value"]!) \(r["n"]!)"
    }
    return out
}

/// Runs a query on a database file and returns the rows as text.
func query(_ path: String, _ sql: String) -> [[String]] {
    var db: OpaquePointer?
    guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { return [] }
    defer { sqlite3_close(db) }
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { return [["error: \(String(cString: sqlite3_errmsg(db)))"]] }
    defer { sqlite3_finalize(statement) }
    var rows: [[String]] = []
    while sqlite3_step(statement) == SQLITE_ROW {
        rows.append((0..<sqlite3_column_count(statement)).map { i in sqlite3_column_text(statement, i).map { String(cString: $0) } ?? "" })
    }
    return rows
}
