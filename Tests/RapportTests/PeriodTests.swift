import RapportAggregates
import RapportCore
import Testing

@Suite struct PeriodTests {
    @Test func labelsAndBounds() {
        let d = LocalDate(year: 2026, month: 3, day: 4)!
        #expect(Period(kind: .day, containing: d).label == "2026-03-04")
        #expect(Period(kind: .week, containing: d).label == "2026-W10")
        #expect(Period(kind: .week, containing: d).start.description == "2026-03-02")
        #expect(Period(kind: .week, containing: d).end.description == "2026-03-09")
        #expect(Period(kind: .month, containing: d).label == "2026-03")
        #expect(Period(kind: .quarter, containing: d).label == "2026-Q1")
        #expect(Period(kind: .quarter, containing: LocalDate(year: 2026, month: 12, day: 31)!).end.description == "2027-01-01")
        #expect(Period(kind: .month, containing: LocalDate(year: 2026, month: 12, day: 5)!).next.label == "2027-01")
    }

    @Test func isoWeeksAcrossYearEnds() {
        // 2026-12-31 is a Thursday: week 53 of 2026; 2027-01-03 (Sunday) still belongs to it.
        #expect(Period(kind: .week, containing: LocalDate(year: 2026, month: 12, day: 31)!).label == "2026-W53")
        #expect(Period(kind: .week, containing: LocalDate(year: 2027, month: 1, day: 3)!).label == "2026-W53")
        #expect(Period(kind: .week, containing: LocalDate(year: 2027, month: 1, day: 4)!).label == "2027-W01")
        // 2024-12-30 (Monday) starts week 1 of 2025.
        #expect(Period(kind: .week, containing: LocalDate(year: 2024, month: 12, day: 30)!).label == "2025-W01")
    }

    @Test func periodsAreCutInThePipelinesZoneAcrossDaylightSaving() {
        let cutter = PeriodCutter(kind: .week, zone: berlin)
        #expect(cutter.period(of: instant("2026-03-08T22:59:59Z")).label == "2026-W10")  // Sunday 23:59:59 CET
        #expect(cutter.period(of: instant("2026-03-08T23:00:00Z")).label == "2026-W11")  // Monday 00:00 CET
        #expect(cutter.period(of: instant("2026-03-29T21:59:59Z")).label == "2026-W13")  // Sunday 23:59:59 CEST
        #expect(cutter.period(of: instant("2026-03-29T22:00:00Z")).label == "2026-W14")  // Monday 00:00 CEST
        let w13 = cutter.period(of: instant("2026-03-25T12:00:00Z"))
        // The DST week is one hour shorter.
        #expect(cutter.end(of: w13).seconds(since: cutter.start(of: w13)) == 7 * 86_400 - 3600)
    }

    @Test func zoneRulesAgreeWithFoundationAndResolveGapsAndOverlaps() {
        #expect(berlin.offset(at: instant("2026-03-29T00:59:59Z")) == 3600)
        #expect(berlin.offset(at: instant("2026-03-29T01:00:00Z")) == 7200)
        let local = LocalDate(year: 2026, month: 3, day: 29)!.daysSinceEpoch * 86_400
        #expect(berlin.resolve(localSeconds: local + 2 * 3600 + 1800) == .nonexistent)
        let autumn = LocalDate(year: 2026, month: 10, day: 25)!.daysSinceEpoch * 86_400 + 2 * 3600 + 1800
        if case .ambiguous(let a, let b) = berlin.resolve(localSeconds: autumn) { #expect(b - a == 3600) } else { Issue.record("not ambiguous") }
        let apia = ZoneRules(identifier: "Pacific/Apia")!  // skipped 30 December 2011 entirely
        #expect(apia.localDate(of: instant("2011-12-30T10:00:00Z")).description == "2011-12-31")
        #expect(apia.localDate(of: instant("2011-12-30T09:59:59Z")).description == "2011-12-29")
    }
}

@Suite struct PercentileTests {
    @Test func type7InterpolatesBetweenClosestRanks() {
        #expect(percentileType7([0, 1800, 1800, 3600, 12600], 0.5) == 1800)
        #expect(percentileType7([0, 1800, 1800, 3600, 12600], 0.9) == 9000)
        #expect(percentileType7([1200, 1800, 3600, 7200], 0.5) == 2700)
        // lo + (hi − lo) × frac, as DuckDB's quantile_cont computes it (numpy's lerp gives 6120.000000000001).
        #expect(percentileType7([1200, 1800, 3600, 7200], 0.9) == 6120)
        #expect(percentileType7([5], 0.9) == 5)
        #expect(percentileType7([], 0.5) == nil)
        #expect(percentileType7([1, 2], 1) == 2)
        #expect(percentileType7([1, 2], 0) == 1)
    }
}
