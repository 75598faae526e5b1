import RapportCore

/// Resolution and reopening of tickets (METRICS.md "Escalation and reopening"), in the
/// period of the ticket's first message, for its partner.
public enum ReopenMetrics: MetricFamily {
    public static let sources: Set<SourceKind> = [.ticket]

    public static let metrics: [MetricSpec] = [
        MetricSpec("reopen.resolved", unit: "count", .count("resolved"), "Tickets resolved (a resolved event, or a resolved date in exports without history)."),
        MetricSpec("reopen.reopened", unit: "count", .count("reopened"), "Resolved tickets reopened: a reopened event after the first resolution, or (without history) a client message after the resolved time."),
        MetricSpec("reopen.rate", unit: "ratio", .rate(numerator: "reopened", denominator: "resolved"), "reopened / resolved."),
    ]

    public static func observe(_ facts: Facts, context: AggregationContext, into cells: inout Cells) {
        for c in facts.conversations where c.source == .ticket {
            guard let partner = c.partner else { continue }
            let key = context.key(c.openedAt, partner: partner)
            if c.resolved { cells.tally("resolved", key) } else { cells.tally("resolved", key, by: 0) }
            if c.reopened { cells.tally("reopened", key) }
        }
    }
}
