import Dispatch
import Foundation
import Glibc
import RapportCore
import RapportFacts
import RapportIngest
import RapportTransforms

/// An input file's facts, from the cache or freshly extracted.
struct ExtractedFile: @unchecked Sendable {
    var file: InputFile
    var reader: FactFileReader
    /// True when the cache had the facts (the input was not read).
    var fromCache: Bool
    /// Why a cached entry could not be used and was made again (a damaged file), if it was.
    var repaired: String?
    var summary: FactFile.Summary { reader.summary }
}

/// The extract phase: each input file, once, into a fact file in the cache (PRODUCT.md,
/// "Scale"). A file whose identity, extractor and settings match a cache entry is not read
/// again; files are extracted in parallel, and with fewer files than cores their texts are
/// read on the idle cores beside the reader.
enum Extraction {
    /// The cache entry name of `file` (nil when the file cannot be found: it is then read, and fails).
    static func key(_ file: InputFile, config: PipelineConfig) -> (key: String, identity: InputIdentity, settings: String)? {
        guard let identity = identity(of: file.path) else { return nil }
        let settings = ExtractionSettings.digest(file.source, config: config) + "|" + file.display
        return (FactCache.key(identity: identity, extractor: ExtractionSettings.extractorVersion, settings: settings), identity, settings)
    }

