import RapportCore

/// `attention.csv` and SQLite `attention` (OUTPUTS.md, "Additions of 2026-12-03"): one row
/// per turn or conversation a reader should look at, in the window: turns still unanswered
/// at as-of and turns answered past their SLA target (longest wait first), escalated and
/// reopened conversations (earliest first).
public enum AttentionRows {
    public static let name = "attention"
    public static let columns = ["period", "partner", "kind", "source", "tracker", "conversation", "turn", "opened_at", "latency_s", "reason", "url"]

    public enum Kind: Int, CaseIterable, Sendable {
        /// `silent`: a ticket open in the period that went longer than `update_every` without a
        /// partner update (the tickets behind transparency.kept_informed_rate), longest first.
        case unanswered, breached, escalated, reopened, silent

        public var name: String {
            switch self {
            case .unanswered: "unanswered"
            case .breached: "breached"
            case .escalated: "escalated"
            case .reopened: "reopened"
            case .silent: "silent"
            }
        }
    }

    /// One row, before its cells are rendered.
    public struct Item: Sendable {
        public var kind: Kind
        public var period: Int
        public var partner: Int
        public var source: SourceKind
        public var tracker: String
        public var conversation: String
        public var turn: Int?
        public var openedAt: Instant
        /// Seconds waited: to the answer (breached) or to as-of (unanswered); nil for conversations.
        public var latency: Double?
        public var reason: String
        public var url: String

        public init(
            kind: Kind, period: Int, partner: Int, source: SourceKind, tracker: String, conversation: String, turn: Int?, openedAt: Instant,
            latency: Double?, reason: String, url: String
        ) {
            self.kind = kind
            self.period = period
            self.partner = partner
            self.source = source
            self.tracker = tracker
            self.conversation = conversation
            self.turn = turn
            self.openedAt = openedAt
            self.latency = latency
            self.reason = reason
            self.url = url
        }
    }

    /// The turn's row, if it needs attention: unanswered, or answered past its target.
    public static func item(_ t: TurnFact, asOf: Instant, context: ReportContext) -> Item? {
        guard let period = context.windowIndex(of: t.openedAt) else { return nil }
        let target = t.targetSeconds.map { " (target \(duration($0)))" } ?? ""
        let kind: Kind
        let latency: Double
        let reason: String
        if let answered = t.latencySeconds {
            guard t.breached == true else { return nil }
            kind = .breached
            latency = answered
            reason = "answered after \(duration(answered))" + target
        } else {
            kind = .unanswered
            latency = asOf.seconds(since: t.openedAt)
            reason = "no partner answer by as-of, waiting \(duration(latency))" + (t.breached == true ? ", past the target" + target : "")
        }
        return Item(
            kind: kind, period: period, partner: t.partner, source: t.source, tracker: t.tracker, conversation: t.conversation, turn: t.turn,
            openedAt: t.openedAt, latency: latency, reason: reason, url: t.url)
    }

    /// The conversation's rows: one if escalated (with its trigger), one if reopened.
    public static func items(_ c: ConversationFact, context: ReportContext) -> [Item] {
        guard let partner = c.partner, let period = context.windowIndex(of: c.openedAt) else { return [] }
        var out: [Item] = []
        func add(_ kind: Kind, _ reason: String) {
            out.append(
                Item(
                    kind: kind, period: period, partner: partner, source: c.source, tracker: c.tracker, conversation: c.conversation, turn: nil,
                    openedAt: c.openedAt, latency: nil, reason: reason, url: c.url))
        }
        if let r = c.escalationReason { add(.escalated, escalationText(r)) }
        if c.reopened { add(.reopened, "reopened after it was resolved") }
        return out
    }

    /// The row of a ticket left without news in a period: its longest gap there.
    public static func item(
        silentTicket t: TicketTimeline, from: Instant, seconds: Double, limit: Double, workingTime: Bool, context: ReportContext
    ) -> Item? {
        guard let period = context.windowIndex(of: from) else { return nil }
        return Item(
            kind: .silent, period: period, partner: t.partner, source: .ticket, tracker: t.tracker, conversation: t.key, turn: nil, openedAt: from,
            latency: seconds, reason: "no partner update for \(duration(seconds))\(workingTime ? " of working time" : "") (update_every \(duration(limit)))",
            url: t.url)
    }

    static func escalationText(_ r: EscalationReason) -> String {
        switch r {
        case .priority: "priority raised"
        case .status: "escalation status"
        case .label: "escalation label"
        case .assignee: "assigned to an escalation queue"
        case .phrase: "the client asked for escalation"
        case .contact: "an escalation contact was added"
        }
    }

