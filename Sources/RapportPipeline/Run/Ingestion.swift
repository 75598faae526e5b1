import Dispatch
import Glibc
import RapportCore
import RapportIngest
import RapportTransforms

/// What reading one file gave.
struct FileOutcome: Sendable {
    var file: InputFile
    var recordsRead = 0
    var rejects: [Reject] = []
    var messages: [EmailMessage] = []
    /// What threading reads of each message, in the same order.
    var threadingKeys: [ThreadingKeys] = []
    var tickets: [TicketID: TicketBundle] = [:]
    var meetings: [MeetingRecord] = []
    var warnings: [String] = []
    /// Every actor the file names (senders, recipients, ticket people, invitees).
    var actors: Set<String> = []
    /// Set when the whole file could not be read; then it contributes no records.
    var failure: InputError?
    var bytesOnDisk: Int64 = 0
    var bytesDecoded: Int64 = 0
    /// SHA-256 of the file as stored (empty when it could not be read to the end).
    var sha256 = ""
}

/// Counts the bytes a reader consumes (uncompressed), for throughput figures.
final class CountingSource: ByteSource {
    let inner: any ByteSource
    private(set) var count: Int64 = 0
    init(_ inner: any ByteSource) { self.inner = inner }
    var bytesFromDisk: Int64 { inner.bytesFromDisk }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = try inner.read(into: buffer)
        count += Int64(n)
        return n
    }
}

/// Analyses messages on other threads while the reader parses on: batches go round-robin to
/// serial queues, each with its own analyzer (its caches are used by one thread at a time),
/// and results are delivered on the reader's thread in the order they were read. At most two
/// batches per lane are in flight, which bounds the text held in memory.
final class AnalysisLanes<Output>: @unchecked Sendable {
    static var batchSize: Int { 1024 }
    private let lanes: [(analyzer: MessageAnalyzer, queue: DispatchQueue)]
    private let work: (MessageAnalyzer, Interaction) -> Output
    private let inFlight: DispatchSemaphore
    private let group = DispatchGroup()
    /// Finished batches by sequence number, waiting for delivery; guarded by `lock`.
    private var finished: [Int: MovingBatch<Output>] = [:]
    private var lock = pthread_mutex_t()
    private var delivered = 0
    private var submitted = 0
    private var batch = MovingBatch<Interaction>(capacity: batchSize)

    /// Every lane's analyzer (read once the lanes have finished).
    var analyzers: [MessageAnalyzer] { lanes.map(\.analyzer) }

    init(count: Int, makeAnalyzer: () -> MessageAnalyzer, work: @escaping (MessageAnalyzer, Interaction) -> Output) {
        lanes = (0..<max(1, count)).map { i in (makeAnalyzer(), DispatchQueue(label: "rapport.analysis.\(i)")) }
        self.work = work
        inFlight = DispatchSemaphore(value: 2 * lanes.count)
        pthread_mutex_init(&lock, nil)
    }

    deinit { pthread_mutex_destroy(&lock) }

    /// Queues one interaction; hands finished batches, in order, to `deliver`.
    func add(_ interaction: consuming Interaction, deliver: (MovingBatch<Output>) -> Void) {
        batch.append(interaction)
        if batch.count == Self.batchSize {
            submit()
            deliverReady(deliver)
        }
    }

    /// Analyses what is left and delivers everything not yet delivered.
    func finish(deliver: (MovingBatch<Output>) -> Void) {
        submit()
        group.wait()
        deliverReady(deliver)
    }

    private func submit() {
        guard batch.count > 0 else { return }
        let items = batch
        batch = MovingBatch(capacity: Self.batchSize)
        let sequence = submitted
        let laneIndex = sequence % lanes.count
        submitted += 1
        inFlight.wait()
        lanes[laneIndex].queue.async(group: group) {
            let analyzer = self.lanes[laneIndex].analyzer
            // Each record moved out, not copied: a copy was a retain and a release per string.
            let results = MovingBatch<Output>(capacity: items.count)
            items.moveEach { results.append(self.work(analyzer, $0)) }
            pthread_mutex_lock(&self.lock)
            self.finished[sequence] = results
            pthread_mutex_unlock(&self.lock)
            self.inFlight.signal()
        }
    }

