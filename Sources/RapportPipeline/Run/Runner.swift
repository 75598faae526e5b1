import Foundation
import Logging
import RapportAggregates
import RapportCore
import RapportFacts
import RapportIngest
import RapportRuntime
import RapportSinks
import RapportTransforms

/// How to run a pipeline (the command line's options).
public struct RunOptions: Sendable {
    public var window = WindowRequest()
    /// "Now" for the report; default the latest timestamp in the data.
    public var asOf: Instant?
    /// `--out`: overrides `outputs.dir`.
    public var outputDirectory: String?
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    /// `--run-id`: fixes the run id so that two runs give byte-identical outputs.
    public var runID: String?
    /// The wall clock at the start (timestamps more than a day after it are implausible).
    public var now: Instant = Instant(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9))
    /// Called as files finish reading and as the run enters a stage; the CLI draws a progress line.
    public var progress: (@Sendable (RunProgress) -> Void)?
    /// `--allow-empty`: publish even when the window holds no conversation over a report that has some.
    public var allowEmpty = false
    /// Where fact files are cached (default: the pipeline's `cache.dir`, else beside the output
    /// folder; a run that publishes nothing uses a temporary folder it removes).
    public var cacheDirectory: String?
    /// Forces the analysis' number of partitions (nil: as the memory budget asks).
    public var partitions: Int?
    /// `rapport shard merge`: merge the results of a sharded analysis (the Spark job) instead of analysing.
    public var shards: ShardMergeRequest?

    public init() {}
}

extension RunSummary {
    /// The progress line's figures once every file is read (the analyse and write stages).
    func progress(_ stage: RunProgress.Stage) -> RunProgress {
        let bytes = files.reduce(Int64(0)) { $0 + $1.bytes }
        return RunProgress(stage: stage, filesDone: files.count, files: files.count, bytesDone: bytes, bytesTotal: bytes, records: read)
    }
}

/// Reconciliation for one input file: `read = used + duplicates + rejected`.
public struct FileReport: Sendable {
    public var file: String
    public var format: String
    public var kind: SourceKind
    public var bytes: Int64
    public var decodedBytes: Int64
    /// SHA-256 of the file as stored.
    public var sha256 = ""
    /// True when its facts came from the cache (the file was not read this run).
    public var fromCache = false
    /// Nil when the file was read; otherwise why it could not be (it then contributes no records).
    public var failure: String?
    public var read = 0
    public var used = 0
    public var duplicates = 0
    public var rejected = 0
}

/// What a run did: the figures behind the one-line summary and `report.json`.
public struct RunSummary: Sendable {
    public var runID: String
    public var pipeline: String
    public var published: String?
    public var files: [FileReport] = []
    public var asOf: Instant?
    public var window: [Period] = []
    public var turns = 0
    public var conversations = 0
    public var partnersWithData = 0
    public var notes: [String] = []
    /// Misconfigurations and data conditions found (PRODUCT.md), in the order found.
    public var warnings: [RunWarning] = []
    public var seconds = 0.0
    /// Wall time per stage (ingest, transform, aggregate, write), in seconds.
    public var timings: [(String, Double)] = []
    public var startedAt = Instant(nanoseconds: 0)
    /// True when `--run-id` was given: outputs hold no wall-clock figures.
    public var deterministic = false

    public var read: Int { files.reduce(0) { $0 + $1.read } }
    public var used: Int { files.reduce(0) { $0 + $1.used } }
    public var duplicates: Int { files.reduce(0) { $0 + $1.duplicates } }
    /// Rejected records plus whole files refused (each a row of rejects.csv).
    public var rejected: Int { files.reduce(0) { $0 + $1.rejected + ($1.failure == nil ? 0 : 1) } }
    public var rejectedRecords: Int { files.reduce(0) { $0 + $1.rejected } }
    public var decodedBytes: Int64 { files.reduce(0) { $0 + $1.decodedBytes } }

    /// The window as the summary line names it.
    public var windowText: String {
        window.isEmpty ? "no complete period" : window.count == 1 ? window[0].label : "\(window.first!.label)..\(window.last!.label)"
    }

