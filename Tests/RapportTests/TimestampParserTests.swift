import RapportCore
import RapportIngest
import Testing

@Suite struct TimestampParserTests {
    let parser = TimestampParser(zone: berlin)

    func parse(_ s: String) -> Instant? {
        if case .success(let t) = parser.parse(s) { return t }
        return nil
    }

    func error(_ s: String) -> String? {
        if case .failure(let e) = parser.parse(s) { return e.message }
        return nil
    }

    @Test func rfc3339WithOffsetsAndFractions() {
        #expect(parse("2026-03-02T09:15:00+01:00")?.rfc3339 == "2026-03-02T08:15:00Z")
        #expect(parse("2026-03-02T09:15:00Z")?.rfc3339 == "2026-03-02T09:15:00Z")
        #expect(parse("2026-03-02t09:15:00z")?.rfc3339 == "2026-03-02T09:15:00Z")
        #expect(parse("2026-03-02 09:15:00-05:30")?.rfc3339 == "2026-03-02T14:45:00Z")
        #expect(parse("2026-03-02T09:15:00.25Z")?.nanoseconds == parse("2026-03-02T09:15:00Z")!.nanoseconds + 250_000_000)
        #expect(parse("2026-03-02T09:15:00.123456789123Z")?.subsecondNanos == 123_456_789)
        #expect(parse("  2026-03-02T09:15:00Z \r") != nil)
        #expect(parse("2024-02-29T00:00:00Z") != nil)  // leap day
    }

    @Test func rfc3339WithoutOffsetUsesTheSourceZone() {
        // Winter: Berlin is +01:00; summer: +02:00.
        #expect(parse("2026-01-15T10:00:00")?.rfc3339 == "2026-01-15T09:00:00Z")
        #expect(parse("2026-07-15T10:00:00")?.rfc3339 == "2026-07-15T08:00:00Z")
        // 02:30 on 29 March 2026 does not exist in Berlin (clocks jump from 02:00 to 03:00).
        #expect(error("2026-03-29T02:30:00")?.contains("does not exist") == true)
        // 02:30 on 25 October 2026 happens twice: the earlier (summer time) instant is taken.
        #expect(parse("2026-10-25T02:30:00")?.rfc3339 == "2026-10-25T00:30:00Z")
    }

    @Test func rfc2822AsMailAndJiraWriteIt() {
        #expect(parse("Mon, 2 Mar 2026 09:15:00 +0100")?.rfc3339 == "2026-03-02T08:15:00Z")
        #expect(parse("2 Mar 2026 09:15:00 +0100")?.rfc3339 == "2026-03-02T08:15:00Z")
        #expect(parse("Thu, 6 Apr 2023 18:56:10 +0000")?.rfc3339 == "2023-04-06T18:56:10Z")
        #expect(parse("Mon, 14 May 2001 16:39:00 -0700 (PDT)")?.rfc3339 == "2001-05-14T23:39:00Z")
        #expect(parse("Mon, 02 Mar 2026 09:15 GMT")?.rfc3339 == "2026-03-02T09:15:00Z")
        #expect(parse("Mon, 2 Mar 2026 09:15:00 EST")?.rfc3339 == "2026-03-02T14:15:00Z")
        #expect(parse("mon,  2   mar 2026 09:15:00 +0100")?.rfc3339 == "2026-03-02T08:15:00Z")
    }

    @Test func impossibleValuesAreRejectedNeverNormalised() {
        #expect(error("2026-02-30T10:00:00Z") == "day 30 does not exist in 2026-02")
        #expect(error("2025-02-29T10:00:00Z") == "day 29 does not exist in 2025-02")
        #expect(error("2026-03-02T24:00:00Z") == "hour 24 does not exist (00–23)")
        #expect(error("2026-03-02T10:60:00Z") == "minute 60 does not exist")
        #expect(error("2026-03-02T10:00:60Z") == "second 60 is not supported (leap seconds included)")
        #expect(error("2026-03-02T10:00:00+25:00") == "offset +25:00 is out of range (at most ±23:59)")
        #expect(error("2026-13-02T10:00:00Z") == "month 13 does not exist")
        #expect(error("２０２６-03-02T10:00:00Z") == "RFC 2822: expected the day of month")  // full-width digits are no digits
        #expect(error("2026-03-02T10:00:00+0100") == "offset must be ±HH:MM")  // RFC 3339 needs the colon
        #expect(error("2026-03-02") == "not RFC 3339 (expected T between date and time)")
        #expect(error("Tue, 2 Mar 2026 09:15:00 +0100")?.contains("weekday does not match") == true)
        #expect(error("Mon, 2 Mar 26 09:15:00 +0100") == "RFC 2822: expected a four-digit year")
        #expect(error("Mon, 2 Mar 2026 09:15:00 +2500") == "offset +2500 is out of range (at most ±2359)")
        #expect(error("Mon, 2 Mar 2026 09:15:00 A") == "RFC 2822: unknown zone; use a numeric offset such as +0100")  // military zone
        #expect(error("10000-01-01T00:00:00Z") == "RFC 2822: expected the day of month")  // five-digit year: not RFC 3339
        #expect(error("") == "empty timestamp")
        #expect(error("yesterday") == "not RFC 3339 or RFC 2822")
    }

    @Test func implausibleInstantsAreRejectsWithTheirOwnReason() {
        let context = FormatContext(
            fileIndex: 0, displayPath: "x.csv", zone: .utc, parties: PartyDirectory(client: PartyRules(), partners: []),
            now: instant("2026-11-29T12:00:00Z"))
        func check(_ s: String) -> RejectReason? {
            var copy = s
            return copy.withUTF8 { bytes -> RejectReason? in
                if case .failure(let e) = context.instant(UnsafeRawBufferPointer(bytes), parser: TimestampParser(zone: .utc), column: "sent_at") {
                    return e.reason
                }
                return nil
            }
        }
        #expect(check("1970-01-01T00:00:00Z") == .implausibleTimestamp)
        #expect(check("1989-12-31T23:59:59Z") == .implausibleTimestamp)
        #expect(check("1990-01-01T00:00:00Z") == nil)
        #expect(check("2026-11-30T11:59:59Z") == nil)
        #expect(check("2026-11-30T12:00:01Z") == .implausibleTimestamp)
        #expect(check("2026-02-30T00:00:00Z") == .badTimestamp)
    }
}
