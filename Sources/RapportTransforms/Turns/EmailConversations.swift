import RapportCore

/// Builds e-mail conversations and their facts: threads, order, turns,
/// acknowledgements, proactive updates, escalation (phrases and contacts),
/// and the per-message events that volume and data-quality figures count.
public enum EmailConversations {
    /// The facts of one conversation whose messages are given in conversation order (at, hops
    /// from the root, id bytes), named `label`: what the analyse phase calls per conversation.
    public static func build(_ ms: [EmailMessage], label: String, zone: ZoneRules, collectInteractions: Bool, into facts: inout Facts) {
        buildOne(ms, label: label, zone: zone, into: &facts)
        if collectInteractions {
            for k in ms.indices {
                var row = InteractionFact(source: .email, conversation: label, id: ms[k].id, at: ms[k].at, actor: ms[k].actor, party: ms[k].party, kind: .message, isPublic: true)
                row.flags = ms[k].flags
                row.politeness = ms[k].text?.politenessScore
                facts.interactions.append(row)
            }
        }
    }

    private static func buildOne<C: RandomAccessCollection>(_ ms: C, label: String, zone: ZoneRules, into facts: inout Facts)
    where C.Element == EmailMessage, C.Index == Int {
        var firstPartner: Int?
        for k in ms.indices {
            if let p = ms[k].party.partnerIndex { firstPartner = p; break }
            if ms[k].firstRecipientPartner >= 0 { firstPartner = Int(ms[k].firstRecipientPartner); break }
        }
        let turnMessages = ms.map {
            TurnMessage(
                id: $0.id, at: $0.at, party: $0.party, isAutomated: $0.flags.contains(.automated),
                isAcknowledgement: $0.flags.contains(.acknowledgement), firstRecipientPartner: $0.firstRecipientPartner, text: $0.text, actor: $0.actor)
        }
        let outcome = TurnRules.apply(
            turnMessages, source: .email, conversation: label, assigneePartner: nil, firstPartnerAppearing: firstPartner)

        // Escalation: the earliest client message with a phrase, or that adds an escalation contact.
        var reason: EscalationReason?
        let initialContacts = Set(ms[0].contacts)
        for k in ms.indices {
            if ms[k].flags.contains(.escalationPhrase) {
                reason = .phrase
                break
            }
            if ms[k].contacts.contains(where: { !initialContacts.contains($0) }) {
                reason = .contact
                break
            }
        }

        facts.turns += outcome.turns
        facts.events += outcome.acknowledgements
        facts.events += outcome.proactiveUpdates
        facts.events += outcome.partnerMessages
        facts.events += outcome.clarity
        facts.addTexts(outcome.texts, zone: zone)
        for k in ms.indices {
            facts.events.append(EventFact(kind: .message, at: ms[k].at, partner: outcome.partner))
            if ms[k].flags.contains(.automated) {
                facts.events.append(EventFact(kind: .automatedMessage, at: ms[k].at, partner: nil))
            } else if ms[k].party.isUnknown {
                facts.events.append(EventFact(kind: .unknownPartyMessage, at: ms[k].at, partner: nil))
            }
        }
        facts.conversations.append(
            ConversationFact(
                source: .email, conversation: label, partner: outcome.partner, openedAt: ms[0].at, messages: ms.count,
                turns: outcome.turns.count, escalationReason: reason))
    }
}
