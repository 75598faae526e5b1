import RapportCore

/// Escalation settings that concern tickets (`escalation:` and `priority_order` in the pipeline file).
public struct TicketRules: Sendable {
    /// Priority levels, lowest first, compared case-insensitively.
    public var priorityOrder: [String]
    public var escalationStatuses: Set<String>
    public var escalationLabels: Set<String>
    public var escalationAssignees: GlobSet

    public static let defaultPriorityOrder = ["low", "normal", "medium", "high", "urgent", "critical", "blocker"]

    public init(
        priorityOrder: [String] = TicketRules.defaultPriorityOrder, escalationStatuses: [String] = [], escalationLabels: [String] = [],
        escalationAssignees: [String] = []
    ) {
        self.priorityOrder = priorityOrder.map { $0.lowercased() }
        self.escalationStatuses = Set(escalationStatuses.map { $0.lowercased() })
        self.escalationLabels = Set(escalationLabels.map { $0.lowercased() })
        self.escalationAssignees = GlobSet(escalationAssignees)
    }

    /// The level of a priority, or nil when it is not in the order (an unknown level never counts as a raise).
    func level(_ priority: String?) -> Int? {
        guard let p = priority?.lowercased() else { return nil }
        return priorityOrder.firstIndex(of: p)
    }
}

/// Tickets → turns, conversations (escalation, resolution, reopening) and per-message events.
///
/// The description is the reporter's first message at `created`; public comments are
/// messages; internal notes never answer. Events tied on an instant keep document order.
public enum TicketConversations {
    /// With `collectInteractions`, every event also becomes a row of the fact table.
    public static func build(
        _ tickets: ArraySlice<TicketBundle>, rules: TicketRules, parties: PartyDirectory, asOf: Instant, zone: ZoneRules, collectInteractions: Bool = false
    ) -> Facts {
        var facts = Facts()
        var assignees = PartyMemo(parties)
        for ticket in tickets {
            buildOne(ticket, rules: rules, assignees: &assignees, asOf: asOf, zone: zone, into: &facts)
            if collectInteractions {
                for e in ticket.events where e.at <= asOf {
                    var row = InteractionFact(
                        source: .ticket, conversation: ticket.key, id: e.id, at: e.at, actor: e.actor, party: e.party, kind: e.kind, isPublic: e.isPublic)
                    row.tracker = ticket.id.tracker
                    row.flags = e.flags
                    row.politeness = e.text?.politenessScore
                    facts.interactions.append(row)
                }
            }
        }
        return facts
    }

    private static func buildOne(
        _ ticket: TicketBundle, rules: TicketRules, assignees: inout PartyMemo, asOf: Instant, zone: ZoneRules, into facts: inout Facts
    ) {
        // Filtered (one copy of each event) and sorted in place (moves, not copies).
        var events = ticket.events.filter { $0.at <= asOf }
        events.sort { a, b in
            if a.at != b.at { return a.at < b.at }
            if a.origin.file != b.origin.file { return a.origin.file < b.origin.file }
            return a.order < b.order
        }
        guard !events.isEmpty else { return }
        let state = ticket.state
        // Resolution and reopening events (a GitHub events page read beside its issues page) are
        // history, whatever the snapshot the state came from says.
        let hasHistory = (state?.hasHistory ?? true) || events.contains { $0.kind == .resolved || $0.kind == .reopened }

        // The assignee: the final state's, else the last assign event's.
        var assignee = state?.assignee
        if assignee == nil, let last = events.last(where: { $0.kind == .assign && !$0.to.isEmpty }) { assignee = last.to }
        let assigneePartner = assignee.flatMap { assignees.party(of: $0, at: events.last!.at).partnerIndex }

        var firstPartner: Int?
        for e in events {
            if let p = e.party.partnerIndex {
                firstPartner = p
                break
            }
        }
        if firstPartner == nil { firstPartner = assigneePartner }

        let turnMessages = Array(
            events.lazy.filter { $0.kind == .created || $0.kind == .message || $0.kind == .internalNote }.map {
                TurnMessage(
                    id: $0.id, at: $0.at, party: $0.party, isPublic: $0.kind != .internalNote && $0.isPublic,
                    isAutomated: $0.flags.contains(.automated), isAcknowledgement: $0.flags.contains(.acknowledgement), text: $0.text, actor: $0.actor)
            })
        let outcome = TurnRules.apply(
            turnMessages, source: .ticket, conversation: ticket.key, assigneePartner: assigneePartner, firstPartnerAppearing: firstPartner)

        // Resolution and reopening.
        let firstResolution = events.first { $0.kind == .resolved }?.at ?? (hasHistory ? nil : state?.resolved.flatMap { $0 <= asOf ? $0 : nil })
        let resolved = firstResolution != nil
        var reopened = false
        if let firstResolution {
            if hasHistory {
                reopened = events.contains { $0.kind == .reopened && $0.at > firstResolution }
            } else {
                // No history: a client message after the resolution means the client came back (or the status says so).
                reopened = state?.reopened == true
                    || events.contains { $0.isMessage && $0.party.isClient && !$0.flags.contains(.automated) && $0.at > firstResolution }
            }
        }

        let reason = escalation(events, state: state, rules: rules)
        let messageEvents = events.filter(\.isMessage)
        let turnsBefore = facts.turns.count
        facts.turns += outcome.turns
        for i in turnsBefore..<facts.turns.count {
            facts.turns[i].tracker = ticket.id.tracker
            facts.turns[i].url = ticket.url
        }
        facts.events += outcome.acknowledgements
        facts.events += outcome.proactiveUpdates
        facts.events += outcome.partnerMessages
        facts.events += outcome.clarity
        facts.addTexts(outcome.texts, zone: zone)
        for m in messageEvents {
            facts.events.append(EventFact(kind: .message, at: m.at, partner: outcome.partner))
            if m.flags.contains(.automated) {
                facts.events.append(EventFact(kind: .automatedMessage, at: m.at, partner: nil))
            } else if m.party.isUnknown {
                facts.events.append(EventFact(kind: .unknownPartyMessage, at: m.at, partner: nil))
            }
        }
        var conversation = ConversationFact(
            source: .ticket, conversation: ticket.key, partner: outcome.partner, openedAt: (messageEvents.first ?? events[0]).at,
            messages: messageEvents.count, turns: outcome.turns.count, escalationReason: reason, resolved: resolved, reopened: reopened)
        conversation.tracker = ticket.id.tracker
        conversation.url = ticket.url
        facts.conversations.append(conversation)
        if let p = outcome.partner {
            var t = timeline(events, state: state, hasHistory: hasHistory, partner: p, asOf: asOf)
            (t.tracker, t.key, t.url) = (ticket.id.tracker, ticket.key, ticket.url)
            facts.tickets.append(t)
        }
    }

