import RapportCore

/// `rapport-tickets-xml`: Rapport's own ticket export with full history (FORMATS.md).
/// Each `<event>` is a record; a ticket's attributes give its final state.
public enum RapportTicketsXML: InputFormat {
    public static let name = "rapport-tickets-xml"
    public static let kind = SourceKind.ticket
    public static let summary = "Rapport's ticket XML (<tickets><ticket id …><event type … at … actor …>)"

    static let eventKinds: [String: InteractionKind] = [
        "created": .created, "comment": .message, "status": .status, "priority": .priority, "assign": .assign, "label": .label,
        "resolved": .resolved, "reopened": .reopened,
    ]

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let xml = try XMLStreamReader(source: source)
        let emitter = TicketEmitter(context: context, sink: sink)
        var index: Int64 = 0
        // Tickets are parsed on a thread of their own while this one turns them into records.
        let tickets = XMLItemReadAhead(xml) { name, depth throws(InputError) in
            if depth == 0 && name != "tickets" {
                throw InputError(.unsupportedFormat, "the root element is <\(name)>, not <tickets>; is this \(name == "rss" ? "a Jira export (format: jira-xml)" : "the right format")?")
            }
            return depth == 1 && name == "ticket"
        }
        defer { tickets.close() }
        while let ticket = try tickets.next() {
            index += 1
            guard let key = ticket[attribute: "id"]?.trimmingASCIIWhitespace(), !key.isEmpty else {
                for _ in ticket.children("event") { emitter.rejectRecord(record: index, .missingValue, "ticket at line \(ticket.line) has no id") }
                continue
            }
            var created: Instant?
            let subject = ticket[attribute: "subject"] ?? ""
            for e in ticket.children("event") {
                let type = e[attribute: "type"] ?? ""
                guard var kind = eventKinds[type] else {
                    emitter.rejectRecord(record: index, .badValue, "ticket \(key), line \(e.line): unknown event type `\(type)` (one of \(eventKinds.keys.sorted().joined(separator: ", ")))")
                    continue
                }
                let isPublic = (e[attribute: "public"] ?? "true").lowercasedIfNeeded() != "false"
                if kind == .message && !isPublic { kind = .internalNote }
                let at = e[attribute: "at"] ?? ""
                if kind == .created, case .success(let t) = emitter.instant(at, field: "created") { created = t }
                var text = e.hasElementContent ? e.innerMarkup : e.text
                // The request is its subject and its description together (an empty description is no acknowledgement).
                if kind == .created && !subject.isEmpty { text = XMLElement.escape(subject) + "<br>" + text }
                emitter.event(
                    ticket: key, id: e[attribute: "id"] ?? "", kind: kind, at: at, actor: e[attribute: "actor"] ?? "", isPublic: isPublic,
                    text: text, from: e[attribute: "from"] ?? "", to: e[attribute: "to"] ?? "", record: index, line: e.line)
            }
            let labels = (ticket[attribute: "labels"] ?? "").split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            var state = TicketState(
                key: key, tracker: emitter.tracker, subject: subject, priority: ticket[attribute: "priority"],
                status: ticket[attribute: "status"], labels: labels, assignee: ticket[attribute: "assignee"].map { emitter.actor($0) },
                created: created, hasHistory: true, origin: Origin(file: context.fileIndex, record: index))
            state.due = ticket[attribute: "due"].flatMap(TicketEmitter.dueDate)
            sink.ticket(state)
        }
        return emitter.records
    }
}