    /// The one line printed under cron.
    public var line: String {
        let mb = Double(decodedBytes) / 1_000_000
        let rate = seconds > 0 ? mb / seconds : 0
        let periods = windowText
        var s = published.map { "rapport: published \($0) (\(periods)): " } ?? "rapport: \(pipeline) (\(periods)): "
        let cached = files.filter(\.fromCache).count
        s += "\(count(read, "record")) (\(group(used)) used, \(count(duplicates, "duplicate")), \(group(rejected)) rejected) from \(count(files.count, "file"))"
        s += cached > 0 ? " (\(cached) from the cache), " : ", "
        s += "\(count(turns, "turn")), \(count(conversations, "conversation")), \(count(partnersWithData, "partner")); "
        s += String(format: "%.1f MB in %.2f s (%.0f MB/s)", mb, seconds, rate)
        return s
    }

    /// "1 turn", "2,605 turns".
    private func count(_ n: Int, _ noun: String) -> String { "\(group(n)) \(noun)\(n == 1 ? "" : "s")" }

    private func group(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}

/// Runs a pipeline: the only place that knows every stage.
public enum Runner {
    public static let definitionsVersion = "3"
    public static let version = "0.1.0"

    /// Everything computed before anything is written.
    struct Computation {
        var summary: RunSummary
        var rejects: [Reject] = []
        var aggregates = Aggregates()
        var context: ReportContext
        /// The fact tables' rows, in their published order.
        var responses: SortedRows
        var conversations: SortedRows
        var interactions: SortedRows?
        /// The turns and conversations to look at (attention.csv), and the page's lists of them.
        var attention: SortedRows
        var attentionDigest = AttentionDigest()
        /// The published folder (for the database history the new report continues).
        var target = ""
        /// The scratch folder the rows' runs are in (kept until the outputs are written).
        var scratch: ScratchFolder?
    }

    /// Reads, computes and (unless `write` is false) publishes. Throws for failures (exit 1),
    /// pipeline problems (exit 2) and a held lock (exit 75).
    public static func run(_ config: PipelineConfig, options: RunOptions, logger: Logger, write: Bool = true) throws(RapportError) -> RunSummary {
        let started = DispatchTime.now()
        let requested = normalisePath(options.outputDirectory.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 } ?? config.outputDirectory)
        let files = try InputFiles.expand(config)
        // The folder is checked, and the lock taken, before anything is read: a refused run
        // touches nothing, and a second run stops at once.
        let folder = write ? try OutputFolder.check(requested, protecting: [config.file] + files.map(\.path), knownFiles: Outputs.fileNames) : nil
        let target = folder?.path ?? requested
        let publisher = write ? try Publisher(target: target) : nil
        var options = options
        if write, options.cacheDirectory == nil { options.cacheDirectory = config.cacheDirectory(for: target) }
        do throws(RapportError) {
            var computation = try compute(config, files: files, options: options, logger: logger)
            computation.target = target
            if folder?.state == .report && !options.allowEmpty && computation.summary.conversations == 0 && Outputs.reportHasConversations(target) {
                throw RapportError(
                    .failed, file: target,
                    "nothing to report: the window (\(computation.summary.windowText)) holds no conversation, so the report there, which has some, was kept; check the inputs and --from/--to/--last, or pass --allow-empty to publish an empty report")
            }
            if let publisher {
                options.progress?(computation.summary.progress(.write))
                let writing = DispatchTime.now()
                computation.summary.seconds = Double(writing.uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
                let written = try Outputs.write(computation, config: config, into: publisher.staging)
                for (format, seconds) in written { logger.debug("wrote \(format) in \(String(format: "%.2f", seconds)) s") }
                try publisher.publish()
                computation.summary.published = displayPath(target)
                computation.summary.timings.append(("write", Double(DispatchTime.now().uptimeNanoseconds - writing.uptimeNanoseconds) / 1e9))
            }
            computation.summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            for (stage, seconds) in computation.summary.timings { logger.debug("\(stage): \(String(format: "%.2f", seconds)) s") }
            // Inside the message, so /proc is read only at debug level.
            logger.debug("peak memory: \(PeakMemory.mib(PeakMemory.residentBytes()))")
            return computation.summary
        } catch {
            publisher?.abandon()
            throw error
        }
    }

