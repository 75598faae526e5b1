import RapportCore
import RapportIngest

/// Parsing of command-line values that need Rapport's own rules (strict dates and times).
public enum CommandValues {
    /// `YYYY-MM-DD`.
    public static func date(_ text: String, option: String) throws(RapportError) -> LocalDate {
        guard let d = LocalDate(parsing: text) else { throw RapportError(.usage, "\(option): expected a date YYYY-MM-DD, got `\(text)`") }
        return d
    }

    /// An RFC 3339 / RFC 2822 instant, or a date meaning the start of that day in `zone`.
    public static func instant(_ text: String, zone: ZoneRules, option: String) throws(RapportError) -> Instant {
        if let d = LocalDate(parsing: text) { return zone.startOfDay(d) }
        switch TimestampParser(zone: zone).parse(text) {
        case .success(let t): return t
        case .failure(let e): throw RapportError(.usage, "\(option): \(e.message) (`\(text)`; use 2026-03-09 or 2026-03-09T08:00:00+01:00)")
        }
    }
}
