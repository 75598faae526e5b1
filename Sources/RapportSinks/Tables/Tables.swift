import RapportCore

/// The CSV outputs of OUTPUTS.md, names and columns exactly; rows sorted by
/// period, partner, then the natural key, so that files diff cleanly.
public enum Tables {
    public static let metricsColumns = ["period", "period_start", "period_end", "partner", "metric", "value", "n"]
    public static let trustColumns = [
        "period", "period_start", "period_end", "partner", "trust_index", "trust_index_delta", "band", "coverage",
        "responsiveness", "escalation", "reliability", "clarity", "engagement", "conversations", "turns", "messages",
    ]
    public static let responsesColumns = [
        "source", "conversation", "turn", "partner", "period", "opened_at", "answered_at", "answered", "first_response",
        "latency_s", "business_latency_s", "target_s", "breached", "opened_by", "answered_by",
    ]
    public static let conversationsColumns = [
        "source", "conversation", "partner", "period", "opened_at", "messages", "turns", "escalated", "escalation_reason",
        "resolved", "reopened",
    ]
    public static let rejectsColumns = ["file", "record", "reason", "excerpt"]
    public static let definitionsColumns = ["metric", "definition", "unit", "definitions_version"]

    public static func writeMetrics(_ rows: [MetricRow], context: ReportContext, to path: String) throws(RapportError) {
        let sorted = rows.sorted { a, b in
            // Periods in order, the whole-window rows last; empty partner first; then metric name.
            let pa = a.period?.start.daysSinceEpoch ?? Int64.max
            let pb = b.period?.start.daysSinceEpoch ?? Int64.max
            if pa != pb { return pa < pb }
            let ia = context.partnerRank(a.partner)
            let ib = context.partnerRank(b.partner)
            if ia != ib { return ia < ib }
            return bytesLess(a.metric, b.metric)
        }
        let out = try OutputFile(path: path)
        try out.write(CSVFormatting.header(metricsColumns))
        for r in sorted {
            try out.write(
                CSVFormatting.line(
                    context.periodCells(r.period) + [.text(context.partnerID(r.partner)), .text(r.metric), .number(r.value), .integer(r.n)]))
        }
        try out.close()
    }

    public static func writeTrust(_ rows: [TrustRow], context: ReportContext, to path: String) throws(RapportError) {
        let sorted = rows.sorted { a, b in
            if a.period != b.period { return a.period < b.period }
            return context.partnerRank(a.partner) < context.partnerRank(b.partner)
        }
        let out = try OutputFile(path: path)
        try out.write(CSVFormatting.header(trustColumns))
        for r in sorted {
            var cells = context.periodCells(r.period) + [.text(context.partnerID(r.partner))]
            cells += [.optional(r.trustIndex), .optional(r.trustIndexDelta), .optional(r.band), .number(r.coverage)]
            for name in ["responsiveness", "escalation", "reliability", "clarity", "engagement"] {
                cells.append(.optional(r.components[name]))
            }
            cells += [.integer(r.conversations), .integer(r.turns), .integer(r.messages)]
            try out.writeRow((cells))
        }
        try out.close()
    }

