import Foundation
import RapportAggregates
import RapportCore
import RapportRuntime
import RapportSinks
import RapportTransforms

/// Writes the outputs a pipeline asks for into the staging folder.
enum Outputs {
    /// Every name Rapport writes into a report folder (besides its marker): a folder holding
    /// anything else is not replaced (``OutputFolder``).
    static let fileNames: Set<String> = [
        "trust_report.csv", "metrics.csv", "responses.csv", "conversations.csv", "rejects.csv", "definitions.csv", "partners.csv",
        "attention.csv", "report.json", "report.html", "report.pdf", "rapport.sqlite",
    ]

    /// True when the published report at `target` counts conversations (its report.json), or
    /// cannot be read: an empty run must not replace it (PRODUCT.md).
    static func reportHasConversations(_ target: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: target + "/report.json"),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let totals = json["totals"] as? [String: Any], let conversations = totals["conversations"] as? Int
        else { return FileManager.default.fileExists(atPath: target + "/trust_report.csv") }
        return conversations > 0
    }

    /// The marker: one line, the pipeline's name (OUTPUTS.md).
    static func writeMarker(_ config: PipelineConfig, into dir: String) throws(RapportError) {
        let out = try OutputFile(path: dir + "/" + OutputFolder.markerName)
        try out.write(CSVFormatting.escapingControls(config.name) + "\n")
        try out.close()
    }

    /// Writes every asked-for format; returns the seconds each took (for `RAPPORT_LOG_LEVEL=debug`).
    /// The CSV files and the database are written at the same time, on two threads (each
    /// reads the fact tables' sorted rows on its own); the JSON and the page follow (the
    /// page's trends come from the database).
    static func write(_ c: Runner.Computation, config: PipelineConfig, into dir: String) throws(RapportError) -> [(String, Double)] {
        try writeMarker(config, into: dir)
        let formats = Set(config.outputFormats)
        let definitions = MetricRegistry.definitions + [QualityMetrics.rejected] + TrustSettings.definitions
        let csv = formats.contains(.csv)
        let sqlite = formats.contains(.sqlite)
        let tables: [any ReportTable] = [
            TrustTable(c.aggregates.trust, context: c.context), MetricsTable(c.aggregates.metrics, context: c.context),
            SpilledTable(name: ResponsesRows.name, columns: ResponsesRows.columns, rows: c.responses),
            SpilledTable(name: ConversationsRows.name, columns: ConversationsRows.columns, rows: c.conversations),
            DefinitionsTable(definitions, version: Runner.definitionsVersion),
            SpilledTable(name: AttentionRows.name, columns: AttentionRows.columns, rows: c.attention),
            // Pseudonymised reports name no address, domain or person (only ids and names).
            PartnersTable(
                config.partners.map { p in
                    config.pseudonymize
                        ? PartnersTable.Row(id: p.id, name: p.name, domains: [], people: [])
                        : PartnersTable.Row(id: p.id, name: p.name, domains: p.rules.domains, people: p.rules.people + p.rules.members.map(\.who.pattern))
                }),
        ]
        let work = ParallelWrites()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            do throws(RapportError) {
                let started = DispatchTime.now()
                if i == 0 && csv {
                    for t in tables { try t.writeCSV(into: dir) }
                    // rejects.csv keeps raw rows, which may hold personal data: owner-only.
                    try RejectsTable(c.rejects, context: c.context).writeCSV(into: dir, privateFile: true)
                    work.csvSeconds = seconds(since: started)
                } else if i == 1 && sqlite {
                    (work.history, work.notes) = try writeDatabase(c, config: config, tables: tables, into: dir)
                    work.sqliteSeconds = seconds(since: started)
                }
            } catch {
                work.fail(error)
            }
        }
        if let error = work.error { throw error }
        var timings: [(String, Double)] = []
        if let s = work.csvSeconds { timings.append(("csv", s)) }
        if let s = work.sqliteSeconds { timings.append(("sqlite", s)) }
        let history = formats.contains(.sqlite) ? work.history : currentHistory(c, minSample: config.trust.minSample)
        if formats.contains(.json) {
            let started = DispatchTime.now()
            let out = try OutputFile(path: dir + "/report.json")
            try out.write(ReportDocument.build(c, config: config, notes: work.notes).serialized())
            try out.close()
            timings.append(("json", seconds(since: started)))
        }
        if formats.contains(.html) {
            let started = DispatchTime.now()
            let out = try OutputFile(path: dir + "/report.html")
            try out.write(ReportPage.html(pageInput(c, config: config, history: history, definitions: definitions, notes: work.notes)))
            try out.close()
            timings.append(("html", seconds(since: started)))
        }
        return timings
    }

    /// What the two writing threads hand back; each field is set by one thread only, and read
    /// after both have finished.
    private final class ParallelWrites: @unchecked Sendable {
        var history: [ReportPageInput.HistoryPoint] = []
        var notes: [String] = []
        var csvSeconds: Double?
        var sqliteSeconds: Double?
        private(set) var error: RapportError?
        private let lock = NSLock()
        func fail(_ e: RapportError) {
            lock.lock()
            if error == nil { error = e }
            lock.unlock()
        }
    }

    static func seconds(since start: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }

    /// Continues the published database (a copy in the staging folder, this run's periods
    /// replaced) and reads the trust history back for the page; returns notes for the report.
    static func writeDatabase(
        _ c: Runner.Computation, config: PipelineConfig, tables: [any ReportTable], into dir: String
    ) throws(RapportError) -> ([ReportPageInput.HistoryPoint], [String]) {
        var notes: [String] = []
        let database = dir + "/rapport.sqlite"
        let previous = c.target + "/rapport.sqlite"
        let keyID = c.context.pseudonymized ? c.context.identifier("\u{0}rapport pseudonym key") : ""
        var carryRuns = false
        if FileManager.default.fileExists(atPath: previous) {
            if !SQLiteReport.continues(path: previous, pseudonymKeyID: keyID) {
                notes.append(
                    "rapport.sqlite: history restarted with this run: pseudonymisation was turned on or off, or its key changed, since the database was written (the previous file was not carried over)")
            } else if SQLiteReport.isCoveredEntirely(path: previous, windowLabels: c.context.window.map(\.label)) {
                // This run replaces every stored period: start afresh, keeping the record of runs.
                carryRuns = true
            } else {
                _ = try SQLiteReport.copy(from: previous, to: database)
            }
        }
        try SQLiteReport.write(
            path: database,
            tables: tables + (c.interactions.map { [SpilledTable(name: InteractionsRows.name, columns: InteractionsRows.columns, rows: $0)] } ?? []),
            rejects: RejectsTable(c.rejects, context: c.context, keepsRawText: false),
            run: runRecord(c, config: config, pseudonymKeyID: keyID), windowLabels: c.context.window.map(\.label),
            carryingRunsFrom: carryRuns ? previous : nil)
        let minSample = config.trust.minSample
        let history = try SQLiteReport.trustHistory(path: database).map { row in
            var point = ReportPageInput.HistoryPoint(
                period: row[0] ?? "", partner: row[2] ?? "", trustIndex: row[3].flatMap(Double.init), latencyP50: row[4].flatMap(Double.init),
                latencyP90: row[5].flatMap(Double.init), escalationRate: row[6].flatMap(Double.init))
            point.periodStart = row[1] ?? ""
            point.transparency = row[7].flatMap(Double.init)
            point.respect = row[8].flatMap(Double.init)
            point.clientPoliteness = row[9].flatMap(Double.init)
            point.businessLatencyP50 = row[10].flatMap(Double.init)
            point.businessLatencyP90 = row[11].flatMap(Double.init)
            point.conversations = row[12].flatMap { Int($0) }
            point.turns = row[13].flatMap { Int($0) }
            let n = row[14...].map { $0.flatMap { Int($0) } }
            point.samples = samples(latency: n[0], business: n[1], escalation: n[2], proactive: n[3], keptInformed: n[4], respect: n[5], client: n[6], minSample: minSample)
            if let turns = point.turns { point.samples["trust"] = turns }
            return point
        }
        return (history, notes)
    }

    /// A history point's samples by chart series; transparency's as the trust index takes it
    /// (the smallest of its parts that reach min_sample).
    static func samples(
        latency: Int?, business: Int?, escalation: Int?, proactive: Int?, keptInformed: Int?, respect: Int?, client: Int?, minSample: Int
    ) -> [String: Int] {
        var out: [String: Int] = [:]
        out["latency"] = latency
        out["business_latency"] = business
        out["escalation"] = escalation
        out["transparency"] = TrustIndex.meanOfParts([proactive.map { (0, $0) }, keptInformed.map { (0, $0) }], minSample: minSample)?.n
        out["respect"] = respect
        out["client_politeness"] = client
        return out
    }

    /// Each (period, partner)'s trust components with their n, those under min_sample
    /// included, and the client's own politeness: the figures the cards show.
    static func cardFigures(_ c: Runner.Computation, minSample: Int) -> [String: [String: ReportPageInput.Figure]] {
        var metric: [String: (value: Double, n: Int)] = [:]
        for m in c.aggregates.metrics where m.period != nil && m.partner != nil {
            metric["\(m.period!.label)|\(c.context.partnerID(m.partner))|\(m.metric)"] = (m.value, m.n)
        }
        var out: [String: [String: ReportPageInput.Figure]] = [:]
        for r in c.aggregates.trust {
            let key = "\(r.period.label)|\(c.context.partnerID(r.partner))"
            var figures: [String: ReportPageInput.Figure] = [:]
            for (name, component) in TrustIndex.components(minSample: minSample, { metric[key + "|" + $0] }) {
                figures[name] = ReportPageInput.Figure(value: component.value, n: component.n)
            }
            if let client = metric[key + "|respect.client.politeness"] { figures["client respect"] = ReportPageInput.Figure(value: client.value, n: client.n) }
            out[key] = figures
        }
        return out
    }

    static func runRecord(_ c: Runner.Computation, config: PipelineConfig, pseudonymKeyID: String) -> RunRecord {
        let s = c.summary
        var record = RunRecord(
            runID: s.runID, startedAt: s.startedAt, pipeline: config.name, periodKind: config.period.rawValue, windowFirst: s.window.first?.label,
            windowLast: s.window.last?.label, asOf: s.asOf, inputs: s.files.map { ($0.file, $0.bytes, $0.sha256) }, recordsRead: s.read,
            used: s.used, duplicates: s.duplicates, rejected: s.rejected, turns: s.turns, conversations: s.conversations,
            definitionsVersion: Runner.definitionsVersion, toolVersion: Runner.version, seconds: s.deterministic ? 0 : s.seconds,
            pseudonymKeyID: pseudonymKeyID)
        record.deterministic = s.deterministic
        return record
    }

    /// Without a database, the trends cover the window of this run.
    static func currentHistory(_ c: Runner.Computation, minSample: Int) -> [ReportPageInput.HistoryPoint] {
        var metric: [String: Double] = [:]
        for m in c.aggregates.metrics where m.period != nil && m.partner != nil {
            metric["\(m.period!.label)|\(m.partner!)|\(m.metric)"] = m.value
        }
        var sample: [String: Int] = [:]
        for m in c.aggregates.metrics where m.period != nil && m.partner != nil { sample["\(m.period!.label)|\(m.partner!)|\(m.metric)"] = m.n }
        return c.aggregates.trust.map { r in
            let key = "\(r.period.label)|\(r.partner)|"
            var point = ReportPageInput.HistoryPoint(
                period: r.period.label, partner: c.context.partnerID(r.partner), trustIndex: r.trustIndex,
                latencyP50: metric[key + "response.latency_p50_s"], latencyP90: metric[key + "response.latency_p90_s"],
                escalationRate: metric[key + "escalation.rate"])
            point.periodStart = r.period.start.description
            point.transparency = r.components["transparency"]
            point.respect = r.components["respect"]
            point.clientPoliteness = metric[key + "respect.client.politeness"]
            point.businessLatencyP50 = metric[key + "response.business_latency_p50_s"]
            point.businessLatencyP90 = metric[key + "response.business_latency_p90_s"]
            point.conversations = r.conversations
            point.turns = r.turns
            point.samples = samples(
                latency: sample[key + "response.latency_p50_s"], business: sample[key + "response.business_latency_p50_s"],
                escalation: sample[key + "escalation.rate"], proactive: sample[key + "transparency.proactive_share"],
                keptInformed: sample[key + "transparency.kept_informed_rate"], respect: sample[key + "respect.partner.politeness"],
                client: sample[key + "respect.client.politeness"], minSample: minSample)
            point.samples["trust"] = r.turns
            return point
        }
    }

    static func pageInput(
        _ c: Runner.Computation, config: PipelineConfig, history: [ReportPageInput.HistoryPoint], definitions: [MetricDefinition],
        notes: [String]
    ) -> ReportPageInput {
        let s = c.summary
        var quality: [(String, String)] = [
            ("Input files", "\(s.files.count)" + (s.files.contains { $0.failure != nil } ? " (\(s.files.filter { $0.failure != nil }.count) refused)" : "")),
            ("Records read", grouped(s.read)), ("Used", grouped(s.used)), ("Duplicates (counted once)", grouped(s.duplicates)),
            ("Rejected (rejects.csv)", grouped(s.rejectedRecords)),
        ]
        var sums: [String: (Double, Int)] = [:]
        for m in c.aggregates.metrics where m.partner == nil && m.period != nil {
            sums[m.metric, default: (0, 0)].0 += m.value * (m.metric.hasSuffix("_share") ? Double(m.n) : 1)
            sums[m.metric, default: (0, 0)].1 += m.n
        }
        if let unknown = sums["quality.unknown_party_share"], unknown.1 > 0 {
            quality.append(("Messages from unknown senders", String(format: "%.1f %%", unknown.0 / Double(unknown.1) * 100)))
        }
        for (metric, label) in [
            ("quality.internal_conversations", "Conversations internal to the client"), ("quality.ignored_automated", "Automated messages skipped"),
            ("quality.clock_skew", "Replies stamped before their parent"),
        ] {
            if let v = sums[metric] { quality.append((label, grouped(Int(v.0)))) }
        }
        var reasons: [String: Int] = [:]
        for r in c.rejects { reasons[r.reason.rawValue, default: 0] += 1 }
        let window = s.window.isEmpty ? "no complete period" : "\(s.window.first!.label) to \(s.window.last!.label)"
        var input = ReportPageInput(
            title: config.name, runID: s.runID, asOf: s.asOf?.rfc3339 ?? "", window: window, partners: config.partnerInfos, trust: c.aggregates.trust,
            history: history, quality: quality, rejectReasons: reasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) },
            notes: s.notes + notes + s.files.compactMap { f in f.failure.map { "\(f.file): \($0)" } }, definitions: definitions,
            definitionsVersion: Runner.definitionsVersion, pseudonymized: config.pseudonymize,
            warnings: s.warnings.map { ($0.code.rawValue, $0.message) })
        // Pseudonymised reports name no conversation on the page.
        if !config.pseudonymize { input.attention = c.attentionDigest }
        input.windowLabels = c.context.windowLabels
        input.clientName = config.client.name
        input.minSample = config.trust.minSample
        input.businessClock = config.slaClock == .business
        for p in config.partners {
            input.targets[p.id] = ReportPageInput.Targets(firstResponse: p.targets.firstResponseSeconds, response: p.targets.responseSeconds)
        }
        input.cardFigures = cardFigures(c, minSample: config.trust.minSample)
        return input
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }
}

