import RapportCore

/// One output table: its columns (OUTPUTS.md, names exactly) and its rows in their
/// published order (period, partner, then the natural key), produced one at a time so
/// that the CSV and SQLite writers share the same rows without holding them all.
public protocol ReportTable: Sendable {
    /// The CSV file name and SQLite table name.
    var name: String { get }
    var columns: [String] { get }
    func forEachRow(_ body: ([Cell]) throws(RapportError) -> Void) throws(RapportError)
}

extension ReportTable {
    /// Writes the table as `<dir>/<name>.csv` (owner-only when `privateFile`).
    public func writeCSV(into dir: String, privateFile: Bool = false) throws(RapportError) {
        let out = try OutputFile(path: dir + "/" + name + ".csv", mode: privateFile ? 0o600 : 0o644)
        try out.write(CSVFormatting.header(columns))
        try forEachRow { (cells) throws(RapportError) in try out.writeRow(cells) }
        try out.close()
    }
}

/// `trust_report.csv`: one row per (period, partner).
public struct TrustTable: ReportTable {
    public let name = "trust_report"
    public let columns = [
        "period", "period_start", "period_end", "partner", "trust_index", "trust_index_delta", "band", "coverage",
        "responsiveness", "escalation", "reliability", "clarity", "engagement", "conversations", "turns", "messages",
    ] + TrustRow.appendedComponentNames + ["complete"]
    let rows: [TrustRow]
    let context: ReportContext

    public init(_ rows: [TrustRow], context: ReportContext) {
        self.rows = rows.sorted { a, b in a.period != b.period ? a.period < b.period : context.partnerRank(a.partner) < context.partnerRank(b.partner) }
        self.context = context
    }

    public func forEachRow(_ body: ([Cell]) throws(RapportError) -> Void) throws(RapportError) {
        for r in rows {
            var cells = context.periodCells(r.period) + [.text(context.partnerID(r.partner))]
            cells += [.optional(r.trustIndex), .optional(r.trustIndexDelta), .optional(r.band), .number(r.coverage)]
            for component in TrustRow.firstComponentNames { cells.append(.optional(r.components[component])) }
            cells += [.integer(r.conversations), .integer(r.turns), .integer(r.messages)]
            for component in TrustRow.appendedComponentNames { cells.append(.optional(r.components[component])) }
            cells.append(.bool(r.complete))
            try body(cells)
        }
    }
}

/// `metrics.csv`: one row per (period, partner, metric); whole-window rows (`total`) last.
public struct MetricsTable: ReportTable {
    public let name = "metrics"
    public let columns = ["period", "period_start", "period_end", "partner", "metric", "value", "n", "scope"]
    let rows: [MetricRow]
    let context: ReportContext

    public init(_ rows: [MetricRow], context: ReportContext) {
        self.rows = rows.sorted { a, b in
            let pa = a.period?.start.daysSinceEpoch ?? Int64.max
            let pb = b.period?.start.daysSinceEpoch ?? Int64.max
            if pa != pb { return pa < pb }
            let ia = context.partnerRank(a.partner)
            let ib = context.partnerRank(b.partner)
            if ia != ib { return ia < ib }
            return bytesLess(a.metric, b.metric)
        }
        self.context = context
    }

    public func forEachRow(_ body: ([Cell]) throws(RapportError) -> Void) throws(RapportError) {
        for r in rows {
            try body(context.periodCells(r.period) + [context.partnerCell(r.partner), .text(r.metric), .number(r.value), .integer(r.n), .text(r.scope)])
        }
    }
}

/// A fact table whose rows were gathered in partitions and are handed out in order
/// (``SortedRows``): `responses`, `conversations`, `interactions`.
public struct SpilledTable: ReportTable {
    public let name: String
    public let columns: [String]
    let rows: SortedRows

    public init(name: String, columns: [String], rows: SortedRows) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }

    public func forEachRow(_ body: ([Cell]) throws(RapportError) -> Void) throws(RapportError) { try rows.forEachRow(body) }
}

