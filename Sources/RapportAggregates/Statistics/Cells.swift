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

/// Counts of a fixed list of stats gathered per cell and then added to ``Cells`` in one pass:
/// one dictionary lookup per observation instead of one per stat (text facts alone number
/// one per message). The result in `Cells` is the same as tallying each observation there.
public struct CellTallies {
    /// The stat names; `Row.tally` takes an index into this list.
    public let stats: [String]
    private var rows: [CellKey: Row] = [:]

    /// One cell's counts, indexed like `stats`; -1 marks a stat never tallied (a tally of 0
    /// still creates the count, as ``Cells/tally(_:_:by:)`` does).
    public struct Row {
        fileprivate var counts: [Int]
        public mutating func tally(_ stat: Int, by n: Int = 1) { counts[stat] = max(counts[stat], 0) + n }
    }

    public init(_ stats: [String]) { self.stats = stats }

    /// Lets `body` tally into the row of `key`.
    public mutating func update(_ key: CellKey, _ body: (inout Row) -> Void) {
        body(&rows[key, default: Row(counts: Array(repeating: -1, count: stats.count))])
    }

    /// Adds every tallied count to `cells`.
    public func add(to cells: inout Cells) {
        for (key, row) in rows {
            for (i, n) in row.counts.enumerated() where n >= 0 { cells.tally(stats[i], key, by: n) }
        }
    }
}
