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

    public func events(_ tickets: [TicketTimeline]) -> [EventFact] {
        var out: [EventFact] = []
        for t in tickets {
            keptInformed(t, into: &out)
            dueDate(t, into: &out)
        }
        return out
    }

    /// The length of `[from, to)` on the SLA clock.
    func length(from: Instant, to: Instant, partner: Int) -> Double {
        clock == .business ? calendars[partner].seconds(from: from, to: to) : to.seconds(since: from)
    }

    func keptInformed(_ t: TicketTimeline, into out: inout [EventFact]) {
        let limit = t.partner < updateEvery.count ? updateEvery[t.partner] : Commitments.defaultUpdateEverySeconds
        // Each period the ticket was open in: the first instant it was, and whether a gap ran too long there.
        var periods: [Period: (first: Instant, silent: Bool)] = [:]
        func gap(_ from: Instant, _ to: Instant) {
            var period = cutter.period(of: from)
            while true {
                let a = max(from, cutter.start(of: period))
                let silent = length(from: a, to: min(to, cutter.end(of: period)), partner: t.partner) > limit
                if let seen = periods[period] { periods[period] = (seen.first, seen.silent || silent) } else { periods[period] = (a, silent) }
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
            out.append(EventFact(kind: p.silent ? .leftUninformed : .keptInformed, at: p.first, partner: t.partner))
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