    public static func add(_ item: Item, context: ReportContext, to rows: SortedRows) throws(RapportError) {
        var key = RowKey()
        key.int(item.period)
        key.int(context.partnerRank(item.partner))
        key.int(item.kind.rawValue)
        if let latency = item.latency { key.int(-Int(latency * 1000)) } else { key.int(Int(item.openedAt.nanoseconds / 1_000_000)) }
        key.int(sourceRank(item.source))
        key.text(item.conversation)
        key.text(item.tracker)
        key.int(item.turn ?? 0)
        let cells: [Cell] = [
            .text(context.windowLabels[item.period]), context.partnerCell(item.partner), .text(item.kind.name), .text(item.source.rawValue),
            .text(item.tracker), .text(context.identifier(item.conversation)), item.turn.map { .integer($0) } ?? .empty, .instant(item.openedAt),
            .optional(item.latency), .text(item.reason), .text(context.link(item.url)),
        ]
        try rows.add(key: key, cells: cells)
    }

    /// "3 d 4 h", "9 h 12 min", "14 min" (for people; the seconds are in `latency_s`).
    public static func duration(_ seconds: Double) -> String {
        let minutes = Int((seconds / 60).rounded())
        if minutes < 60 { return "\(minutes) min" }
        let hours = minutes / 60
        if hours < 24 { return minutes % 60 == 0 ? "\(hours) h" : "\(hours) h \(minutes % 60) min" }
        return hours % 24 == 0 ? "\(hours / 24) d" : "\(hours / 24) d \(hours % 24) h"
    }
}

/// What the page lists of `attention`: per period, partner and kind, the first ten rows in
/// the table's order and how many more there are. Bounded by the window, not the history.
public struct AttentionDigest: Sendable {
    public static let shown = 10

    struct Key: Hashable {
        var period: Int
        var partner: Int
        var kind: AttentionRows.Kind
    }

    private var lists: [Key: (count: Int, first: [AttentionRows.Item])] = [:]

    public init() {}

    /// Each list's key, how many items it was offered and its first items (a shard hands its
    /// lists on this way; ``merge(period:partner:kind:count:first:)`` takes them).
    public func forEachList(_ body: (_ period: Int, _ partner: Int, _ kind: AttentionRows.Kind, _ count: Int, _ first: [AttentionRows.Item]) -> Void) {
        for (k, v) in lists { body(k.period, k.partner, k.kind, v.count, v.first) }
    }

    /// Adds another shard's list: the counts add, the first items are chosen again from both.
    public mutating func merge(period: Int, partner: Int, kind: AttentionRows.Kind, count: Int, first: [AttentionRows.Item]) {
        let key = Key(period: period, partner: partner, kind: kind)
        for item in first { AttentionDigest.insert(item, into: &lists[key, default: (0, [])]) }
        lists[key, default: (0, [])].count += count - first.count
    }

    public mutating func add(_ item: AttentionRows.Item) {
        AttentionDigest.insert(item, into: &lists[Key(period: item.period, partner: item.partner, kind: item.kind), default: (0, [])])
    }

    /// In place (the dictionary's entry is not copied): most items do not make the first ten.
    private static func insert(_ item: AttentionRows.Item, into entry: inout (count: Int, first: [AttentionRows.Item])) {
        entry.count += 1
        if entry.first.count == shown, !comesFirst(item, entry.first[shown - 1]) { return }
        let at = entry.first.firstIndex { comesFirst(item, $0) } ?? entry.first.count
        entry.first.insert(item, at: at)
        if entry.first.count > shown { entry.first.removeLast() }
    }

    /// Longest wait first for turns, earliest first for conversations; then by conversation.
    static func comesFirst(_ a: AttentionRows.Item, _ b: AttentionRows.Item) -> Bool {
        if let la = a.latency, let lb = b.latency, la != lb { return la > lb }
        if a.latency == nil, a.openedAt != b.openedAt { return a.openedAt < b.openedAt }
        if a.conversation != b.conversation { return a.conversation < b.conversation }
        return (a.turn ?? 0) < (b.turn ?? 0)
    }

    /// The rows shown and the count of the rest.
    public func list(period: Int, partner: Int, kind: AttentionRows.Kind) -> (shown: [AttentionRows.Item], more: Int) {
        guard let e = lists[Key(period: period, partner: partner, kind: kind)] else { return ([], 0) }
        return (e.first, e.count - e.first.count)
    }
}
