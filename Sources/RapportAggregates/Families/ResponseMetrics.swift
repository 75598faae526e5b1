import RapportCore

/// Response turns (METRICS.md "Response latency"): volumes, latency percentiles, SLA attainment,
/// acknowledgements and proactive updates. A turn belongs to the period of its opening message.
public enum ResponseMetrics: MetricFamily {
    public static let sources: Set<SourceKind> = [.email, .ticket]

    public static let metrics: [MetricSpec] = [
        MetricSpec("response.turns", unit: "count", .count("turns"), "Response turns opened in the period: a client message opens a turn when none is open in its conversation."),
        MetricSpec("response.answered", unit: "count", .count("answered"), "Turns answered by a later partner message (by as-of)."),
        MetricSpec("response.unanswered", unit: "count", .count("unanswered"), "Turns still open at as-of; excluded from latency statistics."),
        MetricSpec("response.acknowledgements", unit: "count", .count("acknowledgements"), "Client acknowledgements that opened no turn (a body of at most 12 words, no question mark, and an acknowledgement phrase with no letter, number or _ right before or after it), in the period of their own time."),
        MetricSpec("response.proactive_updates", unit: "count", .count("proactive_updates"), "Partner messages sent while no turn was open."),
        MetricSpec("response.latency_p50_s", unit: "seconds", .percentile("latency", 0.5), "Median calendar latency (answer.at - open.at) of answered turns; type-7 percentile."),
        MetricSpec("response.latency_p90_s", unit: "seconds", .percentile("latency", 0.9), "90th percentile calendar latency of answered turns; type-7 percentile."),
        MetricSpec("response.latency_mean_s", unit: "seconds", .mean("latency"), "Mean calendar latency of answered turns."),
        MetricSpec("response.business_latency_p50_s", unit: "seconds", .percentile("business_latency", 0.5), "Median business latency: the part of [open, answer) inside the partner's calendar."),
        MetricSpec("response.business_latency_p90_s", unit: "seconds", .percentile("business_latency", 0.9), "90th percentile business latency."),
        MetricSpec("response.sla_attainment", unit: "ratio", .rate(numerator: "sla_met", denominator: "sla_due"), "Answered within target / (answered + unanswered past target), on the sla_clock; first responses use targets.first_response, other turns targets.response."),
        MetricSpec("first_response.latency_p50_s", unit: "seconds", .percentile("first_latency", 0.5), "Median calendar latency of first responses (the first turn of a conversation whose first message is the client's)."),
        MetricSpec("first_response.latency_p90_s", unit: "seconds", .percentile("first_latency", 0.9), "90th percentile calendar latency of first responses."),
    ]

    public static func observe(_ facts: Facts, context: AggregationContext, into cells: inout Cells) {
        var tallies = CellTallies(
            ["turns", "answered", "unanswered", "sla_due", "sla_met", "acknowledgements", "proactive_updates"],
            samples: ["latency", "first_latency", "business_latency"])
        // By index and field, not `for t in`: binding a whole turn retains its three strings.
        for i in facts.turns.indices {
            let latency = facts.turns[i].latencySeconds
            let isFirstResponse = facts.turns[i].isFirstResponse
            let business = facts.turns[i].businessLatencySeconds
            let breached = facts.turns[i].breached
            tallies.update(at: facts.turns[i].openedAt, partner: facts.turns[i].partner, context) { row in
                if let latency {
                    row.sample(0, latency)
                    if isFirstResponse { row.sample(1, latency) }
                    if let business { row.sample(2, business) }
                }
                let answered = latency != nil
                row.tally(0)
                row.tally(answered ? 1 : 2)
                if let breached {
                    if answered || breached { row.tally(3) }
                    if answered && !breached { row.tally(4) }
                }
            }
        }
        for e in facts.events {
            switch e.kind {
            case .acknowledgement: tallies.update(at: e.at, partner: Int(e.partner), context) { $0.tally(5) }
            case .proactiveUpdate: tallies.update(at: e.at, partner: Int(e.partner), context) { $0.tally(6) }
            default: break
            }
        }
        tallies.add(to: &cells)
    }
}
