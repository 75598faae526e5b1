import RapportCore

/// A partner's working time (METRICS.md "Business latency"): an IANA zone, working days,
/// one or more daily intervals (an interval like `22:00-06:00` crosses midnight and
/// belongs to the day it starts), minus holidays (whole local days).
///
/// Choices (README, "Business hours"): an interval is taken whole or not at all by the
/// day it starts on (a shift starting on a holiday or a non-working day does not count;
/// one starting the evening before a holiday runs into it); intervals are wall-clock
/// times, so a shift spanning a daylight-saving change is an hour shorter or longer; an
/// interval start that does not exist (in the spring gap) begins at the first existing
/// minute, an ambiguous start takes the earlier instant and an ambiguous end the later.
public final class WorkCalendar: @unchecked Sendable {
    // The interval cache is filled lazily; the stage that uses a calendar runs on one thread.
    public let zone: ZoneRules
    /// ISO weekdays (1 = Monday) that are working days.
    public let days: Set<Int>
    /// Seconds since local midnight; `end <= start` means the interval ends the next day (`end` may be 86,400: midnight).
    public let intervals: [(start: Int, end: Int)]
    public let holidays: Set<LocalDate>
    private var cache: [Int64: [(Int64, Int64)]] = [:]

    public init(zone: ZoneRules, days: Set<Int>, intervals: [(start: Int, end: Int)], holidays: Set<LocalDate>) {
        self.zone = zone
        self.days = days
        self.intervals = intervals
        self.holidays = holidays
    }

    /// Monday to Friday, 09:00–17:00 in `zone`: the calendar of a partner without one.
    public static func standard(zone: ZoneRules) -> WorkCalendar {
        WorkCalendar(zone: zone, days: [1, 2, 3, 4, 5], intervals: [(9 * 3600, 17 * 3600)], holidays: [])
    }

    /// Seconds of working time in `[from, to)`, exact to the nanosecond.
    public func seconds(from: Instant, to: Instant) -> Double {
        guard to > from else { return 0 }
        // Start a day early: an overnight interval from the day before may reach into `from`'s day.
        let first = zone.localDate(of: from).daysSinceEpoch - 1
        let last = zone.localDate(of: to).daysSinceEpoch
        var total: Int64 = 0
        var day = first
        while day <= last {
            for (s, e) in workingIntervals(day: day) {
                let lo = max(s, from.nanoseconds)
                let hi = min(e, to.nanoseconds)
                if hi > lo { total += hi - lo }
            }
            day += 1
        }
        return Double(total) / Double(Instant.nanosPerSecond)
    }

    /// The working intervals that start on local day `day` (days since 1970-01-01), as nanosecond instants.
    private func workingIntervals(day: Int64) -> [(Int64, Int64)] {
        if let known = cache[day] { return known }
        var out: [(Int64, Int64)] = []
        let date = LocalDate(daysSinceEpoch: day)
        if days.contains(date.isoWeekday) && !holidays.contains(date) {
            for (start, end) in intervals {
                let localStart = day * 86_400 + Int64(start)
                let localEnd = day * 86_400 + Int64(end > start ? end : end + 86_400)
                out.append((instant(localStart, preferLater: false), instant(localEnd, preferLater: true)))
            }
        }
        cache[day] = out
        return out
    }

    private func instant(_ local: Int64, preferLater: Bool) -> Int64 {
        var l = local
        while true {
            switch zone.resolve(localSeconds: l) {
            case .unique(let t): return t * Instant.nanosPerSecond
            case .ambiguous(let a, let b): return (preferLater ? b : a) * Instant.nanosPerSecond
            case .nonexistent: l += 60
            }
        }
    }
}
