import Foundation
import RapportCore

/// `zoom-participants-csv`: Zoom's "Usage report → meetings with participants" export.
///
/// Meeting fields repeat on every participant row; a blank line separates meetings; the
/// header names `Duration (minutes)` twice; dates are local 12-hour times without a zone
/// (`05/30/2026 06:03:15 PM`, read in the source's `timezone`). A meeting is its ID plus
/// its start time (recurring meetings reuse IDs). Re-joins are several rows for one person,
/// merged into one attendance. Each participant row is a record. The meeting's start is
/// its scheduled start; Zoom gives no schedule, so overrun is not computed.
public enum ZoomParticipantsCSV: InputFormat {
    public static let name = "zoom-participants-csv"
    public static let kind = SourceKind.meeting
    public static let summary = "Zoom usage report with participants (CSV)"
    public static let optionKeys = ["timestamp_format"]

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let reader = CSVReader(source: source, options: context.csv)
        guard let header = try CSVHeader.readFirst(reader) else { return 0 }  // an empty file holds no records
        let c = try header.require(["id", "start time", "name (original name)", "join time", "leave time"], format: name)
        let topic = header.column("topic")
        let endTime = header.column("end time")
        let email = header.column("email")
        let times = try FlexibleTimestamps(context: context, defaultFormat: "%m/%d/%Y %I:%M:%S %p")
        let builder = MeetingBuilder(context: context, sink: sink)
        var records = 0
        while let event = try reader.next() {
            records += 1
            if case .malformed(let reason, let message) = event {
                builder.reject(record: reader.line, reason, message, excerpt: reader.excerpt)
                continue
            }
            if reader.fieldCount != header.names.count {
                builder.reject(record: reader.line, .raggedRow, "\(reader.fieldCount) fields where the header has \(header.names.count)", excerpt: reader.excerpt)
                continue
            }
            func value(_ i: Int?) -> String { i.flatMap { reader.string($0) } ?? "" }
            let id = value(c[0]).trimmingASCIIWhitespace()
            var parsed: [Instant?] = []
            var failure: ValueError?
            for (k, column) in [(c[1], "Start time"), (endTime, "End time"), (c[3], "Join time"), (c[4], "Leave time")] {
                switch times.parse(value(k), column: column) {
                case .success(let t): parsed.append(t)
                case .failure(let e): failure = failure ?? e
                }
            }
            if let failure {
                builder.reject(record: reader.line, failure.reason, failure.message, excerpt: reader.excerpt)
                continue
            }
            guard !id.isEmpty, let start = parsed[0] else {
                builder.reject(record: reader.line, .missingValue, id.isEmpty ? "ID is empty" : "Start time is empty", excerpt: reader.excerpt)
                continue
            }
            let mail = value(email).trimmingASCIIWhitespace()
            let person = mail.contains("@") ? mail : displayName(value(c[2]))
            guard let actor = builder.actor(person) else {
                builder.reject(record: reader.line, .missingValue, "the participant has neither an e-mail address nor a name", excerpt: reader.excerpt)
                continue
            }
            builder.add(
                MeetingRecord(
                    id: id, title: value(topic), scheduledStart: start, scheduledEnd: nil, actualStart: start, actualEnd: parsed[1],
                    status: .held, origin: Origin(file: context.fileIndex, record: reader.line)),
                invitee: builder.invitee(actor, joined: parsed[2], left: parsed[3], at: start))
        }
        builder.finish()
        return records
    }

    /// `Name (Host)` → `Name`; `Display ( Original )` → `Display`.
    static func displayName(_ raw: String) -> String {
        var s = raw.trimmingASCIIWhitespace()
        for suffix in [" (Host)", " (Co-host)", " (Guest)"] where s.hasSuffix(suffix) { s = String(s.dropLast(suffix.count)) }
        if s.hasSuffix(")"), let open = s.range(of: " (", options: .backwards) { s = String(s[..<open.lowerBound]) }
        return s.trimmingASCIIWhitespace()
    }
}
