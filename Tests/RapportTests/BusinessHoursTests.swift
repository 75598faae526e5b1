import RapportCore
import RapportTransforms
import Testing

/// Hand-worked business-hours cases (METRICS.md "Business latency").
@Suite struct BusinessHoursTests {
    func zone(_ id: String) -> ZoneRules { ZoneRules(identifier: id)! }
    let everyDay: Set<Int> = [1, 2, 3, 4, 5, 6, 7]

    @Test func splitShifts() {
        let manila = WorkCalendar(zone: zone("Asia/Manila"), days: [1, 2, 3, 4, 5], intervals: [(8 * 3600, 12 * 3600), (13 * 3600, 18 * 3600)], holidays: [])
        // Monday 11:00 to 14:00 Manila (+08:00): 11–12 and 13–14, the lunch hour left out.
        #expect(manila.seconds(from: instant("2026-03-02T03:00:00Z"), to: instant("2026-03-02T06:00:00Z")) == 7200)
        // Monday 17:30 to Tuesday 08:30: 30 minutes each side of the night.
        #expect(manila.seconds(from: instant("2026-03-02T09:30:00Z"), to: instant("2026-03-03T00:30:00Z")) == 3600)
    }

    @Test func anOvernightShiftAcrossDaylightSavingChanges() {
        let nights = WorkCalendar(zone: zone("Europe/Berlin"), days: everyDay, intervals: [(22 * 3600, 6 * 3600)], holidays: [])
        // Saturday 28 March 22:00 CET to Sunday 06:00 CEST: clocks go forward, the shift is 7 hours.
        #expect(nights.seconds(from: instant("2026-03-28T20:00:00Z"), to: instant("2026-03-29T10:00:00Z")) == 7 * 3600)
        // Saturday 24 October 22:00 CEST to Sunday 06:00 CET: clocks go back, the shift is 9 hours.
        #expect(nights.seconds(from: instant("2026-10-24T19:00:00Z"), to: instant("2026-10-25T10:00:00Z")) == 9 * 3600)
    }

    @Test func aHolidayOnTheDayAnOvernightShiftStarts() {
        let nights = WorkCalendar(
            zone: zone("Europe/Berlin"), days: everyDay, intervals: [(22 * 3600, 6 * 3600)], holidays: [LocalDate(year: 2026, month: 12, day: 24)!])
        // The shift starting on the 24th belongs to the holiday: none of it counts.
        #expect(nights.seconds(from: instant("2026-12-24T19:00:00Z"), to: instant("2026-12-25T11:00:00Z")) == 0)
        // The shift starting on the 23rd runs into the holiday's morning and counts whole.
        #expect(nights.seconds(from: instant("2026-12-23T19:00:00Z"), to: instant("2026-12-24T11:00:00Z")) == 8 * 3600)
    }

    @Test func aTurnSpanningAWeekend() {
        let standard = WorkCalendar.standard(zone: zone("Europe/Berlin"))
        // Friday 6 March 16:00 CET to Monday 9 March 10:00 CET: an hour on Friday, an hour on Monday.
        #expect(standard.seconds(from: instant("2026-03-06T15:00:00Z"), to: instant("2026-03-09T09:00:00Z")) == 7200)
        #expect(standard.seconds(from: instant("2026-03-09T09:00:00Z"), to: instant("2026-03-06T15:00:00Z")) == 0)
    }

    @Test func aPartnerThirteenHoursAway() {
        // Tonga (+13:00, no daylight saving); the pipeline runs in UTC.
        let tonga = WorkCalendar.standard(zone: zone("Pacific/Tongatapu"))
        // Friday 20:00Z is Saturday 09:00 in Tonga; Monday 00:00Z is Monday 13:00 there: 09:00–13:00 counts.
        #expect(tonga.seconds(from: instant("2026-03-06T20:00:00Z"), to: instant("2026-03-09T00:00:00Z")) == 4 * 3600)
        #expect(PeriodCutter(kind: .week, zone: .utc).period(of: instant("2026-03-06T20:00:00Z")).label == "2026-W10")
    }

    @Test func businessClockSLA() {
        let standard = WorkCalendar.standard(zone: zone("Europe/Berlin"))
        var turns = [
            // Answered after 20 calendar hours but 4 business hours: within an 8h business target.
            TurnFact(
                source: .email, conversation: "a", turn: 1, partner: 0, openedAt: instant("2026-03-02T15:00:00Z"),
                answeredAt: instant("2026-03-03T11:00:00Z"), isFirstResponse: false, openedBy: "1", answeredBy: "2"),
            // Open since Friday 16:00; at Monday 12:00 it has aged 1 + 3 = 4 business hours: not yet a breach.
            TurnFact(
                source: .email, conversation: "b", turn: 1, partner: 0, openedAt: instant("2026-03-06T15:00:00Z"), answeredAt: nil,
                isFirstResponse: false, openedBy: "3", answeredBy: nil),
        ]
        ServiceLevels.annotate(
            &turns, targets: [Targets(firstResponseSeconds: 4 * 3600, responseSeconds: 8 * 3600)], calendars: [standard], clock: .business,
            asOf: instant("2026-03-09T11:00:00Z"))
        #expect(turns[0].businessLatencySeconds == Double(4 * 3600))
        #expect(turns[0].breached == false)
        #expect(turns[1].breached == false)
        var calendarTurns = turns
        ServiceLevels.annotate(
            &calendarTurns, targets: [Targets(firstResponseSeconds: 4 * 3600, responseSeconds: 8 * 3600)], calendars: [standard],
            clock: .calendar, asOf: instant("2026-03-09T11:00:00Z"))
        #expect(calendarTurns[0].breached == true)
        #expect(calendarTurns[1].breached == true)
    }
}
