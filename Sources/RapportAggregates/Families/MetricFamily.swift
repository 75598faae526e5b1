import RapportCore

/// What families need to place facts into cells.
public struct AggregationContext: Sendable {
    public var cutter: PeriodCutter
    public init(cutter: PeriodCutter) { self.cutter = cutter }

    public func key(_ at: Instant, partner: Int?) -> CellKey {
        CellKey(period: cutter.period(of: at), partner: Int32(partner ?? -1))
    }

    /// The cell of a local date (action items are due on days, not instants).
    public func key(_ date: LocalDate, partner: Int?) -> CellKey {
        CellKey(period: Period(kind: cutter.kind, containing: date), partner: Int32(partner ?? -1))
    }
}

/// A group of metrics computed from the same facts.
///
/// Implementation requirements:
/// - `metrics` lists every metric the family publishes, with its METRICS.md definition;
///   names are the stable identifiers of OUTPUTS.md.
/// - `observe` only counts and samples into `cells` (so that shards merge exactly);
///   values are computed by ``MetricSpec/evaluate(_:_:)``.
///
/// To add a metric: add a spec to a family's `metrics` (and the observations it needs);
/// a new family is one file here plus one line in ``MetricRegistry``.
public protocol MetricFamily: Sendable {
    /// The family reports only when the pipeline reads one of these kinds of log.
    static var sources: Set<SourceKind> { get }
    static var metrics: [MetricSpec] { get }
    static func observe(_ facts: Facts, context: AggregationContext, into cells: inout Cells)
}

/// Every metric family: the one registration line per family.
public enum MetricRegistry {
    public static let families: [any MetricFamily.Type] = [
        ResponseMetrics.self,
        EscalationMetrics.self,
        ReopenMetrics.self,
        ClarityMetrics.self,
        MeetingMetrics.self,
        QualityMetrics.self,
        TransparencyMetrics.self,
        DueDateMetrics.self,
        RespectMetrics.self,
    ]

    /// The specs that apply to a pipeline reading `sources`.
    public static func specs(for sources: Set<SourceKind>) -> [MetricSpec] {
        families.filter { !$0.sources.isDisjoint(with: sources) }.flatMap { $0.metrics }
    }

    /// Every definition, for `definitions.csv`.
    public static var definitions: [MetricDefinition] { families.flatMap { $0.metrics.map(\.definition) } }
}
