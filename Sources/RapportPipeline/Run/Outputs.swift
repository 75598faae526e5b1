import RapportAggregates
import RapportCore
import RapportSinks

/// Writes the outputs a pipeline asks for into a (staging) folder.
enum Outputs {
    static func write(_ c: Runner.Computation, config: PipelineConfig, into dir: String) throws(RapportError) {
        let formats = Set(config.outputFormats)
        let tables: [any ReportTable] = [
            TrustTable(c.aggregates.trust, context: c.context), MetricsTable(c.aggregates.metrics, context: c.context),
            ResponsesTable(c.facts.turns, context: c.context), ConversationsTable(c.facts.conversations, context: c.context),
            DefinitionsTable(MetricRegistry.definitions + [QualityMetrics.rejected] + TrustSettings.definitions, version: Runner.definitionsVersion),
        ]
        let rejects = RejectsTable(c.rejects, context: c.context)
        if formats.contains(.csv) {
            for t in tables { try t.writeCSV(into: dir) }
            // rejects.csv keeps raw rows, which may hold personal data: owner-only.
            try rejects.writeCSV(into: dir, privateFile: true)
        }
        if formats.contains(.json) {
            let out = try OutputFile(path: dir + "/report.json")
            try out.write(ReportDocument.build(c, config: config).serialized())
            try out.close()
        }
    }
}

/// `report.json`: run metadata, reconciliation per file and in total, and the headline table.
/// Holds no wall-clock time except the run id (fixed with `--run-id`).
enum ReportDocument {
    static func build(_ c: Runner.Computation, config: PipelineConfig) -> JSONValue {
        let s = c.summary
        let inputs: [JSONValue] = s.files.map { f in
            .object([
                ("file", .string(f.file)), ("format", .string(f.format)), ("kind", .string(f.kind.rawValue)),
                ("bytes", .integer(Int(f.bytes))), ("decoded_bytes", .integer(Int(f.decodedBytes))),
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
            a.period != b.period ? a.period < b.period : c.context.partnerID(a.partner).utf8.lexicographicallyPrecedes(c.context.partnerID(b.partner).utf8)
        }.map { r in
            var fields: [(String, JSONValue)] = [
                ("period", .string(r.period.label)), ("period_start", .string(r.period.start.description)),
                ("period_end", .string(r.period.end.description)), ("partner", .string(c.context.partnerID(r.partner))),
                ("trust_index", .optional(r.trustIndex)), ("trust_index_delta", .optional(r.trustIndexDelta)),
                ("band", .optional(r.band)), ("coverage", .number(r.coverage)),
            ]
            for name in TrustSettings.componentNames { fields.append((name, .optional(r.components[name]))) }
            fields += [("conversations", .integer(r.conversations)), ("turns", .integer(r.turns)), ("messages", .integer(r.messages))]
            return .object(fields)
        }
        return .object([
            ("rapport_version", .string(Runner.version)),
            ("definitions_version", .string(Runner.definitionsVersion)),
            ("run_id", .string(s.runID)),
            (
                "pipeline",
                .object([
                    ("name", .string(config.name)), ("timezone", .string(config.zone.identifier)),
                    ("period", .string(config.period.rawValue)),
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
            ("notes", .array(s.notes.map(JSONValue.string))),
            ("trust_report", .array(headline)),
        ])
    }
}
