import RapportCore

/// Gathers invitee rows into meetings (rows may come in any order), keyed by meeting id
/// and scheduled start, and hands them over in order of first appearance.
final class MeetingBuilder {
    let context: FormatContext
    let sink: any IngestSink
    let lookups: Lookups
    private var order: [String] = []
    private var meetings: [String: MeetingRecord] = [:]

    init(context: FormatContext, sink: any IngestSink) {
        self.context = context
        self.sink = sink
        self.lookups = Lookups(parties: context.parties)
    }

    /// Adds one invitee row to its meeting (creating the meeting from this row's values when first seen).
    func add(_ meeting: @autoclosure () -> MeetingRecord, invitee: MeetingRecord.Invitee?) {
        let m = meeting()
        let key = "\(m.id)|\(m.scheduledStart.nanoseconds)"
        if meetings[key] == nil {
            order.append(key)
            var fresh = m
            fresh.records = 0
            fresh.invitees = []
            meetings[key] = fresh
        }
        meetings[key]!.records += 1
        if let invitee { meetings[key]!.invitees.append(invitee) }
    }

    func invitee(_ actor: String, joined: Instant?, left: Instant?, at: Instant) -> MeetingRecord.Invitee {
        MeetingRecord.Invitee(actor: actor, party: lookups.party(of: actor, at: joined ?? at), joined: joined, left: left)
    }

    func finish() {
        for key in order { sink.meeting(meetings[key]!) }
    }

    func reject(record: Int64, _ reason: RejectReason, _ message: String, excerpt: String) {
        sink.reject(Reject(file: context.fileIndex, record: record, reason: reason, message: message, excerpt: excerpt))
    }

    /// A participant as exports write one: an address (lower-cased, display name dropped) or a name.
    func actor(_ raw: String) -> String? {
        let t = raw.trimmingASCIIWhitespace()
        if t.isEmpty { return nil }
        if t.contains("@"), case .success(let a) = lookups.address(t) { return a.address }
        return t.contains("@") ? nil : t
    }
}

/// Reads timestamps with a source's `timestamp_format` when given, else RFC 3339 / RFC 2822;
/// empty values are nil; the plausibility window applies.
struct FlexibleTimestamps {
    let context: FormatContext
    let strict: TimestampParser
    let pattern: PatternTimestampParser?

    init(context: FormatContext, defaultFormat: String? = nil) throws(InputError) {
        self.context = context
        self.strict = TimestampParser(zone: context.zone)
        if let format = context.options.timestampFormat ?? defaultFormat {
            do {
                self.pattern = try PatternTimestampParser(format: format, zone: context.zone)
            } catch {
                throw InputError(.badHeader, error.message)
            }
        } else {
            self.pattern = nil
        }
    }

    /// `.success(nil)` for an empty value.
    func parse(_ text: String, column: String) -> Result<Instant?, ValueError> {
        let t = text.trimmingASCIIWhitespace()
        if t.isEmpty || t == "-" { return .success(nil) }
        let parsed: Result<Instant, TimestampError> = pattern.map { $0.parse(t) } ?? strict.parse(t)
        switch parsed {
        case .failure(let e): return .failure(ValueError(.badTimestamp, "\(column) '\(t.prefix(60))': \(e.message)"))
        case .success(let instant):
            return context.plausible(instant, column: column).map { $0 }
        }
    }
}

/// What the folder Zoom saves a meeting's recording, transcript and chat in tells:
/// `2020-11-05 10.00.12 Weekly ops 987654321/` is the local start (in the source's
/// `timezone`), the topic and the meeting ID (9 to 11 digits; absent in some versions).
/// Shared by `webvtt` and `zoom-chat`, which attach a file to its meeting through it.
struct ZoomRecordingFolder: Equatable {
    var date: LocalDate
    var hour: Int, minute: Int, second: Int
    var topic: String
    var meetingID: String?

    /// The folder a file lies in, when its name has Zoom's shape; nil otherwise.
    init?(path: String) {
        let parts = path.split(separator: "/")
        guard parts.count >= 2 else { return nil }
        let name = Array(parts[parts.count - 2].utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= name.count else { return nil }
            var v = 0
            for b in name[range] {
                guard b >= 0x30 && b <= 0x39 else { return nil }
                v = v * 10 + Int(b - 0x30)
            }
            return v
        }
        // YYYY-MM-DD HH.MM.SS, then a space and the topic.
        guard name.count >= 20, name[4] == 0x2D, name[7] == 0x2D, name[10] == 0x20, name[13] == 0x2E, name[16] == 0x2E, name[19] == 0x20,
            let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13), let mi = number(14..<16),
            let s = number(17..<19), let date = LocalDate(year: y, month: mo, day: d), h < 24, mi < 60, s < 60
        else { return nil }
        self.date = date
        (hour, minute, second) = (h, mi, s)
        var rest = String(decoding: name[20...], as: UTF8.self)
        if let space = rest.lastIndex(of: " "), case let id = rest[rest.index(after: space)...], (9...11).contains(id.count),
            id.allSatisfy({ $0.isASCII && $0.isNumber })
        {
            meetingID = String(id)
            rest = String(rest[..<space])
        }
        topic = rest
    }

    /// The folder's start as an instant in `zone` (nil when that local time does not exist).
    func start(in zone: ZoneRules) -> Instant? {
        try? TimestampParser(zone: zone).assemble(
            year: date.year, month: date.month, day: date.day, hour: hour, minute: minute, second: second, nanos: 0, offset: nil
        ).get()
    }
}