/// The position of a source in the tables' order (by name: email, meeting, ticket).
func sourceRank(_ s: SourceKind) -> Int {
    switch s {
    case .email: return 0
    case .meeting: return 1
    case .ticket: return 2
    }
}

/// `responses.csv`: one row per turn opened in the window, by period, partner, conversation
/// (source, name, tracker) and turn.
public enum ResponsesRows {
    public static let name = "responses"
    public static let columns = [
        "source", "conversation", "turn", "partner", "period", "opened_at", "answered_at", "answered", "first_response",
        "latency_s", "business_latency_s", "target_s", "breached", "opened_by", "answered_by", "tracker", "url",
        "opened_by_actor", "answered_by_actor",
    ]

    /// The turn's sort key and cells, or nil outside the window.
    public static func add(_ t: TurnFact, context: ReportContext, to rows: SortedRows) throws(RapportError) {
        guard let period = context.windowIndex(of: t.openedAt) else { return }
        var key = RowKey()
        key.int(period)
        key.int(context.partnerRank(t.partner))
        key.int(sourceRank(t.source))
        key.text(t.conversation)
        key.text(t.tracker)
        key.int(t.turn)
        let cells: [Cell] = [
            .text(t.source.rawValue), .text(context.identifier(t.conversation)), .integer(t.turn), context.partnerCell(t.partner),
            .text(context.windowLabels[period]), .instant(t.openedAt), .optional(t.answeredAt), .bool(t.isAnswered), .bool(t.isFirstResponse),
            .optional(t.latencySeconds), .optional(t.businessLatencySeconds), .optional(t.targetSeconds), .optional(t.breached),
            .text(context.identifier(t.openedBy)), .optional(t.answeredBy.map(context.identifier)), .text(t.tracker), .text(context.link(t.url)),
            .text(context.identifier(t.openedByActor)), .optional(t.answeredByActor.map(context.identifier)),
        ]
        try rows.add(key: key, cells: cells)
    }
}

/// `conversations.csv`: conversations whose first message falls in the window, internal ones
/// included, by period, partner and conversation (source, name, tracker).
public enum ConversationsRows {
    public static let name = "conversations"
    public static let columns = [
        "source", "conversation", "partner", "period", "opened_at", "messages", "turns", "escalated", "escalation_reason",
        "resolved", "reopened", "tracker", "url",
    ]

    public static func add(_ c: ConversationFact, context: ReportContext, to rows: SortedRows) throws(RapportError) {
        guard let period = context.windowIndex(of: c.openedAt) else { return }
        var key = RowKey()
        key.int(period)
        key.int(context.partnerRank(c.partner))
        key.int(sourceRank(c.source))
        key.text(c.conversation)
        key.text(c.tracker)
        let cells: [Cell] = [
            .text(c.source.rawValue), .text(context.identifier(c.conversation)), context.partnerCell(c.partner), .text(context.windowLabels[period]),
            .instant(c.openedAt), .integer(c.messages), .integer(c.turns), .bool(c.isEscalated), .optional(c.escalationReason?.rawValue),
            .bool(c.resolved), .bool(c.reopened), .text(c.tracker), .text(context.link(c.url)),
        ]
        try rows.add(key: key, cells: cells)
    }
}

/// The normalised fact table (SQLite only): one row per message, event or attendance used,
/// in time order, with the partner of its conversation (so that a client's message filters
/// by the partner it was addressed to).
public enum InteractionsRows {
    public static let name = "interactions"
    public static let columns = [
        "source", "conversation", "partner", "id", "at", "period", "actor", "party", "kind", "public", "tracker", "acknowledgement", "automated", "ignored",
        "politeness",
    ]

