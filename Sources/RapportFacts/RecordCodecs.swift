import RapportCore

// How each record kind is written into a block (docs/fact-files.md). Records of one block
// are written one after the other; instants are deltas from the block's previous record,
// record numbers likewise (both grow through a file), so most take one or two bytes.
// Origins carry no file: a fact file holds one input file, whose index the run assigns.

extension ByteWriter {
    public mutating func text(_ t: TextStats?) {
        guard let t else { return byte(0) }
        byte(1 | (t.isEnglish ? 2 : 0) | (t.asksClarification ? 4 : 0))
        for v in [t.sentences, t.words, t.syllables, t.letters, t.polysyllables, t.acronyms] { varint(UInt64(UInt32(bitPattern: v))) }
        byte(UInt8(bitPattern: t.politeness))
    }

    public mutating func instant(_ t: Instant, after previous: inout Int64) {
        int(t.nanoseconds &- previous)
        previous = t.nanoseconds
    }

    public mutating func optionalInstant(_ t: Instant?) {
        guard let t else { return byte(0) }
        byte(1)
        int(t.nanoseconds)
    }

    public mutating func date(_ d: LocalDate?) {
        guard let d else { return varint(0) }
        int(d.daysSinceEpoch + 1)  // 0 is nil (1970-01-01 would be day 0)
    }
}

extension ByteReader {
    public mutating func text() throws(FactFileError) -> TextStats? {
        let tag = try byte()
        if tag == 0 { return nil }
        var v: [Int32] = []
        for _ in 0..<6 { v.append(Int32(bitPattern: UInt32(truncatingIfNeeded: try varint()))) }
        let politeness = Int8(bitPattern: try byte())
        return TextStats(
            counts: ReadabilityCounts(sentences: Int(v[0]), words: Int(v[1]), syllables: Int(v[2]), letters: Int(v[3]), polysyllables: Int(v[4])),
            acronyms: Int(v[5]), isEnglish: tag & 2 != 0, asksClarification: tag & 4 != 0, politeness: politeness >= 0 ? Int(politeness) : nil)
    }

    public mutating func instant(after previous: inout Int64) throws(FactFileError) -> Instant {
        previous = previous &+ (try int())
        return Instant(nanoseconds: previous)
    }

    public mutating func optionalInstant() throws(FactFileError) -> Instant? {
        if try byte() == 0 { return nil }
        return Instant(nanoseconds: try int())
    }

    public mutating func date() throws(FactFileError) -> LocalDate? {
        let d = try int()
        return d == 0 ? nil : LocalDate(daysSinceEpoch: d - 1)
    }
}

/// Running values a block's records are written relative to.
struct DeltaState {
    var at: Int64 = 0
    var record: Int64 = 0
    var rawOffset: Int64 = 0
}

enum EmailCodec {
    static func write(_ m: ExtractedEmail, _ w: inout ByteWriter, _ d: inout DeltaState) {
        w.string(m.id)
        w.string(m.threadID)
        w.string(m.parentID)
        w.fixed(m.subjectHash)
        w.instant(m.at, after: &d.at)
        w.varint(UInt64(m.actor))
        w.varint(UInt64(m.recipients.count))
        w.varint(UInt64(m.toCount))
        for r in m.recipients { w.varint(UInt64(r)) }
        w.optionalString(m.statedParty)
        w.byte(m.flags.rawValue)
        w.text(m.text)
        w.fixed(m.fingerprint.high)
        w.fixed(m.fingerprint.low)
        w.int(m.origin.record &- d.record)
        d.record = m.origin.record
        if let raw = m.raw {
            w.byte(1)
            w.int(raw.offset &- d.rawOffset)
            d.rawOffset = raw.offset
            w.varint(UInt64(raw.length))
        } else {
            w.byte(0)
        }
    }

    static func read(_ r: inout ByteReader, _ d: inout DeltaState, file: Int32) throws(FactFileError) -> ExtractedEmail {
        let id = try r.string()
        let thread = try r.string()
        let parent = try r.string()
        let subject = try r.fixed()
        let at = try r.instant(after: &d.at)
        let actor = UInt32(truncatingIfNeeded: try r.varint())
        let n = try r.count(max: 1 << 20)
        let toCount = UInt16(truncatingIfNeeded: try r.varint())
        var recipients: [UInt32] = []
        recipients.reserveCapacity(n)
        for _ in 0..<n { recipients.append(UInt32(truncatingIfNeeded: try r.varint())) }
        let stated = try r.optionalString()
        let flags = MessageFlags(rawValue: try r.byte())
        let text = try r.text()
        let fingerprint = Fingerprint(high: try r.fixed(), low: try r.fixed())
        d.record = d.record &+ (try r.int())
        var raw: RawRange?
        if try r.byte() == 1 {
            d.rawOffset = d.rawOffset &+ (try r.int())
            raw = RawRange(offset: d.rawOffset, length: Int32(truncatingIfNeeded: try r.varint()))
        }
        return ExtractedEmail(
            id: id, threadID: thread, parentID: parent, subjectHash: subject, at: at, actor: actor, recipients: recipients, toCount: toCount,
            statedParty: stated, flags: flags, text: text, fingerprint: fingerprint, origin: Origin(file: file, record: d.record), raw: raw)
    }
}

