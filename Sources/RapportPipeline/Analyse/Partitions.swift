import RapportCore
import RapportFacts
import RapportSinks
import RapportTransforms

/// Records of every lane spread over partitions by their conversation: an e-mail by its
/// thread's key, a ticket's events and states by tracker and key, a meeting by id and start.
/// Each record leaves with its party resolved, so a partition is built on its own.
struct Partitions {
    private let spill: Spill
    var count: Int { spill.count }

    enum Tag: UInt8 { case email = 1, ticketEvent, ticket, meeting }

    init(count: Int, scratch: ScratchFolder?, memory: Int) {
        spill = Spill(name: "conversations", count: count, folder: scratch, memoryLimit: memory)
    }

    /// What the fill pass found beside the partitions: run-wide events (duplicates, clock
    /// skew) and the earliest instant at or before as-of.
    struct Side {
        var facts = Facts()
        var earliest: Instant?
    }

    static func partition(_ hash: UInt64, of count: Int) -> Int { Int((hash >> 17) % UInt64(count)) }

    static func ticketHash(_ id: TicketID) -> UInt64 {
        var h = FingerprintHasher()
        h.add(id.tracker)
        withUnsafeBytes(of: UInt8(0)) { h.add($0) }
        h.add(id.key)
        return h.finish().low
    }

    static func meetingHash(_ m: MeetingRecord) -> UInt64 {
        var h = FingerprintHasher()
        h.add(m.id)
        withUnsafeBytes(of: m.scheduledStart.nanoseconds) { h.add($0) }
        return h.finish().low
    }

    /// Pass B: every record of every file (or of the files in `only`) into its partition.
    mutating func fill(
        _ files: [ExtractedFile], only chosen: Set<Int>? = nil, index: EmailIndex, actors: Actors, asOf: Instant, analysis: inout Analysis
    ) throws(RapportError) -> Side {
        var side = Side()
        for (i, f) in files.enumerated() where f.summary.failure == nil && (chosen?.contains(i) ?? true) {
            var pass = FillPass(spill: spill, index: index, actors: actors, file: i, seq: index.base[i], asOf: asOf)
            do {
                try f.reader.scan(&pass, file: f.file.index)
            } catch {
                throw RapportError(.failed, file: f.reader.path, "the facts of \(f.file.display) cannot be read: \(error.message)")
            }
            if let e = pass.failure { throw e }
            analysis.used[i] += pass.used
            analysis.duplicates[i] += pass.duplicates
            side.facts.events += pass.events
            if let e = pass.earliest, side.earliest.map({ e < $0 }) ?? true { side.earliest = e }
        }
        return side
    }

    /// Pass C: one partition's conversations built into facts.
    func build(_ p: Int, measures: Analysis.Measures, analysis: inout Analysis) throws(RapportError) -> Facts {
        try Partitions.build(spill.drain(p), measures: measures, analysis: &analysis)
    }

    /// The bytes of one partition as ``fill`` wrote them (or as another process's did).
    func bytes(_ p: Int) throws(RapportError) -> [UInt8] { try spill.drainBytes(p) }

    /// Pass C from a partition's records.
    static func build(_ reader: ByteReader, measures m: Analysis.Measures, analysis: inout Analysis) throws(RapportError) -> Facts {
        let (config, links, actors, asOf, context) = (m.config, m.links, m.plan.actors, m.plan.asOf, m.context)
        var r = reader
        var emails: [UInt64: [PartEmail]] = [:]
        var events: [Int: [TicketID: TicketBundle]] = [:]
        var meetings: [(file: Int, record: MeetingRecord)] = []
        do throws(FactFileError) {
            while !r.isAtEnd {
                switch Tag(rawValue: try r.byte()) {
                case .email:
                    let e = try PartEmail.read(&r, actors: actors)
                    emails[e.key, default: []].append(e)
                case .ticketEvent:
                    let (file, id, event) = try PartTicket.readEvent(&r, actors: actors)
                    events[file, default: [:]][id, default: TicketBundle(id: id)].events.append(event)
                case .ticket:
                    let file = Int(try r.varint())
                    var state = try TicketStateCodec.read(&r, file: Int32(file))
                    state.origin.file = Int32(file)
                    events[file, default: [:]][state.id, default: TicketBundle(id: state.id)].state = state
                case .meeting:
                    let file = Int(try r.varint())
                    var m = try MeetingCodec.read(&r, file: Int32(file))
                    m.origin.file = Int32(file)
                    meetings.append((file, m))
                case nil: throw FactFileError("an unknown partition record")
                }
            }
        } catch {
            throw RapportError(.failed, "scratch data is damaged: \(error.message)")
        }
        var facts = Facts()
        let collect = config.outputFormats.contains(.sqlite)
        buildEmails(emails, zone: config.zone, collect: collect, links: links, context: context, analysis: &analysis, into: &facts)
        buildTickets(events, config: config, asOf: asOf, collect: collect, context: context, analysis: &analysis, into: &facts)
        buildMeetings(meetings, actors: actors, zone: config.zone, asOf: asOf, collect: collect, context: context, analysis: &analysis, into: &facts)
        return facts
    }