    /// Extract (what the cache lacks), then analyse the facts of every file.
    static func compute(_ config: PipelineConfig, files given: [InputFile]? = nil, options: RunOptions, logger: Logger) throws(RapportError) -> Computation {
        var clock = DispatchTime.now()
        func lap() -> Double {
            let now = DispatchTime.now()
            defer { clock = now }
            logger.debug("memory: \(PeakMemory.summary)")
            return Double(now.uptimeNanoseconds - clock.uptimeNanoseconds) / 1e9
        }
        let pseudonymizer = config.pseudonymize ? try Pseudonymizer() : nil
        let files: [InputFile]
        if let given { files = given } else { files = try InputFiles.expand(config) }
        let temporaryCache = options.cacheDirectory == nil ? temporaryFolder("rapport-facts") : nil
        defer { if let temporaryCache { SafeRemoval.removeTree(temporaryCache) } }
        let cacheFolder = options.cacheDirectory ?? temporaryCache!
        let cache = try FactCache(directory: cacheFolder)
        var extracted = try Extraction.extractAll(files, config: config, cache: cache, now: options.now, jobs: options.jobs, progress: options.progress)
        var summary = RunSummary(runID: options.runID ?? defaultRunID(options.now), pipeline: config.name)
        summary.startedAt = options.now
        summary.deterministic = options.runID != nil
        for i in extracted.indices {
            if let repaired = extracted[i].repaired { summary.warnings.append(RunWarning(.cacheEntryDamaged, repaired, file: extracted[i].file.display)) }
            extracted[i] = try Extraction.checkUnchanged(extracted[i], cache: cache)
        }
        summary.timings.append(("extract", lap()))
        var rejects = try reconcileFiles(extracted, config: config, logger: logger, into: &summary)
        options.progress?(summary.progress(.analyse))

        var pseudonym: (@Sendable (String) -> String)?
        if let pseudonymizer { pseudonym = { pseudonymizer.pseudonym($0) } }
        let settings = AnalysisSettings(
            config: config, request: options.window, asOf: options.asOf, now: options.now, pseudonym: pseudonym, memory: Int(config.memoryBudget),
            scratchParent: cacheFolder, partitions: options.partitions)
        let (analysis, context): (Analysis, ReportContext)
        if let request = options.shards {
            (analysis, context) = try ShardMerge.run(extracted, settings: settings, request: request)
        } else {
            (analysis, context) = try Analysis.run(extracted, settings: settings)
        }
        for i in summary.files.indices {
            summary.files[i].used = analysis.used[i]
            summary.files[i].duplicates = analysis.duplicates[i]
        }
        for r in analysis.rejects { summary.files[Int(r.file)].rejected += 1 }
        rejects += analysis.rejects
        summary.notes += analysis.notes
        try checkRejectRatio(summary, rejects: rejects, files: files, config: config, logger: logger)
        summary.asOf = analysis.asOf
        summary.window = analysis.window
        summary.timings.append(("analyse", lap()))

        let aggregator = Aggregator(sources: config.sourceKinds, trust: config.trust, context: AggregationContext(cutter: context.cutter))
        let cutter = context.cutter
        let (asOf, earliest) = (analysis.asOf, analysis.earliest)
        let aggregates = aggregator.report(analysis.cells, window: analysis.window, rejected: summary.rejected) { period in
            cutter.end(of: period) <= asOf && (earliest.map { $0 <= cutter.start(of: period) } ?? false)
        }
        summary.turns = analysis.turnsInWindow
        summary.conversations = analysis.conversationsInWindow
        summary.partnersWithData = Set(aggregates.trust.map(\.partner)).count
        var seen = analysis.seen
        seen.recordsInWindow = analysis.recordsInWindow
        seen.observeTrust(aggregates)
        summary.warnings += Misconfiguration.warnings(config, seen, files: summary.files)
        for w in summary.warnings { logger.warning("\(w.code.rawValue): \(w.message)") }
        summary.timings.append(("aggregate", lap()))
        return Computation(
            summary: summary, rejects: rejects, aggregates: aggregates, context: context, responses: analysis.responses,
            conversations: analysis.conversations, interactions: analysis.interactions, attention: analysis.attention,
            attentionDigest: analysis.attentionDigest, scratch: analysis.scratch)
    }

