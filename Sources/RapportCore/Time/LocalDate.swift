/// A calendar date without a zone (proleptic Gregorian), as used for periods,
/// holidays and `--from`/`--to`.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Builds a date after checking that it exists (no Feb 30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= LocalDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant's civil_from_days).
    public init(daysSinceEpoch days: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = Int(m <= 2 ? y + 1 : y)
        self.month = Int(m)
        self.day = Int(d)
    }

    /// Days since 1970-01-01 (days_from_civil).
    public var daysSinceEpoch: Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    public var isoWeekday: Int {
        let (_, r) = floorDivMod(daysSinceEpoch + 3, 7)  // 1970-01-01 was a Thursday
        return Int(r) + 1
    }

    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + Int64(days)) }

    /// ISO 8601 week-numbering year and week (weeks start Monday; week 1 holds the first Thursday).
    public var isoWeek: (year: Int, week: Int) {
        let thursday = adding(days: 4 - isoWeekday)
        let jan1 = LocalDate(year: thursday.year, month: 1, day: 1)!
        let week = Int(thursday.daysSinceEpoch - jan1.daysSinceEpoch) / 7 + 1
        return (thursday.year, week)
    }

    /// Parses `YYYY-MM-DD` strictly (ASCII digits, an existing date).
    public init?(parsing text: some StringProtocol) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                let c = b[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    public var description: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[..<writeISO(into: buffer)]), as: UTF8.self)
        }
    }

    /// Writes `YYYY-MM-DD` (a year below 1000 zero-padded to four digits, a negative or longer
    /// year in full) and returns the bytes written; `buffer` holds at least 24 bytes.
    public func writeISO(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var n = 0
        if year < 0 || year > 9999 {
            for byte in String(year).utf8 {
                buffer[n] = byte
                n += 1
            }
        } else {
            buffer[0] = UInt8(48 + year / 1000)
            buffer[1] = UInt8(48 + year / 100 % 10)
            buffer[2] = UInt8(48 + year / 10 % 10)
            buffer[3] = UInt8(48 + year % 10)
            n = 4
        }
        buffer[n] = UInt8(ascii: "-")
        buffer[n + 1] = UInt8(48 + month / 10)
        buffer[n + 2] = UInt8(48 + month % 10)
        buffer[n + 3] = UInt8(ascii: "-")
        buffer[n + 4] = UInt8(48 + day / 10)
        buffer[n + 5] = UInt8(48 + day % 10)
        return n + 6
    }
}
