import RapportCore

/// The aggregate stage's result for the report window.
public struct Aggregates: Sendable {
    public var metrics: [MetricRow] = []
    public var trust: [TrustRow] = []
    public init() {}
}

/// Turns facts into `metrics.csv` and `trust_report.csv` rows for a window of periods.
public struct Aggregator: Sendable {
    public var specs: [MetricSpec]
    public var trust: TrustSettings
    public var context: AggregationContext

    public init(sources: Set<SourceKind>, trust: TrustSettings, context: AggregationContext) {
        self.specs = MetricRegistry.specs(for: sources)
        self.trust = trust
        self.context = context
    }

    /// Rounds half away from zero to `places` decimals.
    public static func round(_ v: Double, places: Int) -> Double {
        let f = [1.0, 10, 100, 1000, 10_000, 100_000, 1_000_000][places]
        return (v * f).rounded(.toNearestOrAwayFromZero) / f
    }

    /// Cells from facts (mergeable across shards).
    public func observe(_ facts: Facts, sources: Set<SourceKind>) -> Cells {
        var cells = Cells()
        for family in MetricRegistry.families where !family.sources.isDisjoint(with: sources) {
            family.observe(facts, context: context, into: &cells)
        }
        return cells
    }

    /// Rows for the periods in `window` (ascending), plus the run-wide reject count.
    /// `complete` says which periods are complete (METRICS.md): a partial one is never the base of a delta.
    public func report(_ cells: Cells, window: [Period], rejected: Int, complete: (Period) -> Bool = { _ in true }) -> Aggregates {
        var out = Aggregates()
        let inWindow = Set(window)
        let keys = cells.keys.filter { inWindow.contains($0.period) }
        // Every (period, partner) with any data gets its counts (0 included); run-wide rows for every period with data.
        let partnerKeys = Set(keys.filter { $0.partner >= 0 })
        let runKeys = Set(keys.map { CellKey(period: $0.period, partner: -1) })
        for key in (partnerKeys.union(runKeys)).sorted() {
            for spec in specs where spec.scope.includes(partner: key.partner) {
                if var (value, n) = spec.evaluate(cells, key) {
                    // Durations are reported to the millisecond (inputs are whole seconds or finer; this only drops float noise).
                    if spec.definition.unit == "seconds" { value = Aggregator.round(value, places: 3) }
                    var row = MetricRow(period: key.period, partner: key.partner >= 0 ? Int(key.partner) : nil, metric: spec.name, value: value, n: n)
                    // Rows without a partner are run-wide (`quality.messages` with an empty partner counts
                    // every message); no figure of internal conversations alone is published today.
                    row.isRunWide = key.partner < 0
                    out.metrics.append(row)
                }
            }
        }
        var rejectedRow = MetricRow(period: nil, partner: nil, metric: QualityMetrics.rejected.metric, value: Double(rejected), n: rejected)
        rejectedRow.isRunWide = true
        out.metrics.append(rejectedRow)

        // Trust rows: every (period, partner) with data in the window; the delta looks one period back.
        let specByName = Dictionary(specs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func index(_ key: CellKey) -> (Double?, Double, [String: Double]) {
            let comps = TrustIndex.components(minSample: trust.minSample) { name in specByName[name]?.evaluate(cells, key) }
            return TrustIndex.combine(comps, settings: trust)
        }
        for key in partnerKeys.sorted() {
            let (value, coverage, present) = index(key)
            let previous = CellKey(period: key.period.previous, partner: key.partner)
            var delta: Double?
            if let value, cells.keys.contains(previous), complete(previous.period), let before = index(previous).0 { delta = value - before }
            // The headline table shows two decimals (coverage four); the band is decided on the unrounded index.
            out.trust.append(
                TrustRow(
                    period: key.period, partner: Int(key.partner), trustIndex: value.map { Aggregator.round($0, places: 2) },
                    trustIndexDelta: delta.map { Aggregator.round($0, places: 2) },
                    band: TrustIndex.band(index: value, coverage: coverage), coverage: Aggregator.round(coverage, places: 4),
                    components: present.mapValues { Aggregator.round($0, places: 2) },
                    conversations: cells.count("conversations", key) ?? 0, turns: cells.count("turns", key) ?? 0,
                    messages: cells.count("messages", key) ?? 0))
            out.trust[out.trust.count - 1].complete = complete(key.period)
        }
        return out
    }
}
