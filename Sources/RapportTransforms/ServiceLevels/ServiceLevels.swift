import RapportCore

/// SLA targets per partner (`targets: { first_response: 4h, response: 8h }`).
public struct Targets: Sendable, Hashable {
    public var firstResponseSeconds: Double?
    public var responseSeconds: Double?
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
        for i in turns.indices {
            let t = turns[i]
            let calendar = calendars[t.partner]
            if let answered = t.answeredAt { turns[i].businessLatencySeconds = calendar.seconds(from: t.openedAt, to: answered) }
            let partnerTargets = t.partner < targets.count ? targets[t.partner] : Targets()
            guard let target = t.isFirstResponse ? partnerTargets.firstResponseSeconds : partnerTargets.responseSeconds
            else { continue }
            turns[i].targetSeconds = target
            let elapsed: Double
            switch (clock, t.answeredAt) {
            case (.business, .some): elapsed = turns[i].businessLatencySeconds!
            case (.business, .none): elapsed = calendar.seconds(from: t.openedAt, to: asOf)
            case (.calendar, .some(let answered)): elapsed = answered.seconds(since: t.openedAt)
            case (.calendar, .none): elapsed = asOf.seconds(since: t.openedAt)
            }
            turns[i].breached = elapsed > target
        }
    }
}
