import RapportCore

/// `rapport-meetings-csv`: one row per invitee per meeting (FORMATS.md):
/// `meeting_id,title,scheduled_start,scheduled_end,actual_start,actual_end,status,participant,joined_at,left_at`.
/// `status` is the meeting's (`held`, `cancelled`, `rescheduled`, `no_show`), repeated on each
/// row; `joined_at`/`left_at` are empty for an invitee who did not join. Each row is a record.
public enum RapportMeetingsCSV: InputFormat {
    public static let name = "rapport-meetings-csv"
    public static let kind = SourceKind.meeting
    public static let summary = "Rapport's meeting CSV (one row per invitee: meeting_id, scheduled_start, status, participant, joined_at …)"

    static let columns = ["meeting_id", "title", "scheduled_start", "scheduled_end", "actual_start", "actual_end", "status", "participant", "joined_at", "left_at"]

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let reader = CSVReader(source: source, options: context.csv)
        guard let header = try CSVHeader.readFirst(reader) else { return 0 }  // an empty file holds no records
        _ = try header.require(["meeting_id", "scheduled_start", "status", "participant"], format: name)
        let position = columns.map { header.column($0) }
        let builder = MeetingBuilder(context: context, sink: sink)
        let times = try FlexibleTimestamps(context: context)
        var records = 0
        rows: while let event = try reader.next() {
            records += 1
            if case .malformed(let reason, let message) = event {
                builder.reject(record: reader.line, reason, message, excerpt: reader.excerpt)
                continue
            }
            if reader.fieldCount != header.names.count {
                builder.reject(record: reader.line, .raggedRow, "\(reader.fieldCount) fields where the header has \(header.names.count)", excerpt: reader.excerpt)
                continue
            }
            var v = [String](repeating: "", count: columns.count)
            for (k, c) in position.enumerated() {
                guard let c else { continue }
                guard let s = reader.string(c) else {
                    builder.reject(record: reader.line, .invalidUTF8, "column `\(columns[k])` is not valid UTF-8", excerpt: reader.excerpt)
                    continue rows
                }
                v[k] = s
            }
            var instants: [Instant?] = []
            for k in [2, 3, 4, 5, 8, 9] {
                switch times.parse(v[k], column: columns[k]) {
                case .success(let t): instants.append(t)
                case .failure(let e):
                    builder.reject(record: reader.line, e.reason, e.message, excerpt: reader.excerpt)
                    continue rows
                }
            }
            let id = v[0].trimmingASCIIWhitespace()
            guard !id.isEmpty, let scheduled = instants[0] else {
                builder.reject(record: reader.line, .missingValue, id.isEmpty ? "meeting_id is empty" : "scheduled_start is empty", excerpt: reader.excerpt)
                continue
            }
            guard let status = MeetingRecord.Status(rawValue: v[6].trimmingASCIIWhitespace().lowercased()) else {
                builder.reject(
                    record: reader.line, .badValue, "status `\(v[6])` is not one of held, cancelled, rescheduled, no_show", excerpt: reader.excerpt)
                continue
            }
            guard let actor = builder.actor(v[7]) else {
                builder.reject(record: reader.line, v[7].isEmpty ? .missingValue : .badAddress, "participant `\(v[7])` is not readable", excerpt: reader.excerpt)
                continue
            }
            builder.add(
                MeetingRecord(
                    id: id, title: v[1], scheduledStart: scheduled, scheduledEnd: instants[1], actualStart: instants[2], actualEnd: instants[3],
                    status: status, origin: Origin(file: context.fileIndex, record: reader.line)),
                invitee: builder.invitee(actor, joined: instants[4], left: instants[5], at: scheduled))
        }
        builder.finish()
        return records
    }
}
