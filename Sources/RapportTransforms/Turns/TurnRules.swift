import RapportCore

/// One message of a conversation as the turn rules see it, already in conversation order.
public struct TurnMessage: Sendable {
    public var id: String
    public var at: Instant
    public var party: Party
    /// Internal notes never open or answer a turn (but their author counts as appearing).
    public var isPublic: Bool
    /// Bots, `ignore.actors`, auto-replies: skipped by the turn logic.
    public var isAutomated: Bool
    public var isAcknowledgement: Bool
    /// The first partner among the recipients (`to`, then `cc`), or -1.
    public var firstRecipientPartner: Int16
    /// The clarity rules' reading of the text, when there was one.
    public var text: TextStats?
    /// Who wrote it (an address or a user name), for `responses.csv`'s `*_actor` columns.
    public var actor: String

    public init(
        id: String, at: Instant, party: Party, isPublic: Bool = true, isAutomated: Bool = false,
        isAcknowledgement: Bool = false, firstRecipientPartner: Int16 = -1, text: TextStats? = nil, actor: String = ""
    ) {
        self.actor = actor
        self.id = id
        self.at = at
        self.party = party
        self.isPublic = isPublic
        self.isAutomated = isAutomated
        self.isAcknowledgement = isAcknowledgement
        self.firstRecipientPartner = firstRecipientPartner
        self.text = text
    }
}

/// The response-turn rules of METRICS.md, for one conversation, independent of the log's kind.
public enum TurnRules {
    /// What one conversation yields.
    public struct Outcome: Sendable {
        public var turns: [TurnFact] = []
        public var acknowledgements: [EventFact] = []
        public var proactiveUpdates: [EventFact] = []
        /// Every public, non-automated partner message (what proactive updates are a share of).
        public var partnerMessages: [EventFact] = []
        /// Client replies to a partner, and those asking for clarification.
        public var clarity: [EventFact] = []
        /// Text facts: partners' messages for their partner, client messages for the conversation's partner.
        public var texts: [TextFact] = []
        /// The conversation's partner: the partner of its first turn, else the first partner that appears; nil when internal.
        public var partner: Int?
    }

    /// Applies the turn rules to `messages` (sorted by conversation order; all at or before `as-of`).
    /// `assigneePartner` is a ticket's assignee's partner (nil for e-mail).
    /// `firstPartnerAppearing` is the first partner appearing anywhere in the conversation
    /// (as author, recipient or assignee), nil when none does (an internal conversation).
    public static func apply(
        _ messages: [TurnMessage], source: SourceKind, conversation: String, assigneePartner: Int?,
        firstPartnerAppearing: Int?
    ) -> Outcome {
        var outcome = Outcome()
        guard let anyPartner = firstPartnerAppearing else { return outcome }

        var openIndex: Int?
        var lastPartnerWriter: Int?
        var firstCountedIsClient: Bool?
        var previousParty: Party?
        var clientTexts: [(Instant, TextStats)] = []

        /// The unanswered-turn attribution: recipients, then assignee, then last writer, then first appearing.
        func attribute(_ m: TurnMessage) -> Int {
            if m.firstRecipientPartner >= 0 { return Int(m.firstRecipientPartner) }
            if let assigneePartner { return assigneePartner }
            if let lastPartnerWriter { return lastPartnerWriter }
            return anyPartner
        }

        for (index, m) in messages.enumerated() {
            if m.isAutomated || m.party.isUnknown { continue }
            if !m.isPublic { continue }  // internal notes never answer anything
            if firstCountedIsClient == nil { firstCountedIsClient = m.party.isClient }
            // Clarity: who wrote the text, and whether a client message answers a partner's.
            if let p = m.party.partnerIndex, let stats = m.text { outcome.texts.append(TextFact(at: m.at, partner: p, isClient: false, stats: stats)) }
            if m.party.isClient {
                if let stats = m.text { clientTexts.append((m.at, stats)) }
                if let p = previousParty?.partnerIndex {
                    outcome.clarity.append(EventFact(kind: .clientReply, at: m.at, partner: p))
                    if m.text?.asksClarification == true { outcome.clarity.append(EventFact(kind: .clarificationRequest, at: m.at, partner: p)) }
                }
            }
            previousParty = m.party
            if m.party.isClient {
                if m.isAcknowledgement {
                    let partner = lastPartnerWriter ?? attribute(m)
                    outcome.acknowledgements.append(EventFact(kind: .acknowledgement, at: m.at, partner: partner))
                } else if openIndex == nil {
                    openIndex = index
                }
            } else if let p = m.party.partnerIndex {
                outcome.partnerMessages.append(EventFact(kind: .partnerMessage, at: m.at, partner: p))
                if let o = openIndex {
                    let opener = messages[o]
                    var turn = TurnFact(
                        source: source, conversation: conversation, turn: outcome.turns.count + 1, partner: p,
                        openedAt: opener.at, answeredAt: m.at, isFirstResponse: false, openedBy: opener.id, answeredBy: m.id)
                    turn.openedByActor = opener.actor
                    turn.answeredByActor = m.actor
                    outcome.turns.append(turn)
                    openIndex = nil
                } else {
                    outcome.proactiveUpdates.append(EventFact(kind: .proactiveUpdate, at: m.at, partner: p))
                }
                lastPartnerWriter = p
            }
        }
        if let o = openIndex {
            let opener = messages[o]
            var turn = TurnFact(
                source: source, conversation: conversation, turn: outcome.turns.count + 1, partner: attribute(opener),
                openedAt: opener.at, answeredAt: nil, isFirstResponse: false, openedBy: opener.id, answeredBy: nil)
            turn.openedByActor = opener.actor
            outcome.turns.append(turn)
        }
        if firstCountedIsClient == true, !outcome.turns.isEmpty { outcome.turns[0].isFirstResponse = true }
        outcome.partner = outcome.turns.first?.partner ?? assigneePartner ?? anyPartner
        for (at, stats) in clientTexts { outcome.texts.append(TextFact(at: at, partner: outcome.partner!, isClient: true, stats: stats)) }
        return outcome
    }
}
