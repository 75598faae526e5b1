import RapportCore
import RapportIngest

/// Parsing of command-line values that need Rapport's own rules (strict dates and times),
/// range-checked: a request outside what Rapport reports on is a usage error (exit 2) that
/// names the accepted range, never a crash or memory in proportion to what was asked.
public enum CommandValues {
    /// Dates and instants Rapport accepts anywhere (PRODUCT.md): 1990-01-01 to 2100-01-01.
    public static let earliestDate = LocalDate(year: 1990, month: 1, day: 1)!
    public static let latestDate = LocalDate(year: 2100, month: 1, day: 1)!
    /// `--last` reports at most this many periods.
    public static let maxPeriods = 1_000
    public static let rangeText = "1990-01-01 to 2100-01-01"

    /// `YYYY-MM-DD`, within the accepted range.
    public static func date(_ text: String, option: String) throws(RapportError) -> LocalDate {
        guard let d = LocalDate(parsing: text) else { throw RapportError(.usage, "\(option): expected a date YYYY-MM-DD, got `\(text)`") }
        guard d >= earliestDate && d <= latestDate else {
            throw RapportError(.usage, "\(option): \(text) is outside the dates Rapport reports on (\(rangeText))")
        }
        return d
    }

    /// An RFC 3339 / RFC 2822 instant, or a date meaning the start of that day in `zone`;
    /// within the accepted range.
    public static func instant(_ text: String, zone: ZoneRules, option: String) throws(RapportError) -> Instant {
        if LocalDate(parsing: text) != nil { return zone.startOfDay(try date(text, option: option)) }
        let t: Instant
        switch TimestampParser(zone: zone).parse(text) {
        case .success(let parsed): t = parsed
        case .failure(let e):
            // A well-formed time of a year Rapport does not report on: say which years it does.
            if let year = Int(text.prefix(4)), text.count > 4, !(1990...2100).contains(year) {
                throw RapportError(.usage, "\(option): \(text) is outside the times Rapport reports on (\(rangeText), UTC)")
            }
            throw RapportError(.usage, "\(option): \(e.message) (`\(text)`; use 2026-03-09 or 2026-03-09T08:00:00+01:00)")
        }
        guard t >= ZoneRules.utc.startOfDay(earliestDate), t <= ZoneRules.utc.startOfDay(latestDate) else {
            throw RapportError(.usage, "\(option): \(text) is outside the times Rapport reports on (\(rangeText), UTC)")
        }
        return t
    }

    /// A count within `range`, or a usage error naming it (`unit`: what is counted, plural).
    public static func count(_ value: Int, option: String, in range: ClosedRange<Int>, unit: String) throws(RapportError) -> Int {
        guard range.contains(value) else {
            throw RapportError(.usage, "\(option): \(value) is out of range; it takes \(range.lowerBound) to \(range.upperBound) \(unit)")
        }
        return value
    }
}
