/// One response turn (METRICS.md "Response latency"): a row of `responses.csv`.
public struct TurnFact: Sendable, Hashable {
    public var source: SourceKind
    public var conversation: String
    /// 1-based within the conversation.
    public var turn: Int
    /// The answering partner, or for an unanswered turn the partner it is attributed to.
    public var partner: Int
    public var openedAt: Instant
    public var answeredAt: Instant?
    public var isFirstResponse: Bool
    /// Message ids behind the turn, so figures drill down to messages.
    public var openedBy: String
    public var answeredBy: String?
    /// Who opened and who answered (addresses or user names; pseudonymised in the outputs when asked).
    public var openedByActor = ""
    public var answeredByActor: String?
    /// The part of `[openedAt, answeredAt)` inside the partner's calendar, in seconds
    /// (filled by business hours when a calendar applies).
    public var businessLatencySeconds: Double?
    /// Tickets: the tracker and the ticket's link (FORMATS.md, "Ticket identity"); empty otherwise.
    public var tracker = ""
    public var url = ""
    /// The SLA target that applies (first response or response), in seconds; nil without a target.
    public var targetSeconds: Double?
    /// Answered later than the target, or unanswered and older than it at `as-of`; nil without a target.
    public var breached: Bool?

    public init(
        source: SourceKind, conversation: String, turn: Int, partner: Int, openedAt: Instant, answeredAt: Instant?,
        isFirstResponse: Bool, openedBy: String, answeredBy: String?
    ) {
        self.source = source
        self.conversation = conversation
        self.turn = turn
        self.partner = partner
        self.openedAt = openedAt
        self.answeredAt = answeredAt
        self.isFirstResponse = isFirstResponse
        self.openedBy = openedBy
        self.answeredBy = answeredBy
    }

    public var isAnswered: Bool { answeredAt != nil }
    /// Calendar latency in seconds, for answered turns.
    public var latencySeconds: Double? { answeredAt.map { $0.seconds(since: openedAt) } }
}

/// Which trigger made a conversation escalated (the earliest one wins).
public enum EscalationReason: String, Sendable, Hashable {
    case priority, status, label, assignee, phrase, contact
}

/// One conversation: a row of `conversations.csv`.
public struct ConversationFact: Sendable, Hashable {
    public var source: SourceKind
    public var conversation: String
    /// Nil for a conversation internal to the client (no partner appears).
    public var partner: Int?
    /// The instant of its first message (its period is the conversation's period).
    public var openedAt: Instant
    public var messages: Int
    public var turns: Int
    public var escalationReason: EscalationReason?
    public var resolved: Bool
    public var reopened: Bool
    /// Tickets: the tracker and the ticket's link (FORMATS.md, "Ticket identity"); empty otherwise.
    public var tracker = ""
    public var url = ""

    public init(
        source: SourceKind, conversation: String, partner: Int?, openedAt: Instant, messages: Int, turns: Int,
        escalationReason: EscalationReason?, resolved: Bool = false, reopened: Bool = false
    ) {
        self.source = source
        self.conversation = conversation
        self.partner = partner
        self.openedAt = openedAt
        self.messages = messages
        self.turns = turns
        self.escalationReason = escalationReason
        self.resolved = resolved
        self.reopened = reopened
    }

    public var isEscalated: Bool { escalationReason != nil }
    public var isInternal: Bool { partner == nil }
}

/// A countable happening that is neither a turn nor a conversation: each message
/// (for volume and data-quality counts), acknowledgements, proactive updates.
public struct EventFact: Sendable, Hashable {
    public enum Kind: UInt8, Sendable {
        /// A message in a conversation; `partner` is the conversation's partner (-1 when internal).
        case message
        /// A message whose author's party is unknown.
        case unknownPartyMessage
        /// A message skipped as automated (ignore.actors, auto-reply).
        case automatedMessage
        /// A client acknowledgement that opened no turn; `partner` per METRICS.md.
        case acknowledgement
        /// A partner message while no turn was open.
        case proactiveUpdate
        /// A reply stamped before the message it replies to.
        case clockSkew
        /// A second copy of a record already read (same id, same content).
        case duplicate
        /// A client message whose previous message in the conversation is `partner`'s.
        case clientReply
        /// Such a reply asking for clarification ("what do you mean?").
        case clarificationRequest
        /// A public partner message that is not automated (proactive share's denominator).
        case partnerMessage
        /// A ticket open in the period in which the partner never went silent longer than
        /// `update_every` (at: the period's start or the ticket's creation), or one in which it did.
        case keptInformed, leftUninformed
        /// A ticket due in the period (at: the due date's start) resolved by the end of that day, or not.
        case dueMet, dueMissed
    }

