import RapportCore

/// SLA targets per partner (`targets: { first_response: 4h, response: 8h, update_every: 2d }`).
public struct Targets: Sendable, Hashable {
    public var firstResponseSeconds: Double?
    public var responseSeconds: Double?
    /// The longest an open ticket may go without a partner update (transparency.kept_informed_rate).
    public var updateEverySeconds: Double = Commitments.defaultUpdateEverySeconds
    public init(firstResponseSeconds: Double? = nil, responseSeconds: Double? = nil) {
        self.firstResponseSeconds = firstResponseSeconds
        self.responseSeconds = responseSeconds
    }
}

/// Which latency the SLA is measured on (`sla_clock`).
public enum SLAClock: String, Sendable {
    case business, calendar
}

/// Marks every turn with its business latency (the part of `[open, answer)` inside the
/// partner's calendar), its target and whether it breached it (METRICS.md, "SLA
/// attainment"): first responses use `first_response`, other turns `response`; an
/// unanswered turn breaches when its age at `as-of` (on the same clock) exceeds the target.
public enum ServiceLevels {
    public static func annotate(_ turns: inout [TurnFact], targets: [Targets], calendars: [WorkCalendar], clock: SLAClock, asOf: Instant) {
        // By field, not `let t = turns[i]`: copying a whole turn retained and released its three strings.
        for i in turns.indices {
            let partner = turns[i].partner
            let openedAt = turns[i].openedAt
            let answeredAt = turns[i].answeredAt
            let calendar = calendars[partner]
            if let answeredAt { turns[i].businessLatencySeconds = calendar.seconds(from: openedAt, to: answeredAt) }
            let partnerTargets = partner < targets.count ? targets[partner] : Targets()
            guard let target = turns[i].isFirstResponse ? partnerTargets.firstResponseSeconds : partnerTargets.responseSeconds
            else { continue }
            turns[i].targetSeconds = target
            let elapsed: Double
            switch (clock, answeredAt) {
            case (.business, .some): elapsed = turns[i].businessLatencySeconds!
            case (.business, .none): elapsed = calendar.seconds(from: openedAt, to: asOf)
            case (.calendar, .some(let answered)): elapsed = answered.seconds(since: openedAt)
            case (.calendar, .none): elapsed = asOf.seconds(since: openedAt)
            }
            turns[i].breached = elapsed > target
        }
    }
}
