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
