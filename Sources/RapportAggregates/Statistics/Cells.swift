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

    /// Samples `values` in order, as sampling each would.
    public mutating func sample(_ stat: String, _ key: CellKey, contentsOf values: [Double]) {
        samples[StatKey(cell: key, stat: stat), default: []] += values
        keys.insert(key)
    }

    public func count(_ stat: String, _ key: CellKey) -> Int? { counts[StatKey(cell: key, stat: stat)] }
    public func values(_ stat: String, _ key: CellKey) -> [Double]? { samples[StatKey(cell: key, stat: stat)] }

    /// Every count and every sample list, in no set order (a shard hands its cells to another
    /// process this way; ``tally(_:_:by:)`` and ``sample(_:_:contentsOf:)`` rebuild them).
    public func forEachEntry(counts: (CellKey, String, Int) -> Void, samples: (CellKey, String, [Double]) -> Void) {
        for (k, v) in self.counts { counts(k.cell, k.stat, v) }
        for (k, v) in self.samples { samples(k.cell, k.stat, v) }
    }

    /// Adds another shard's cells (counts add, samples concatenate).
    public mutating func merge(_ other: Cells) {
        for (k, v) in other.counts { counts[k, default: 0] += v }
        for (k, v) in other.samples { samples[k, default: []] += v }
        keys.formUnion(other.keys)
    }
}

/// Counts (and value samples) of a fixed list of stats gathered per cell and then added to
/// ``Cells`` in one pass: one row found per observation instead of a dictionary lookup per
/// stat, each hashing the stat's name (text facts alone number one per message). The result
/// in `Cells` is the same as tallying and sampling each observation there, in the same order.
public struct CellTallies {
    /// The counted stats' names; `Row.tally` takes an index into this list.
    public let stats: [String]
    /// The sampled stats' names; `Row.sample` takes an index into this list.
    public let sampleStats: [String]
    private var rows: [Row] = []
    private var keys: [CellKey] = []
    private var index: [CellKey: Int] = [:]
    /// Facts mostly come close in time (a conversation's, then the next's), so the last
    /// period's local days and its rows by partner are kept: most observations then find
    /// their row with a few comparisons, without building a date or hashing a key.
    private var recentDays: (first: Int64, end: Int64, period: Period)?
    private var recentPeriod: Period?
    private var recentRows: [Int] = []

    /// One cell's counts and samples, indexed like `stats` and `sampleStats`; a count of -1
    /// marks a stat never tallied (a tally of 0 still creates the count, as
    /// ``Cells/tally(_:_:by:)`` does).
    public struct Row {
        fileprivate var counts: [Int]
        fileprivate var samples: [[Double]]
        public mutating func tally(_ stat: Int, by n: Int = 1) { counts[stat] = max(counts[stat], 0) + n }
        public mutating func sample(_ stat: Int, _ value: Double) { samples[stat].append(value) }
    }

    public init(_ stats: [String], samples: [String] = []) {
        self.stats = stats
        self.sampleStats = samples
    }

    /// Lets `body` tally into the row of the period holding `at` (in the context's zone) and `partner`.
    public mutating func update(at: Instant, partner: Int?, _ context: AggregationContext, _ body: (inout Row) -> Void) {
        let i = row(CellKey(period: period(of: at, context), partner: Int32(partner ?? -1)))
        body(&rows[i])
    }

    /// `context.cutter.period(of: at)`, through the last period's days (a local day is in a
    /// period exactly when its number is within the period's first and end day).
    private mutating func period(of at: Instant, _ context: AggregationContext) -> Period {
        let day = floorDivMod(context.cutter.zone.localSeconds(of: at), 86_400).0
        if let r = recentDays, day >= r.first, day < r.end { return r.period }
        let period = Period(kind: context.cutter.kind, containing: LocalDate(daysSinceEpoch: day))
        recentDays = (period.start.daysSinceEpoch, period.end.daysSinceEpoch, period)
        return period
    }

    private mutating func row(_ key: CellKey) -> Int {
        let slot = Int(key.partner) + 1
        if key.period == recentPeriod {
            if slot >= 0, slot < recentRows.count, recentRows[slot] >= 0 { return recentRows[slot] }
        } else {
            recentPeriod = key.period
            for j in recentRows.indices { recentRows[j] = -1 }
        }
        let i: Int
        if let found = index[key] {
            i = found
        } else {
            i = rows.count
            index[key] = i
            keys.append(key)
            rows.append(Row(counts: Array(repeating: -1, count: stats.count), samples: Array(repeating: [], count: sampleStats.count)))
        }
        if slot >= 0, slot < 1024 {
            if slot >= recentRows.count { recentRows += Array(repeating: -1, count: slot + 1 - recentRows.count) }
            recentRows[slot] = i
        }
        return i
    }

    /// Adds every tallied count and every sample to `cells`.
    public func add(to cells: inout Cells) {
        for (key, row) in zip(keys, rows) {
            for (i, n) in row.counts.enumerated() where n >= 0 { cells.tally(stats[i], key, by: n) }
            for (i, values) in row.samples.enumerated() where !values.isEmpty { cells.sample(sampleStats[i], key, contentsOf: values) }
        }
    }
}
