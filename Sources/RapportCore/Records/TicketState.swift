/// A ticket's final state as exported (the attributes after all events), plus what an
/// export without change history still tells: when it was resolved.
public struct TicketState: Sendable {
    public var key: String
    /// The tracker the ticket lives in (FORMATS.md, "Ticket identity"): keys compare within one tracker only.
    public var tracker: String
    /// The ticket's own link (Jira's item `<link>`, or built from the tracker); empty when unknown.
    public var url: String
    public var subject: String
    public var priority: String?
    public var status: String?
    public var labels: [String]
    /// The assignee as exported (e-mail address or user name); nil when unassigned.
    public var assignee: String?
    public var reporter: String?
    public var created: Instant?
    /// The export's resolution date (Jira `resolved`), for exports without history.
    public var resolved: Instant?
    /// The date the work was promised for (Jira `<due>`, Redmine `due_date`, a mapped `due`
    /// column): a local date in the pipeline's zone (METRICS.md, reliability of commitments).
    public var due: LocalDate?
    /// A snapshot export's final status says the ticket was reopened (Bugzilla REOPENED).
    public var reopened: Bool
    public var id: TicketID { TicketID(tracker: tracker, key: key) }
    /// True when the export carries change events (status, priority, resolved…); false for
    /// snapshot exports such as Jira XML, where escalation and reopening are inferred.
    public var hasHistory: Bool
    public var origin: Origin

    public init(
        key: String, tracker: String = "", url: String = "", subject: String = "", priority: String? = nil, status: String? = nil, labels: [String] = [],
        assignee: String? = nil, reporter: String? = nil, created: Instant? = nil, resolved: Instant? = nil, reopened: Bool = false,
        hasHistory: Bool, origin: Origin
    ) {
        self.key = key
        self.tracker = tracker
        self.url = url
        self.subject = subject
        self.priority = priority
        self.status = status
        self.labels = labels
        self.assignee = assignee
        self.reporter = reporter
        self.created = created
        self.resolved = resolved
        self.reopened = reopened
        self.hasHistory = hasHistory
        self.origin = origin
    }
}

/// A ticket's identity: its tracker and its key (the same key in two trackers is two tickets).
public struct TicketID: Hashable, Sendable {
    public var tracker: String
    public var key: String
    public init(tracker: String, key: String) {
        self.tracker = tracker
        self.key = key
    }

    /// Byte order of the key, then of the tracker (so that one tracker's tickets keep their old order).
    public static func bytesLess(_ a: TicketID, _ b: TicketID) -> Bool {
        if RapportCore.bytesLess(a.key, b.key) { return true }
        if RapportCore.bytesLess(b.key, a.key) { return false }
        return RapportCore.bytesLess(a.tracker, b.tracker)
    }
}

/// One meeting as its log tells it: schedule, outcome, invitees with their joins,
/// and (from minutes or transcripts) who spoke and which action items were due.
public struct MeetingRecord: Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case held, cancelled, rescheduled
        case noShow = "no_show"
    }

    public struct Invitee: Sendable {
        public var actor: String
        public var party: Party
        public var joined: Instant?
        public var left: Instant?
        public init(actor: String, party: Party, joined: Instant?, left: Instant?) {
            self.actor = actor
            self.party = party
            self.joined = joined
            self.left = left
        }
    }

    public struct Utterance: Sendable {
        public var actor: String
        public var party: Party
        public var seconds: Double
        /// What was said, as the transcript has it (empty when the log gives only times);
        /// the run reads it into `stats` and drops it.
        public var text: String
        /// The clarity counts of `text` (METRICS.md "Language clarity"), once read.
        public var stats: TextStats?
        public init(actor: String, party: Party, seconds: Double, text: String = "", stats: TextStats? = nil) {
            self.actor = actor
            self.party = party
            self.seconds = seconds
            self.text = text
            self.stats = stats
        }
    }

    public struct ActionItem: Sendable {
        public var id: String
        public var owner: String
        public var party: Party
        public var due: LocalDate
        public var done: LocalDate?
        public init(id: String, owner: String, party: Party, due: LocalDate, done: LocalDate?) {
            self.id = id
            self.owner = owner
            self.party = party
            self.due = due
            self.done = done
        }
    }

    public var id: String
    public var title: String
    public var scheduledStart: Instant
    public var scheduledEnd: Instant?
    public var actualStart: Instant?
    public var actualEnd: Instant?
    public var status: Status
    public var invitees: [Invitee]
    public var utterances: [Utterance]
    public var actionItems: [ActionItem]
    public var origin: Origin
    /// How many input records (CSV rows, XML elements) this meeting was read from.
    public var records: Int = 1

    public init(
        id: String, title: String, scheduledStart: Instant, scheduledEnd: Instant?, actualStart: Instant?, actualEnd: Instant?,
        status: Status, invitees: [Invitee] = [], utterances: [Utterance] = [], actionItems: [ActionItem] = [], origin: Origin
    ) {
        self.id = id
        self.title = title
        self.scheduledStart = scheduledStart
        self.scheduledEnd = scheduledEnd
        self.actualStart = actualStart
        self.actualEnd = actualEnd
        self.status = status
        self.invitees = invitees
        self.utterances = utterances
        self.actionItems = actionItems
        self.origin = origin
    }

    /// Several rows for one invitee (re-joins) are one attendance: earliest join, latest leave.
    public mutating func mergeRejoins() {
        var byActor: [String: Int] = [:]
        var merged: [Invitee] = []
        for i in invitees {
            if let k = byActor[i.actor] {
                if let j = i.joined { merged[k].joined = min(merged[k].joined ?? j, j) }
                if let l = i.left { merged[k].left = max(merged[k].left ?? l, l) }
            } else {
                byActor[i.actor] = merged.count
                merged.append(i)
            }
        }
        invitees = merged
    }
}
