import RapportCore

/// Trust index settings (`trust_index:` in the pipeline file).
public struct TrustSettings: Sendable {
    public static var componentNames: [String] { TrustRow.componentNames }
    public static let defaultWeights: [String: Double] = [
        "responsiveness": 0.30, "escalation": 0.25, "clarity": 0.20, "reliability": 0.15, "engagement": 0.10,
    ]
    public var weights: [String: Double]
    public var minSample: Int
    public init(weights: [String: Double] = TrustSettings.defaultWeights, minSample: Int = 5) {
        self.weights = weights
        self.minSample = minSample
    }
}

extension TrustSettings {
    /// What each `trust_report.csv` figure means, for `definitions.csv`.
    public static let definitions: [MetricDefinition] = [
        MetricDefinition("trust.trust_index", unit: "0-100", "Σ wᵢ·cᵢ / Σ wᵢ over the components present (a component needs a sample of at least min_sample)."),
        MetricDefinition("trust.coverage", unit: "ratio", "Σ wᵢ of the components present / Σ wᵢ of all components."),
        MetricDefinition("trust.trust_index_delta", unit: "points", "This period's index minus the previous period's for the same partner (empty when either is missing)."),
        MetricDefinition("trust.band", unit: "label", "excellent ≥ 90, good ≥ 75, watch ≥ 60, else at risk; empty when coverage < 0.5 (decided on the unrounded index)."),
        MetricDefinition("trust.responsiveness", unit: "0-100", "100 · response.sla_attainment."),
        MetricDefinition("trust.escalation", unit: "0-100", "100 · (1 − escalation.rate)."),
        MetricDefinition("trust.reliability", unit: "0-100", "100 · (1 − reopen.rate), or 100 · meeting.action_items_on_time_rate where there are no resolved tickets."),
        MetricDefinition("trust.clarity", unit: "0-100", "0.5 · clamp(clarity.partner.flesch_reading_ease, 0, 100) + 0.5 · 100 · (1 − clarity.clarification_request_rate)."),
        MetricDefinition("trust.engagement", unit: "0-100", "0.5 · 100 · meeting.partner_attendance_rate + 0.5 · 100 · meeting.on_time_rate."),
    ]
}

/// The trust index of METRICS.md: components 0–100 (each present only when its sample
/// reaches `min_sample`), their weighted mean over present components, the coverage
/// (weight present / all weight), the delta to the previous period, and the band.
public enum TrustIndex {
    /// One component's value and the sample behind it.
    public typealias Component = (value: Double, n: Int)

    /// Components from a cell's metric values (by metric name).
    public static func components(_ metric: (String) -> (value: Double, n: Int)?) -> [String: Component] {
        var out: [String: Component] = [:]
        if let sla = metric("response.sla_attainment") { out["responsiveness"] = (100 * sla.value, sla.n) }
        if let esc = metric("escalation.rate") { out["escalation"] = (100 * (1 - esc.value), esc.n) }
        if let reopen = metric("reopen.rate") {
            out["reliability"] = (100 * (1 - reopen.value), reopen.n)
        } else if let actions = metric("meeting.action_items_on_time_rate") {
            out["reliability"] = (100 * actions.value, actions.n)
        }
        if let fre = metric("clarity.partner.flesch_reading_ease"), let clar = metric("clarity.clarification_request_rate") {
            out["clarity"] = (0.5 * min(max(fre.value, 0), 100) + 0.5 * 100 * (1 - clar.value), min(fre.n, clar.n))
        }
        if let att = metric("meeting.partner_attendance_rate"), let onTime = metric("meeting.on_time_rate") {
            out["engagement"] = (0.5 * 100 * att.value + 0.5 * 100 * onTime.value, min(att.n, onTime.n))
        }
        return out
    }

    /// Index, coverage and the components that count (sample at least `min_sample`).
    public static func combine(_ components: [String: Component], settings: TrustSettings) -> (
        index: Double?, coverage: Double, present: [String: Double]
    ) {
        var present: [String: Double] = [:]
        var weighted = 0.0
        var presentWeight = 0.0
        var totalWeight = 0.0
        for name in TrustSettings.componentNames {
            let w = settings.weights[name] ?? 0
            totalWeight += w
            guard let c = components[name], c.n >= settings.minSample else { continue }
            present[name] = c.value
            weighted += w * c.value
            presentWeight += w
        }
        // Rounded to 12 places: weights like 0.30 + 0.20 over a total of 1.0000000000000002 are exactly half.
        let coverage = totalWeight > 0 ? (presentWeight / totalWeight * 1e12).rounded() / 1e12 : 0
        let index = presentWeight > 0 ? weighted / presentWeight : nil
        return (index, coverage, present)
    }

    /// `excellent` ≥ 90, `good` ≥ 75, `watch` ≥ 60, else `at risk`; none when coverage < 0.5.
    public static func band(index: Double?, coverage: Double) -> String? {
        guard let index, coverage >= 0.5 else { return nil }
        if index >= 90 { return "excellent" }
        if index >= 75 { return "good" }
        if index >= 60 { return "watch" }
        return "at risk"
    }
}
