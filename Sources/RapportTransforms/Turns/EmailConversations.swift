import RapportCore

/// Builds e-mail conversations and their facts: threads, order, turns,
/// acknowledgements, proactive updates, escalation (phrases and contacts),
/// and the per-message events that volume and data-quality figures count.
public enum EmailConversations {
    /// What the e-mail stage produced.
    public struct Result: Sendable {
        public var facts = Facts()
        /// Human-readable notes for the run report (reply cycles broken).
        public var notes: [String] = []
    }

    /// `messages` must be de-duplicated. Messages after `asOf` have not happened yet and are ignored.
    /// With `collectInteractions`, every message also becomes a row of the fact table.
    /// Texts are summed per day in `zone` (the pipeline's).
    public static func build(_ all: consuming [EmailMessage], asOf: Instant, zone: ZoneRules, collectInteractions: Bool = false) -> Result {
        var messages = consume all
        messages.removeAll { $0.at > asOf }
        let threads = EmailThreads(messages: messages)
        // Threading was the last reader of parents and subjects: their strings go, and their
        // pages back to the system, before the facts grow (about 100 MB of 1,236 at the 1 GB peak).
        for i in messages.indices {
            messages[i].parentID = ""
            messages[i].subjectKey = ""
        }
        FreedMemory.returnToSystem()
        var result = Result()
        result.notes = threads.brokenCycles.map { "reply cycle broken at its smallest id: \($0)" }

        // Each conversation's messages as a run of one flat list (`start[c]..<start[c + 1]`):
        // one allocation instead of one array per conversation.
        var start = [Int32](repeating: 0, count: threads.count + 1)
        for c in threads.conversation { start[Int(c) + 1] += 1 }
        for c in 0..<threads.count { start[c + 1] += start[c] }
        var members = [Int32](repeating: 0, count: messages.count)
        var fill = start
        for (i, c) in threads.conversation.enumerated() {
            members[Int(fill[Int(c)])] = Int32(i)
            fill[Int(c)] += 1
        }
        fill = []
        // Reserved once (upper bounds, and a generous guess for events): a reserved page costs
        // memory only when written, while growing by doubling holds the old and the new copy.
        result.facts.turns.reserveCapacity(messages.count)
        result.facts.conversations.reserveCapacity(threads.count)
        result.facts.events.reserveCapacity(4 * messages.count)
        if collectInteractions { result.facts.interactions.reserveCapacity(messages.count) }

        for (i, p) in threads.parent.enumerated() where p >= 0 && messages[Int(p)].at > messages[i].at {
            result.facts.events.append(EventFact(kind: .clockSkew, at: messages[i].at, partner: nil))
        }

        for c in 0..<threads.count where start[c] < start[c + 1] {
            var group = Array(members[Int(start[c])..<Int(start[c + 1])])
            // Fields by index, not whole messages: a copy per comparison retains every field.
            group.sort { a, b in
                let atA = messages[Int(a)].at
                let atB = messages[Int(b)].at
                if atA != atB { return atA < atB }
                let hx = threads.hops[Int(a)]
                let hy = threads.hops[Int(b)]
                if hx != hy { return hx < hy }
                return bytesLess(messages[Int(a)].id, messages[Int(b)].id)
            }
            // A subject thread is named by its first message's id.
            let label = threads.threadIDs[c].isEmpty ? messages[Int(group[0])].id : threads.threadIDs[c]
            let ms = group.map { messages[Int($0)] }
            buildOne(ms, label: label, zone: zone, into: &result.facts)
            if collectInteractions {
                for m in ms {
                    result.facts.interactions.append(
                        InteractionFact(source: .email, conversation: label, id: m.id, at: m.at, actor: m.actor, party: m.party, kind: .message, isPublic: true))
                }
            }
        }
        return result
    }

    private static func buildOne(_ ms: [EmailMessage], label: String, zone: ZoneRules, into facts: inout Facts) {
        var firstPartner: Int?
        for m in ms {
            if let p = m.party.partnerIndex { firstPartner = p; break }
            if m.firstRecipientPartner >= 0 { firstPartner = Int(m.firstRecipientPartner); break }
        }
        let turnMessages = ms.map {
            TurnMessage(
                id: $0.id, at: $0.at, party: $0.party, isAutomated: $0.flags.contains(.automated),
                isAcknowledgement: $0.flags.contains(.acknowledgement), firstRecipientPartner: $0.firstRecipientPartner, text: $0.text)
        }
        let outcome = TurnRules.apply(
            turnMessages, source: .email, conversation: label, assigneePartner: nil, firstPartnerAppearing: firstPartner)

        // Escalation: the earliest client message with a phrase, or that adds an escalation contact.
        var reason: EscalationReason?
        let initialContacts = Set(ms[0].contacts)
        for m in ms {
            if m.flags.contains(.escalationPhrase) {
                reason = .phrase
                break
            }
            if m.contacts.contains(where: { !initialContacts.contains($0) }) {
                reason = .contact
                break
            }
        }

        facts.turns += outcome.turns
        facts.events += outcome.acknowledgements
        facts.events += outcome.proactiveUpdates
        facts.events += outcome.clarity
        facts.addTexts(outcome.texts, zone: zone)
        for m in ms {
            facts.events.append(EventFact(kind: .message, at: m.at, partner: outcome.partner))
            if m.flags.contains(.automated) {
                facts.events.append(EventFact(kind: .automatedMessage, at: m.at, partner: nil))
            } else if m.party.isUnknown {
                facts.events.append(EventFact(kind: .unknownPartyMessage, at: m.at, partner: nil))
            }
        }
        facts.conversations.append(
            ConversationFact(
                source: .email, conversation: label, partner: outcome.partner, openedAt: ms[0].at, messages: ms.count,
                turns: outcome.turns.count, escalationReason: reason))
    }
}
