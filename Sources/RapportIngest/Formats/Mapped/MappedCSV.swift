import RapportCore

/// `csv`: any other CSV, mapped by the pipeline (FORMATS.md "Real exports"):
///
/// ```yaml
/// - kind: email                 # or ticket
///   format: csv
///   path: twcs.csv.gz
///   delimiter: ","              # one character; default ","
///   encoding: utf-8             # utf-8, utf-16, latin-1, windows-1252
///   timestamp_format: "%a %b %d %H:%M:%S %z %Y"   # default: RFC 3339 or RFC 2822
///   columns: { id: tweet_id, in_reply_to: in_response_to_tweet_id, at: created_at, actor: author_id, text: text }
///   parties: { column: inbound, values: { "True": client } }
/// ```
///
/// E-mail-like logs take `at` and `actor` (a user name or handle) or `from` (an address
/// field), and optionally `id`, `conversation`, `in_reply_to`, `to`, `cc`, `subject`, `text`.
/// Ticket logs take one row per ticket: `key` and `at` (created), and optionally `actor`
/// (reporter), `subject`, `text`, `priority`, `status`, `assignee`, `resolved`, `labels`, `due`.
/// Ids written as floats by spreadsheets and pandas (`3.0`) are read as `3`.
public enum MappedCSV: InputFormat {
    public static let name = "csv"
    public static let kind = SourceKind.email
    public static let summary = "any CSV, with `columns:` saying which column is which field"
    public static let readsAnyKind = true
    public static let optionKeys = ["delimiter", "encoding", "timestamp_format", "columns", "parties"]

    static let emailFields = ["id", "conversation", "in_reply_to", "at", "actor", "from", "to", "cc", "subject", "text"]
    static let ticketFields = ["key", "id", "at", "actor", "subject", "text", "priority", "status", "assignee", "resolved", "labels", "due"]

    public static func fields(for kind: SourceKind) -> [String] { kind == .ticket ? ticketFields : emailFields }

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        var text: any ByteSource = source
        if let e = context.options.encoding, e != .utf8 { text = TranscodingByteSource(source, encoding: e) }
        var options = context.csv
        if let d = context.options.delimiter { options.delimiter = d }
        let reader = CSVReader(source: text, options: options)
        guard let header = try CSVHeader.readFirst(reader) else { return 0 }  // an empty file holds no records
        let map = context.options.columns
        var position: [String: Int] = [:]
        for (field, column) in map {
            guard let i = header.column(column.lowercased().trimmingASCIIWhitespace()) else {
                throw InputError(.badHeader, "columns.\(field): no column `\(column)`; the header has: \(header.names.joined(separator: ", "))")
            }
            position[field] = i
        }
        let partyColumn = try context.options.partyColumn.map { (c: String) throws(InputError) -> Int in
            guard let i = header.column(c.lowercased()) else { throw InputError(.badHeader, "parties.column: no column `\(c)`") }
            return i
        }
        let times = try FlexibleTimestamps(context: context)
        let emails = EmailEmitter(context: context, sink: sink)
        let tickets = TicketEmitter(context: context, sink: sink)
        var records = 0
        while let event = try reader.next() {
            records += 1
            if case .malformed(let reason, let message) = event {
                emails.reject(record: reader.line, reason, message, excerpt: reader.excerpt)
                continue
            }
            if reader.fieldCount != header.names.count {
                emails.reject(record: reader.line, .raggedRow, "\(reader.fieldCount) fields where the header has \(header.names.count)", excerpt: reader.excerpt)
                continue
            }
            var values: [String: String] = [:]
            var invalid = false
            for (field, i) in position {
                guard let s = reader.string(i) else {
                    invalid = true
                    break
                }
                values[field] = s
            }
            if invalid {
                emails.reject(record: reader.line, .invalidUTF8, "not valid UTF-8; declare the source's `encoding`", excerpt: reader.excerpt)
                continue
            }
            let at: Instant
            switch times.parse(values["at"] ?? "", column: map["at"] ?? "at") {
            case .success(let t?): at = t
            case .success(nil):
                emails.reject(record: reader.line, .missingValue, "\(map["at"] ?? "at") is empty", excerpt: reader.excerpt)
                continue
            case .failure(let e):
                emails.reject(record: reader.line, e.reason, e.message, excerpt: reader.excerpt)
                continue
            }
            var party: Party?
            if let partyColumn, let v = reader.string(partyColumn)?.trimmingASCIIWhitespace(), let name = context.options.partyValues[v] {
                party = context.parties.party(named: name)
            }
            var fingerprint = FingerprintHasher()
            fingerprint.addNormalisingLineEnds(reader.rawRecord)
            if context.kind == .ticket {
                let key = integerLike(values["key"] ?? "")
                guard !key.isEmpty else {
                    emails.reject(record: reader.line, .missingValue, "\(map["key"] ?? "key") is empty", excerpt: reader.excerpt)
                    continue
                }
                let subject = values["subject"] ?? ""
                let body = values["text"] ?? ""
                tickets.event(
                    ticket: key, id: values["id"].map(integerLike) ?? "\(key)#created", kind: .created, at: at.rfc3339,
                    actor: values["actor"] ?? "", text: XMLElement.escape(subject) + (body.isEmpty ? "" : "<br>" + XMLElement.escape(body)),
                    record: reader.line, line: Int(reader.line))
                var resolved: Instant?
                if case .success(let r?) = times.parse(values["resolved"] ?? "", column: "resolved") { resolved = r }
                var state = TicketState(
                    key: key, tracker: tickets.tracker, subject: subject, priority: values["priority"].flatMap(nonEmpty), status: values["status"].flatMap(nonEmpty),
                    labels: (values["labels"] ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }).map(String.init),
                    assignee: values["assignee"].flatMap(nonEmpty), reporter: values["actor"], created: at, resolved: resolved,
                    hasHistory: false, origin: Origin(file: context.fileIndex, record: reader.line))
                state.due = values["due"].flatMap(TicketEmitter.dueDate)
                sink.ticket(state)
                continue
            }
            let fromIsActor = values["from"] == nil
            emails.emit(
                EmailEmitter.Values(
                    id: integerLike(values["id"] ?? ""), thread: values["conversation"] ?? "", inReplyTo: integerLike(values["in_reply_to"] ?? ""),
                    from: values["from"] ?? values["actor"] ?? "", to: values["to"] ?? "", cc: values["cc"] ?? "", subject: values["subject"] ?? "",
                    body: values["text"] ?? "", fromIsActor: fromIsActor, party: party, raw: reader.rawRange),
                at: at, record: reader.line, excerpt: reader.excerpt, fingerprint: fingerprint.finish())
        }
        return records
    }

    /// `3.0` → `3` (ids that passed through a float column); anything else unchanged.
    static func integerLike(_ s: String) -> String {
        let t = s.trimmingASCIIWhitespace()
        guard t.hasSuffix(".0"), t.count > 2, t.dropLast(2).allSatisfy({ $0.isASCII && $0.isNumber }) else { return t }
        return String(t.dropLast(2))
    }

    static func nonEmpty(_ s: String) -> String? {
        let t = s.trimmingASCIIWhitespace()
        return t.isEmpty ? nil : t
    }
}