    public var kind: Kind
    public var at: Instant
    /// Partner index, or -1 when the fact is not tied to one partner.
    public var partner: Int32

    public init(kind: Kind, at: Instant, partner: Int?) {
        self.kind = kind
        self.at = at
        self.partner = Int32(partner ?? -1)
    }
}

/// What the commitments' figures read of one ticket with a partner (METRICS.md,
/// "Transparency, reliability of commitments"): when it was open, when the partner wrote,
/// and the date it was due.
public struct TicketTimeline: Sendable, Hashable {
    public var partner: Int
    /// The ticket, for the attention list of tickets left without news.
    public var tracker = ""
    public var key = ""
    public var url = ""
    /// The spans the ticket was open: from creation (or a reopening) to a resolution, the
    /// last one without an end while it is still open.
    public var open: [(start: Instant, end: Instant?)]
    /// The ticket's public, non-automated partner messages, in time order.
    public var updates: [Instant]
    public var due: LocalDate?
    /// The last resolution, nil while the ticket is open.
    public var resolved: Instant? { open.last?.end }

    public init(partner: Int, open: [(start: Instant, end: Instant?)], updates: [Instant], due: LocalDate?) {
        self.partner = partner
        self.open = open
        self.updates = updates
        self.due = due
    }

    public static func == (a: TicketTimeline, b: TicketTimeline) -> Bool {
        a.partner == b.partner && a.tracker == b.tracker && a.key == b.key && a.url == b.url && a.updates == b.updates && a.due == b.due
            && a.open.elementsEqual(b.open) { $0.start == $1.start && $0.end == $1.end }
    }

    public func hash(into h: inout Hasher) {
        h.combine(partner)
        h.combine(key)
        h.combine(updates)
        h.combine(due)
        for s in open {
            h.combine(s.start)
            h.combine(s.end)
        }
    }
}

/// One meeting as seen by one partner (a meeting counts for every partner with an
/// invitee in it, each with its own invitees).
public struct MeetingFact: Sendable, Hashable {
    public var meeting: String
    public var scheduledStart: Instant
    public var status: MeetingRecord.Status
    public var partner: Int
    /// The partner's invitees, and (for held meetings) how many joined.
    public var invitees: Int
    public var joined: Int
    /// `max(0, joined − scheduled_start)` per partner invitee who joined a held meeting.
    public var joinDelays: [Double]
    /// `actual_end − scheduled_end` of a held meeting that has both.
    public var overrun: Double?
    /// Seconds spoken by the partner and by everyone (minutes and transcripts).
    public var partnerTalk: Double
    public var totalTalk: Double
    /// The partner's action items: due date and whether done on or before it.
    public var actionItems: [ActionItemOutcome]

    public struct ActionItemOutcome: Sendable, Hashable {
        public var due: LocalDate
        public var onTime: Bool
        public init(due: LocalDate, onTime: Bool) {
            self.due = due
            self.onTime = onTime
        }
    }

    public init(
        meeting: String, scheduledStart: Instant, status: MeetingRecord.Status, partner: Int, invitees: Int, joined: Int,
        joinDelays: [Double], overrun: Double?, partnerTalk: Double, totalTalk: Double, actionItems: [ActionItemOutcome]
    ) {
        self.meeting = meeting
        self.scheduledStart = scheduledStart
        self.status = status
        self.partner = partner
        self.invitees = invitees
        self.joined = joined
        self.joinDelays = joinDelays
        self.overrun = overrun
        self.partnerTalk = partnerTalk
        self.totalTalk = totalTalk
        self.actionItems = actionItems
    }
}

/// What one message's text told the clarity rules, with who it counts for: a partner's
/// own message counts for that partner; a client message for its conversation's partner.
public struct TextFact: Sendable, Hashable {
    public var at: Instant
    public var partner: Int32
    public var isClient: Bool
    public var stats: TextStats

    public init(at: Instant, partner: Int, isClient: Bool, stats: TextStats) {
        self.at = at
        self.partner = Int32(partner)
        self.isClient = isClient
        self.stats = stats
    }
}