    /// `links`: per file, its e-mail source's link template (a conversation takes its first message's).
    private static func buildEmails(
        _ emails: [UInt64: [PartEmail]], zone: ZoneRules, collect: Bool, links: [String?], context: ReportContext, analysis: inout Analysis,
        into facts: inout Facts
    ) {
        for key in emails.keys.sorted() {
            let group = emails[key]!.sorted { a, b in
                if a.message.at != b.message.at { return a.message.at < b.message.at }
                if a.hops != b.hops { return a.hops < b.hops }
                return bytesLess(a.message.id, b.message.id)
            }
            // A thread is named by its thread id; a subject thread by its first message's id.
            let label = group.first { !$0.threadID.isEmpty }?.threadID ?? group[0].message.id
            for g in group where context.windowIndex(of: g.message.at) != nil { analysis.recordsInWindow[Int(g.message.origin.file), default: 0] += 1 }
            let (turns, conversations) = (facts.turns.count, facts.conversations.count)
            EmailConversations.build(group.map(\.message), label: label, zone: zone, collectInteractions: collect, into: &facts)
            if let template = links[Int(group[0].message.origin.file)] {
                for i in turns..<facts.turns.count { facts.turns[i].url = TicketLinks.fill(template, messageID: facts.turns[i].openedBy) }
                for i in conversations..<facts.conversations.count { facts.conversations[i].url = TicketLinks.fill(template, messageID: group[0].message.id) }
            }
        }
    }

    private static func buildTickets(
        _ perFile: [Int: [TicketID: TicketBundle]], config: PipelineConfig, asOf: Instant, collect: Bool, context: ReportContext,
        analysis: inout Analysis, into facts: inout Facts
    ) {
        guard !perFile.isEmpty else { return }
        let merged = TicketMerge.merge(perFile.keys.sorted().map { perFile[$0]! })
        for t in merged.tickets {
            for e in t.events {
                analysis.used[Int(e.origin.file)] += 1
                if context.windowIndex(of: e.at) != nil { analysis.recordsInWindow[Int(e.origin.file), default: 0] += 1 }
            }
        }
        for e in merged.duplicates {
            analysis.duplicates[Int(e.origin.file)] += 1
            if e.at <= asOf { facts.events.append(EventFact(kind: .duplicate, at: e.at, partner: nil)) }
        }
        facts.append(
            contentsOf: TicketConversations.build(
                merged.tickets[...], rules: config.ticketRules, parties: config.directoryOfParties, asOf: asOf, zone: config.zone, collectInteractions: collect))
    }

    private static func buildMeetings(
        _ records: [(file: Int, record: MeetingRecord)], actors: Actors, zone: ZoneRules, asOf: Instant, collect: Bool, context: ReportContext,
        analysis: inout Analysis, into facts: inout Facts
    ) {
        guard !records.isEmpty else { return }
        let ordered = records.sorted { ($0.file, $0.record.origin.record) < ($1.file, $1.record.origin.record) }.map { r in
            var m = r.record
            for i in m.invitees.indices { m.invitees[i].party = actors.party(of: m.invitees[i].actor, at: m.invitees[i].joined ?? m.scheduledStart) }
            for i in m.utterances.indices {
                let p = actors.party(of: m.utterances[i].actor, at: m.scheduledStart)
                m.utterances[i].party = p
                if !(p.isClient || p.isPartner) { m.utterances[i].stats = nil }
            }
            for i in m.actionItems.indices { m.actionItems[i].party = actors.party(of: m.actionItems[i].owner, at: m.scheduledStart) }
            return m
        }
        for m in ordered {
            analysis.used[Int(m.origin.file)] += m.records
            if context.windowIndex(of: m.scheduledStart) != nil { analysis.recordsInWindow[Int(m.origin.file), default: 0] += 1 }
        }
        let result = Meetings.build(ordered, asOf: asOf, zone: zone, collectInteractions: collect)
        facts.append(contentsOf: result.facts)
        for m in result.duplicates {
            analysis.used[Int(m.origin.file)] -= m.records
            analysis.duplicates[Int(m.origin.file)] += m.records
        }
    }
}

