import RapportCore

/// Tickets' timelines → the events the transparency and due-date figures count (METRICS.md,
/// "Transparency, reliability of commitments, mutual respect"):
///
/// - per period in which a ticket was open, `keptInformed` when no gap between its creation
///   (or reopening) or a public partner message and the next such message, its resolution,
///   or the period's end (`as-of` if earlier) exceeds the partner's `update_every` on the
///   `sla_clock`, else `leftUninformed`; only the part of a gap inside the period counts;
/// - per ticket whose due date has passed by `as-of`, `dueMet` when its last resolution came
///   before the end of that date (in the pipeline's zone), else `dueMissed`.
///
/// A reopening starts a gap as a creation does: the partner owes an update from then on.
public struct Commitments: Sendable {
    public var cutter: PeriodCutter
    /// Per partner: `targets.update_every` in seconds, and its calendar.
    public var updateEvery: [Double]
    public var calendars: [WorkCalendar]
    public var clock: SLAClock
    public var asOf: Instant

    public static let defaultUpdateEverySeconds: Double = 2 * 86_400

    public init(cutter: PeriodCutter, updateEvery: [Double], calendars: [WorkCalendar], clock: SLAClock, asOf: Instant) {
        self.cutter = cutter
        self.updateEvery = updateEvery
        self.calendars = calendars
        self.clock = clock
        self.asOf = asOf
    }

    /// A period in which a ticket went without news longer than `update_every`: its longest gap there.
    public struct Silence: Sendable {
        public var ticket: TicketTimeline
        /// When the gap began (clipped to the period) and how long it ran there, on the SLA clock.
        public var from: Instant
        public var seconds: Double
        public var limit: Double
        /// Measured in the partner's working time (`sla_clock: business`), not elapsed time.
        public var workingTime: Bool
    }

    /// The events, and the silences behind every `leftUninformed` (for attention.csv).
    public func assess(_ tickets: [TicketTimeline]) -> (events: [EventFact], silences: [Silence]) {
        var out: [EventFact] = []
        var silences: [Silence] = []
        for t in tickets {
            keptInformed(t, into: &out, silences: &silences)
            dueDate(t, into: &out)
        }
        return (out, silences)
    }

    /// The length of `[from, to)` on the SLA clock.
    func length(from: Instant, to: Instant, partner: Int) -> Double {
        clock == .business ? calendars[partner].seconds(from: from, to: to) : to.seconds(since: from)
    }

    func keptInformed(_ t: TicketTimeline, into out: inout [EventFact], silences: inout [Silence]) {
        let limit = t.partner < updateEvery.count ? updateEvery[t.partner] : Commitments.defaultUpdateEverySeconds
        // Each period the ticket was open in: the first instant it was, and its longest gap there.
        var periods: [Period: (first: Instant, longest: Double, from: Instant)] = [:]
        func gap(_ from: Instant, _ to: Instant) {
            var period = cutter.period(of: from)
            while true {
                let a = max(from, cutter.start(of: period))
                let seconds = length(from: a, to: min(to, cutter.end(of: period)), partner: t.partner)
                if let seen = periods[period] {
                    if seconds > seen.longest { periods[period] = (seen.first, seconds, a) }
                } else {
                    periods[period] = (a, seconds, a)
                }
                if cutter.end(of: period) >= to { break }
                period = period.next
            }
        }
        var u = 0
        for span in t.open where span.start <= asOf {
            let end = min(span.end ?? asOf, asOf)
            while u < t.updates.count, t.updates[u] <= span.start { u += 1 }
            var from = span.start
            while u < t.updates.count, t.updates[u] < end {
                gap(from, t.updates[u])
                from = t.updates[u]
                u += 1
            }
            gap(from, end)
        }
        for (_, p) in periods.sorted(by: { $0.key < $1.key }) {
            let silent = p.longest > limit
            out.append(EventFact(kind: silent ? .leftUninformed : .keptInformed, at: p.first, partner: t.partner))
            if silent { silences.append(Silence(ticket: t, from: p.from, seconds: p.longest, limit: limit, workingTime: clock == .business)) }
        }
    }

    func dueDate(_ t: TicketTimeline, into out: inout [EventFact]) {
        guard let due = t.due else { return }
        let endOfDay = cutter.zone.startOfDay(due.adding(days: 1))
        guard endOfDay <= asOf else { return }
        let met = t.resolved.map { $0 < endOfDay } ?? false
        out.append(EventFact(kind: met ? .dueMet : .dueMissed, at: cutter.zone.startOfDay(due), partner: t.partner))
    }
}