    /// A file's identity; for a folder input (Maildir, a folder of .eml, an unzipped Slack
    /// export) one that changes when any file below it does: the folder's own modification
    /// time does not (a file edited inside leaves it), so every file's name, inode, size and
    /// time are folded into it.
    static func identity(of path: String) -> InputIdentity? {
        guard var identity = InputIdentity.of(path) else { return nil }
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return identity }
        var hasher = FingerprintHasher()
        var total: Int64 = 0
        let walker = FileManager.default.enumerator(atPath: path)
        while let name = walker?.nextObject() as? String {
            var entry = stat()
            guard lstat(path + "/" + name, &entry) == 0 else { continue }
            hasher.add(name)
            withUnsafeBytes(of: (UInt64(entry.st_ino), Int64(entry.st_size), Int64(entry.st_mtim.tv_sec), Int64(entry.st_mtim.tv_nsec))) { hasher.add($0) }
            total += Int64(entry.st_size)
        }
        let digest = hasher.finish()
        identity.size = total
        identity.modifiedNanoseconds = Int64(bitPattern: digest.low)
        return identity
    }

    /// Every file's facts, in file order. Throws only when the cache cannot be written.
    static func extractAll(
        _ files: [InputFile], config: PipelineConfig, cache: FactCache, now: Instant, jobs: Int,
        progress: (@Sendable (RunProgress) -> Void)? = nil
    ) throws(RapportError) -> [ExtractedFile] {
        let results = ResultSlots<Result<ExtractedFile, RapportError>>(count: files.count)
        // The ETA is over all inputs by bytes: their sizes, summed before any is read.
        let gauge = progress.map { report in
            ExtractionGauge(files: files.count, bytesTotal: files.reduce(Int64(0)) { $0 + (identity(of: $1.path)?.size ?? 0) }, report: report)
        }
        let workers = max(1, min(jobs, files.count))
        let analysisThreads = jobs > workers ? jobs / workers : 0
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = results.claim() {
                let r = Result(catching: { () throws(RapportError) in
                    try extract(
                        files[i], config: config, cache: cache, now: now, analysisThreads: analysisThreads,
                        onBytes: gauge.map { g in { g.reading(i, bytes: $0) } })
                })
                let summary = try? r.get().summary
                _ = results.store(i, r, bytes: summary?.bytesOnDisk ?? 0)
                gauge?.finished(i, bytes: summary?.bytesOnDisk ?? 0, records: summary?.recordsRead ?? 0)
            }
        }
        var out: [ExtractedFile] = []
        for r in results.all() { out.append(try r.get()) }
        return out
    }

    /// One file's facts: the cache entry when it is good, else a new extraction stored there.
    static func extract(
        _ file: InputFile, config: PipelineConfig, cache: FactCache, now: Instant, analysisThreads: Int, onBytes: ((Int64) -> Void)? = nil
    ) throws(RapportError) -> ExtractedFile {
        let key = Self.key(file, config: config)
        var repaired: String?
        if let key {
            do {
                if let reader = try cache.open(key.key, identity: key.identity, extractor: ExtractionSettings.extractorVersion, settings: key.settings),
                    reader.summary.futureRejects.allSatisfy({ $0 > now.adding(seconds: 86_400) })
                {
                    return ExtractedFile(file: file, reader: reader, fromCache: true)
                }
            } catch {
                repaired = "the cached facts of \(file.display) could not be used (\(error.message)); the file was extracted again"
            }
        }
        let writer = try cache.makeWriter()
        let summary = read(file, config: config, into: writer, now: now, analysisThreads: analysisThreads, onBytes: onBytes)
        // A file that cannot be read is not cached: what made it unreadable may change
        // without its identity changing (its permissions, a mount).
        if let failure = summary.failure {
            cache.discard(writer)
            return try failed(file, failure, cache: cache)
        }
        guard let key, identity(of: file.path) == key.identity else {
            cache.discard(writer)
            // Changed between the key and the end of the read: refused, as a change while reading is.
            let failure = FileFailure(reason: .changedWhileRead, message: "the file changed while it was read; run again once the export is complete")
            return try failed(file, failure, cache: cache)
        }
        writer.summary.input = key.identity
        writer.summary.settingsDigest = key.settings
        try cache.commit(writer, as: key.key)
        do {
            let reader = try FactFileReader(path: cache.path(of: key.key))
            return ExtractedFile(file: file, reader: reader, fromCache: false, repaired: repaired)
        } catch {
            throw RapportError(.failed, file: cache.path(of: key.key), "the fact file just written cannot be read back: \(error.message)")
        }
    }

    /// The input must still be the file its facts were made from when the analysis uses them
    /// (PRODUCT.md): one that changed since is refused, as a change while reading is.
    static func checkUnchanged(_ e: ExtractedFile, cache: FactCache) throws(RapportError) -> ExtractedFile {
        guard e.summary.failure == nil, identity(of: e.file.path) != e.summary.input else { return e }
        let failure = FileFailure(
            reason: .changedWhileRead, message: "the file changed after its facts were extracted (its size, modification time or identity differ); run again once the export is complete")
        return try failed(e.file, failure, cache: cache)
    }

    /// A fact file that says only why the file could not be read (not kept in the cache).
    static func failed(_ file: InputFile, _ failure: FileFailure, cache: FactCache) throws(RapportError) -> ExtractedFile {
        let writer = try cache.makeWriter()
        writer.summary.failure = failure
        writer.summary.format = file.source.format.name
        do {
            try writer.add(Reject(file: 0, record: nil, reason: failure.reason, message: failure.message))
            try writer.finish()
            let reader = try FactFileReader(path: writer.path)
            cache.discard(writer)  // the open descriptor keeps it readable
            return ExtractedFile(file: file, reader: reader, fromCache: false)
        } catch {
            cache.discard(writer)
            throw RapportError(.failed, file: writer.path, error.message)
        }
    }

    /// Reads `file` through its format into `writer` and returns the summary written with it.
    /// `onBytes` hears the bytes taken from disk so far, every MiB (the progress line).
    static func read(
        _ file: InputFile, config: PipelineConfig, into writer: FactFileWriter, now: Instant, analysisThreads: Int, onBytes: ((Int64) -> Void)? = nil
    ) -> FactFile.Summary {
        let names = PartyDirectory(client: PartyRules(), partners: config.partners.map { (PartnerInfo(id: $0.id, name: $0.name), PartyRules()) })
        let settings = MessageAnalyzer.Settings(
            acknowledgements: AcknowledgementRule(phrases: config.acknowledgements), escalationPhrases: config.compiledEscalationPhrases,
            textRules: TextRules(acronymsKnown: config.acronymsKnown, clarification: try? PhraseMatcher(patterns: config.clarificationPatterns)))
        let sink = FactSink(
            writer: writer, analyzer: MessageAnalyzer(settings: settings, parties: names), analysisThreads: analysisThreads,
            makeAnalyzer: { MessageAnalyzer(settings: settings, parties: names) })
        sink.ticketLinks = file.source.options.links
        let future = FutureRejects()
        var counter: CountingSource?
        var hasher: HashingByteSource?
        var entries: (any EntrySource)?
        var onDisk: FileByteSource?
        writer.summary.format = file.source.format.name
        writer.summary.extractor = ExtractionSettings.extractorVersion
        do throws(InputError) {
            var context = FormatContext(
                fileIndex: 0, displayPath: file.display, zone: file.source.zone, parties: names, now: now,
                csv: CSVReader.Options(maxRecordBytes: config.maxRecordBytes), options: file.source.options)
            context.kind = file.source.kind
            context.futureRejects = future
            if let format = file.source.format as? any EntryFormat.Type {
                // A folder or an archive (or a lone file) read entry by entry: see EntrySources.
                let source = try EntrySources.open(
                    path: file.path, display: file.display, followSymlinks: file.source.followSymlinks, opened: { onDisk = $0 })
                entries = source
                writer.summary.recordsRead = try format.read(entries: source, context: context, into: sink)
                writer.summary.sha256 = try source.finishDigest()
            } else {
                let opened = try Ingestion.open(file, hashing: { hasher = $0 }, opened: { onDisk = $0 })
                let peekable = PeekableByteSource(onBytes.map { GaugedSource(opened, every: 1 << 20, note: $0) } ?? opened)
                let source = CountingSource(peekable)
                counter = source
                try Ingestion.refuseUnsupported(peekable, file: file)
                writer.summary.recordsRead = try file.source.format.read(source, context: context, into: sink)
            }
            sink.finish()
            if let hasher {
                var rest = [UInt8](repeating: 0, count: 1 << 16)
                while try Ingestion.readAll(hasher, &rest) > 0 {}
                writer.summary.sha256 = hasher.hexDigest()
            }
            try onDisk?.checkUnchanged()
            if let f = sink.failure { throw InputError(.unreadableFile, "the facts could not be written: \(f.message)") }
        } catch {
            sink.finish()
            writer.summary.failure = FileFailure(reason: error.reason, message: error.message)
            writer.summary.recordsRead = 0
        }
        writer.summary.futureRejects = future.instants
        writer.summary.bytesOnDisk = counter?.bytesFromDisk ?? entries?.bytesFromDisk ?? 0
        writer.summary.decodedBytes = counter?.count ?? entries?.bytesRead ?? 0
        return writer.summary
    }
}

