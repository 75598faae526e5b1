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

/// Marks every turn with its target and whether it breached it (METRICS.md, "SLA attainment"):
/// first responses use `first_response`, other turns `response`; an unanswered turn
/// breaches when its age at `as-of` exceeds the target.
public enum ServiceLevels {
    public static func annotate(_ turns: inout [TurnFact], targets: [Targets], clock: SLAClock, asOf: Instant) {
        for i in turns.indices {
            let t = turns[i]
            let partnerTargets = t.partner < targets.count ? targets[t.partner] : Targets()
            guard let target = t.isFirstResponse ? partnerTargets.firstResponseSeconds : partnerTargets.responseSeconds
            else { continue }
            turns[i].targetSeconds = target
            let elapsed: Double
            if t.isAnswered {
                elapsed = (clock == .business ? t.businessLatencySeconds : nil) ?? t.latencySeconds!
            } else {
                elapsed = asOf.seconds(since: t.openedAt)
            }
            turns[i].breached = elapsed > target
        }
    }
}
