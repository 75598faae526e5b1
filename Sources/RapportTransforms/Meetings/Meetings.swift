import RapportCore

/// Meetings → per-partner meeting facts and one conversation row per meeting (METRICS.md "Meetings").
///
/// A meeting counts for every partner with an invitee (or an action-item owner) in it,
/// each with its own invitees. The same meeting (id and scheduled start) in several
/// files is kept once.
public enum Meetings {
    public struct Result: Sendable {
        public var facts = Facts()
        /// Meetings read again from another file (their records count as duplicates).
        public var duplicates: [MeetingRecord] = []
    }

    /// `meetings` in file order. A meeting is its id and scheduled start: copies from several
    /// files or logs are merged (their records count as duplicates).
    /// Utterances read into clarity counts (transcripts) count for the speaker's partner, or
    /// (the client's) for every partner in the meeting, on the meeting's day in `zone`.
    public static func build(_ meetings: [MeetingRecord], asOf: Instant, zone: ZoneRules = .utc, collectInteractions: Bool = false) -> Result {
        var result = Result()
        // A recurring meeting id used with several starts gets the start in its name.
        var startsPerID: [String: Set<Int64>] = [:]
        for m in meetings { startsPerID[m.id, default: []].insert(m.scheduledStart.nanoseconds) }
        // The same meeting from several logs (attendance and minutes): the schedule, status and
        // invitees of the first copy that has invitees (a transcript has none), else the first
        // copy's; utterances and action items from the first copy that has them.
        var merged: [MeetingRecord] = []
        var position: [String: Int] = [:]
        for m in meetings where m.scheduledStart <= asOf {
            let key = "\(m.id)|\(m.scheduledStart.nanoseconds)"
            if let k = position[key] {
                if merged[k].invitees.isEmpty && !m.invitees.isEmpty {
                    let (utterances, items) = (merged[k].utterances, merged[k].actionItems)
                    merged[k] = MeetingRecord(
                        id: m.id, title: m.title, scheduledStart: m.scheduledStart, scheduledEnd: m.scheduledEnd, actualStart: m.actualStart,
                        actualEnd: m.actualEnd, status: m.status, invitees: m.invitees, utterances: utterances, actionItems: items, origin: merged[k].origin)
                }
                if merged[k].utterances.isEmpty { merged[k].utterances = m.utterances }
                if merged[k].actionItems.isEmpty { merged[k].actionItems = m.actionItems }
                result.duplicates.append(m)
            } else {
                position[key] = merged.count
                merged.append(m)
            }
        }
        for var m in merged {
            m.mergeRejoins()
            var partners: [Int] = []
            for i in m.invitees { if let p = i.party.partnerIndex, !partners.contains(p) { partners.append(p) } }
            for a in m.actionItems { if let p = a.party.partnerIndex, !partners.contains(p) { partners.append(p) } }
            // A transcript without an attendance log still says which partners were there.
            for u in m.utterances { if let p = u.party.partnerIndex, !partners.contains(p) { partners.append(p) } }
            result.facts.addTexts(texts(of: m, partners: partners), zone: zone)
            let totalTalk = m.utterances.reduce(0) { $0 + $1.seconds }
            var overrun: Double?
            if m.status == .held, let end = m.actualEnd, let scheduled = m.scheduledEnd { overrun = end.seconds(since: scheduled) }
            for p in partners {
                let invitees = m.invitees.filter { $0.party.partnerIndex == p }
                let joins = m.status == .held ? invitees.compactMap(\.joined) : []
                result.facts.meetings.append(
                    MeetingFact(
                        meeting: startsPerID[m.id]!.count > 1 ? "\(m.id) \(m.scheduledStart.rfc3339)" : m.id, scheduledStart: m.scheduledStart, status: m.status, partner: p, invitees: invitees.count,
                        joined: joins.count, joinDelays: joins.map { max(0, $0.seconds(since: m.scheduledStart)) }, overrun: overrun,
                        partnerTalk: m.utterances.filter { $0.party.partnerIndex == p }.reduce(0) { $0 + $1.seconds },
                        totalTalk: totalTalk,
                        actionItems: m.actionItems.filter { $0.party.partnerIndex == p }.map { item in
                            MeetingFact.ActionItemOutcome(due: item.due, onTime: item.done.map { $0 <= item.due } ?? false)
                        }))
            }
            let name = startsPerID[m.id]!.count > 1 ? "\(m.id) \(m.scheduledStart.rfc3339)" : m.id
            if collectInteractions {
                for i in m.invitees {
                    result.facts.interactions.append(
                        InteractionFact(
                            source: .meeting, conversation: name, id: "\(name)#\(i.actor)", at: i.joined ?? m.scheduledStart, actor: i.actor, party: i.party,
                            kind: .attendance, isPublic: true))
                }
            }
            result.facts.conversations.append(
                ConversationFact(
                    source: .meeting, conversation: name, partner: partners.first, openedAt: m.scheduledStart, messages: m.utterances.count,
                    turns: 0, escalationReason: nil))
        }
        return result
    }

    /// The clarity counts of what was said: a partner's utterances for that partner, the
    /// client's for each partner in the meeting.
    static func texts(of m: MeetingRecord, partners: [Int]) -> [TextFact] {
        var out: [TextFact] = []
        for u in m.utterances {
            guard let stats = u.stats else { continue }
            if let p = u.party.partnerIndex {
                out.append(TextFact(at: m.scheduledStart, partner: p, isClient: false, stats: stats))
            } else if u.party.isClient {
                for p in partners { out.append(TextFact(at: m.scheduledStart, partner: p, isClient: true, stats: stats)) }
            }
        }
        return out
    }
}