/// What threading and de-duplication read of an e-mail, decoded without making a String:
/// ids hashed where they lie (``EmailKeys/hash(_:tag:)``), recipients into a reused buffer.
public struct EmailKeys {
    public var idHash: UInt64 = 0
    /// 0 when the message has no thread id.
    public var threadHash: UInt64 = 0
    public var parentHash: UInt64 = 0
    public var subjectHash: UInt64 = 0
    public var idLocalHash: UInt64 = 0
    public var at = Instant(nanoseconds: 0)
    public var actor: UInt32 = 0
    public var recipients: [UInt32] = []
    public var fingerprint = Fingerprint()
    public init() {}

    /// The hash of an id, thread id or parent (`tag` keeps the kinds apart): a 64-bit digest.
    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>, tag: UInt8) -> UInt64 {
        var h = FingerprintHasher()
        withUnsafeBytes(of: tag) { h.add($0) }
        h.add(UnsafeRawBufferPointer(bytes))
        return h.finish().low
    }

    /// An id without one pair of surrounding angle brackets (`<a@x>` and `a@x` are one parent).
    public static func idHash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        if b.count >= 2, b[0] == UInt8(ascii: "<"), b[b.count - 1] == UInt8(ascii: ">") {
            return hash(UnsafeBufferPointer(rebasing: b[1..<(b.count - 1)]), tag: 1)
        }
        return hash(b, tag: 1)
    }
}

extension EmailCodec {
    /// Reads one e-mail as ``EmailKeys``, skipping what threading does not need.
    static func readKeys(_ r: inout ByteReader, _ d: inout DeltaState, into k: inout EmailKeys) throws(FactFileError) {
        (k.idHash, k.idLocalHash) = try r.withString { (EmailKeys.idHash($0), EmailKeys.hash($0, tag: 3)) }
        k.threadHash = try r.withString { $0.isEmpty ? 0 : EmailKeys.hash($0, tag: 2) }
        k.parentHash = try r.withString { $0.isEmpty ? 0 : EmailKeys.idHash($0) }
        k.subjectHash = try r.fixed()
        k.at = try r.instant(after: &d.at)
        k.actor = UInt32(truncatingIfNeeded: try r.varint())
        let n = try r.count(max: 1 << 20)
        _ = try r.varint()
        k.recipients.removeAll(keepingCapacity: true)
        for _ in 0..<n { k.recipients.append(UInt32(truncatingIfNeeded: try r.varint())) }
        _ = try r.optionalString()
        _ = try r.byte()
        _ = try r.text()
        k.fingerprint = Fingerprint(high: try r.fixed(), low: try r.fixed())
        d.record = d.record &+ (try r.int())
        if try r.byte() == 1 {
            d.rawOffset = d.rawOffset &+ (try r.int())
            _ = try r.varint()
        }
    }
}

enum TicketEventCodec {
    static let kinds = InteractionKind.allCases

    static func write(_ e: ExtractedTicketEvent, _ w: inout ByteWriter, _ d: inout DeltaState) {
        w.string(e.ticket.tracker)
        w.string(e.ticket.key)
        w.string(e.id)
        w.instant(e.at, after: &d.at)
        w.varint(UInt64(e.actor))
        w.byte(UInt8(kinds.firstIndex(of: e.kind)!))
        w.bool(e.isPublic)
        w.string(e.from)
        w.string(e.to)
        w.byte(e.flags.rawValue)
        w.text(e.text)
        w.int(e.origin.record &- d.record)
        d.record = e.origin.record
        w.int(Int64(e.order))
    }

    static func read(_ r: inout ByteReader, _ d: inout DeltaState, file: Int32) throws(FactFileError) -> ExtractedTicketEvent {
        let ticket = TicketID(tracker: try r.string(), key: try r.string())
        let id = try r.string()
        let at = try r.instant(after: &d.at)
        let actor = UInt32(truncatingIfNeeded: try r.varint())
        let k = Int(try r.byte())
        guard k < kinds.count else { throw FactFileError("unknown event kind \(k)") }
        let isPublic = try r.bool()
        let from = try r.string()
        let to = try r.string()
        let flags = MessageFlags(rawValue: try r.byte())
        let text = try r.text()
        d.record = d.record &+ (try r.int())
        let order = Int32(truncatingIfNeeded: try r.int())
        return ExtractedTicketEvent(
            ticket: ticket, id: id, at: at, actor: actor, kind: kinds[k], isPublic: isPublic, from: from, to: to, flags: flags, text: text,
            origin: Origin(file: file, record: d.record), order: order)
    }
}

