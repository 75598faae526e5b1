import RapportCore

/// Meeting reliability (METRICS.md "Meetings"): a meeting belongs to the period of its
/// scheduled start and counts for every partner with an invitee in it; action items to
/// the period of their due date.
public enum MeetingMetrics: MetricFamily {
    public static let sources: Set<SourceKind> = [.meeting]

    public static let metrics: [MetricSpec] = [
        MetricSpec("meeting.scheduled", unit: "count", .count("meetings"), "Meetings with a partner invitee, whatever their status (a moved meeting is a rescheduled one plus its replacement)."),
        MetricSpec("meeting.held", unit: "count", .count("held"), "Meetings held."),
        MetricSpec("meeting.cancel_rate", unit: "ratio", .rate(numerator: "cancelled", denominator: "meetings"), "(cancelled + no-show) / scheduled."),
        MetricSpec("meeting.reschedule_rate", unit: "ratio", .rate(numerator: "rescheduled", denominator: "meetings"), "rescheduled / scheduled."),
        MetricSpec("meeting.partner_attendance_rate", unit: "ratio", .rate(numerator: "joined", denominator: "held_invitees"), "Partner invitees who joined / partner invitees, over held meetings."),
        MetricSpec("meeting.join_delay_p50_s", unit: "seconds", .percentile("join_delay", 0.5), "Median of max(0, joined_at - scheduled_start) for partner invitees who joined held meetings."),
        MetricSpec("meeting.on_time_rate", unit: "ratio", .rate(numerator: "on_time", denominator: "joins"), "Share of those joins with a delay of at most 300 s."),
        MetricSpec("meeting.overrun_p50_s", unit: "seconds", .percentile("overrun", 0.5), "Median actual_end - scheduled_end of held meetings (negative when early)."),
        MetricSpec("meeting.partner_talk_share", unit: "ratio", .pooledRatio(numerator: "talk_partner", denominator: "talk_total"), "Seconds spoken by the partner / seconds spoken by everyone, pooled over meetings with minutes or transcripts."),
        MetricSpec("meeting.action_items_on_time_rate", unit: "ratio", .rate(numerator: "actions_on_time", denominator: "actions_due"), "The partner's action items done on or before their due date / action items due in the period."),
    ]

    public static func observe(_ facts: Facts, context: AggregationContext, into cells: inout Cells) {
        for m in facts.meetings {
            let key = context.key(m.scheduledStart, partner: m.partner)
            cells.tally("meetings", key)
            cells.tally("held", key, by: m.status == .held ? 1 : 0)
            if m.status == .cancelled || m.status == .noShow { cells.tally("cancelled", key) }
            if m.status == .rescheduled { cells.tally("rescheduled", key) }
            if m.status == .held {
                cells.tally("held_invitees", key, by: m.invitees)
                cells.tally("joined", key, by: m.joined)
                for d in m.joinDelays {
                    cells.sample("join_delay", key, d)
                    cells.tally("joins", key)
                    if d <= 300 { cells.tally("on_time", key) }
                }
                if let o = m.overrun { cells.sample("overrun", key, o) }
            }
            if m.totalTalk > 0 {
                cells.sample("talk_partner", key, m.partnerTalk)
                cells.sample("talk_total", key, m.totalTalk)
            }
            for a in m.actionItems {
                let due = context.key(a.due, partner: m.partner)
                cells.tally("actions_due", due)
                if a.onTime { cells.tally("actions_on_time", due) }
            }
        }
    }
}