/// The fill pass over one fact file: each record's party resolved, each into its partition.
private struct FillPass: FactVisitor {
    let spill: Spill
    let index: EmailIndex
    let actors: Actors
    let file: Int
    var seq: Int
    let asOf: Instant
    var used = 0
    var duplicates = 0
    var events: [EventFact] = []
    var earliest: Instant?
    var failure: RapportError?
    var wants: Set<FactFile.BlockKind> { [.emails, .ticketEvents, .tickets, .meetings] }

    init(spill: Spill, index: EmailIndex, actors: Actors, file: Int, seq: Int, asOf: Instant) {
        self.spill = spill
        self.index = index
        self.actors = actors
        self.file = file
        self.seq = seq
        self.asOf = asOf
    }

    mutating func seen(_ t: Instant) {
        if t <= asOf, earliest.map({ t < $0 }) ?? true { earliest = t }
    }

    mutating func write(_ hash: UInt64, _ body: (inout ByteWriter) -> Void) {
        do throws(RapportError) { try spill.append(to: Partitions.partition(hash, of: spill.count), body) } catch { failure = failure ?? error }
    }

    mutating func email(_ m: ExtractedEmail) throws(FactFileError) {
        let k = seq
        seq += 1
        if index.isForeign(k) { return }
        if index.dropped.contains(k) {
            if index.duplicate.contains(k) {
                duplicates += 1
                if m.at <= asOf { events.append(EventFact(kind: .duplicate, at: m.at, partner: nil)) }
            }
            return
        }
        used += 1
        guard !index.future.contains(k) else { return }
        seen(m.at)
        if index.skew.contains(k) { events.append(EventFact(kind: .clockSkew, at: m.at, partner: nil)) }
        let key = index.key[k]
        let part = try PartEmail.make(m, key: key, hops: index.hops[k], file: file, actors: actors)
        write(key) { part.write(&$0) }
    }

    mutating func ticketEvent(_ e: ExtractedTicketEvent) throws(FactFileError) {
        seen(e.at)
        let (actors, file) = (self.actors, self.file)
        let actor = try actors.global(e.actor, file: file)
        write(Partitions.ticketHash(e.ticket)) { w in PartTicket.writeEvent(e, actor: actor, file: file, actors: actors, &w) }
    }

    mutating func ticket(_ t: TicketState) throws(FactFileError) {
        let file = self.file
        write(Partitions.ticketHash(t.id)) { w in
            w.byte(Partitions.Tag.ticket.rawValue)
            w.varint(UInt64(file))
            TicketStateCodec.write(t, &w)
        }
    }

    mutating func meeting(_ m: MeetingRecord) throws(FactFileError) {
        seen(m.scheduledStart)
        for i in m.invitees { if let j = i.joined { seen(j) } }
        let file = self.file
        write(Partitions.meetingHash(m)) { w in
            w.byte(Partitions.Tag.meeting.rawValue)
            w.varint(UInt64(file))
            MeetingCodec.write(m, &w)
        }
    }
}

/// An e-mail in a partition: what the conversation stage needs, party resolved.
struct PartEmail {
    var key: UInt64
    var hops: UInt16
    var threadID: String
    var message: EmailMessage

    static func make(_ m: ExtractedEmail, key: UInt64, hops: UInt16, file: Int, actors: Actors) throws(FactFileError) -> PartEmail {
        let actor = try actors.global(m.actor, file: file)
        let party = m.statedParty.flatMap { actors.directory.party(named: $0) } ?? actors.party(actor, at: m.at)
        var firstPartner: Int16 = -1
        var contacts: [String] = []
        for r in m.recipients {
            let g = try actors.global(r, file: file)
            let p = actors.party(g, at: m.at)
            if firstPartner < 0, let i = p.partnerIndex { firstPartner = Int16(i) }
            if p.isClient, actors.isContact[Int(g)] { contacts.append(actors.names[Int(g)]) }
        }
        let flags = actors.analysisFlags(m.flags, party: party, actor: Int(actor))
        let automated = flags.contains(.automated)
        let known = party.isClient || party.isPartner
        return PartEmail(
            key: key, hops: hops, threadID: m.threadID,
            message: EmailMessage(
                id: m.id, at: m.at, actor: actors.names[Int(actor)], party: party, flags: flags, firstRecipientPartner: firstPartner,
                contacts: contacts, origin: Origin(file: Int32(file), record: m.origin.record), fingerprint: m.fingerprint,
                text: automated || !known ? nil : m.text))
    }