    public static func add(_ f: InteractionFact, partner: Int?, context: ReportContext, to rows: SortedRows) throws(RapportError) {
        guard let period = context.windowIndex(of: f.at) else { return }
        var key = RowKey()
        key.int(Int(f.at.nanoseconds))
        key.int(sourceRank(f.source))
        key.text(f.conversation)
        key.text(f.tracker)
        key.text(f.id)
        let cells: [Cell] = [
            .text(f.source.rawValue), .text(context.identifier(f.conversation)), context.partnerCell(partner), .text(context.identifier(f.id)),
            .instant(f.at), .text(context.windowLabels[period]), .text(context.identifier(f.actor)), .text(context.partyName(f.party)),
            .text(f.kind.rawValue), .bool(f.isPublic), .text(f.tracker),
            .integer(f.flags.contains(.acknowledgement) ? 1 : 0), .integer(f.flags.contains(.automated) ? 1 : 0), .integer(f.flags.contains(.ignored) ? 1 : 0),
            f.politeness.map { .integer($0) } ?? .empty,
        ]
        try rows.add(key: key, cells: cells)
    }
}

/// `rejects.csv`: every record (or file) that could not be used, raw excerpt included.
public struct RejectsTable: ReportTable {
    public let name = "rejects"
    public let columns = ["file", "record", "reason", "excerpt"]
    let rejects: [Reject]
    let context: ReportContext
    /// False in BI outputs: raw rows carry bodies and addresses, which stay in the owner-only CSV.
    let keepsRawText: Bool

    /// The rejects of a run; `keepsRawText: false` gives the copy for BI tools (no excerpt, and
    /// no detail when the report is pseudonymised, since details quote addresses and ids).
    public init(_ rejects: [Reject], context: ReportContext, keepsRawText: Bool = true) {
        self.keepsRawText = keepsRawText
        self.rejects = rejects.sorted { a, b in
            if a.file != b.file { return bytesLess(context.files[Int(a.file)], context.files[Int(b.file)]) }
            return (a.record ?? -1, a.reason.rawValue) < (b.record ?? -1, b.reason.rawValue)
        }
        self.context = context
    }

    public func forEachRow(_ body: ([Cell]) throws(RapportError) -> Void) throws(RapportError) {
        for r in rejects {
            try body([
                .text(context.files[Int(r.file)]), r.record.map { .integer(Int($0)) } ?? .empty,
                .text(keepsRawText || !context.pseudonymized ? "\(r.reason.rawValue): \(r.message)" : r.reason.rawValue),
                keepsRawText ? .text(r.excerpt) : .empty,
            ])
        }
    }
}

/// `definitions.csv`: what every figure means, with the definitions version.
public struct DefinitionsTable: ReportTable {
    public let name = "definitions"
    public let columns = ["metric", "definition", "unit", "definitions_version"]
    let definitions: [MetricDefinition]
    let version: String

    public init(_ definitions: [MetricDefinition], version: String) {
        self.definitions = definitions.sorted { bytesLess($0.metric, $1.metric) }
        self.version = version
    }

    public func forEachRow(_ body: ([Cell]) throws(RapportError) -> Void) throws(RapportError) {
        for d in definitions { try body([.text(d.metric), .text(d.definition), .text(d.unit), .text(version)]) }
    }
}

/// `partners.csv` and SQLite `partners` (OUTPUTS.md): one row per configured partner, with or
/// without data, in the pipeline's order; lists joined with `;`. Dated members are people too.
public struct PartnersTable: ReportTable {
    public struct Row: Sendable {
        public var id: String
        public var name: String
        public var domains: [String]
        public var people: [String]
        public init(id: String, name: String, domains: [String], people: [String]) {
            self.id = id
            self.name = name
            self.domains = domains
            self.people = people
        }
    }

    public let name = "partners"
    public let columns = ["partner", "name", "domains", "people"]
    let rows: [Row]

    public init(_ rows: [Row]) { self.rows = rows }

    public func forEachRow(_ body: ([Cell]) throws(RapportError) -> Void) throws(RapportError) {
        for r in rows { try body([.text(r.id), .text(r.name), .text(r.domains.joined(separator: ";")), .text(r.people.joined(separator: ";"))]) }
    }
}
