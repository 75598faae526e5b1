import RapportCore

/// What a reader needs to know about the file it reads and the run around it.
public struct FormatContext: Sendable {
    /// Index of the file in the run's file list (goes into every `Origin`).
    public var fileIndex: Int32
    /// The file's path as the user wrote or the glob expanded it (for messages and synthesised ids).
    public var displayPath: String
    /// Zone for timestamps without an offset (`sources[].timezone`, default the pipeline's).
    public var zone: ZoneRules
    public var parties: PartyDirectory
    /// Timestamps more than a day after this are implausible (normally the run's start).
    public var now: Instant
    public var csv: CSVReader.Options
    /// The `kind:` of the source (a format that reads several kinds, like `csv`, needs it).
    public var kind: SourceKind = .email
    /// Notes the instants rejected as more than a day in the future: a cached extraction is
    /// redone once the run's time reaches them.
    public var futureRejects: FutureRejects?
    /// Per-source settings some formats take (`encoding`, `delimiter`, `timestamp_format`, `columns`, `parties`).
    public var options: SourceOptions

    public init(
        fileIndex: Int32, displayPath: String, zone: ZoneRules, parties: PartyDirectory, now: Instant,
        csv: CSVReader.Options = CSVReader.Options(), options: SourceOptions = SourceOptions()
    ) {
        self.fileIndex = fileIndex
        self.displayPath = displayPath
        self.zone = zone
        self.parties = parties
        self.now = now
        self.csv = csv
        self.options = options
    }

    /// Earliest plausible instant (PRODUCT.md: before 1990 is a reject).
    public static let earliestPlausible = Instant(seconds: 631_152_000)!  // 1990-01-01T00:00:00Z

    /// Parses a timestamp and applies the plausibility window; the error is a ready reject reason and message.
    public func instant(_ bytes: UnsafeRawBufferPointer, parser: TimestampParser, column: String) -> Result<Instant, ValueError> {
        switch parser.parse(bytes) {
        case .failure(let e):
            return .failure(ValueError(.badTimestamp, "\(column) '\(String(decoding: bytes.prefix(60), as: UTF8.self))': \(e.message)"))
        case .success(let t):
            return plausible(t, column: column)
        }
    }

    /// Before 1990 or more than a day after the run is implausible (PRODUCT.md).
    public func plausible(_ t: Instant, column: String) -> Result<Instant, ValueError> {
        if t < FormatContext.earliestPlausible {
            return .failure(ValueError(.implausibleTimestamp, "\(column) \(t) is before 1990; check the export's date column"))
        }
        if t > now.adding(seconds: 86_400) {
            futureRejects?.note(t)
            return .failure(ValueError(.implausibleTimestamp, "\(column) \(t) is more than a day in the future"))
        }
        return .success(t)
    }
}

/// The instants a file's records were rejected at for lying in the future (one reader's).
public final class FutureRejects: @unchecked Sendable {
    public private(set) var instants: [Instant] = []
    public init() {}
    func note(_ t: Instant) { instants.append(t) }
}

/// Settings a pipeline's `sources[]` entry may give a format.
public struct SourceOptions: Sendable {
    /// `encoding:` for files that are not UTF-8 (a BOM is honoured either way).
    public var encoding: TextEncoding?
    /// `delimiter:` (one ASCII character); formats that know their delimiter sniff it otherwise.
    public var delimiter: UInt8?
    /// `timestamp_format:` in strftime style, for timestamps that are neither RFC 3339 nor RFC 2822.
    public var timestampFormat: String?
    /// `columns:` canonical field → column name (format `csv`).
    public var columns: [String: String] = [:]
    /// `parties: { column, values }`: a column whose value says the party (`client`, a partner id or `unknown`).
    public var partyColumn: String?
    public var partyValues: [String: String] = [:]
    /// `tracker:` for ticket formats whose export does not name its tracker (Rapport's ticket
    /// XML, mapped CSV); the pipeline sets the source entry's path when it is not given.
    public var tracker = ""
    /// `links:` for ticket sources: a link template (`https://desk.example/t/{key}`) for tickets
    /// whose export carries no link.
    public var links: String?
    /// `meeting:` the id of the meeting a transcript or chat belongs to (webvtt, zoom-chat).
    public var meeting: String?
    /// `meeting_start:` when the recording began: transcript and cloud-chat times count from it.
    public var meetingStart: Instant?
    /// `date:` the local day of a saved chat whose lines carry only a wall-clock time (zoom-chat).
    public var date: LocalDate?
    /// `resolved_statuses:` status names that mean resolved (redmine); nil for the English default.
    public var resolvedStatuses: [String]?
    /// `status_names:` / `priority_names:` id → name, for journal changes whose ids the export does not name (redmine).
    public var statusNames: [String: String] = [:]
    public var priorityNames: [String: String] = [:]
    /// `include_pull_requests:` read pull requests as tickets too (github-issues, github-migration).
    public var includePullRequests = false
    /// `session_gap:` (format `slack-export`): a channel quiet this long ends a conversation.
    public var sessionGapSeconds: Int64?
    public init() {}
}

