import RapportCore

/// Trust index settings (`trust_index:` in the pipeline file).
public struct TrustSettings: Sendable {
    public static var componentNames: [String] { TrustRow.componentNames }
    /// Definitions 3 gave transparency and respect a share of the index (docs/choices.md);
    /// a pipeline that lists its own weights gives components it does not list weight 0.
    public static let defaultWeights: [String: Double] = [
        "responsiveness": 0.25, "escalation": 0.20, "clarity": 0.15, "reliability": 0.15, "engagement": 0.10,
        "transparency": 0.10, "respect": 0.05,
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
        MetricDefinition("trust.reliability", unit: "0-100", "Mean of the parts whose sample reaches min_sample of 100 · (1 − reopen.rate), 100 · reliability.due_on_time_rate and 100 · meeting.action_items_on_time_rate."),
        MetricDefinition("trust.clarity", unit: "0-100", "0.5 · clamp(clarity.partner.flesch_reading_ease, 0, 100) + 0.5 · 100 · (1 − clarity.clarification_request_rate)."),
        MetricDefinition("trust.engagement", unit: "0-100", "0.5 · 100 · meeting.partner_attendance_rate + 0.5 · 100 · meeting.on_time_rate."),
        MetricDefinition("trust.transparency", unit: "0-100", "100 · (0.5 · min(1, transparency.proactive_share / 0.2) + 0.5 · transparency.kept_informed_rate); the one part alone when the other's sample is under min_sample (e-mail only: no tickets)."),
        MetricDefinition("trust.respect", unit: "0-100", "respect.partner.politeness (the client's own politeness is shown beside it and never enters the index)."),
    ]
}

/// The trust index of METRICS.md: components 0–100 (each present only when its sample
/// reaches `min_sample`), their weighted mean over present components, the coverage
/// (weight present / all weight), the delta to the previous period, and the band.
public enum TrustIndex {
    /// One component's value and the sample behind it.
    public typealias Component = (value: Double, n: Int)

    /// Components from a cell's metric values (by metric name). A component made of parts
    /// (reliability, transparency) is the mean of the parts whose sample reaches `minSample`,
    /// and rests on their smallest sample; with none, on the largest part's (so it is left out).
    public static func components(minSample: Int, _ metric: (String) -> (value: Double, n: Int)?) -> [String: Component] {
        var out: [String: Component] = [:]
        if let sla = metric("response.sla_attainment") { out["responsiveness"] = (100 * sla.value, sla.n) }
        if let esc = metric("escalation.rate") { out["escalation"] = (100 * (1 - esc.value), esc.n) }
        let reliability = [
            metric("reopen.rate").map { (100 * (1 - $0.value), $0.n) },
            metric("reliability.due_on_time_rate").map { (100 * $0.value, $0.n) },
            metric("meeting.action_items_on_time_rate").map { (100 * $0.value, $0.n) },
        ]
        out["reliability"] = meanOfParts(reliability, minSample: minSample)
        if let fre = metric("clarity.partner.flesch_reading_ease"), let clar = metric("clarity.clarification_request_rate") {
            out["clarity"] = (0.5 * min(max(fre.value, 0), 100) + 0.5 * 100 * (1 - clar.value), min(fre.n, clar.n))
        }
        if let att = metric("meeting.partner_attendance_rate"), let onTime = metric("meeting.on_time_rate") {
            out["engagement"] = (0.5 * 100 * att.value + 0.5 * 100 * onTime.value, min(att.n, onTime.n))
        }
        let transparency = [
            metric("transparency.proactive_share").map { (100 * min(1, $0.value / 0.2), $0.n) },
            metric("transparency.kept_informed_rate").map { (100 * $0.value, $0.n) },
        ]
        out["transparency"] = meanOfParts(transparency, minSample: minSample)
        if let polite = metric("respect.partner.politeness") { out["respect"] = (polite.value, polite.n) }
        return out
    }

    /// The mean of the parts whose sample reaches `minSample` (see ``components(minSample:_:)``).
    public static func meanOfParts(_ parts: [Component?], minSample: Int) -> Component? {
        let present = parts.compactMap { $0 }
        let counted = present.filter { $0.n >= minSample }
        guard !counted.isEmpty else { return present.max { $0.n < $1.n } }
        return (counted.map(\.value).reduce(0, +) / Double(counted.count), counted.map(\.n).min()!)
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
