import RapportCore

/// `rapport-email-csv`: Rapport's own e-mail export (FORMATS.md), one message per row:
/// `message_id,thread_id,in_reply_to,sent_at,from,to,cc,subject,body`
/// (any column order; unknown columns ignored; `sent_at` and `from` required;
/// an optional `auto_submitted` column carries the `Auto-Submitted` header).
public enum RapportEmailCSV: InputFormat {
    public static let name = "rapport-email-csv"
    public static let kind = SourceKind.email
    public static let summary = "Rapport's e-mail CSV (message_id, thread_id, in_reply_to, sent_at, from, to, cc, subject, body)"

    /// Columns in the order that defines a record's canonical content (its fingerprint, the
    /// body last: see ``Fingerprint/addingBody(_:)``).
    static let columns = ["message_id", "thread_id", "in_reply_to", "sent_at", "from", "to", "cc", "subject", "body", "auto_submitted"]

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let reader = CSVReader(source: source, options: context.csv)
        guard let header = try CSVHeader.readFirst(reader) else { return 0 }  // an empty file holds no records
        _ = try header.require(["sent_at", "from"], format: name)
        let position = columns.map { header.column($0) }
        let parser = TimestampParser(zone: context.zone)
        let emitter = EmailEmitter(context: context, sink: sink)
        var records = 0

        while let event = try reader.next() {
            records += 1
            if case .malformed(let reason, let message) = event {
                emitter.reject(record: reader.line, reason, message, excerpt: reader.excerpt)
                continue
            }
            if reader.fieldCount != header.names.count {
                emitter.reject(record: reader.line, .raggedRow, "\(reader.fieldCount) fields where the header has \(header.names.count)", excerpt: reader.excerpt)
                continue
            }
            // Straight into the emitter's fields: an array of ten Strings per record was a
            // malloc and a retain and release per field on the reading thread.
            var values = EmailEmitter.Values()
            var autoSubmitted = ""
            var fingerprint = FingerprintHasher()
            var invalid: String?
            for (k, column) in position.enumerated() {
                guard let column else {
                    fingerprint.add(UnsafeRawBufferPointer(start: nil, count: 0))
                    continue
                }
                let bytes = reader.field(column)
                if k != 8 { fingerprint.addNormalisingLineEnds(bytes) }  // the body is added by the analysis (`addingBody`)
                if k == 3 { continue }  // sent_at is parsed from its bytes (ASCII only)
                guard let s = String(validUTF8: bytes) else {
                    invalid = columns[k]
                    break
                }
                switch k {
                case 0: values.id = s
                case 1: values.thread = s
                case 2: values.inReplyTo = s
                case 4: values.from = s
                case 5: values.to = s
                case 6: values.cc = s
                case 7: values.subject = s
                case 8: values.body = s
                default: autoSubmitted = s
                }
            }
            if let invalid {
                emitter.reject(
                    record: reader.line, .invalidUTF8, "column `\(invalid)` is not valid UTF-8; re-export as UTF-8 or declare the source's encoding",
                    excerpt: reader.excerpt)
                continue
            }
            let at: Instant
            switch context.instant(reader.field(position[3]!), parser: parser, column: "sent_at") {
            case .success(let t): at = t
            case .failure(let e):
                let empty = reader.field(position[3]!).isEmpty
                emitter.reject(record: reader.line, empty ? .missingValue : e.reason, empty ? "sent_at is empty" : e.message, excerpt: reader.excerpt)
                continue
            }
            let auto = autoSubmitted.trimmingASCIIWhitespace().lowercased()
            values.autoSubmitted = !auto.isEmpty && auto != "no"
            emitter.emit(values, at: at, record: reader.line, excerpt: reader.excerpt, fingerprint: fingerprint.finish())
        }
        return records
    }
}
