@testable import RapportAggregates
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

/// The aggregation's per-cell rows (``CellTallies``) remember the last period's local days and
/// rows: whatever order facts come in, across DST changes (Santiago's happen at midnight) and
/// period kinds, the cells must equal tallying and sampling each fact straight into ``Cells``.
@Suite struct CellTalliesTests {
    @Test(arguments: ["Europe/Berlin", "America/Santiago", "UTC"]) func rowsGiveWhatEachObservationGives(zoneID: String) {
        let zone = ZoneRules(identifier: zoneID)!
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int64) -> Int64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int64(state % UInt64(bound))
        }
        // 2025-12-20 to 2026-11-10: two DST changes a year here, a year end and quarter ends.
        var at: Int64 = 1_766_188_800
        var observations: [(at: Instant, partner: Int?, value: Double)] = []
        for _ in 0..<6_000 {
            // Mostly forward by minutes to hours, sometimes a jump back or ahead (the next conversation).
            switch next(20) {
            case 0: at -= next(40 * 86_400)
            case 1: at += next(20 * 86_400)
            default: at += next(6 * 3_600)
            }
            at = min(max(at, 1_766_188_800), 1_794_787_200)
            let partner = next(5) == 0 ? nil : Int(next(4))
            observations.append((Instant(seconds: at)!, partner, Double(next(100_000)) / 7))
        }
        for kind in PeriodKind.allCases {
            let context = AggregationContext(cutter: PeriodCutter(kind: kind, zone: zone))
            var direct = Cells()
            var tallies = CellTallies(["n", "odd"], samples: ["v"])
            for o in observations {
                let key = context.key(o.at, partner: o.partner)
                direct.tally("n", key)
                if Int(o.value) % 2 == 1 { direct.tally("odd", key, by: 0) }
                direct.sample("v", key, o.value)
                tallies.update(at: o.at, partner: o.partner, context) { row in
                    row.tally(0)
                    if Int(o.value) % 2 == 1 { row.tally(1, by: 0) }
                    row.sample(0, o.value)
                }
            }
            var viaRows = Cells()
            tallies.add(to: &viaRows)
            #expect(viaRows.counts == direct.counts, "\(kind)")
            #expect(viaRows.samples == direct.samples, "\(kind)")
            #expect(viaRows.keys == direct.keys, "\(kind)")
            #expect(direct.keys.count >= [.day: 500, .week: 100, .month: 30, .quarter: 15][kind]!, "\(kind): the observations span too few cells")
        }
    }
}