public enum TicketStateCodec {
    public static func write(_ t: TicketState, _ w: inout ByteWriter) {
        w.string(t.key)
        w.string(t.tracker)
        w.string(t.url)
        w.optionalString(t.priority)
        w.optionalString(t.status)
        w.varint(UInt64(t.labels.count))
        for l in t.labels { w.string(l) }
        w.optionalString(t.assignee)
        w.optionalString(t.reporter)
        w.optionalInstant(t.created)
        w.optionalInstant(t.resolved)
        w.date(t.due)
        w.bool(t.reopened)
        w.bool(t.hasHistory)
        w.int(t.origin.record)
    }

    public static func read(_ r: inout ByteReader, file: Int32) throws(FactFileError) -> TicketState {
        let key = try r.string()
        let tracker = try r.string()
        let url = try r.string()
        let priority = try r.optionalString()
        let status = try r.optionalString()
        var labels: [String] = []
        for _ in 0..<(try r.count(max: 1 << 16)) { labels.append(try r.string()) }
        let assignee = try r.optionalString()
        let reporter = try r.optionalString()
        let created = try r.optionalInstant()
        let resolved = try r.optionalInstant()
        let due = try r.date()
        let reopened = try r.bool()
        let history = try r.bool()
        var state = TicketState(
            key: key, tracker: tracker, url: url, subject: "", priority: priority, status: status, labels: labels, assignee: assignee,
            reporter: reporter, created: created, resolved: resolved, reopened: reopened, hasHistory: history,
            origin: Origin(file: file, record: try r.int()))
        state.due = due
        return state
    }
}

public enum MeetingCodec {
    static let statuses: [MeetingRecord.Status] = [.held, .cancelled, .rescheduled, .noShow]

    public static func write(_ m: MeetingRecord, _ w: inout ByteWriter) {
        w.string(m.id)
        w.string(m.title)
        w.int(m.scheduledStart.nanoseconds)
        w.optionalInstant(m.scheduledEnd)
        w.optionalInstant(m.actualStart)
        w.optionalInstant(m.actualEnd)
        w.byte(UInt8(statuses.firstIndex(of: m.status)!))
        w.varint(UInt64(m.invitees.count))
        for i in m.invitees {
            w.string(i.actor)
            w.optionalInstant(i.joined)
            w.optionalInstant(i.left)
        }
        w.varint(UInt64(m.utterances.count))
        for u in m.utterances {
            w.string(u.actor)
            w.fixed(u.seconds.bitPattern)
            w.text(u.stats)
        }
        w.varint(UInt64(m.actionItems.count))
        for a in m.actionItems {
            w.string(a.id)
            w.string(a.owner)
            w.date(a.due)
            w.date(a.done)
        }
        w.int(m.origin.record)
        w.varint(UInt64(m.records))
    }

    public static func read(_ r: inout ByteReader, file: Int32) throws(FactFileError) -> MeetingRecord {
        let id = try r.string()
        let title = try r.string()
        let start = Instant(nanoseconds: try r.int())
        let end = try r.optionalInstant()
        let actualStart = try r.optionalInstant()
        let actualEnd = try r.optionalInstant()
        let s = Int(try r.byte())
        guard s < statuses.count else { throw FactFileError("unknown meeting status \(s)") }
        var invitees: [MeetingRecord.Invitee] = []
        for _ in 0..<(try r.count()) {
            invitees.append(MeetingRecord.Invitee(actor: try r.string(), party: .unknown, joined: try r.optionalInstant(), left: try r.optionalInstant()))
        }
        var utterances: [MeetingRecord.Utterance] = []
        for _ in 0..<(try r.count()) {
            let actor = try r.string()
            let seconds = Double(bitPattern: try r.fixed())
            utterances.append(MeetingRecord.Utterance(actor: actor, party: .unknown, seconds: seconds, stats: try r.text()))
        }
        var items: [MeetingRecord.ActionItem] = []
        for _ in 0..<(try r.count()) {
            let itemID = try r.string()
            let owner = try r.string()
            guard let due = try r.date() else { throw FactFileError("an action item without its due date") }
            items.append(MeetingRecord.ActionItem(id: itemID, owner: owner, party: .unknown, due: due, done: try r.date()))
        }
        var m = MeetingRecord(
            id: id, title: title, scheduledStart: start, scheduledEnd: end, actualStart: actualStart, actualEnd: actualEnd, status: statuses[s],
            invitees: invitees, utterances: utterances, actionItems: items, origin: Origin(file: file, record: try r.int()))
        m.records = try r.count()
        return m
    }
}

enum RejectCodec {
    static func write(_ x: Reject, _ w: inout ByteWriter) {
        if let record = x.record {
            w.byte(1)
            w.int(record)
        } else {
            w.byte(0)
        }
        w.string(x.reason.rawValue)
        w.string(x.message)
        w.string(x.excerpt)
    }

    static func read(_ r: inout ByteReader, file: Int32) throws(FactFileError) -> Reject {
        let record: Int64? = try r.byte() == 1 ? try r.int() : nil
        let code = try r.string()
        guard let reason = RejectReason(rawValue: code) else { throw FactFileError("unknown reject reason \(code)") }
        return Reject(file: file, record: record, reason: reason, message: try r.string(), excerpt: try r.string())
    }
}
