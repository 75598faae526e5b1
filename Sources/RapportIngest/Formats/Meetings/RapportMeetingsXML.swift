import RapportCore

/// `rapport-meetings-xml`: meetings with minutes and transcripts (FORMATS.md): participants
/// with joins, utterances with their times, action items with due and done dates.
/// Each `<meeting>` is a record; one unreadable child rejects its meeting, naming the child.
public enum RapportMeetingsXML: InputFormat {
    public static let name = "rapport-meetings-xml"
    public static let kind = SourceKind.meeting
    public static let summary = "Rapport's meeting XML (<meetings><meeting …><participant/><utterance/><action-item/>)"

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let xml = try XMLStreamReader(source: source)
        let builder = MeetingBuilder(context: context, sink: sink)
        let times = try FlexibleTimestamps(context: context)
        var index: Int64 = 0
        while let event = try xml.next() {
            guard case .start(let name, let depth) = event else { continue }
            if depth == 0 && name != "meetings" {
                throw InputError(.unsupportedFormat, "the root element is <\(name)>, not <meetings>; choose the format that matches this file")
            }
            guard depth == 1, name == "meeting" else { continue }
            index += 1
            let m = try xml.readSubtree()
            do throws(ValueError) {
                sink.meeting(try meeting(m, index: index, times: times, builder: builder, context: context))
            } catch {
                builder.reject(record: index, error.reason, "meeting at line \(m.line): \(error.message)", excerpt: m[attribute: "id"] ?? "")
            }
        }
        return Int(index)
    }

    static func meeting(_ m: XMLElement, index: Int64, times: FlexibleTimestamps, builder: MeetingBuilder, context: FormatContext) throws(ValueError) -> MeetingRecord {
        func time(_ e: XMLElement, _ attribute: String) throws(ValueError) -> Instant? {
            try times.parse(e[attribute: attribute] ?? "", column: "<\(e.name)> \(attribute) (line \(e.line))").get()
        }
        func actor(_ e: XMLElement, _ attribute: String) throws(ValueError) -> String {
            guard let a = builder.actor(e[attribute: attribute] ?? "") else {
                throw ValueError(.badAddress, "<\(e.name)> at line \(e.line) has no readable `\(attribute)`")
            }
            return a
        }
        guard let id = m[attribute: "id"], !id.isEmpty else { throw ValueError(.missingValue, "no id") }
        guard let scheduled = try time(m, "scheduled_start") else { throw ValueError(.missingValue, "no scheduled_start") }
        guard let status = MeetingRecord.Status(rawValue: (m[attribute: "status"] ?? "").lowercased()) else {
            throw ValueError(.badValue, "status `\(m[attribute: "status"] ?? "")` is not one of held, cancelled, rescheduled, no_show")
        }
        var record = MeetingRecord(
            id: id, title: m[attribute: "title"] ?? "", scheduledStart: scheduled, scheduledEnd: try time(m, "scheduled_end"),
            actualStart: try time(m, "actual_start"), actualEnd: try time(m, "actual_end"), status: status,
            origin: Origin(file: context.fileIndex, record: index))
        for p in m.children("participant") {
            record.invitees.append(builder.invitee(try actor(p, "who"), joined: try time(p, "joined"), left: try time(p, "left"), at: scheduled))
        }
        for u in m.children("utterance") {
            let who = try actor(u, "who")
            guard let from = try time(u, "at"), let until = try time(u, "until"), until >= from else {
                throw ValueError(.badValue, "<utterance> at line \(u.line) needs `at` and a later `until`")
            }
            record.utterances.append(MeetingRecord.Utterance(actor: who, party: builder.lookups.party(of: who, at: from), seconds: until.seconds(since: from)))
        }
        for a in m.children("action-item") {
            let owner = try actor(a, "owner")
            guard let due = LocalDate(parsing: a[attribute: "due"] ?? "") else {
                throw ValueError(.badValue, "<action-item> at line \(a.line) needs a `due` date (YYYY-MM-DD)")
            }
            var done: LocalDate?
            if let d = a[attribute: "done"], !d.isEmpty {
                guard let parsed = LocalDate(parsing: d) else { throw ValueError(.badValue, "<action-item> at line \(a.line): `done` is not a date") }
                done = parsed
            }
            record.actionItems.append(
                MeetingRecord.ActionItem(id: a[attribute: "id"] ?? "", owner: owner, party: builder.lookups.party(of: owner, at: scheduled), due: due, done: done))
        }
        return record
    }
}
