import RapportCore

/// `rapport-email-csv`: Rapport's own e-mail export (FORMATS.md), one message per row:
/// `message_id,thread_id,in_reply_to,sent_at,from,to,cc,subject,body`
/// (any column order; unknown columns ignored; `sent_at` and `from` required;
/// an optional `auto_submitted` column carries the `Auto-Submitted` header).
public enum RapportEmailCSV: InputFormat {
    public static let name = "rapport-email-csv"
    public static let kind = SourceKind.email
    public static let summary = "Rapport's e-mail CSV (message_id, thread_id, in_reply_to, sent_at, from, to, cc, subject, body)"

    /// Columns in the order that defines a record's canonical content (its fingerprint).
    static let columns = ["message_id", "thread_id", "in_reply_to", "sent_at", "from", "to", "cc", "subject", "body", "auto_submitted"]

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let reader = CSVReader(source: source, options: context.csv)
        guard let first = try reader.next() else { return 0 }  // an empty file holds no records
        guard first == .record else {
            throw InputError(.badHeader, "the header row (line \(reader.line)) is malformed: \(first)")
        }
        let header = try CSVHeader(reader: reader)
        _ = try header.require(["sent_at", "from"], format: name)
        let position = columns.map { header.column($0) }
        let parser = TimestampParser(zone: context.zone)
        let lookups = Lookups(parties: context.parties)
        var records = 0

        func reject(_ reason: RejectReason, _ message: String) {
            sink.reject(Reject(file: context.fileIndex, record: reader.line, reason: reason, message: message, excerpt: reader.excerpt))
        }

        while let event = try reader.next() {
            records += 1
            if case .malformed(let reason, let message) = event {
                reject(reason, message)
                continue
            }
            if reader.fieldCount != header.names.count {
                reject(.raggedRow, "\(reader.fieldCount) fields where the header has \(header.names.count)")
                continue
            }
            var values = [String](repeating: "", count: columns.count)
            var fingerprint = FingerprintHasher()
            var invalid: String?
            for (k, column) in position.enumerated() {
                guard let column else {
                    fingerprint.add(UnsafeRawBufferPointer(start: nil, count: 0))
                    continue
                }
                let bytes = reader.field(column)
                fingerprint.addNormalisingLineEnds(bytes)
                if k == 3 { continue }  // sent_at is parsed from its bytes (ASCII only)
                guard let s = String(validating: bytes, as: UTF8.self) else {
                    invalid = columns[k]
                    break
                }
                values[k] = s
            }
            if let invalid {
                reject(.invalidUTF8, "column `\(invalid)` is not valid UTF-8; re-export as UTF-8 or declare the source's encoding")
                continue
            }
            let at: Instant
            switch context.instant(reader.field(position[3]!), parser: parser, column: "sent_at") {
            case .success(let t): at = t
            case .failure(let e):
                if reader.field(position[3]!).isEmpty {
                    reject(.missingValue, "sent_at is empty")
                } else {
                    reject(e.reason, e.message)
                }
                continue
            }
            if values[4].isEmpty {
                reject(.missingValue, "from is empty")
                continue
            }
            let from: String
            switch lookups.address(values[4]) {
            case .success(let a): from = a
            case .failure(let f):
                reject(.badAddress, "from: \(f.message)")
                continue
            }
            var recipients: [Recipient] = []
            var badRecipients: String?
            for (k, field) in [(5, Recipient.Field.to), (6, Recipient.Field.cc)] {
                switch lookups.addressList(values[k]) {
                case .success(let list):
                    for a in list {
                        recipients.append(Recipient(address: a, party: lookups.party(of: a, at: at), field: field))
                    }
                case .failure(let f):
                    badRecipients = "\(columns[k]): \(f.message)"
                }
            }
            if let badRecipients {
                reject(.badAddress, badRecipients)
                continue
            }
            var id = values[0].trimmingASCIIWhitespace()
            if id.isEmpty { id = "\(context.displayPath):\(reader.line)" }
            var attributes = Attributes()
            attributes.inReplyTo = values[2].trimmingASCIIWhitespace()
            attributes.subject = values[7]
            attributes.recipients = recipients
            let autoSubmitted = values[9].trimmingASCIIWhitespace().lowercased()
            attributes.autoSubmitted = !autoSubmitted.isEmpty && autoSubmitted != "no"
            sink.emit(
                Interaction(
                    source: .email, conversation: values[1].trimmingASCIIWhitespace(), id: id, at: at, actor: from,
                    party: lookups.party(of: from, at: at), kind: .message, text: values[8],
                    attributes: attributes, origin: Origin(file: context.fileIndex, record: reader.line),
                    fingerprint: fingerprint.finish()))
        }
        return records
    }
}
