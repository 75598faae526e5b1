import RapportCore

/// Strict, hand-written parsers for the two timestamp grammars exports use
/// (FORMATS.md): RFC 3339 (`2026-03-02T09:15:00+01:00`, `Z`, fractions) and
/// RFC 2822 (`Mon, 2 Mar 2026 09:15:00 +0100`, as mail headers and Jira write them).
///
/// Nothing is normalised: Feb 30, hour 24, second 60, `+25:00`, non-ASCII digits,
/// a weekday that does not match the date, two-digit years are all errors.
/// A timestamp without an offset is read in `zone`; a local time that does not
/// exist there (a daylight-saving gap) is an error, one that exists twice (the
/// hour after clocks go back) is the earlier instant.
public struct TimestampParser: Sendable {
    public let zone: ZoneRules

    public init(zone: ZoneRules) { self.zone = zone }

    /// Parses either grammar (RFC 3339 when the fifth byte is `-`), ignoring surrounding blanks.
    public func parse(_ raw: UnsafeRawBufferPointer) -> Result<Instant, TimestampError> {
        var lo = 0
        var hi = raw.count
        while lo < hi, raw[lo] == 0x20 || raw[lo] == 0x09 { lo += 1 }
        while hi > lo, raw[hi - 1] == 0x20 || raw[hi - 1] == 0x09 || raw[hi - 1] == 0x0A || raw[hi - 1] == 0x0D { hi -= 1 }
        let bytes = UnsafeRawBufferPointer(rebasing: raw[lo..<hi])
        if bytes.isEmpty { return .failure(TimestampError("empty timestamp")) }
        var cursor = Cursor(bytes: bytes)
        if bytes.count > 4, bytes[4] == UInt8(ascii: "-") {
            return parseRFC3339(&cursor)
        }
        return parseRFC2822(&cursor)
    }

