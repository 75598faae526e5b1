import RapportCore

/// Timestamps in a declared layout (`timestamp_format`, strftime style), for exports that
/// write neither RFC 3339 nor RFC 2822: `%a %b %d %H:%M:%S %z %Y` (Twitter),
/// `%d/%b/%y %I:%M %p` (Jira CSV), `%m/%d/%Y %I:%M:%S %p` (Zoom).
///
/// Directives: `%Y` four-digit year, `%y` two-digit year (69–99 → 19xx, 00–68 → 20xx, as
/// POSIX), `%m %d %e %H %I` one or two digits, `%M %S` two digits, `%f` fraction digits,
/// `%p` AM/PM, `%b %B` English month names, `%a %A` English weekdays (checked against the
/// date), `%z` `±HHMM`, `±HH:MM` or `Z`, `%Z` `UTC`/`GMT`, `%%`. A space in the layout
/// matches one or more white-space characters; anything else must match exactly. The
/// whole value must be consumed. Without `%z`, the time is read in the source's zone.
/// Values are checked as strictly as RFC 3339 ones (no Feb 30, no hour 24).
public struct PatternTimestampParser: Sendable {
    public let format: String
    private let directives: [Piece]
    private let base: TimestampParser

    enum Piece: Sendable, Equatable {
        case literal([UInt8])
        case space
        case directive(Character)
    }

    static let supported: Set<Character> = ["Y", "y", "m", "d", "e", "H", "I", "M", "S", "f", "p", "b", "B", "a", "A", "z", "Z", "%"]