    /// Turns opened in the window.
    public static func writeResponses(_ turns: [TurnFact], context: ReportContext, to path: String) throws(RapportError) {
        let inWindow = Set(context.window)
        // Sort indexes on precomputed keys; the facts themselves are never moved.
        var keys: [(period: Int64, rank: Int, index: Int)] = []
        var periods: [Period] = []
        periods.reserveCapacity(turns.count)
        for (i, t) in turns.enumerated() {
            let p = context.cutter.period(of: t.openedAt)
            periods.append(p)
            if inWindow.contains(p) { keys.append((p.start.daysSinceEpoch, context.partnerRank(t.partner), i)) }
        }
        keys.sort { a, b in
            if a.period != b.period { return a.period < b.period }
            if a.rank != b.rank { return a.rank < b.rank }
            let x = turns[a.index]
            let y = turns[b.index]
            if x.source != y.source { return bytesLess(x.source.rawValue, y.source.rawValue) }
            if x.conversation != y.conversation { return bytesLess(x.conversation, y.conversation) }
            return x.turn < y.turn
        }
        let out = try OutputFile(path: path)
        try out.write(CSVFormatting.header(responsesColumns))
        for k in keys {
            let t = turns[k.index]
            let cells: [Cell] = [
                .text(t.source.rawValue), .text(t.conversation), .integer(t.turn), .text(context.partnerID(t.partner)),
                .text(periods[k.index].label), .instant(t.openedAt), .optional(t.answeredAt), .bool(t.isAnswered),
                .bool(t.isFirstResponse), .optional(t.latencySeconds), .optional(t.businessLatencySeconds),
                .optional(t.targetSeconds), .optional(t.breached), .text(t.openedBy), .optional(t.answeredBy),
            ]
            try out.writeRow(cells)
        }
        try out.close()
    }

    /// Conversations whose first message falls in the window, internal ones included (empty partner).
    public static func writeConversations(_ conversations: [ConversationFact], context: ReportContext, to path: String) throws(RapportError) {
        let inWindow = Set(context.window)
        var keys: [(period: Int64, rank: Int, index: Int)] = []
        var periods: [Period] = []
        periods.reserveCapacity(conversations.count)
        for (i, c) in conversations.enumerated() {
            let p = context.cutter.period(of: c.openedAt)
            periods.append(p)
            if inWindow.contains(p) { keys.append((p.start.daysSinceEpoch, context.partnerRank(c.partner), i)) }
        }
        keys.sort { a, b in
            if a.period != b.period { return a.period < b.period }
            if a.rank != b.rank { return a.rank < b.rank }
            let x = conversations[a.index]
            let y = conversations[b.index]
            if x.source != y.source { return bytesLess(x.source.rawValue, y.source.rawValue) }
            return bytesLess(x.conversation, y.conversation)
        }
        let out = try OutputFile(path: path)
        try out.write(CSVFormatting.header(conversationsColumns))
        for k in keys {
            let c = conversations[k.index]
            let cells: [Cell] = [
                .text(c.source.rawValue), .text(c.conversation), .text(context.partnerID(c.partner)), .text(periods[k.index].label),
                .instant(c.openedAt), .integer(c.messages), .integer(c.turns), .bool(c.isEscalated),
                .optional(c.escalationReason?.rawValue), .bool(c.resolved), .bool(c.reopened),
            ]
            try out.writeRow(cells)
        }
        try out.close()
    }

    /// Every reject; raw rows may hold personal data, so the file is written owner-only.
    public static func writeRejects(_ rejects: [Reject], context: ReportContext, to path: String) throws(RapportError) {
        let sorted = rejects.sorted { a, b in
            if a.file != b.file { return bytesLess(context.files[Int(a.file)], context.files[Int(b.file)]) }
            return (a.record ?? -1, a.reason.rawValue) < (b.record ?? -1, b.reason.rawValue)
        }
        let out = try OutputFile(path: path, mode: 0o600)
        try out.write(CSVFormatting.header(rejectsColumns))
        for r in sorted {
            let cells: [Cell] = [
                .text(context.files[Int(r.file)]), r.record.map { .integer(Int($0)) } ?? .empty,
                .text("\(r.reason.rawValue): \(r.message)"), .text(r.excerpt),
            ]
            try out.writeRow((cells))
        }
        try out.close()
    }

    public static func writeDefinitions(_ definitions: [MetricDefinition], version: String, to path: String) throws(RapportError) {
        let out = try OutputFile(path: path)
        try out.write(CSVFormatting.header(definitionsColumns))
        for d in definitions.sorted(by: { bytesLess($0.metric, $1.metric) }) {
            try out.writeRow(([.text(d.metric), .text(d.definition), .text(d.unit), .text(version)]))
        }
        try out.close()
    }
}