    private func deliverReady(_ deliver: (MovingBatch<Output>) -> Void) {
        while true {
            pthread_mutex_lock(&lock)
            let next = finished.removeValue(forKey: delivered)
            pthread_mutex_unlock(&lock)
            guard let next else { return }
            delivered += 1
            deliver(next)
        }
    }
}

/// A batch handed between the reader and an analysis lane (records one way, results the
/// other), whose elements are moved in and moved out once: copying them out of an array was
/// a retain per string, and freeing the array a release, on every record.
final class MovingBatch<Element>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Element>
    let capacity: Int
    /// Elements held (appended and not yet moved out).
    private(set) var count = 0

    init(capacity: Int) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    func append(_ element: consuming Element) {
        precondition(count < capacity, "batch full")
        (base + count).initialize(to: element)
        count += 1
    }

    /// Moves the elements out one by one, in order.
    func moveEach(_ body: (consuming Element) -> Void) {
        let n = count
        count = 0
        for i in 0..<n { body((base + i).move()) }
    }
}

/// Collects one file's interactions as compact facts, reading each text once.
final class FileCollector: IngestSink {
    let analyzer: MessageAnalyzer
    var messages: [EmailMessage] = []
    var threadingKeys: [ThreadingKeys] = []
    let tickets = TicketCollector()
    var meetings: [MeetingRecord] = []
    var rejects: [Reject] = []
    var warnings: [String] = []
    /// Set when cores would otherwise sit idle: texts are analysed beside the reader.
    private let emailLanes: AnalysisLanes<(message: EmailMessage, keys: ThreadingKeys)>?
    private let ticketLanes: AnalysisLanes<(id: TicketID, event: TicketEvent)>?

    /// `analysisThreads` above zero analyses texts on that many threads beside the reader.
    init(analyzer: MessageAnalyzer, analysisThreads: Int, makeAnalyzer: () -> MessageAnalyzer) {
        self.analyzer = analyzer
        if analysisThreads > 0 {
            emailLanes = AnalysisLanes(count: analysisThreads, makeAnalyzer: makeAnalyzer) { $0.analyze($1) }
            ticketLanes = AnalysisLanes(count: analysisThreads, makeAnalyzer: makeAnalyzer) { (FileCollector.ticketID($1), FileCollector.ticketEvent($1, analyzer: $0)) }
        } else {
            emailLanes = nil
            ticketLanes = nil
        }
    }

    /// A ticket event with its text read (descriptions and public comments) or only its sender checked.
    static func ticketEvent(_ interaction: Interaction, analyzer: MessageAnalyzer) -> TicketEvent {
        analyzer.noteActors(interaction)
        let isText = interaction.kind == .created || interaction.kind == .message
        let (flags, stats) = isText && interaction.isPublic ? analyzer.read(interaction) : (analyzer.isAutomated(interaction) ? [.automated] : [], nil)
        return TicketCollector.event(interaction, flags: flags, text: stats)
    }

    /// The ticket an event belongs to: its tracker and key.
    static func ticketID(_ interaction: Interaction) -> TicketID {
        TicketID(tracker: interaction.attributes.tracker, key: interaction.conversation)
    }

    /// Keeps an analysed message, and what threading reads of it in the list beside.
    private func keep(_ analysed: consuming (message: EmailMessage, keys: ThreadingKeys)) {
        messages.append(analysed.message)
        threadingKeys.append(analysed.keys)
    }

    /// Waits for the analysis threads; call once reading has ended.
    func finish() {
        emailLanes?.finish { $0.moveEach(keep) }
        ticketLanes?.finish { $0.moveEach { tickets.add($0.event, to: $0.id) } }
    }

    /// Every actor seen, by this collector and its analyzers (after ``finish()``).
    var actors: Set<String> {
        var all = otherActors
        for a in [analyzer] + (emailLanes?.analyzers ?? []) + (ticketLanes?.analyzers ?? []) { all.formUnion(a.actorsSeen) }
        return all
    }

    /// Ticket assignees and meeting people, who pass no analyzer.
    private var otherActors: Set<String> = []

    func emit(_ interaction: consuming Interaction) {
        switch interaction.source {
        case .email:
            if let emailLanes { emailLanes.add(consume interaction) { $0.moveEach(keep) } } else { keep(analyzer.analyze(interaction)) }
        case .ticket:
            if let ticketLanes {
                ticketLanes.add(consume interaction) { $0.moveEach { tickets.add($0.event, to: $0.id) } }
            } else {
                tickets.add(FileCollector.ticketEvent(interaction, analyzer: analyzer), to: FileCollector.ticketID(interaction))
            }
        case .meeting:
            break
        }
    }