    public func parse(_ text: String) -> Result<Instant, TimestampError> {
        var copy = text
        return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    // MARK: RFC 3339

    private func parseRFC3339(_ c: inout Cursor) -> Result<Instant, TimestampError> {
        guard let year = c.digits(4), c.eat("-"), let month = c.digits(2), c.eat("-"), let day = c.digits(2) else {
            return .failure(TimestampError("not RFC 3339 (expected YYYY-MM-DD)"))
        }
        guard c.eatAny("T", "t", " ") else { return .failure(TimestampError("not RFC 3339 (expected T between date and time)")) }
        guard let hour = c.digits(2), c.eat(":"), let minute = c.digits(2), c.eat(":"), let second = c.digits(2) else {
            return .failure(TimestampError("not RFC 3339 (expected HH:MM:SS)"))
        }
        var nanos: Int64 = 0
        if c.eat(".") {
            var count = 0
            while let d = c.digit() {
                if count < 9 { nanos = nanos * 10 + Int64(d) }
                count += 1
            }
            if count == 0 { return .failure(TimestampError("a fraction needs digits after the dot")) }
            for _ in count..<max(count, 9) { nanos *= 10 }
        }
        var offset: Int?
        if c.atEnd {
            offset = nil
        } else if c.eatAny("Z", "z") {
            offset = 0
        } else if let sign = c.sign() {
            guard let oh = c.digits(2), c.eat(":"), let om = c.digits(2) else {
                return .failure(TimestampError("offset must be ±HH:MM"))
            }
            guard oh <= 23, om <= 59 else { return .failure(TimestampError("offset \(sign < 0 ? "-" : "+")\(two(oh)):\(two(om)) is out of range (at most ±23:59)")) }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return .failure(TimestampError("unexpected text after the time"))
        }
        guard c.atEnd else { return .failure(TimestampError("unexpected text after the offset")) }
        return assemble(year: year, month: month, day: day, hour: hour, minute: minute, second: second, nanos: nanos, offset: offset)
    }

    // MARK: RFC 2822

    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    /// RFC 2822 section 4.3 obsolete zones (military letters are refused: their sign was historically wrong).
    private static let namedZones: [String: Int] = [
        "ut": 0, "gmt": 0, "z": 0, "utc": 0,
        "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    ]

    private func parseRFC2822(_ c: inout Cursor) -> Result<Instant, TimestampError> {
        var weekday: Int?
        if let word = c.word(), !word.isEmpty {
            guard let wd = TimestampParser.dayNames.firstIndex(of: word.lowercased()) else {
                return .failure(TimestampError("not RFC 3339 or RFC 2822"))
            }
            weekday = wd + 1
            guard c.eat(",") else { return .failure(TimestampError("RFC 2822: expected a comma after the weekday")) }
            c.skipBlanks()
        }
        guard let day = c.number(maxDigits: 2) else { return .failure(TimestampError("RFC 2822: expected the day of month")) }
        guard c.skipBlanks() else { return .failure(TimestampError("RFC 2822: expected a space after the day")) }
        guard let monthWord = c.word(), let m = TimestampParser.monthNames.firstIndex(of: monthWord.lowercased()) else {
            return .failure(TimestampError("RFC 2822: expected a month name (Jan–Dec)"))
        }
        guard c.skipBlanks() else { return .failure(TimestampError("RFC 2822: expected a space after the month")) }
        guard let year = c.number(maxDigits: 4), c.lastNumberDigits == 4 else {
            return .failure(TimestampError("RFC 2822: expected a four-digit year"))
        }
        guard c.skipBlanks() else { return .failure(TimestampError("RFC 2822: expected a space after the year")) }
        guard let hour = c.digits(2), c.eat(":"), let minute = c.digits(2) else {
            return .failure(TimestampError("RFC 2822: expected HH:MM"))
        }
        var second = 0
        if c.eat(":") {
            guard let s = c.digits(2) else { return .failure(TimestampError("RFC 2822: expected seconds")) }
            second = s
        }
        var offset: Int?
        if c.skipBlanks() {
            if let sign = c.sign() {
                guard let oh = c.digits(2), let om = c.digits(2) else { return .failure(TimestampError("RFC 2822: offset must be ±HHMM")) }
                guard oh <= 23, om <= 59 else { return .failure(TimestampError("offset \(sign < 0 ? "-" : "+")\(two(oh))\(two(om)) is out of range (at most ±2359)")) }
                offset = sign * (oh * 3600 + om * 60)
            } else if let word = c.word(), let h = TimestampParser.namedZones[word.lowercased()] {
                offset = h * 3600
            } else {
                return .failure(TimestampError("RFC 2822: unknown zone; use a numeric offset such as +0100"))
            }
            // An optional trailing comment such as "(PDT)".
            if c.skipBlanks(), !c.atEnd {
                guard c.skipComment() else { return .failure(TimestampError("RFC 2822: unexpected text after the zone")) }
                c.skipBlanks()
            }
        }
        guard c.atEnd else { return .failure(TimestampError("RFC 2822: unexpected text after the time")) }
        let result = assemble(year: year, month: m + 1, day: day, hour: hour, minute: minute, second: second, nanos: 0, offset: offset)
        if case .success = result, let weekday {
            let date = LocalDate(year: year, month: m + 1, day: day)!
            if date.isoWeekday != weekday {
                return .failure(TimestampError("weekday does not match the date (\(date) is a \(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][date.isoWeekday - 1]))"))
            }
        }
        return result
    }

    // MARK: Shared

    func assemble(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanos: Int64, offset: Int?
    ) -> Result<Instant, TimestampError> {
        guard (1...12).contains(month) else { return .failure(TimestampError("month \(month) does not exist")) }
        guard let date = LocalDate(year: year, month: month, day: day) else {
            return .failure(TimestampError("day \(day) does not exist in \(year)-\(month < 10 ? "0" : "")\(month)"))
        }
        guard hour <= 23 else { return .failure(TimestampError("hour \(hour) does not exist (00–23)")) }
        guard minute <= 59 else { return .failure(TimestampError("minute \(minute) does not exist")) }
        guard second <= 59 else { return .failure(TimestampError("second \(second) is not supported (leap seconds included)")) }
        let local = date.daysSinceEpoch * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let utc: Int64
        if let offset {
            utc = local - Int64(offset)
        } else {
            switch zone.resolve(localSeconds: local) {
            case .unique(let t), .ambiguous(let t, _): utc = t
            case .nonexistent:
                return .failure(TimestampError("local time does not exist in \(zone.identifier) (clocks moved forward)"))
            }
        }
        guard let instant = Instant(seconds: utc, nanos: nanos) else { return .failure(TimestampError("out of range")) }
        return .success(instant)
    }
}

private func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

/// Why a timestamp was refused.
public struct TimestampError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A tiny byte cursor for the timestamp grammars. Only ASCII digits count as digits.
private struct Cursor {
    let bytes: UnsafeRawBufferPointer
    var i = 0
    var lastNumberDigits = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var atEnd: Bool { i >= bytes.count }

    mutating func digit() -> Int? {
        guard i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 else { return nil }
        defer { i += 1 }
        return Int(bytes[i] - 48)
    }

    /// Exactly `n` ASCII digits.
    mutating func digits(_ n: Int) -> Int? {
        guard i + n <= bytes.count else { return nil }
        var v = 0
        for k in 0..<n {
            let b = bytes[i + k]
            guard b >= 48, b <= 57 else { return nil }
            v = v * 10 + Int(b - 48)
        }
        i += n
        return v
    }

    /// 1...maxDigits ASCII digits (and not more).
    mutating func number(maxDigits: Int) -> Int? {
        var v = 0
        var n = 0
        while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
            if n == maxDigits { return nil }
            v = v * 10 + Int(bytes[i] - 48)
            n += 1
            i += 1
        }
        lastNumberDigits = n
        return n == 0 ? nil : v
    }

    mutating func eat(_ s: Unicode.Scalar) -> Bool {
        guard i < bytes.count, bytes[i] == UInt8(s.value) else { return false }
        i += 1
        return true
    }

    mutating func eatAny(_ a: Unicode.Scalar, _ b: Unicode.Scalar, _ c: Unicode.Scalar? = nil) -> Bool {
        eat(a) || eat(b) || (c.map { eat($0) } ?? false)
    }

    mutating func sign() -> Int? {
        if eat("+") { return 1 }
        if eat("-") { return -1 }
        return nil
    }

    /// ASCII letters; empty when none.
    mutating func word() -> String? {
        let start = i
        while i < bytes.count, (bytes[i] | 0x20) >= 97, (bytes[i] | 0x20) <= 122 { i += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    }

    /// Skips spaces and tabs; true when at least one was skipped.
    @discardableResult
    mutating func skipBlanks() -> Bool {
        let start = i
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        return i > start
    }

    /// Skips one parenthesised comment (no nesting needed for zone names).
    mutating func skipComment() -> Bool {
        guard eat("(") else { return false }
        while i < bytes.count, bytes[i] != UInt8(ascii: ")") { i += 1 }
        return eat(")")
    }
}