/// Why one value of a record cannot be used: becomes the record's reject.
public struct ValueError: Error, Sendable {
    public var reason: RejectReason
    public var message: String
    public init(_ reason: RejectReason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}

/// Where a reader delivers what it read. The run collects into one per file.
public protocol IngestSink: AnyObject {
    /// Takes the interaction (consuming: a reader's fresh record is moved into the sink's
    /// batch instead of retained once more per String and released by the reader).
    func emit(_ interaction: consuming Interaction)
    func reject(_ reject: Reject)
    /// A ticket's final state (ticket formats), before or after its events.
    func ticket(_ state: TicketState)
    /// A whole meeting (meeting formats).
    func meeting(_ record: MeetingRecord)
    /// A problem worth telling the user that is not a rejected record (e.g. a truncated export page).
    func warn(_ message: String)
}

/// One input format: a reader that maps a real export onto Interactions.
///
/// Implementation requirements:
/// - Stream: read from `source` chunk by chunk; never hold the whole file.
/// - Every record read is either emitted (one or more Interactions) or rejected with
///   its line or element index and a reason; `read` returns how many records it read,
///   so the run can reconcile `read = used + duplicates + rejected`.
/// - A problem with the whole file (bad header, wrong format) throws ``InputError``;
///   the run then counts no record of that file.
/// - Results never depend on chunk boundaries.
///
/// To add a format: one file (or folder) under `Formats/`, and one line in ``FormatRegistry``.
public protocol InputFormat: Sendable {
    /// The `format:` value in a pipeline file.
    static var name: String { get }
    static var kind: SourceKind { get }
    /// One line for `--help` and error messages.
    static var summary: String { get }
    static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int
    /// Formats that map any kind of log (`csv` with `columns:`) say so; others read only `kind`.
    static var readsAnyKind: Bool { get }
    /// The per-source keys the format takes besides kind, format, path, timezone and follow_symlinks.
    static var optionKeys: [String] { get }
}

extension InputFormat {
    public static var readsAnyKind: Bool { false }
    public static var optionKeys: [String] { [] }
}

/// The formats Rapport reads: the one registration line per format.
public enum FormatRegistry {
    public static let all: [any InputFormat.Type] = [
        RapportEmailCSV.self,
        EmailRawCSV.self,
        Mbox.self,
        Maildir.self,
        EmlFiles.self,
        SlackExport.self,
        RapportTicketsXML.self,
        JiraXML.self,
        BugzillaXML.self,
        RedmineXML.self,
        RedmineJSON.self,
        GitHubIssues.self,
        GitHubMigration.self,
        RapportMeetingsCSV.self,
        RapportMeetingsXML.self,
        ZoomParticipantsCSV.self,
        TeamsAttendanceCSV.self,
        WebVTT.self,
        ZoomChat.self,
        MappedCSV.self,
    ]

    /// Formats users may try that Rapport refuses rather than misreads, by the names they may type.
    public static let refused: [String: String] = [
        "ami-nxt": "AMI NXT meeting XML", "nxt": "AMI NXT meeting XML",
    ]

    public static func format(named name: String) -> (any InputFormat.Type)? {
        all.first { $0.name == name }
    }

    public static var names: [String] { all.map { $0.name } }
}

/// A format whose input is a folder or an archive of entries (Maildir, a folder of `.eml`
/// files, a Slack export): the run opens the source's path with ``EntrySources/open(path:display:followSymlinks:)``
/// and hands the entries to `read(entries:…)`. Its path may name a folder.
public protocol EntryFormat: InputFormat {
    /// Reads every entry; returns how many records it read (as ``InputFormat/read(_:context:into:)``).
    static func read(entries: any EntrySource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int
}

extension EntryFormat {
    /// A byte stream alone (tests, fuzzers) is read as a source of one entry named after the file.
    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let name = context.displayPath.split(separator: "/").last.map(String.init) ?? context.displayPath
        return try read(entries: SingleEntrySource(name: name, source: source), context: context, into: sink)
    }

    /// Tells the user about entries that were passed over (links, devices) or skipped as not records.
    static func reportSkipped(_ skipped: [String], what: String, into sink: any IngestSink) {
        guard !skipped.isEmpty else { return }
        let shown = skipped.prefix(5).joined(separator: "; ")
        sink.warn("\(skipped.count) \(what) skipped: \(shown)\(skipped.count > 5 ? "; …" : "")")
    }
}
