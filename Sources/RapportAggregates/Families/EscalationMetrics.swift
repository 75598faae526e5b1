import RapportCore

/// Escalation (METRICS.md "Escalation and reopening"): a conversation counts in the
/// period of its first message, for the partner of its first turn.
public enum EscalationMetrics: MetricFamily {
    public static let sources: Set<SourceKind> = [.email, .ticket]

    public static let metrics: [MetricSpec] = [
        MetricSpec("escalation.conversations", unit: "count", .count("conversations"), "Conversations (threads, tickets) whose first message falls in the period, by the partner of their first turn."),
        MetricSpec("escalation.escalated", unit: "count", .count("escalated"), "Conversations with any escalation trigger: priority raise, escalation status, label, assignee, client phrase, or an added escalation contact."),
        MetricSpec("escalation.rate", unit: "ratio", .rate(numerator: "escalated", denominator: "conversations"), "escalated / conversations."),
    ]

    public static func observe(_ facts: Facts, context: AggregationContext, into cells: inout Cells) {
        for c in facts.conversations where c.source != .meeting {
            guard let partner = c.partner else { continue }
            let key = context.key(c.openedAt, partner: partner)
            cells.tally("conversations", key)
            if c.isEscalated { cells.tally("escalated", key) }
        }
    }
}
