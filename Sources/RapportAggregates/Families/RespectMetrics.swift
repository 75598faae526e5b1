import RapportCore

/// Mutual respect, read both ways (METRICS.md, "Transparency, reliability of commitments,
/// mutual respect"): the politeness rules v1 score (0–100, 50 neutral; docs/politeness.md) of
/// the public English messages of at least 3 words each side wrote in the partner's
/// conversations, and the share scored below 25. The client's figures are shown beside the
/// partner's and never enter the partner's trust index.
public enum RespectMetrics: MetricFamily {
    public static let sources: Set<SourceKind> = [.email, .ticket]

    public static let metrics: [MetricSpec] = [
        MetricSpec("respect.partner.politeness", unit: "0-100", .rate(numerator: "p_politeness_sum", denominator: "p_politeness_scored"), "Mean politeness score (politeness rules v1; 0-100, 50 neutral) of the partner's public English messages of at least 3 words."),
        MetricSpec("respect.partner.impolite_share", unit: "ratio", .rate(numerator: "p_impolite", denominator: "p_politeness_scored"), "Share of those partner messages scored below 25."),
        MetricSpec("respect.client.politeness", unit: "0-100", .rate(numerator: "c_politeness_sum", denominator: "c_politeness_scored"), "Mean politeness score of the client's public English messages of at least 3 words in the partner's conversations (shown beside the partner's; never part of its trust index)."),
        MetricSpec("respect.client.impolite_share", unit: "ratio", .rate(numerator: "c_impolite", denominator: "c_politeness_scored"), "Share of those client messages scored below 25."),
    ]

    public static func observe(_ facts: Facts, context: AggregationContext, into cells: inout Cells) {
        for (key, t) in facts.texts where key.partner >= 0 && t.politenessScored > 0 {
            let cell = context.key(key.day, partner: Int(key.partner))
            let prefix = key.isClient ? "c_" : "p_"
            cells.tally(prefix + "politeness_scored", cell, by: t.politenessScored)
            cells.tally(prefix + "politeness_sum", cell, by: t.politenessSum)
            if t.impolite > 0 { cells.tally(prefix + "impolite", cell, by: t.impolite) }
        }
    }
}