    /// When the ticket was open and when its partner wrote (for ``Commitments``). With history,
    /// resolutions and reopenings close and open spans; without, the state's resolution ends
    /// the only span.
    static func timeline(_ events: [TicketEvent], state: TicketState?, hasHistory: Bool, partner: Int, asOf: Instant) -> TicketTimeline {
        let created = events.first { $0.kind == .created }?.at ?? state?.created.flatMap { $0 <= asOf ? $0 : nil } ?? events[0].at
        var open: [(start: Instant, end: Instant?)] = [(created, nil)]
        if hasHistory {
            for e in events where e.at >= created {
                if e.kind == .resolved, open[open.count - 1].end == nil {
                    open[open.count - 1].end = e.at
                } else if e.kind == .reopened, open[open.count - 1].end != nil {
                    open.append((e.at, nil))
                }
            }
        } else if let resolved = state?.resolved, resolved <= asOf, resolved >= created {
            open[0].end = resolved
        }
        let updates = events.lazy.filter { $0.isMessage && $0.isPublic && !$0.flags.contains(.automated) && $0.party.partnerIndex == partner }.map(\.at)
        return TicketTimeline(partner: partner, open: open, updates: Array(updates), due: state?.due)
    }

    /// The kind of the earliest escalation trigger (ties in METRICS.md's order); final-state
    /// triggers (status, labels) count after every event.
    static func escalation(_ events: [TicketEvent], state: TicketState?, rules: TicketRules) -> EscalationReason? {
        var best: (at: Instant, rank: Int, reason: EscalationReason)?
        func consider(_ at: Instant, _ reason: EscalationReason) {
            let rank: Int
            switch reason {
            case .priority: rank = 0
            case .status: rank = 1
            case .label: rank = 2
            case .assignee: rank = 3
            case .phrase: rank = 4
            case .contact: rank = 5
            }
            if best == nil || (at, rank) < (best!.at, best!.rank) { best = (at, rank, reason) }
        }
        let firstPriority = events.first { $0.kind == .priority }.map(\.from) ?? state?.priority
        let base = rules.level(firstPriority)
        for e in events {
            switch e.kind {
            case .priority:
                if let base, let to = rules.level(e.to), to > base { consider(e.at, .priority) }
            case .status:
                if rules.escalationStatuses.contains(e.to.lowercased()) { consider(e.at, .status) }
            case .label:
                if rules.escalationLabels.contains(e.to.lowercased()) { consider(e.at, .label) }
            case .assign:
                if !e.to.isEmpty, rules.escalationAssignees.matches(e.to) { consider(e.at, .assignee) }
            case .created, .message:
                if e.isPublic, e.flags.contains(.escalationPhrase) { consider(e.at, .phrase) }
            default:
                break
            }
        }
        let end = Instant(nanoseconds: .max)
        if let s = state?.status, rules.escalationStatuses.contains(s.lowercased()) { consider(end, .status) }
        if let labels = state?.labels, labels.contains(where: { rules.escalationLabels.contains($0.lowercased()) }) { consider(end, .label) }
        return best?.reason
    }
}