    func reject(_ reject: Reject) { rejects.append(reject) }
    func ticket(_ state: TicketState) {
        if let assignee = state.assignee { otherActors.insert(assignee) }
        tickets.add(state)
    }
    /// Keeps a meeting, its utterances' texts read into clarity counts and dropped.
    func meeting(_ record: MeetingRecord) {
        var m = record
        for i in m.invitees { otherActors.insert(i.actor) }
        for i in m.utterances.indices {
            otherActors.insert(m.utterances[i].actor)
            guard !m.utterances[i].text.isEmpty else { continue }
            m.utterances[i].stats = analyzer.stats(ofPlainText: m.utterances[i].text, party: m.utterances[i].party)
            m.utterances[i].text = ""
        }
        meetings.append(m)
    }
    func warn(_ message: String) { warnings.append(message) }
}

enum Ingestion {
    private static func readAll(_ source: any ByteSource, _ buffer: inout [UInt8]) throws(InputError) -> Int {
        var result: Result<Int, InputError> = .success(0)
        buffer.withUnsafeMutableBytes { b in
            do throws(InputError) { result = .success(try source.read(into: b)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Opens a file as a byte stream: gzip when it ends in `.gz`; symlinks refused unless allowed.
    /// `hashing` receives the stored bytes' SHA-256 hasher when given.
    static func open(
        _ file: InputFile, hashing: ((HashingByteSource) -> Void)? = nil, opened: ((FileByteSource) -> Void)? = nil
    ) throws(InputError) -> any ByteSource {
        var st = stat()
        if lstat(file.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK, !file.source.followSymlinks {
            throw InputError(.unreadableFile, "is a symbolic link; set `follow_symlinks: true` on the source to read it")
        }
        let fileSource = try FileByteSource(path: file.path)
        opened?(fileSource)
        var raw: any ByteSource = fileSource
        if let hashing {
            let hasher = HashingByteSource(raw)
            hashing(hasher)
            raw = hasher
        }
        return file.path.hasSuffix(".gz") ? try GzipByteSource(raw) : raw
    }

    /// Refuses files that are clearly a format Rapport does not read, whatever the pipeline says.
    static func refuseUnsupported(_ source: PeekableByteSource, file: InputFile) throws(InputError) {
        var head = try source.peek(512)
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head.removeFirst(3) }
        let text = String(decoding: head, as: UTF8.self)
        let supported = "supported formats: \(FormatRegistry.names.joined(separator: ", "))"
        // Compressed bytes under a plain name: say so rather than report a parse error.
        if !file.path.hasSuffix(".gz") && head.starts(with: [0x1F, 0x8B]) {
            throw InputError(.unsupportedFormat, "this file is gzip-compressed but its name does not end in `.gz`; rename it (e.g. `\(file.display).gz`) so that Rapport inflates it")
        }
        if head.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) || head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x42, 0x5A, 0x68]) {
            throw InputError(.unsupportedFormat, "this file is an xz, zip or bzip2 archive, which Rapport does not read; unpack it, or recompress it with gzip and name it `.gz`")
        }
        if text.hasPrefix("From ") && file.source.format != Mbox.self {
            throw InputError(.unsupportedFormat, "this is an mbox mail archive: read it with `format: mbox`; \(supported)")
        }
        if text.hasPrefix("WEBVTT") && file.source.format != WebVTT.self {
            throw InputError(.unsupportedFormat, "this is a WebVTT transcript; read it with `kind: meeting, format: webvtt`")
        }
        if text.contains("nite.sourceforge.net") || text.contains("<nite:") {
            throw InputError(.unsupportedFormat, "this is AMI NXT meeting XML, which Rapport does not read yet; \(supported)")
        }
    }

    /// Reads one file; with `analysisThreads` above zero, e-mail analysis runs on that many
    /// threads beside the parser.
    static func read(
        _ file: InputFile, config: PipelineConfig, analysis: MessageAnalyzer.Settings, parties: PartyDirectory, now: Instant,
        analysisThreads: Int = 0
    ) -> FileOutcome {
        var outcome = FileOutcome(file: file)
        let analyzer = MessageAnalyzer(settings: analysis, parties: parties)
        let collector = FileCollector(
            analyzer: analyzer, analysisThreads: analysisThreads, makeAnalyzer: { MessageAnalyzer(settings: analysis, parties: parties) })
        var counter: CountingSource?
        var hasher: HashingByteSource?
        var entries: (any EntrySource)?
        var onDisk: FileByteSource?
        do {
            var context = FormatContext(
                fileIndex: file.index, displayPath: file.display, zone: file.source.zone, parties: parties, now: now,
                csv: CSVReader.Options(maxRecordBytes: config.maxRecordBytes), options: file.source.options)
            context.kind = file.source.kind
            if let format = file.source.format as? any EntryFormat.Type {
                // A folder or an archive (or a lone file) read entry by entry: see EntrySources.
                let source = try EntrySources.open(
                    path: file.path, display: file.display, followSymlinks: file.source.followSymlinks, opened: { onDisk = $0 })
                entries = source
                outcome.recordsRead = try format.read(entries: source, context: context, into: collector)
                outcome.sha256 = try source.finishDigest()
            } else {
                let peekable = PeekableByteSource(try open(file, hashing: { hasher = $0 }, opened: { onDisk = $0 }))
                let source = CountingSource(peekable)
                counter = source
                try refuseUnsupported(peekable, file: file)
                outcome.recordsRead = try file.source.format.read(source, context: context, into: collector)
            }
            collector.finish()
            outcome.messages = collector.messages
            outcome.threadingKeys = collector.threadingKeys
            outcome.tickets = collector.tickets.tickets
            outcome.meetings = collector.meetings
            outcome.rejects = collector.rejects
            outcome.warnings = collector.warnings
            outcome.actors = collector.actors
            // The reader may stop before the end of a file (trailing blank lines): hash the rest too.
            if let hasher {
                var rest = [UInt8](repeating: 0, count: 1 << 16)
                while try readAll(hasher, &rest) > 0 {}
                outcome.sha256 = hasher.hexDigest()
            }
            try onDisk?.checkUnchanged()
        } catch {
            collector.finish()  // let the analysis threads drain before the outcome is dropped
            outcome.failure = error
            outcome.recordsRead = 0
            outcome.messages = []
            outcome.threadingKeys = []
            outcome.actors = []
            outcome.rejects = [Reject(file: file.index, record: nil, reason: error.reason, message: error.message)]
        }
        outcome.bytesOnDisk = counter?.bytesFromDisk ?? entries?.bytesFromDisk ?? 0
        outcome.bytesDecoded = counter?.count ?? entries?.bytesRead ?? 0
        return outcome
    }

    /// Reads every file, `jobs` at a time; outcomes come back in file order.
    static func readAll(
        _ files: [InputFile], config: PipelineConfig, analysis: MessageAnalyzer.Settings, parties: PartyDirectory, now: Instant, jobs: Int,
        progress: (@Sendable (Int, Int, Int64) -> Void)? = nil
    ) -> [FileOutcome] {
        let results = OutcomeBox(count: files.count)
        let workers = max(1, min(jobs, files.count))
        // Fewer files than jobs: the idle cores analyse messages while the readers parse (the
        // analysis is most of the work; the reader thread then mostly waits for it).
        let analysisThreads = jobs > workers ? jobs / workers : 0
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = results.claim() {
                let (done, bytes) = results.store(
                    i, read(files[i], config: config, analysis: analysis, parties: parties, now: now, analysisThreads: analysisThreads))
                progress?(done, files.count, bytes)
            }
        }
        return results.all()
    }
}

/// A work queue of file indexes and a slot per result, shared by the reading threads.
private final class OutcomeBox: @unchecked Sendable {
    private var next = 0
    private var slots: [FileOutcome?]
    private var lock = pthread_mutex_t()
    init(count: Int) {
        slots = Array(repeating: nil, count: count)
        pthread_mutex_init(&lock, nil)
    }
    deinit { pthread_mutex_destroy(&lock) }
    func claim() -> Int? {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }
    private var done = 0
    private var bytes: Int64 = 0

    /// Stores a result; returns how many files are done and the bytes read so far.
    func store(_ i: Int, _ o: FileOutcome) -> (Int, Int64) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        slots[i] = o
        done += 1
        bytes += o.bytesOnDisk
        return (done, bytes)
    }
    func all() -> [FileOutcome] { slots.map { $0! } }
}
