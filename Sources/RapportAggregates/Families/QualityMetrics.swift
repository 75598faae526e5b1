import RapportCore

/// Data quality: how much was read and what the turn logic had to leave out, so a
/// figure is never better than the data behind it without the reader seeing why.
public enum QualityMetrics: MetricFamily {
    public static let sources: Set<SourceKind> = Set(SourceKind.allCases)

    public static let metrics: [MetricSpec] = [
        MetricSpec("quality.messages", unit: "count", scope: .both, .count("messages"), "Messages in the period (by their own time); per partner, those in conversations attributed to the partner; with an empty partner, all of them."),
        MetricSpec("quality.internal_conversations", unit: "count", scope: .run, .count("internal_conversations"), "Conversations in which no partner appears (left out of every partner metric)."),
        MetricSpec("quality.unknown_party_share", unit: "ratio", scope: .run, .rate(numerator: "unknown_messages", denominator: "messages"), "Messages whose author matches no client or partner rule, as a share of all messages."),
        MetricSpec("quality.ignored_automated", unit: "count", scope: .run, .count("automated"), "Messages skipped as automated: ignore.actors, auto-reply subjects, Auto-Submitted."),
        MetricSpec("quality.clock_skew", unit: "count", scope: .run, .count("clock_skew"), "Replies stamped before the message they reply to (by in_reply_to)."),
        MetricSpec("quality.duplicates", unit: "count", scope: .run, .count("duplicates"), "Records read more than once with the same id and content (counted once)."),
    ]

    /// Reported once for the whole run (a reject often has no usable time).
    public static let rejected = MetricDefinition("quality.rejected", unit: "count", "Records that could not be used (see rejects.csv), for the whole run; whole files refused count as one each.")

    public static func observe(_ facts: Facts, context: AggregationContext, into cells: inout Cells) {
        // One event per message at least: counted per cell first, then added to `cells`.
        var tallies = CellTallies(["messages", "unknown_messages", "automated", "clock_skew", "duplicates"])
        for e in facts.events {
            let stat: Int
            switch e.kind {
            case .message: stat = 0
            case .unknownPartyMessage: stat = 1
            case .automatedMessage: stat = 2
            case .clockSkew: stat = 3
            case .duplicate: stat = 4
            default: continue
            }
            tallies.update(at: e.at, partner: nil, context) { $0.tally(stat) }
            if stat == 0 && e.partner >= 0 { tallies.update(at: e.at, partner: Int(e.partner), context) { $0.tally(stat) } }
        }
        tallies.add(to: &cells)
        for c in facts.conversations where c.isInternal {
            cells.tally("internal_conversations", context.key(c.openedAt, partner: nil))
        }
    }
}
