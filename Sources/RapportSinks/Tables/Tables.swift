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
    ]
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
            for component in TrustRow.componentNames { cells.append(.optional(r.components[component])) }
            cells += [.integer(r.conversations), .integer(r.turns), .integer(r.messages)]
            try body(cells)
        }
    }
}

/// `metrics.csv`: one row per (period, partner, metric); whole-window rows (`total`) last.
public struct MetricsTable: ReportTable {
    public let name = "metrics"
    public let columns = ["period", "period_start", "period_end", "partner", "metric", "value", "n"]
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
            try body(context.periodCells(r.period) + [context.partnerCell(r.partner), .text(r.metric), .number(r.value), .integer(r.n)])
        }
    }
}

/// `responses.csv`: one row per turn opened in the window.
public struct ResponsesTable: ReportTable {
    public let name = "responses"
    public let columns = [
        "source", "conversation", "turn", "partner", "period", "opened_at", "answered_at", "answered", "first_response",
        "latency_s", "business_latency_s", "target_s", "breached", "opened_by", "answered_by", "tracker", "url",
    ]
    let turns: [TurnFact]
    let order: [(index: Int, period: Int)]
    let context: ReportContext

    public init(_ turns: [TurnFact], context: ReportContext) {
        // Sort indexes on precomputed keys; the facts themselves are never moved.
        let named = conversationRanks(turns.count, source: { turns[$0].source }, conversation: { turns[$0].conversation })
        var keys: [(period: Int, rank: Int, named: Int32, turn: Int, index: Int)] = []
        // By index and field: binding a whole fact copied it (a retain and release per string).
        for i in turns.indices {
            if let p = context.windowIndex(of: turns[i].openedAt) { keys.append((p, context.partnerRank(turns[i].partner), named[i], turns[i].turn, i)) }
        }
        keys.sort { a, b in (a.period, a.rank, a.named, a.turn, a.index) < (b.period, b.rank, b.named, b.turn, b.index) }
        self.turns = turns
        self.order = keys.map { ($0.index, $0.period) }
        self.context = context
    }

    public func forEachRow(_ body: ([Cell]) throws(RapportError) -> Void) throws(RapportError) {
        try forEachOrderedRow(order, width: columns.count, { index, period, cells in
            cells.append(.text(turns[index].source.rawValue))
            cells.append(.text(context.identifier(turns[index].conversation)))
            cells.append(.integer(turns[index].turn))
            cells.append(context.partnerCell(turns[index].partner))
            cells.append(.text(context.windowLabels[period]))
            cells.append(.instant(turns[index].openedAt))
            cells.append(.optional(turns[index].answeredAt))
            cells.append(.bool(turns[index].isAnswered))
            cells.append(.bool(turns[index].isFirstResponse))
            cells.append(.optional(turns[index].latencySeconds))
            cells.append(.optional(turns[index].businessLatencySeconds))
            cells.append(.optional(turns[index].targetSeconds))
            cells.append(.optional(turns[index].breached))
            cells.append(.text(context.identifier(turns[index].openedBy)))
            cells.append(.optional(turns[index].answeredBy.map(context.identifier)))
            cells.append(.text(turns[index].tracker))
            cells.append(.text(context.link(turns[index].url)))
        }, body)
    }
}

/// Calls `body` for each `(index, period)` of `order` with the cells `fill` appends for it,
/// in one array reused for every row: not a fresh array per row, and `fill` reads the fact's
/// fields in place rather than copying the fact (a retain and a release per string).
func forEachOrderedRow(
    _ order: [(index: Int, period: Int)], width: Int, _ fill: (_ index: Int, _ period: Int, _ cells: inout [Cell]) -> Void,
    _ body: ([Cell]) throws(RapportError) -> Void
) throws(RapportError) {
    var cells: [Cell] = []
    cells.reserveCapacity(width)
    for (index, period) in order {
        cells.removeAll(keepingCapacity: true)
        fill(index, period, &cells)
        try body(cells)
    }
}

/// The rank of each fact's conversation in the tables' order (source, then name, by bytes;
/// equal names share a rank): rows then sort on integers, where comparing names copied two
/// facts and compared two strings per comparison. Names sort on their first 16 bytes packed
/// into two integers, the strings compared only where those agree (a million scattered
/// strings make each string comparison a cache miss). Facts of one conversation usually come
/// together, so a run of them is ranked once.
func conversationRanks(_ count: Int, source: (Int) -> SourceKind, conversation: (Int) -> String) -> [Int32] {
    var nameOf = [Int32](repeating: 0, count: count)
    var runs: [Int] = []  // the first fact of each run of facts with one conversation
    for i in 0..<count {
        if i > 0, source(i) == source(i - 1), bytesEqual(conversation(i), conversation(i - 1)) {
            nameOf[i] = nameOf[i - 1]
        } else {
            nameOf[i] = Int32(runs.count)
            runs.append(i)
        }
    }
    let sourceOrder = SourceKind.allCases.sorted { bytesLess($0.rawValue, $1.rawValue) }
    typealias Key = (source: Int, high: UInt64, low: UInt64, run: Int32)
    var keys: [Key] = runs.indices.map { r in
        var text = conversation(runs[r])
        let (high, low) = text.withUTF8 { b -> (UInt64, UInt64) in
            var high: UInt64 = 0
            var low: UInt64 = 0
            for k in 0..<16 {
                let byte = k < b.count ? UInt64(b[k]) : 0
                if k < 8 { high = high << 8 | byte } else { low = low << 8 | byte }
            }
            return (high, low)
        }
        return (sourceOrder.firstIndex(of: source(runs[r]))!, high, low, Int32(r))
    }
    func precedes(_ a: Key, _ b: Key) -> Bool {
        if (a.source, a.high, a.low) != (b.source, b.high, b.low) { return (a.source, a.high, a.low) < (b.source, b.high, b.low) }
        return bytesLess(conversation(runs[Int(a.run)]), conversation(runs[Int(b.run)]))
    }
    keys.sort(by: precedes)
    // Sorted, so a name equals the one before it unless it follows it.
    var rank = [Int32](repeating: 0, count: runs.count)
    var current: Int32 = -1
    for (position, key) in keys.enumerated() {
        if position == 0 || precedes(keys[position - 1], key) { current += 1 }
        rank[Int(key.run)] = current
    }
    return nameOf.map { rank[Int($0)] }
}

