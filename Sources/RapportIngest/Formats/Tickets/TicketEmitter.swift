import RapportCore

/// Shared by ticket formats: turns one ticket's events into Interactions, resolving
/// parties and timestamps, and counting every record as emitted or rejected.
final class TicketEmitter {
    let context: FormatContext
    let sink: any IngestSink
    let lookups: Lookups
    let parser: TimestampParser
    private(set) var records = 0
    private var order: Int32 = 0
    /// The tracker of the ticket being emitted (FORMATS.md, "Ticket identity"): the export's
    /// base URL, or the source entry's `tracker:` (default its path) for native and mapped formats.
    var tracker: String

    init(context: FormatContext, sink: any IngestSink, zone: ZoneRules? = nil) {
        self.context = context
        self.sink = sink
        self.lookups = Lookups(parties: context.parties)
        self.parser = TimestampParser(zone: zone ?? context.zone)
        self.tracker = context.options.tracker
    }

    /// An actor as exports name people: addresses lower-cased (`Name <addr>` and
    /// `Last, First <addr>` give the address), user names as exported.
    func actor(_ raw: String) -> String { Self.person(raw) }

    /// One person's field (FORMATS.md): the address in its last `<…>`, a bare address, or a user name.
    static func person(_ raw: String) -> String {
        let t = raw.trimmingASCIIWhitespace()
        guard t.utf8.contains(UInt8(ascii: "@")) else { return t }
        if t.utf8.contains(UInt8(ascii: "<")), case .success(let address) = AddressParser.parseSingle(t) { return address }
        return t.lowercasedIfNeeded()
    }

    /// A due date as the export writes it: `2026-03-06` (a time after it is ignored) or
    /// RFC 2822's `Fri, 6 Mar 2026 00:00:00 +0000` (Jira). The date as written, never moved
    /// into another zone (a Jira due date is a date stamped at midnight); nil when empty or unreadable.
    static func dueDate(_ text: String) -> LocalDate? {
        let t = text.trimmingASCIIWhitespace()
        if t.count >= 10, let d = LocalDate(parsing: t.prefix(10)) { return d }
        var parts = t.split(separator: " ")
        if parts.first?.hasSuffix(",") == true { parts.removeFirst() }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        guard parts.count >= 3, let day = Int(parts[0]), let year = Int(parts[2]), let month = months.firstIndex(of: parts[1].lowercased()) else {
            return nil
        }
        return LocalDate(year: year, month: month + 1, day: day)
    }

    func instant(_ text: String, field: String) -> Result<Instant, ValueError> {
        text.withUTF8Bytes { context.instant(UnsafeRawBufferPointer($0), parser: parser, column: field) }
    }

    /// One event record; `record` is the 1-based index of its ticket in the file; `place` says
    /// where it is in messages when a line number does not (a JSON record's index and byte).
    func event(
        ticket: String, id: String, kind: InteractionKind, at rawAt: String, actor rawActor: String, isPublic: Bool = true,
        text: String = "", from: String = "", to: String = "", automated: Bool = false, record: Int64, line: Int, place: String? = nil
    ) {
        let place = place ?? "line \(line)"
        records += 1
        order += 1
        let at: Instant
        switch instant(rawAt, field: "\(kind.rawValue) time") {
        case .success(let t): at = t
        case .failure(let e):
            reject(record: record, e.reason, "ticket \(ticket), event \(id) (\(place)): \(e.message)", excerpt: rawAt)
            return
        }
        let actor = actor(rawActor)
        if actor.isEmpty {
            reject(record: record, .missingValue, "ticket \(ticket), event \(id) (\(place)): no author", excerpt: id)
            return
        }
        var attributes = Attributes()
        attributes.from = from
        attributes.to = to
        attributes.documentOrder = order
        attributes.tracker = tracker
        // A bot's comment is automated (skipped by the turn logic), as an auto-reply is.
        attributes.autoSubmitted = automated
        // No fingerprint: ticket events are told apart by ticket and event id (TicketMerge), never by content.
        sink.emit(
            Interaction(
                source: .ticket, conversation: ticket, id: id, at: at, actor: actor, party: lookups.party(of: actor, at: at), kind: kind,
                isPublic: isPublic, text: text, textIsHTML: true, attributes: attributes,
                origin: Origin(file: context.fileIndex, record: record)))
    }

    func reject(record: Int64?, _ reason: RejectReason, _ message: String, excerpt: String = "") {
        sink.reject(Reject(file: context.fileIndex, record: record, reason: reason, message: message, excerpt: excerpt))
    }

    /// A rejected record that will not reach `event` (counted here).
    func rejectRecord(record: Int64, _ reason: RejectReason, _ message: String, excerpt: String = "") {
        records += 1
        reject(record: record, reason, message, excerpt: excerpt)
    }
}