    /// Each file's reconciliation start (records read, its rejects and notes); a file that
    /// could not be read fails the run unless `limits.allow_bad_files`.
    static func reconcileFiles(_ extracted: [ExtractedFile], config: PipelineConfig, logger: Logger, into summary: inout RunSummary) throws(RapportError) -> [Reject] {
        struct Notes: FactVisitor {
            var rejects: [Reject] = []
            var warnings: [String] = []
            var wants: Set<FactFile.BlockKind> { [.rejects, .warnings] }
            mutating func reject(_ r: Reject) { rejects.append(r) }
            mutating func warning(_ text: String) { warnings.append(text) }
        }
        var rejects: [Reject] = []
        for e in extracted {
            var notes = Notes()
            do { try e.reader.scan(&notes, file: e.file.index) } catch {
                throw RapportError(.failed, file: e.reader.path, "the facts of \(e.file.display) cannot be read: \(error.message); remove the cache folder and run again")
            }
            let s = e.summary
            for w in notes.warnings {
                summary.notes.append("\(e.file.display): \(w)")
                summary.warnings.append(RunWarning(.inputNote, "\(e.file.display): \(w)", file: e.file.display))
            }
            if let f = s.failure, f.reason == .changedWhileRead {
                summary.warnings.append(RunWarning(.inputChanged, "\(e.file.display): \(f.message); it was refused", file: e.file.display))
            }
            var report = FileReport(file: e.file.display, format: e.file.source.format.name, kind: e.file.source.kind, bytes: s.bytesOnDisk, decodedBytes: s.decodedBytes)
            report.read = s.failure == nil ? s.recordsRead : 0
            report.sha256 = s.sha256
            report.failure = s.failure.map { "\($0.reason.rawValue): \($0.message)" }
            report.rejected = s.failure == nil ? notes.rejects.count : 0
            report.fromCache = e.fromCache
            summary.files.append(report)
            rejects += notes.rejects
        }
        let failed = extracted.filter { $0.summary.failure != nil }
        for f in failed {
            let line = "\(f.file.path): \(f.summary.failure!.message)"
            if config.allowBadFiles { logger.warning("\(line) (skipped: limits.allow_bad_files)") } else { logger.error("\(line)") }
        }
        if let first = failed.first, !config.allowBadFiles {
            throw RapportError(
                .failed, file: first.file.path,
                "\(first.summary.failure!.message)\(failed.count > 1 ? " (and \(failed.count - 1) more bad file\(failed.count > 2 ? "s" : ""))" : ""); nothing was published (set limits.allow_bad_files: true to publish the other files' figures)")
        }
        return rejects
    }

    /// Too many bad records: fail before anything is published.
    static func checkRejectRatio(_ summary: RunSummary, rejects: [Reject], files: [InputFile], config: PipelineConfig, logger: Logger) throws(RapportError) {
        let read = summary.read
        guard read > 0 else { return }
        let ratio = Double(summary.rejectedRecords) / Double(read)
        guard ratio > config.maxRejectRatio else { return }
        for r in rejects.prefix(5) {
            logger.error("\(files[Int(r.file)].path):\(r.record.map(String.init) ?? ""): \(r.reason.rawValue): \(r.message)")
        }
        throw RapportError(
            .failed, file: config.file,
            String(format: "%d of %d records rejected (%.1f%%), above limits.max_reject_ratio (%.1f%%); nothing was published", summary.rejectedRecords, read, ratio * 100, config.maxRejectRatio * 100))
    }

    /// A fresh folder under the system's temporary folder (mkdtemp: 0700, unpredictable).
    static func temporaryFolder(_ prefix: String) -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/" + prefix + "-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { return base + "/" + prefix + "-\(getpid())" }
        return String(cString: made)
    }

    static func defaultRunID(_ now: Instant) -> String {
        let t = now.rfc3339
        let compact = t.prefix(19).filter { $0 != "-" && $0 != ":" }
        return "\(compact)Z-\(getpid())"
    }

    /// A path relative to the working folder when it lies inside it.
    static func displayPath(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
        return path
    }
}
