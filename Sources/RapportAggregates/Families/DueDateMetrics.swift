import RapportCore

/// Reliability of commitments (METRICS.md, "Transparency, reliability of commitments, mutual
/// respect"): tickets resolved by the date they were due (Jira `<due>`, Redmine `due_date`,
/// a mapped `due` column). A ticket counts in the period of its due date once that date has
/// passed by as-of, by its last resolution.
public enum DueDateMetrics: MetricFamily {
    public static let sources: Set<SourceKind> = [.ticket]

    public static let metrics: [MetricSpec] = [
        MetricSpec("reliability.due_on_time_rate", unit: "ratio", .rate(numerator: "due_met", denominator: "due_passed"), "Tickets whose due date falls in the period and has passed by as-of, resolved (last resolution) before the end of that date in the pipeline's timezone / those tickets."),
    ]

    public static func observe(_ facts: Facts, context: AggregationContext, into cells: inout Cells) {
        var tallies = CellTallies(["due_met", "due_passed"])
        for e in facts.events {
            switch e.kind {
            case .dueMet:
                tallies.update(at: e.at, partner: Int(e.partner), context) { row in
                    row.tally(0)
                    row.tally(1)
                }
            case .dueMissed: tallies.update(at: e.at, partner: Int(e.partner), context) { $0.tally(1) }
            default: break
            }
        }
        tallies.add(to: &cells)
    }
}