    /// Nil when the layout uses a directive outside the list above (the message names it).
    public init(format: String, zone: ZoneRules) throws(TimestampError) {
        self.format = format
        self.base = TimestampParser(zone: zone)
        var pieces: [Piece] = []
        var chars = Array(format)
        var i = 0
        var literal: [UInt8] = []
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal = []
        }
        while i < chars.count {
            let c = chars[i]
            if c == "%" {
                guard i + 1 < chars.count, PatternTimestampParser.supported.contains(chars[i + 1]) else {
                    throw TimestampError("timestamp_format: unsupported directive `%\(i + 1 < chars.count ? String(chars[i + 1]) : "")` in `\(format)`")
                }
                flush()
                if chars[i + 1] == "%" { literal.append(UInt8(ascii: "%")) } else { pieces.append(.directive(chars[i + 1])) }
                i += 2
            } else if c.isWhitespace {
                flush()
                if pieces.last != .space { pieces.append(.space) }
                i += 1
            } else {
                literal += Array(String(c).utf8)
                i += 1
            }
        }
        flush()
        chars = []
        self.directives = pieces
    }

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
    static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    public func parse(_ text: String) -> Result<Instant, TimestampError> {
        let b = Array(text.trimmingASCIIWhitespace().utf8)
        var i = 0
        var year: Int?
        var month: Int?
        var day: Int?
        var hour = 0
        var minute = 0
        var second = 0
        var nanos: Int64 = 0
        var pm: Bool?
        var twelveHour = false
        var weekday: Int?
        var offset: Int?

        func digits(_ minCount: Int, _ maxCount: Int) -> Int? {
            var v = 0
            var n = 0
            while n < maxCount, i < b.count, b[i] >= 48, b[i] <= 57 {
                v = v * 10 + Int(b[i] - 48)
                i += 1
                n += 1
            }
            return n >= minCount ? v : nil
        }
        func word() -> String {
            let start = i
            while i < b.count, (b[i] | 0x20) >= 97, (b[i] | 0x20) <= 122 { i += 1 }
            return String(decoding: b[start..<i], as: UTF8.self).lowercased()
        }
        func fail(_ what: String) -> Result<Instant, TimestampError> {
            .failure(TimestampError("does not match timestamp_format `\(format)` (\(what))"))
        }

        for piece in directives {
            switch piece {
            case .space:
                let start = i
                while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0xC2 || b[i] == 0xA0 { i += 1 }
                if i == start { return fail("expected a space") }
            case .literal(let lit):
                guard i + lit.count <= b.count, Array(b[i..<(i + lit.count)]) == lit else {
                    return fail("expected `\(String(decoding: lit, as: UTF8.self))`")
                }
                i += lit.count
            case .directive(let d):
                switch d {
                case "Y":
                    guard let v = digits(4, 4) else { return fail("expected a four-digit year") }
                    year = v
                case "y":
                    guard let v = digits(2, 2) else { return fail("expected a two-digit year") }
                    year = v >= 69 ? 1900 + v : 2000 + v
                case "m":
                    guard let v = digits(1, 2) else { return fail("expected a month number") }
                    month = v
                case "d", "e":
                    if d == "e", i < b.count, b[i] == 0x20 { i += 1 }
                    guard let v = digits(1, 2) else { return fail("expected a day") }
                    day = v
                case "H":
                    guard let v = digits(1, 2) else { return fail("expected an hour") }
                    hour = v
                case "I":
                    guard let v = digits(1, 2), (1...12).contains(v) else { return fail("expected an hour 1–12") }
                    hour = v
                    twelveHour = true
                case "M":
                    guard let v = digits(2, 2) else { return fail("expected minutes") }
                    minute = v
                case "S":
                    guard let v = digits(2, 2) else { return fail("expected seconds") }
                    second = v
                case "f":
                    var count = 0
                    while i < b.count, b[i] >= 48, b[i] <= 57 {
                        if count < 9 { nanos = nanos * 10 + Int64(b[i] - 48) }
                        count += 1
                        i += 1
                    }
                    if count == 0 { return fail("expected fraction digits") }
                    for _ in count..<max(count, 9) { nanos *= 10 }
                case "p":
                    switch word() {
                    case "am": pm = false
                    case "pm": pm = true
                    default: return fail("expected AM or PM")
                    }
                case "b", "B":
                    let w = word()
                    guard let m = PatternTimestampParser.months.firstIndex(where: { d == "b" ? $0.hasPrefix(w) && w.count == 3 : $0 == w }) else {
                        return fail("expected an English month name")
                    }
                    month = m + 1
                case "a", "A":
                    let w = word()
                    guard let k = PatternTimestampParser.weekdays.firstIndex(where: { d == "a" ? $0.hasPrefix(w) && w.count == 3 : $0 == w }) else {
                        return fail("expected an English weekday")
                    }
                    weekday = k + 1
                case "z":
                    if i < b.count, b[i] == UInt8(ascii: "Z") {
                        i += 1
                        offset = 0
                    } else {
                        guard i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return fail("expected an offset") }
                        let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                        i += 1
                        guard let oh = digits(2, 2) else { return fail("expected an offset") }
                        if i < b.count, b[i] == UInt8(ascii: ":") { i += 1 }
                        guard let om = digits(2, 2), oh <= 23, om <= 59 else { return fail("offset out of range") }
                        offset = sign * (oh * 3600 + om * 60)
                    }
                case "Z":
                    let w = word()
                    guard w == "utc" || w == "gmt" else { return fail("expected UTC or GMT") }
                    offset = 0
                default:
                    return fail("unsupported directive")
                }
            }
        }
        if i != b.count { return fail("unexpected text at the end") }
        guard let year, let month, let day else { return fail("the layout has no full date") }
        if twelveHour {
            guard let pm else { return fail("%I needs %p") }
            hour = (hour % 12) + (pm ? 12 : 0)
        }
        let result = base.assemble(year: year, month: month, day: day, hour: hour, minute: minute, second: second, nanos: nanos, offset: offset)
        if case .success = result, let weekday, let date = LocalDate(year: year, month: month, day: day), date.isoWeekday != weekday {
            return .failure(TimestampError("weekday does not match the date"))
        }
        return result
    }
}
