import RapportCore

/// How a metric's value comes out of the cells.
public enum Statistic: Sendable, Hashable {
    /// A count (`n` is the count itself); written as 0 for every cell of its scope that has data.
    case count(String)
    /// `numerator / denominator` (`n` is the denominator); omitted when the denominator is 0.
    case rate(numerator: String, denominator: String)
    /// A type-7 percentile of a sample (`n` is the sample size); omitted for an empty sample.
    case percentile(String, Double)
    /// The arithmetic mean of a sample.
    case mean(String)
    /// `Σ numerator / Σ denominator` over paired samples (pooled); `n` is the number of pairs.
    case pooledRatio(numerator: String, denominator: String)
    /// A readability figure from pooled counts tallied as `<prefix>sentences`, `words`, `syllables`,
    /// `letters`, `polysyllables`, `acronyms`, `messages`; `n` is the number of messages.
    case readability(prefix: String, ReadabilityFigure)
}

/// The figures computed from pooled readability counts (formulas of METRICS.md).
public enum ReadabilityFigure: Sendable, Hashable {
    case fleschReadingEase, fleschKincaidGrade, gunningFog, smog, colemanLiau, ari
    case wordsPerSentence, complexWordRatio, acronymsPer100Words
}

/// Whether a metric is reported per partner or for the run as a whole (empty `partner`).
public enum MetricScope: Sendable, Hashable {
    /// One row per (period, partner).
    case partner
    /// One row per period with an empty partner.
    case run
    /// Both: per partner, and for everyone with an empty partner.
    case both

    func includes(partner: Int32) -> Bool {
        switch self {
        case .partner: return partner >= 0
        case .run: return partner < 0
        case .both: return true
        }
    }
}

/// A metric: its published definition and how to compute it from cells.
public struct MetricSpec: Sendable, Hashable {
    public var definition: MetricDefinition
    public var statistic: Statistic
    public var scope: MetricScope

    public init(_ name: String, unit: String, scope: MetricScope = .partner, _ statistic: Statistic, _ text: String) {
        self.definition = MetricDefinition(name, unit: unit, text)
        self.statistic = statistic
        self.scope = scope
    }

    public var name: String { definition.metric }

    /// The value and `n` for one cell, or nil when the metric is omitted there.
    public func evaluate(_ cells: Cells, _ key: CellKey) -> (value: Double, n: Int)? {
        switch statistic {
        case .count(let stat):
            let c = cells.count(stat, key) ?? 0
            return (Double(c), c)
        case .rate(let num, let den):
            guard let d = cells.count(den, key), d > 0 else { return nil }
            return (Double(cells.count(num, key) ?? 0) / Double(d), d)
        case .percentile(let stat, let p):
            guard let v = cells.values(stat, key), !v.isEmpty else { return nil }
            return (percentileType7(v.sorted(), p)!, v.count)
        case .mean(let stat):
            guard let v = cells.values(stat, key), !v.isEmpty else { return nil }
            // Summed in sorted order so that the mean does not depend on input order.
            return (v.sorted().reduce(0, +) / Double(v.count), v.count)
        case .readability(let prefix, let figure):
            let counts = ReadabilityCounts(
                sentences: cells.count(prefix + "sentences", key) ?? 0, words: cells.count(prefix + "words", key) ?? 0,
                syllables: cells.count(prefix + "syllables", key) ?? 0, letters: cells.count(prefix + "letters", key) ?? 0,
                polysyllables: cells.count(prefix + "polysyllables", key) ?? 0)
            guard let scores = counts.scores, let n = cells.count(prefix + "messages", key) else { return nil }
            let w = Double(counts.words)
            switch figure {
            case .fleschReadingEase: return (scores.fleschReadingEase, n)
            case .fleschKincaidGrade: return (scores.fleschKincaidGrade, n)
            case .gunningFog: return (scores.gunningFog, n)
            case .smog: return (scores.smog, n)
            case .colemanLiau: return (scores.colemanLiau, n)
            case .ari: return (scores.ari, n)
            case .wordsPerSentence: return (w / Double(counts.sentences), n)
            case .complexWordRatio: return (Double(counts.polysyllables) / w, n)
            case .acronymsPer100Words: return (100 * Double(cells.count(prefix + "acronyms", key) ?? 0) / w, n)
            }
        case .pooledRatio(let num, let den):
            guard let d = cells.values(den, key), !d.isEmpty else { return nil }
            let total = d.sorted().reduce(0, +)
            guard total > 0 else { return nil }
            return ((cells.values(num, key) ?? []).sorted().reduce(0, +) / total, d.count)
        }
    }
}
