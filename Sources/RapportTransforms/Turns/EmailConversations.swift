import RapportCore

/// Builds e-mail conversations and their facts: threads, order, turns,
/// acknowledgements, proactive updates, escalation (phrases and contacts),
/// and the per-message events that volume and data-quality figures count.
public enum EmailConversations {
    /// The messages threaded into conversations: what every slice of the conversation stage reads.
    public struct Plan: Sendable {
        /// The run's messages (their threading keys already dropped); empty it once every slice is built.
        public var messages: [EmailMessage]
        let threads: EmailThreads
        /// Each conversation's messages as a run of one flat list (`members[start[c]..<start[c + 1]]`):
        /// one allocation instead of one array per conversation.
        let start: [Int32]
        let members: [Int32]
        /// Replies dated before their parents: events ahead of every conversation's own.
        let clockSkews: [EventFact]
        /// Human-readable notes for the run report (reply cycles broken).
        public let notes: [String]
        /// The number of conversations.
        public var count: Int { threads.count }
    }

    /// Threads the messages (the part of the stage that needs all of them at once). `messages`
    /// must be de-duplicated, `keys` theirs in the same order; messages after `asOf` have not
    /// happened yet and are ignored.
    public static func plan(_ all: consuming [EmailMessage], keys allKeys: consuming [ThreadingKeys], asOf: Instant) -> Plan {
        var messages = consume all
        var keys = consume allKeys
        // By index and field: binding a whole message retains every field.
        let isPast = messages.indices.map { messages[$0].at <= asOf }
        if isPast.contains(false) {
            Compaction.keep(isPast, in: &messages)
            Compaction.keep(isPast, in: &keys)
        }
        let threads = EmailThreads(messages: messages, keys: keys)
        // Threading was the last reader of thread ids, parents and subjects: the keys go, and
        // their pages back to the system, before the facts grow (about 100 MB at 2 M messages).
        keys = []
        FreedMemory.returnToSystem()

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
        var clockSkews: [EventFact] = []
        for (i, p) in threads.parent.enumerated() where p >= 0 && messages[Int(p)].at > messages[i].at {
            clockSkews.append(EventFact(kind: .clockSkew, at: messages[i].at, partner: nil))
        }
        return Plan(
            messages: messages, threads: threads, start: start, members: members, clockSkews: clockSkews,
            notes: threads.brokenCycles.map { "reply cycle broken at its smallest id: \($0)" })
    }

    /// The facts of the conversations in `range` (of `plan.count`), in conversation order; the
    /// slice starting at 0 begins with the clock-skew events. Slices are independent: the
    /// facts of contiguous slices, appended in order, are those of one pass. With
    /// `collectInteractions`, every message also becomes a row of the fact table; texts are
    /// summed per day in `zone` (the pipeline's).
    public static func facts(_ plan: Plan, conversations range: Range<Int>, zone: ZoneRules, collectInteractions: Bool = false) -> Facts {
        let threads = plan.threads
        let start = plan.start
        var facts = Facts()
        // Reserved once (upper bounds, and a generous guess for events): a reserved page costs
        // memory only when written, while growing by doubling holds the old and the new copy.
        let messageCount = range.isEmpty ? 0 : Int(start[range.upperBound] - start[range.lowerBound])
        facts.turns.reserveCapacity(messageCount)
        facts.conversations.reserveCapacity(range.count)
        facts.events.reserveCapacity(4 * messageCount)
        if collectInteractions { facts.interactions.reserveCapacity(messageCount) }
        if range.lowerBound == 0 { facts.events += plan.clockSkews }

        // Messages are read in place through the buffer: copying a conversation's messages
        // into an array of its own retained and released every field of every message.
        plan.messages.withUnsafeBufferPointer { messages in
            for c in range where start[c] < start[c + 1] {
                var group = Array(plan.members[Int(start[c])..<Int(start[c + 1])])
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
                let ms = Conversation(messages: messages, members: group)
                buildOne(ms, label: label, zone: zone, into: &facts)
                if collectInteractions {
                    for k in ms.indices {
                        var row = InteractionFact(
                            source: .email, conversation: label, id: ms[k].id, at: ms[k].at, actor: ms[k].actor, party: ms[k].party, kind: .message,
                            isPublic: true)
                        row.flags = ms[k].flags
                        row.politeness = ms[k].text?.politenessScore
                        facts.interactions.append(row)
                    }
                }
            }
        }
        return facts
    }

    /// One conversation's messages in order, read in place from the run's array.
    private struct Conversation: RandomAccessCollection {
        let messages: UnsafeBufferPointer<EmailMessage>
        let members: [Int32]
        var startIndex: Int { 0 }
        var endIndex: Int { members.count }
        /// An address, not a copy: reading one field does not retain the others.
        subscript(position: Int) -> EmailMessage { unsafeAddress { messages.baseAddress! + Int(members[position]) } }
    }

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