    func write(_ w: inout ByteWriter) {
        w.byte(Partitions.Tag.email.rawValue)
        w.fixed(key)
        w.varint(UInt64(hops))
        w.string(threadID)
        w.string(message.id)
        w.int(message.at.nanoseconds)
        w.string(message.actor)
        w.int(Int64(message.party.code))
        w.byte(message.flags.rawValue)
        w.int(Int64(message.firstRecipientPartner))
        w.varint(UInt64(message.contacts.count))
        for c in message.contacts { w.string(c) }
        w.text(message.text)
        w.varint(UInt64(message.origin.file))
        w.int(message.origin.record)
    }

    static func read(_ r: inout ByteReader, actors: Actors) throws(FactFileError) -> PartEmail {
        let key = try r.fixed()
        let hops = UInt16(truncatingIfNeeded: try r.varint())
        let thread = try r.string()
        let id = try r.string()
        let at = Instant(nanoseconds: try r.int())
        let actor = try r.string()
        guard let party = Party(storedCode: Int16(truncatingIfNeeded: try r.int())) else { throw FactFileError("an unknown party") }
        let flags = MessageFlags(rawValue: try r.byte())
        let first = Int16(truncatingIfNeeded: try r.int())
        var contacts: [String] = []
        for _ in 0..<(try r.count()) { contacts.append(try r.string()) }
        let text = try r.text()
        let origin = Origin(file: Int32(try r.varint()), record: try r.int())
        return PartEmail(
            key: key, hops: hops, threadID: thread,
            message: EmailMessage(
                id: id, at: at, actor: actor, party: party, flags: flags, firstRecipientPartner: first, contacts: contacts, origin: origin,
                fingerprint: Fingerprint(), text: text))
    }
}

/// A ticket event in a partition, party resolved.
enum PartTicket {
    static let kinds = InteractionKind.allCases

    static func writeEvent(_ e: ExtractedTicketEvent, actor: UInt32, file: Int, actors: Actors, _ w: inout ByteWriter) {
        let party = actors.party(actor, at: e.at)
        let flags = actors.analysisFlags(e.flags, party: party, actor: Int(actor))
        let known = party.isClient || party.isPartner
        w.byte(Partitions.Tag.ticketEvent.rawValue)
        w.varint(UInt64(file))
        w.string(e.ticket.tracker)
        w.string(e.ticket.key)
        w.string(e.id)
        w.int(e.at.nanoseconds)
        w.string(actors.names[Int(actor)])
        w.int(Int64(party.code))
        w.byte(UInt8(kinds.firstIndex(of: e.kind)!))
        w.bool(e.isPublic)
        w.string(e.from)
        w.string(e.to)
        w.byte(flags.rawValue)
        w.text(flags.contains(.automated) || !known ? nil : e.text)
        w.int(e.origin.record)
        w.int(Int64(e.order))
    }

    static func readEvent(_ r: inout ByteReader, actors: Actors) throws(FactFileError) -> (Int, TicketID, TicketEvent) {
        let file = Int(try r.varint())
        let id = TicketID(tracker: try r.string(), key: try r.string())
        let eventID = try r.string()
        let at = Instant(nanoseconds: try r.int())
        let actor = try r.string()
        guard let party = Party(storedCode: Int16(truncatingIfNeeded: try r.int())) else { throw FactFileError("an unknown party") }
        let k = Int(try r.byte())
        guard k < kinds.count else { throw FactFileError("an unknown event kind") }
        let isPublic = try r.bool()
        let from = try r.string()
        let to = try r.string()
        let flags = MessageFlags(rawValue: try r.byte())
        let text = try r.text()
        let record = try r.int()
        let order = Int32(truncatingIfNeeded: try r.int())
        return (
            file, id,
            TicketEvent(
                id: eventID, at: at, actor: actor, party: party, kind: kinds[k], isPublic: isPublic, from: from, to: to, flags: flags, text: text,
                origin: Origin(file: Int32(file), record: record), order: order)
        )
    }
}
