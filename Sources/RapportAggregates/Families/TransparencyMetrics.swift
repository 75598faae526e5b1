import RapportCore

/// Transparency (METRICS.md, "Transparency, reliability of commitments, mutual respect"):
/// how much of what the partner writes comes unprompted, and whether open tickets hear
/// from it at least every `targets.update_every`.
public enum TransparencyMetrics: MetricFamily {
    public static let sources: Set<SourceKind> = [.email, .ticket]

    public static let metrics: [MetricSpec] = [
        MetricSpec("transparency.proactive_share", unit: "ratio", .rate(numerator: "t_proactive", denominator: "t_partner_messages"), "Proactive updates (partner messages while no turn was open) / all public, non-automated partner messages of the period."),
        MetricSpec("transparency.kept_informed_rate", unit: "ratio", .rate(numerator: "t_kept_informed", denominator: "t_open_tickets"), "Tickets open in the period in which no gap between creation (or reopening) or a public partner message and the next one, the resolution or the period's end (as-of if earlier) exceeds targets.update_every (default 2d) on the sla_clock / tickets open in the period."),
    ]

    public static func observe(_ facts: Facts, context: AggregationContext, into cells: inout Cells) {
        var tallies = CellTallies(["t_proactive", "t_partner_messages", "t_kept_informed", "t_open_tickets"])
        for e in facts.events {
            switch e.kind {
            case .proactiveUpdate: tallies.update(at: e.at, partner: Int(e.partner), context) { $0.tally(0) }
            case .partnerMessage: tallies.update(at: e.at, partner: Int(e.partner), context) { $0.tally(1) }
            case .keptInformed:
                tallies.update(at: e.at, partner: Int(e.partner), context) { row in
                    row.tally(2)
                    row.tally(3)
                }
            case .leftUninformed: tallies.update(at: e.at, partner: Int(e.partner), context) { $0.tally(3) }
            default: break
            }
        }
        tallies.add(to: &cells)
    }
}
