/// Exact percentiles by linear interpolation between closest ranks: the "type 7"
/// definition (numpy's default, DuckDB's `quantile_cont`). `sorted` must be ascending.
public func percentileType7(_ sorted: [Double], _ p: Double) -> Double? {
    guard !sorted.isEmpty else { return nil }
    let h = Double(sorted.count - 1) * p
    let lo = Int(h.rounded(.down))
    let hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
}