/// Where text totals are summed: a local day (in the pipeline's zone; every period is whole
/// days), a partner, and whose messages (the partner's own or the client's to it).
public struct TextKey: Sendable, Hashable {
    public var day: LocalDate
    public var partner: Int32
    public var isClient: Bool

    public init(day: LocalDate, partner: Int32, isClient: Bool) {
        self.day = day
        self.partner = partner
        self.isClient = isClient
    }
}

/// The clarity rules' counts summed over messages: the pooled formulas need only sums and
/// message counts, so a run keeps one of these per day and partner instead of a fact per message.
public struct TextTotals: Sendable, Hashable {
    /// Every message read, and those the language guess took as not English.
    public var messages = 0
    public var nonEnglish = 0
    /// English messages, and those under 100 words; the sums below are over English messages.
    public var english = 0
    public var shortEnglish = 0
    public var counts = ReadabilityCounts()
    public var acronyms = 0
    /// Messages politeness rules v1 scored, the sum of their scores, and those under 25.
    public var politenessScored = 0
    public var politenessSum = 0
    public var impolite = 0

    /// Scores under this are impolite (METRICS.md, "mutual respect").
    public static let impoliteBelow = 25

    public init() {}

    public mutating func add(_ stats: TextStats) {
        messages += 1
        guard stats.isEnglish else {
            nonEnglish += 1
            return
        }
        english += 1
        if let score = stats.politenessScore {
            politenessScored += 1
            politenessSum += score
            if score < TextTotals.impoliteBelow { impolite += 1 }
        }
        if stats.words < 100 { shortEnglish += 1 }
        counts = counts + stats.counts
        acronyms += Int(stats.acronyms)
    }

    public mutating func add(_ other: TextTotals) {
        messages += other.messages
        nonEnglish += other.nonEnglish
        english += other.english
        shortEnglish += other.shortEnglish
        counts = counts + other.counts
        acronyms += other.acronyms
        politenessScored += other.politenessScored
        politenessSum += other.politenessSum
        impolite += other.impolite
    }
}

/// One message, event or attendance as the normalised fact table (`interactions`) lists it.
public struct InteractionFact: Sendable, Hashable {
    public var source: SourceKind
    public var conversation: String
    /// Tickets: the tracker (a conversation is `(source, tracker, conversation)`); empty otherwise.
    public var tracker = ""
    public var id: String
    public var at: Instant
    public var actor: String
    public var party: Party
    public var kind: InteractionKind
    public var isPublic: Bool
    /// What decides whether the message opens or answers a turn (acknowledgement, automated, ignored).
    public var flags: MessageFlags = []
    /// Politeness rules v1's score of the message, when it was scored (the messages behind
    /// `respect.*`: an analyst lists the impolite ones with `politeness < 25`).
    public var politeness: Int?

    public init(source: SourceKind, conversation: String, id: String, at: Instant, actor: String, party: Party, kind: InteractionKind, isPublic: Bool) {
        self.source = source
        self.conversation = conversation
        self.id = id
        self.at = at
        self.actor = actor
        self.party = party
        self.kind = kind
        self.isPublic = isPublic
    }
}

/// Everything the transforms learned, for aggregates and outputs.
public struct Facts: Sendable {
    public var turns: [TurnFact] = []
    public var conversations: [ConversationFact] = []
    public var events: [EventFact] = []
    public var meetings: [MeetingFact] = []
    /// Tickets with a partner, for the transparency and due-date figures (made into events
    /// by ``Commitments`` once the calendars are known).
    public var tickets: [TicketTimeline] = []
    /// Text totals per day and partner (``TextFact``s summed as they are made).
    public var texts: [TextKey: TextTotals] = [:]
    /// Filled only when an output needs the fact table (SQLite).
    public var interactions: [InteractionFact] = []
    public init() {}

    /// Adds each text to the totals of its day in `zone` (the pipeline's).
    public mutating func addTexts(_ new: [TextFact], zone: ZoneRules) {
        for t in new {
            texts[TextKey(day: zone.localDate(of: t.at), partner: t.partner, isClient: t.isClient), default: TextTotals()].add(t.stats)
        }
    }

    public mutating func append(contentsOf other: Facts) {
        turns += other.turns
        conversations += other.conversations
        events += other.events
        meetings += other.meetings
        tickets += other.tickets
        for (key, totals) in other.texts { texts[key, default: TextTotals()].add(totals) }
        interactions += other.interactions
    }
}
