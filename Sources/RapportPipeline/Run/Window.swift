import RapportCore

/// Which periods a run reports (PRODUCT.md, "Command line").
public struct WindowRequest: Sendable {
    /// `--from DATE --to DATE` (local dates, `to` exclusive): the periods overlapping that range.
    public var from: LocalDate?
    public var to: LocalDate?
    /// `--last N`: the last N periods that have ended by as-of.
    public var last: Int?
    public init(from: LocalDate? = nil, to: LocalDate? = nil, last: Int? = nil) {
        self.from = from
        self.to = to
        self.last = last
    }
}

enum Window {
    /// The periods to report, ascending. `earliest` is the first instant in the data (nil when empty).
    /// Default: every period from the first in the data to the last one that has ended by `asOf`
    /// (the period still running at as-of is left out, so a Monday run reports last week).
    static func periods(_ request: WindowRequest, cutter: PeriodCutter, earliest: Instant?, asOf: Instant) -> [Period] {
        if let from = request.from, let to = request.to {
            var out: [Period] = []
            var p = Period(kind: cutter.kind, containing: from)
            while p.start < to {
                out.append(p)
                p = p.next
            }
            return out
        }
        let running = cutter.period(of: asOf)
        // The running period is complete only when as-of is exactly its end, which is the next one's start.
        let lastEnded = running.previous
        if let last = request.last {
            var out: [Period] = []
            var p = lastEnded
            for _ in 0..<max(0, last) {
                out.append(p)
                p = p.previous
            }
            return out.reversed()
        }
        guard let earliest else { return [] }
        var p = cutter.period(of: earliest)
        var out: [Period] = []
        while p <= lastEnded {
            out.append(p)
            p = p.next
        }
        return out
    }
}