/// A work queue of indexes and a slot per result, shared by worker threads.
final class ResultSlots<T>: @unchecked Sendable {
    private var next = 0
    private var slots: [T?]
    private var done = 0
    private var bytes: Int64 = 0
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

    /// Stores a result; returns how many are done and the bytes so far.
    func store(_ i: Int, _ value: T, bytes: Int64) -> (Int, Int64) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        slots[i] = value
        done += 1
        self.bytes += bytes
        return (done, self.bytes)
    }

    func all() -> [T] { slots.map { $0! } }
}

/// The extract phase's progress: finished files' sizes plus the part read of each file being
/// read, so a large file moves the line (and its rate and ETA) while it is read. Reports at
/// every file's end and, while files are read, at most every `interval` seconds; reports are
/// made under the lock, one at a time.
final class ExtractionGauge: @unchecked Sendable {
    private let report: @Sendable (RunProgress) -> Void
    private let interval: UInt64
    private var progress: RunProgress
    private var finishedBytes: Int64 = 0
    private var reading: [Int: Int64] = [:]
    private var last = DispatchTime.now().uptimeNanoseconds
    private var lock = pthread_mutex_t()

    init(files: Int, bytesTotal: Int64, interval: Double = 0.2, report: @escaping @Sendable (RunProgress) -> Void) {
        self.report = report
        self.interval = UInt64(interval * 1e9)
        progress = RunProgress(stage: .extract, filesDone: 0, files: files, bytesDone: 0, bytesTotal: bytesTotal, records: 0)
        pthread_mutex_init(&lock, nil)
        report(progress)
    }
    deinit { pthread_mutex_destroy(&lock) }

    /// File `i` has had `bytes` taken from disk so far.
    func reading(_ i: Int, bytes: Int64) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        reading[i] = bytes
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - last >= interval else { return }
        last = now
        emit()
    }

    /// File `i` is done: `bytes` its size on disk, `records` its records read.
    func finished(_ i: Int, bytes: Int64, records: Int) {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        reading[i] = nil
        finishedBytes += bytes
        progress.filesDone += 1
        progress.records += records
        last = DispatchTime.now().uptimeNanoseconds
        emit()
    }

    private func emit() {
        progress.bytesDone = finishedBytes + reading.values.reduce(0, +)
        if progress.bytesTotal > 0 { progress.bytesDone = min(progress.bytesDone, progress.bytesTotal) }
        report(progress)
    }
}

/// Passes reads through and tells `note` the bytes taken from disk each time another
/// `every` bytes have been.
final class GaugedSource: ByteSource {
    let inner: any ByteSource
    private let every: Int64
    private let note: (Int64) -> Void
    private var noted: Int64 = 0
    init(_ inner: any ByteSource, every: Int64, note: @escaping (Int64) -> Void) {
        self.inner = inner
        self.every = every
        self.note = note
    }
    var bytesFromDisk: Int64 { inner.bytesFromDisk }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = try inner.read(into: buffer)
        let d = inner.bytesFromDisk
        if d - noted >= every {
            noted = d
            note(d)
        }
        return n
    }
}