/// `report.json`: run metadata (inputs with size and SHA-256, reconciliation per file and in
/// total, timings), and the headline table. Holds no wall-clock figure when `--run-id` is
/// fixed, so that two runs over the same inputs are byte-identical.
enum ReportDocument {
    /// `notes` are the output stage's own (a restarted database history), after the run's.
    static func build(_ c: Runner.Computation, config: PipelineConfig, notes: [String] = []) -> JSONValue {
        let s = c.summary
        let inputs: [JSONValue] = s.files.map { f in
            .object([
                ("file", .string(f.file)), ("format", .string(f.format)), ("kind", .string(f.kind.rawValue)),
                ("bytes", .integer(Int(f.bytes))), ("sha256", f.sha256.isEmpty ? .null : .string(f.sha256)),
                ("decoded_bytes", .integer(Int(f.decodedBytes))),
                ("status", .string(f.failure == nil ? "read" : "refused")), ("error", .optional(f.failure)),
                ("records_read", .integer(f.read)), ("used", .integer(f.used)), ("duplicates", .integer(f.duplicates)),
                ("rejected", .integer(f.rejected)), ("reconciled", .bool(f.read == f.used + f.duplicates + f.rejected)),
            ])
        }
        let window: JSONValue =
            s.window.isEmpty
            ? .null
            : .object([
                ("first", .string(s.window.first!.label)), ("last", .string(s.window.last!.label)),
                ("start", .string(s.window.first!.start.description)), ("end", .string(s.window.last!.end.description)),
                ("periods", .integer(s.window.count)),
            ])
        let headline: [JSONValue] = c.aggregates.trust.sorted { a, b in
            a.period != b.period ? a.period < b.period : c.context.partnerRank(a.partner) < c.context.partnerRank(b.partner)
        }.map { r in
            var fields: [(String, JSONValue)] = [
                ("period", .string(r.period.label)), ("period_start", .string(r.period.start.description)),
                ("period_end", .string(r.period.end.description)), ("partner", .string(c.context.partnerID(r.partner))),
                ("trust_index", .optional(r.trustIndex)), ("trust_index_delta", .optional(r.trustIndexDelta)),
                ("band", .optional(r.band)), ("coverage", .number(r.coverage)),
            ]
            for name in TrustRow.componentNames { fields.append((name, .optional(r.components[name]))) }
            fields += [("conversations", .integer(r.conversations)), ("turns", .integer(r.turns)), ("messages", .integer(r.messages))]
            return .object(fields)
        }
        let timings: JSONValue = s.deterministic ? .null : .object(s.timings.map { ($0.0 + "_s", .number(($0.1 * 1000).rounded() / 1000)) })
        return .object([
            ("rapport_version", .string(Runner.version)),
            ("definitions_version", .string(Runner.definitionsVersion)),
            ("run_id", .string(s.runID)),
            (
                "pipeline",
                .object([
                    ("name", .string(config.name)), ("timezone", .string(config.zone.identifier)),
                    ("period", .string(config.period.rawValue)), ("sla_clock", .string(config.slaClock.rawValue)),
                    ("pseudonymized", .bool(config.pseudonymize)),
                    ("partners", .array(config.partners.map { .object([("id", .string($0.id)), ("name", .string($0.name))]) })),
                ])
            ),
            ("as_of", .optional(s.asOf?.rfc3339)),
            ("window", window),
            ("inputs", .array(inputs)),
            (
                "totals",
                .object([
                    ("files", .integer(s.files.count)), ("files_refused", .integer(s.files.filter { $0.failure != nil }.count)),
                    ("records_read", .integer(s.read)), ("used", .integer(s.used)), ("duplicates", .integer(s.duplicates)),
                    ("rejected", .integer(s.rejectedRecords)),
                    ("reconciled", .bool(s.read == s.used + s.duplicates + s.rejectedRecords)),
                    ("conversations", .integer(s.conversations)), ("turns", .integer(s.turns)),
                    ("partners_with_data", .integer(s.partnersWithData)),
                ])
            ),
            ("timings", timings),
            ("notes", .array((s.notes + notes).map(JSONValue.string))),
            (
                "warnings",
                .array(
                    s.warnings.map { w in
                        var fields: [(String, JSONValue)] = [("code", .string(w.code.rawValue)), ("message", .string(w.message))]
                        if let p = w.partner { fields.append(("partner", .string(p))) }
                        if let f = w.file { fields.append(("file", .string(f))) }
                        return .object(fields)
                    })
            ),
            ("trust_report", .array(headline)),
        ])
    }
}
