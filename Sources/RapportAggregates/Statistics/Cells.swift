import RapportCore

/// Where a figure belongs: a period and a partner (-1 for figures not tied to one partner).
public struct CellKey: Hashable, Sendable, Comparable {
    public var period: Period
    public var partner: Int32
    public init(period: Period, partner: Int32) {
        self.period = period
        self.partner = partner
    }
    public static func < (a: CellKey, b: CellKey) -> Bool { (a.period, a.partner) < (b.period, b.partner) }
}

/// Mergeable statistics per cell: counts and value samples (kept whole, so that
/// percentiles are exact and two shards' cells merge into exactly the whole's).
public struct Cells: Sendable {
    struct StatKey: Hashable, Sendable {
        var cell: CellKey
        var stat: String
    }

    private(set) var counts: [StatKey: Int] = [:]
    private(set) var samples: [StatKey: [Double]] = [:]
    /// Cells that received any observation.
    public private(set) var keys: Set<CellKey> = []

    public init() {}

    public mutating func tally(_ stat: String, _ key: CellKey, by n: Int = 1) {
        counts[StatKey(cell: key, stat: stat), default: 0] += n
        keys.insert(key)
    }

    public mutating func sample(_ stat: String, _ key: CellKey, _ value: Double) {
        samples[StatKey(cell: key, stat: stat), default: []].append(value)
        keys.insert(key)
    }

    public func count(_ stat: String, _ key: CellKey) -> Int? { counts[StatKey(cell: key, stat: stat)] }
    public func values(_ stat: String, _ key: CellKey) -> [Double]? { samples[StatKey(cell: key, stat: stat)] }

    /// Adds another shard's cells (counts add, samples concatenate).
    public mutating func merge(_ other: Cells) {
        for (k, v) in other.counts { counts[k, default: 0] += v }
        for (k, v) in other.samples { samples[k, default: []] += v }
        keys.formUnion(other.keys)
    }
}
