import RapportCore
import RapportFacts
import RapportIngest
import RapportTransforms

/// Reads a fact file back into what the conversation stage takes, resolving parties with
/// the pipeline's rules at each record's time (PRODUCT.md: party resolution is analysis,
/// so editing partners reuses the cache), and applying `ignore.actors` and
/// `escalation.contacts`, which are analysis settings too.
struct FactLoader: FactVisitor {
    let directory: PartyDirectory
    let ignore: GlobSet
    let contacts: GlobSet
    let fileIndex: Int32
    var outcome: FileOutcome

    private var actors: [String] = []
    /// Each actor's party when no dated membership applies to it (nil: resolve per record).
    private var undated: [Party?] = []
    private var ignored: [Bool] = []
    private var isContact: [Bool] = []
    private let tickets = TicketCollector()

    var wants: Set<FactFile.BlockKind> { [.emails, .ticketEvents, .tickets, .meetings, .rejects, .warnings] }

    init(_ extracted: ExtractedFile, directory: PartyDirectory, ignore: GlobSet, contacts: GlobSet) {
        self.directory = directory
        self.ignore = ignore
        self.contacts = contacts
        fileIndex = extracted.file.index
        outcome = FileOutcome(file: extracted.file)
        let s = extracted.summary
        outcome.recordsRead = s.recordsRead
        outcome.bytesOnDisk = s.bytesOnDisk
        outcome.bytesDecoded = s.decodedBytes
        outcome.sha256 = s.sha256
        outcome.failure = s.failure.map { InputError($0.reason, $0.message) }
    }

    /// The outcome of the whole file (its records in file order).
    static func load(_ extracted: ExtractedFile, directory: PartyDirectory, ignore: GlobSet, contacts: GlobSet) throws(FactFileError) -> FileOutcome {
        var loader = FactLoader(extracted, directory: directory, ignore: ignore, contacts: contacts)
        try extracted.reader.scan(&loader, file: extracted.file.index)
        loader.outcome.tickets = loader.tickets.tickets
        return loader.outcome
    }

    mutating func actor(_ name: String) {
        actors.append(name)
        outcome.actors.insert(name)
        undated.append(directory.hasDatedMembership(name) ? nil : directory.party(of: name, at: nil))
        ignored.append(!ignore.isEmpty && ignore.matches(name))
        isContact.append(!contacts.isEmpty && contacts.matches(name))
    }

    private func party(_ actor: UInt32, at: Instant) throws(FactFileError) -> Party {
        guard Int(actor) < actors.count else { throw FactFileError("an actor index past the file's actor table") }
        return undated[Int(actor)] ?? directory.party(of: actors[Int(actor)], at: at)
    }

    /// The flags analysis keeps: acknowledgements and phrases only from the client, and
    /// `ignore.actors` as automated.
    private func flags(_ f: MessageFlags, party: Party, actor: UInt32) -> MessageFlags {
        if f.contains(.automated) || ignored[Int(actor)] { return [.automated] }
        return party.isClient ? f : []
    }

    mutating func email(_ m: ExtractedEmail) throws(FactFileError) {
        let party: Party
        if let stated = m.statedParty.flatMap({ directory.party(named: $0) }) { party = stated } else { party = try self.party(m.actor, at: m.at) }
        var firstPartner: Int16 = -1
        var contactList: [String] = []
        var orgs: Set<String> = []
        let threadedBySubject = m.threadID.isEmpty
        if threadedBySubject { orgs.insert(directory.organisationKey(of: actors[Int(m.actor)], party: party)) }
        for r in m.recipients {
            let p = try self.party(r, at: m.at)
            if firstPartner < 0, let i = p.partnerIndex { firstPartner = Int16(i) }
            if p.isClient, isContact[Int(r)] { contactList.append(actors[Int(r)]) }
            if threadedBySubject { orgs.insert(directory.organisationKey(of: actors[Int(r)], party: p)) }
        }
        let flags = flags(m.flags, party: party, actor: m.actor)
        let automated = flags.contains(.automated)
        let known = party.isClient || party.isPartner
        outcome.messages.append(
            EmailMessage(
                id: m.id, at: m.at, actor: actors[Int(m.actor)], party: party, flags: flags, firstRecipientPartner: firstPartner,
                contacts: contactList, origin: Origin(file: fileIndex, record: m.origin.record), fingerprint: m.fingerprint,
                text: automated || !known ? nil : m.text))
        var subjectKey = ""
        if threadedBySubject {
            // An empty subject joins nothing: the message starts its own conversation.
            subjectKey = m.subjectHash == 0 ? "\u{0}" + m.id : String(m.subjectHash, radix: 16) + "\u{1F}" + orgs.sorted().joined(separator: ",")
        }
        outcome.threadingKeys.append(ThreadingKeys(threadID: m.threadID, parentID: m.parentID, subjectKey: subjectKey))
    }

    mutating func ticketEvent(_ e: ExtractedTicketEvent) throws(FactFileError) {
        let party = try party(e.actor, at: e.at)
        let flags = flags(e.flags, party: party, actor: e.actor)
        let known = party.isClient || party.isPartner
        let event = TicketEvent(
            id: e.id, at: e.at, actor: actors[Int(e.actor)], party: party, kind: e.kind, isPublic: e.isPublic, from: e.from, to: e.to,
            flags: flags, text: flags.contains(.automated) || !known ? nil : e.text, origin: Origin(file: fileIndex, record: e.origin.record),
            order: e.order)
        tickets.add(event, to: e.ticket)
    }

    mutating func ticket(_ t: TicketState) throws(FactFileError) {
        if let a = t.assignee { outcome.actors.insert(a) }
        var state = t
        state.origin.file = fileIndex
        tickets.add(state)
    }

    mutating func meeting(_ record: MeetingRecord) throws(FactFileError) {
        var m = record
        m.origin.file = fileIndex
        for i in m.invitees.indices {
            outcome.actors.insert(m.invitees[i].actor)
            m.invitees[i].party = directory.party(of: m.invitees[i].actor, at: m.invitees[i].joined ?? m.scheduledStart)
        }
        for i in m.utterances.indices {
            outcome.actors.insert(m.utterances[i].actor)
            let p = directory.party(of: m.utterances[i].actor, at: m.scheduledStart)
            m.utterances[i].party = p
            if !(p.isClient || p.isPartner) { m.utterances[i].stats = nil }
        }
        for i in m.actionItems.indices { m.actionItems[i].party = directory.party(of: m.actionItems[i].owner, at: m.scheduledStart) }
        outcome.meetings.append(m)
    }

    mutating func reject(_ r: Reject) throws(FactFileError) {
        var reject = r
        reject.file = fileIndex
        outcome.rejects.append(reject)
    }

    mutating func warning(_ text: String) throws(FactFileError) { outcome.warnings.append(text) }
}
