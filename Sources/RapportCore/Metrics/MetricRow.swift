/// One row of `metrics.csv`: a figure for a (period, partner) and the sample it rests on.
public struct MetricRow: Sendable, Hashable {
    /// Nil for run-wide figures reported over the whole window.
    public var period: Period?
    /// Partner index; nil for figures not tied to one partner.
    public var partner: Int?
    public var metric: String
    public var value: Double
    public var n: Int
    /// A figure of the whole run (data quality), not of one partner or of internal conversations.
    public var isRunWide = false

    /// `metrics.csv`'s `scope`: `partner`, `internal` (conversations without a partner) or `run`.
    public var scope: String { partner != nil ? "partner" : isRunWide ? "run" : "internal" }

    public init(period: Period?, partner: Int?, metric: String, value: Double, n: Int) {
        self.period = period
        self.partner = partner
        self.metric = metric
        self.value = value
        self.n = n
    }
}

/// What a metric means: a row of `definitions.csv`.
public struct MetricDefinition: Sendable, Hashable {
    public var metric: String
    public var definition: String
    public var unit: String
    public init(_ metric: String, unit: String, _ definition: String) {
        self.metric = metric
        self.unit = unit
        self.definition = definition
    }
}

/// One row of `trust_report.csv`.
public struct TrustRow: Sendable, Hashable {
    /// Every component: the first five in `trust_report.csv`'s column order, then those
    /// added later (``appendedComponentNames``, after the counts: columns are only appended).
    public static let componentNames = firstComponentNames + appendedComponentNames
    public static let firstComponentNames = ["responsiveness", "escalation", "reliability", "clarity", "engagement"]
    /// Added with definitions 3 (METRICS.md, "Transparency, reliability of commitments, mutual respect").
    public static let appendedComponentNames = ["transparency", "respect"]

    public var period: Period
    public var partner: Int
    public var trustIndex: Double?
    public var trustIndexDelta: Double?
    public var band: String?
    public var coverage: Double
    /// Component values by name (`responsiveness`, `escalation`, ...); absent when below `min_sample`.
    public var components: [String: Double]
    public var conversations: Int
    public var turns: Int
    public var messages: Int
    /// False when the period had not ended by as-of or the data begins inside it (METRICS.md,
    /// "Complete periods and small samples"): it is then never the base of a delta.
    public var complete = true

    public init(
        period: Period, partner: Int, trustIndex: Double?, trustIndexDelta: Double?, band: String?, coverage: Double,
        components: [String: Double], conversations: Int, turns: Int, messages: Int
    ) {
        self.period = period
        self.partner = partner
        self.trustIndex = trustIndex
        self.trustIndexDelta = trustIndexDelta
        self.band = band
        self.coverage = coverage
        self.components = components
        self.conversations = conversations
        self.turns = turns
        self.messages = messages
    }
}
