import Foundation
import Logging
import RapportAggregates
import RapportCore
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
    /// Called as files finish reading (files done, files in all, bytes read); the CLI draws a progress line.
    public var progress: (@Sendable (Int, Int, Int64) -> Void)?
    /// `--allow-empty`: publish even when the window holds no conversation over a report that has some.
    public var allowEmpty = false

    public init() {}
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
        s += "\(group(read)) records (\(group(used)) used, \(group(duplicates)) duplicate\(duplicates == 1 ? "" : "s"), \(group(rejected)) rejected) from \(files.count) file\(files.count == 1 ? "" : "s"), "
        s += "\(group(turns)) turns, \(group(conversations)) conversations, \(partnersWithData) partner\(partnersWithData == 1 ? "" : "s"); "
        s += String(format: "%.1f MB in %.2f s (%.0f MB/s)", mb, seconds, rate)
        return s
    }

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
    public static let definitionsVersion = "2"
    public static let version = "0.1.0"

    /// Everything computed before anything is written.
    struct Computation {
        var summary: RunSummary
        var facts = Facts()
        var rejects: [Reject] = []
        var aggregates = Aggregates()
        var context: ReportContext
        /// The published folder (for the database history the new report continues).
        var target = ""
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
        let factTables = publisher.flatMap { Outputs.FactTablesWriter(formats: config.outputFormats, into: $0.staging) }
        do throws(RapportError) {
            var computation = try compute(config, files: files, options: options, logger: logger, factTables: factTables)
            computation.target = target
            if folder?.state == .report && !options.allowEmpty && computation.summary.conversations == 0 && Outputs.reportHasConversations(target) {
                throw RapportError(
                    .failed, file: target,
                    "nothing to report: the window (\(computation.summary.windowText)) holds no conversation, so the report there, which has some, was kept; check the inputs and --from/--to/--last, or pass --allow-empty to publish an empty report")
            }
            if let publisher {
                let writing = DispatchTime.now()
                computation.summary.seconds = Double(writing.uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
                let written = try Outputs.write(computation, config: config, into: publisher.staging, factTables: factTables)
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
            _ = try? factTables?.wait()  // nothing may still be writing into the folder abandoned
            publisher?.abandon()
            throw error
        }
    }

    /// `factTables`, when given, starts writing the tables that need only the facts as soon as
    /// the transforms are done, beside the aggregation.
    static func compute(
        _ config: PipelineConfig, files given: [InputFile]? = nil, options: RunOptions, logger: Logger, factTables: Outputs.FactTablesWriter? = nil
    ) throws(RapportError) -> Computation {
        var clock = DispatchTime.now()
        func lap() -> Double {
            let now = DispatchTime.now()
            defer { clock = now }
            // Inside the message, so /proc is read only at debug level.
            logger.debug("memory: \(PeakMemory.summary)")
            return Double(now.uptimeNanoseconds - clock.uptimeNanoseconds) / 1e9
        }
        let pseudonymizer = config.pseudonymize ? try Pseudonymizer() : nil
        let collectInteractions = config.outputFormats.contains(.sqlite)
        let files: [InputFile]
        if let given { files = given } else { files = try InputFiles.expand(config) }
        let parties = config.directoryOfParties
        let phrases: PhraseMatcher?
        do {
            phrases = config.escalationPhrases.isEmpty ? nil : try PhraseMatcher(patterns: config.escalationPhrases)
        } catch {
            throw RapportError(.usage, file: config.file, "escalation.phrases \(error)")
        }
        let clarification = try? PhraseMatcher(patterns: config.clarificationPatterns)
        let analysis = MessageAnalyzer.Settings(
            ignoreActors: GlobSet(config.ignoreActors), acknowledgements: AcknowledgementRule(phrases: config.acknowledgements),
            escalationPhrases: phrases, escalationContacts: GlobSet(config.escalationContacts),
            textRules: TextRules(acronymsKnown: config.acronymsKnown, clarification: clarification))

        // Ingest: every file, in parallel; a file that cannot be read contributes nothing.
        var outcomes = Ingestion.readAll(
            files, config: config, analysis: analysis, parties: parties, now: options.now, jobs: options.jobs, progress: options.progress)
        let runID = options.runID ?? defaultRunID(options.now)
        var summary = RunSummary(runID: runID, pipeline: config.name)
        summary.startedAt = options.now
        summary.deterministic = options.runID != nil
        summary.timings.append(("ingest", lap()))
        var rejects: [Reject] = []
        // The first file's messages become the list without a copy (with one file a copy would
        // hold every message twice at the run's peak); the others are appended in file order.
        var allMessages: [EmailMessage] = outcomes.isEmpty ? [] : outcomes[0].messages.take()
        var allKeys: [ThreadingKeys] = outcomes.isEmpty ? [] : outcomes[0].threadingKeys.take()
        allMessages.reserveCapacity(allMessages.count + outcomes.reduce(0) { $0 + $1.messages.count })
        allKeys.reserveCapacity(allMessages.capacity)
        var ticketFiles: [[TicketID: TicketBundle]] = []
        var meetings: [MeetingRecord] = []
        var seen = Misconfiguration.Observations()
        for i in outcomes.indices {
            seen.actors.formUnion(outcomes[i].actors)
            outcomes[i].actors = []
            // Move each file's messages out, so that they are held once.
            allMessages.append(contentsOf: outcomes[i].messages)
            outcomes[i].messages = []
            allKeys.append(contentsOf: outcomes[i].threadingKeys)
            outcomes[i].threadingKeys = []
            if !outcomes[i].tickets.isEmpty { ticketFiles.append(outcomes[i].tickets) }
            outcomes[i].tickets = [:]
            meetings += outcomes[i].meetings
            let o = outcomes[i]
            for w in o.warnings {
                summary.notes.append("\(o.file.display): \(w)")
                summary.warnings.append(RunWarning(.inputNote, "\(o.file.display): \(w)", file: o.file.display))
            }
            if let f = o.failure, f.reason == .changedWhileRead {
                summary.warnings.append(RunWarning(.inputChanged, "\(o.file.display): \(f.message); it was refused", file: o.file.display))
            }
            var report = FileReport(
                file: o.file.display, format: o.file.source.format.name, kind: o.file.source.kind, bytes: o.bytesOnDisk,
                decodedBytes: o.bytesDecoded)
            report.read = o.recordsRead
            report.sha256 = o.sha256
            report.failure = o.failure.map { "\($0.reason.rawValue): \($0.message)" }
            report.rejected = o.failure == nil ? o.rejects.count : 0
            summary.files.append(report)
            rejects += o.rejects
        }
        let failed = outcomes.filter { $0.failure != nil }
        for f in failed {
            let line = "\(f.file.path): \(f.failure!.message)"
            if config.allowBadFiles { logger.warning("\(line) (skipped: limits.allow_bad_files)") } else { logger.error("\(line)") }
        }
        if let first = failed.first, !config.allowBadFiles {
            throw RapportError(
                .failed, file: first.file.path,
                "\(first.failure!.message)\(failed.count > 1 ? " (and \(failed.count - 1) more bad file\(failed.count > 2 ? "s" : ""))" : ""); nothing was published (set limits.allow_bad_files: true to publish the other files' figures)")
        }

        // Duplicates settle before threading, so that a message counts once wherever it appears.
        let settled = Duplicates.settle(&allMessages, keys: &allKeys, files: files, config: config)
        rejects += settled.rejects
        // By index and field, not `for m in`: binding a whole message retains every field.
        for i in allMessages.indices { summary.files[Int(allMessages[i].origin.file)].used += 1 }
        for m in settled.duplicates { summary.files[Int(m.origin.file)].duplicates += 1 }
        for r in settled.rejects { summary.files[Int(r.file)].rejected += 1 }
        var mergedTickets = TicketMerge.merge(ticketFiles)
        ticketFiles = []
        for t in mergedTickets.tickets { for i in t.events.indices { summary.files[Int(t.events[i].origin.file)].used += 1 } }
        for e in mergedTickets.duplicates { summary.files[Int(e.origin.file)].duplicates += 1 }

        // Too many bad records: fail before anything is published.
        let read = summary.read
        if read > 0 {
            let ratio = Double(summary.rejectedRecords) / Double(read)
            if ratio > config.maxRejectRatio {
                for r in rejects.prefix(5) {
                    logger.error("\(files[Int(r.file)].path):\(r.record.map(String.init) ?? ""): \(r.reason.rawValue): \(r.message)")
                }
                throw RapportError(
                    .failed, file: config.file,
                    String(format: "%d of %d records rejected (%.1f%%), above limits.max_reject_ratio (%.1f%%); nothing was published", summary.rejectedRecords, read, ratio * 100, config.maxRejectRatio * 100))
            }
        }

        // "Now" for the report: the latest message, event or meeting join unless given.
        var instants: [Instant] = allMessages.map(\.at)
        for t in mergedTickets.tickets { instants += t.events.map(\.at) }
        for m in meetings { instants += [m.scheduledStart] + m.invitees.compactMap(\.joined) }
        let asOf = options.asOf ?? instants.max() ?? options.now
        summary.asOf = asOf
        let earliest = instants.lazy.filter { $0 <= asOf }.min()
        instants = []
        let cutter = PeriodCutter(kind: config.period, zone: config.zone)
        let window = Window.periods(options.window, cutter: cutter, earliest: earliest, asOf: asOf)
        summary.window = window
        seen.recordsInWindow = Self.recordsInWindow(window, cutter: cutter, messages: allMessages, tickets: mergedTickets.tickets, meetings: meetings)

        // Transform: threads and tickets to turns and conversations, meetings to meeting facts; then SLA targets.
        // Threading needs every message at once; the conversations it finds are then built in
        // slices on every core, like the tickets below, and appended in order.
        let zone = config.zone
        var plan = EmailConversations.plan(allMessages.take(), keys: allKeys.take(), asOf: asOf)
        summary.notes += plan.notes
        var parts = Slices.map(count: plan.count, parts: options.jobs) { [plan] range in
            EmailConversations.facts(plan, conversations: range, zone: zone, collectInteractions: collectInteractions)
        }
        // Freed before the parts are appended (not on another thread while they are): the
        // messages and a copy of the later parts at once would raise the peak by ~100 MB at 1 GB.
        plan.messages = []
        var facts = Facts()
        swap(&facts, &parts[0])  // moved, not shared: appending below would otherwise copy it
        for part in parts.dropFirst() { facts.append(contentsOf: part) }
        parts = []
        for m in settled.duplicates where m.at <= asOf { facts.events.append(EventFact(kind: .duplicate, at: m.at, partner: nil)) }
        // Tickets are independent of each other: built in slices on every core, appended in order.
        let ticketRules = config.ticketRules
        for part in Slices.map(mergedTickets.tickets, parts: options.jobs, { slice in
            TicketConversations.build(slice, rules: ticketRules, parties: parties, asOf: asOf, zone: zone, collectInteractions: collectInteractions)
        }) {
            facts.append(contentsOf: part)
        }
        Slices.releaseInBackground(&mergedTickets.tickets)
        for e in mergedTickets.duplicates where e.at <= asOf { facts.events.append(EventFact(kind: .duplicate, at: e.at, partner: nil)) }
        let meetingResult = Meetings.build(meetings, asOf: asOf, zone: zone, collectInteractions: collectInteractions)
        facts.append(contentsOf: meetingResult.facts)
        for m in meetings { summary.files[Int(m.origin.file)].used += m.records }
        for m in meetingResult.duplicates {
            summary.files[Int(m.origin.file)].used -= m.records
            summary.files[Int(m.origin.file)].duplicates += m.records
        }
        ServiceLevels.annotate(
            &facts.turns, targets: config.partners.map(\.targets), calendars: config.partners.map(\.calendar), clock: config.slaClock, asOf: asOf)

        summary.timings.append(("transform", lap()))

        // Aggregate over the window.
        var pseudonym: (@Sendable (String) -> String)?
        if let pseudonymizer { pseudonym = { pseudonymizer.pseudonym($0) } }
        let context = ReportContext(partners: config.partnerInfos, cutter: cutter, window: window, files: files.map(\.display), pseudonym: pseudonym)
        factTables?.start(facts, context: context)
        let aggregator = Aggregator(sources: config.sourceKinds, trust: config.trust, context: AggregationContext(cutter: cutter))
        let cells = aggregator.observe(facts, sources: config.sourceKinds)
        let aggregates = aggregator.report(cells, window: window, rejected: summary.rejected)

        let inWindow = Set(window)
        summary.turns = facts.turns.indices.count { inWindow.contains(cutter.period(of: facts.turns[$0].openedAt)) }
        summary.conversations = facts.conversations.indices.count { inWindow.contains(cutter.period(of: facts.conversations[$0].openedAt)) }
        summary.partnersWithData = Set(aggregates.trust.map(\.partner)).count
        seen.observe(facts, aggregates: aggregates, context: context)
        summary.warnings += Misconfiguration.warnings(config, seen, files: summary.files)
        for w in summary.warnings { logger.warning("\(w.code.rawValue): \(w.message)") }
        summary.timings.append(("aggregate", lap()))
        return Computation(summary: summary, facts: facts, rejects: rejects, aggregates: aggregates, context: context)
    }

    /// How many of each file's records fall inside the window (messages, ticket events, meetings).
    static func recordsInWindow(
        _ window: [Period], cutter: PeriodCutter, messages: [EmailMessage], tickets: [TicketBundle], meetings: [MeetingRecord]
    ) -> [Int: Int] {
        guard let first = window.first, let last = window.last else { return [:] }
        let (start, end) = (cutter.start(of: first), cutter.end(of: last))
        var counts: [Int: Int] = [:]
        func count(_ at: Instant, _ file: Int32) { if at >= start && at < end { counts[Int(file), default: 0] += 1 } }
        for i in messages.indices { count(messages[i].at, messages[i].origin.file) }
        for t in tickets { for e in t.events { count(e.at, e.origin.file) } }
        for m in meetings { count(m.scheduledStart, m.origin.file) }
        return counts
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
