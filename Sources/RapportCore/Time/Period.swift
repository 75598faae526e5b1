/// The reporting granularity named by the pipeline's `period` key.
public enum PeriodKind: String, Sendable, CaseIterable, Codable {
    case day, week, month, quarter
}

/// One reporting period: a half-open range of local dates `[start, end)`.
///
/// Labels are the stable identifiers OUTPUTS.md fixes: `2026-03-02`,
/// `2026-W10` (ISO week-year), `2026-03`, `2026-Q1`.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let kind: PeriodKind
    public let start: LocalDate

    /// The period of `kind` that contains `date`.
    public init(kind: PeriodKind, containing date: LocalDate) {
        self.kind = kind
        switch kind {
        case .day: start = date
        case .week: start = date.adding(days: 1 - date.isoWeekday)
        case .month: start = LocalDate(year: date.year, month: date.month, day: 1)!
        case .quarter: start = LocalDate(year: date.year, month: (date.month - 1) / 3 * 3 + 1, day: 1)!
        }
    }

    /// First local date after the period (exclusive end).
    public var end: LocalDate { next.start }

    public var next: Period {
        switch kind {
        case .day: return Period(kind: kind, containing: start.adding(days: 1))
        case .week: return Period(kind: kind, containing: start.adding(days: 7))
        case .month:
            let m = start.month == 12 ? 1 : start.month + 1
            return Period(kind: kind, containing: LocalDate(year: start.month == 12 ? start.year + 1 : start.year, month: m, day: 1)!)
        case .quarter:
            let m = start.month + 3
            return Period(kind: kind, containing: LocalDate(year: m > 12 ? start.year + 1 : start.year, month: m > 12 ? m - 12 : m, day: 1)!)
        }
    }

    public var previous: Period { Period(kind: kind, containing: start.adding(days: -1)) }

    public var label: String {
        switch kind {
        case .day: return start.description
        case .week:
            let w = start.isoWeek
            return "\(w.year)-W\(pad2(w.week))"
        case .month: return String(start.description.prefix(7))
        case .quarter: return "\(start.year)-Q\((start.month - 1) / 3 + 1)"
        }
    }

    public static func < (a: Period, b: Period) -> Bool { a.start < b.start }
    public var description: String { label }
}

/// Cuts instants into periods in the pipeline's time zone.
public struct PeriodCutter: Sendable {
    public let kind: PeriodKind
    public let zone: ZoneRules

    public init(kind: PeriodKind, zone: ZoneRules) {
        self.kind = kind
        self.zone = zone
    }

    public func period(of instant: Instant) -> Period { Period(kind: kind, containing: zone.localDate(of: instant)) }

    /// The instant at which `period` starts in the zone.
    public func start(of period: Period) -> Instant { zone.startOfDay(period.start) }
    public func end(of period: Period) -> Instant { zone.startOfDay(period.end) }
}