/// `conversations.csv`: conversations whose first message falls in the window, internal ones included.
public struct ConversationsTable: ReportTable {
    public let name = "conversations"
    public let columns = [
        "source", "conversation", "partner", "period", "opened_at", "messages", "turns", "escalated", "escalation_reason",
        "resolved", "reopened", "tracker", "url",
    ]
    let conversations: [ConversationFact]
    let order: [(index: Int, period: Int)]
    let context: ReportContext

    public init(_ conversations: [ConversationFact], context: ReportContext) {
        let named = conversationRanks(conversations.count, source: { conversations[$0].source }, conversation: { conversations[$0].conversation })
        var keys: [(period: Int, rank: Int, named: Int32, index: Int)] = []
        for i in conversations.indices {
            if let p = context.windowIndex(of: conversations[i].openedAt) { keys.append((p, context.partnerRank(conversations[i].partner), named[i], i)) }
        }
        keys.sort { a, b in (a.period, a.rank, a.named, a.index) < (b.period, b.rank, b.named, b.index) }
        self.conversations = conversations
        self.order = keys.map { ($0.index, $0.period) }
        self.context = context
    }

    public func forEachRow(_ body: ([Cell]) throws(RapportError) -> Void) throws(RapportError) {
        try forEachOrderedRow(order, width: columns.count, { index, period, cells in
            cells.append(.text(conversations[index].source.rawValue))
            cells.append(.text(context.identifier(conversations[index].conversation)))
            cells.append(context.partnerCell(conversations[index].partner))
            cells.append(.text(context.windowLabels[period]))
            cells.append(.instant(conversations[index].openedAt))
            cells.append(.integer(conversations[index].messages))
            cells.append(.integer(conversations[index].turns))
            cells.append(.bool(conversations[index].isEscalated))
            cells.append(.optional(conversations[index].escalationReason?.rawValue))
            cells.append(.bool(conversations[index].resolved))
            cells.append(.bool(conversations[index].reopened))
            cells.append(.text(conversations[index].tracker))
            cells.append(.text(context.link(conversations[index].url)))
        }, body)
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

/// The normalised fact table (SQLite only): one row per message, event or attendance used.
public struct InteractionsTable: ReportTable {
    public let name = "interactions"
    public let columns = ["source", "conversation", "partner", "id", "at", "period", "actor", "party", "kind", "public", "tracker"]
    let facts: [InteractionFact]
    /// Rows in time order (index into `facts`, window position, the conversation's partner), so that
    /// the period index grows as rows go in.
    let order: [(index: Int, period: Int, partner: Int?)]
    let context: ReportContext

    /// `conversations` give each conversation's partner, so that a client's message filters by
    /// the partner it was addressed to.
    public init(_ facts: [InteractionFact], conversations: [ConversationFact], context: ReportContext) {
        var partnerOf: [SourceKind: [TicketID: Int]] = [:]
        for c in conversations {
            if let p = c.partner { partnerOf[c.source, default: [:]][TicketID(tracker: c.tracker, key: c.conversation)] = p }
        }
        var order: [(index: Int, period: Int, partner: Int?)] = []
        for (i, f) in facts.enumerated() {
            if let p = context.windowIndex(of: f.at) { order.append((i, p, partnerOf[f.source]?[TicketID(tracker: f.tracker, key: f.conversation)])) }
        }
        order.sort { a, b in facts[a.index].at != facts[b.index].at ? facts[a.index].at < facts[b.index].at : a.index < b.index }
        self.facts = facts
        self.order = order
        self.context = context
    }

    public func forEachRow(_ body: ([Cell]) throws(RapportError) -> Void) throws(RapportError) {
        for (index, period, partner) in order {
            let f = facts[index]
            try body([
                .text(f.source.rawValue), .text(context.identifier(f.conversation)), context.partnerCell(partner),
                .text(context.identifier(f.id)), .instant(f.at), .text(context.windowLabels[period]), .text(context.identifier(f.actor)),
                .text(context.partyName(f.party)), .text(f.kind.rawValue), .bool(f.isPublic), .text(f.tracker),
            ])
        }
    }
}
