import Foundation
import RapportAggregates
import RapportCore
import RapportFacts
import RapportSinks
import RapportTransforms

/// The analyse phase (PRODUCT.md, "Scale"): from the fact files, duplicates and threads
/// across files (``EmailIndex``), then every record spread over partitions by its
/// conversation (e-mail thread, ticket, meeting) and each partition built, measured and
/// aggregated on its own. Memory holds the index (a few integers a message), one
/// partition and the aggregates' cells; the fact tables' rows go to sorted runs on disk.
/// The outputs do not depend on how many partitions there are.
struct Analysis {
    /// Per input file: records used and counted as duplicates (e-mails, ticket events, meetings).
    var used: [Int]
    var duplicates: [Int]
    /// Records of each file inside the window (for the misconfiguration warnings).
    var recordsInWindow: [Int: Int] = [:]
    /// Conflicting duplicates' losers.
    var rejects: [Reject] = []
    var notes: [String] = []
    var asOf = Instant(nanoseconds: 0)
    /// The earliest record at or before as-of: periods starting before it are partial.
    var earliest: Instant?
    var window: [Period] = []
    var cells = Cells()
    var seen = Misconfiguration.Observations()
    var turnsInWindow = 0
    var conversationsInWindow = 0
    var responses: SortedRows
    var conversations: SortedRows
    var interactions: SortedRows?
    var attention: SortedRows
    var attentionDigest = AttentionDigest()
    /// Where the partitions and the rows' runs are written (nil: all in memory).
    var scratch: ScratchFolder?

    /// An empty analysis of `files` files: its tables' rows spill to the plan's scratch folder.
    init(files: Int, plan: AnalysisPlan) {
        let (config, memory, folder) = (plan.settings.config, plan.settings.memory, plan.scratch?.path)
        used = Array(repeating: 0, count: files)
        duplicates = Array(repeating: 0, count: files)
        responses = SortedRows(name: "responses", columns: ResponsesRows.columns.count, folder: folder, memoryLimit: memory / 16)
        conversations = SortedRows(name: "conversations", columns: ConversationsRows.columns.count, folder: folder, memoryLimit: memory / 32)
        interactions =
            config.outputFormats.contains(.sqlite)
            ? SortedRows(name: "interactions", columns: InteractionsRows.columns.count, folder: folder, memoryLimit: memory / 16) : nil
        attention = SortedRows(name: "attention", columns: AttentionRows.columns.count, folder: folder, memoryLimit: memory / 32)
        scratch = plan.scratch
        asOf = plan.asOf
        for name in plan.actors.names { seen.actors.insert(name) }
    }
}

/// What an analysis needs from the run.
struct AnalysisSettings {
    var config: PipelineConfig
    var request: WindowRequest
    var asOf: Instant?
    var now: Instant
    var pseudonym: (@Sendable (String) -> String)?
    /// `limits.memory`, and the folder scratch files go to (nil: keep everything in memory).
    var memory: Int
    var scratchParent: String?
    /// Forces the number of partitions (tests, and runs that spread partitions elsewhere);
    /// nil: as many as the memory budget asks for.
    var partitions: Int?
    /// Set when this process builds one partition of a sharded analysis.
    var shard: AnalysisShard?
}

/// What every shard of one analysis agrees on: the parties, as-of and the partitions.
struct AnalysisPlan {
    var settings: AnalysisSettings
    var actors: Actors
    var asOf: Instant
    var partitions: Int
    var scratch: ScratchFolder?

    init(_ files: [ExtractedFile], settings: AnalysisSettings) throws(RapportError) {
        let config = settings.config
        self.settings = settings
        actors = Actors(directory: config.directoryOfParties, ignore: GlobSet(config.ignoreActors), contacts: GlobSet(config.escalationContacts))
        do { try actors.read(files) } catch { throw RapportError(.failed, "the facts cannot be read: \(error.message)") }
        let latest = files.compactMap { $0.summary.failure == nil ? $0.summary.latest : nil }.max()
        asOf = settings.asOf ?? latest ?? settings.now
        partitions = settings.partitions ?? AnalysisPlan.partitions(files, memory: settings.memory)
        let shardsElsewhere = settings.shard != nil
        scratch = partitions > 1 || shardsElsewhere ? try settings.scratchParent.map { (parent) throws(RapportError) in try ScratchFolder(in: parent) } : nil
    }
}

extension AnalysisPlan {
    /// The partitions a run of `files` uses within `memory` bytes.
    static func partitions(_ files: [ExtractedFile], memory: Int) -> Int {
        let records = files.reduce(0) { total, f in total + f.summary.counts.values.reduce(0, +) }
        // The budget's shares: a third for one partition built (about 600 bytes a record once
        // decoded), an eighth for the partitions' write buffers, a sixteenth each for the ids'
        // and the responses' rows, less for the rest; the index's few bytes a message beside.
        return max(1, min(256, records * 600 / max(1, memory / 3) + 1))
    }
}

/// One partition of an analysis whose partitions run in other processes (the Spark job):
/// the threads and the earliest instant come from the run as a whole.
struct AnalysisShard {
    var partition: Int
    var earliest: Instant?
}

extension Analysis {
    /// Runs the analyse phase over `files` (in the run's file order).
    static func run(_ files: [ExtractedFile], settings: AnalysisSettings) throws(RapportError) -> (Analysis, ReportContext) {
        let plan = try AnalysisPlan(files, settings: settings)
        var index = EmailIndex(files: files)
        try index.index(files, actors: plan.actors, asOf: plan.asOf, partitions: plan.partitions, scratch: plan.scratch, memory: settings.memory / 8)
        let base = index.base
        try index.thread { (seqs) throws(RapportError) in try FactLookup.emails(seqs, base: base, files: files).mapValues(\.id) }
        var (analysis, context) = try analyse(files, plan: plan, index: index)
        analysis.rejects = index.rejects
        analysis.notes = index.notes
        return (analysis, context)
    }

    /// Spreads the records over the partitions by `index`'s threads, then builds, measures
    /// and aggregates every partition (or only the shard's).
    static func analyse(_ files: [ExtractedFile], plan: AnalysisPlan, index: EmailIndex) throws(RapportError) -> (Analysis, ReportContext) {
        let (config, settings, actors, asOf) = (plan.settings.config, plan.settings, plan.actors, plan.asOf)
        var analysis = Analysis(files: files.count, plan: plan)
        var parts = Partitions(count: plan.partitions, only: settings.shard?.partition, scratch: plan.scratch, memory: settings.memory / 8)
        let side = try parts.fill(files, index: index, actors: actors, asOf: asOf, analysis: &analysis)
        analysis.earliest = settings.shard.map(\.earliest) ?? side.earliest
        let cutter = PeriodCutter(kind: config.period, zone: config.zone)
        analysis.window = Window.periods(settings.request, cutter: cutter, earliest: analysis.earliest, asOf: asOf)
        let context = ReportContext(
            partners: config.partnerInfos, cutter: cutter, window: analysis.window, files: files.map(\.file.display), pseudonym: settings.pseudonym)
        let aggregator = Aggregator(sources: config.sourceKinds, trust: config.trust, context: AggregationContext(cutter: cutter))
        analysis.cells = aggregator.observe(side.facts, sources: config.sourceKinds)
        analysis.observe(side.facts, context: context)
        let commitments = Commitments(
            cutter: cutter, updateEvery: config.partners.map(\.targets.updateEverySeconds), calendars: config.partners.map(\.calendar),
            clock: config.slaClock, asOf: asOf)
        let links = files.map { $0.file.source.messageLinks }
        for p in settings.shard.map({ [$0.partition] }) ?? Array(0..<plan.partitions) {
            var facts = try parts.build(p, config: config, links: links, actors: actors, asOf: asOf, analysis: &analysis, context: context)
            ServiceLevels.annotate(
                &facts.turns, targets: config.partners.map(\.targets), calendars: config.partners.map(\.calendar), clock: config.slaClock, asOf: asOf)
            let (events, silences) = commitments.assess(facts.tickets)
            facts.events += events
            facts.tickets = []
            for s in silences {
                if let item = AttentionRows.item(
                    silentTicket: s.ticket, from: s.from, seconds: s.seconds, limit: s.limit, workingTime: s.workingTime, context: context) {
                    try analysis.note(item, context: context)
                }
            }
            analysis.cells.merge(aggregator.observe(facts, sources: config.sourceKinds))
            analysis.observe(facts, context: context)
            try analysis.tabulate(facts, context: context)
        }
        return (analysis, context)
    }

    /// Window figures and what the misconfiguration checks read, from one partition's facts.
    mutating func observe(_ facts: Facts, context: ReportContext) {
        turnsInWindow += facts.turns.indices.count { context.windowIndex(of: facts.turns[$0].openedAt) != nil }
        seen.observeFacts(facts, context: context)
        conversationsInWindow = seen.conversationsInWindow
    }

    /// A row of attention.csv, and the page's lists.
    mutating func note(_ item: AttentionRows.Item, context: ReportContext) throws(RapportError) {
        try AttentionRows.add(item, context: context, to: attention)
        attentionDigest.add(item)
    }

    /// The fact tables' rows of one partition, to the sorted runs.
    mutating func tabulate(_ facts: Facts, context: ReportContext) throws(RapportError) {
        for t in facts.turns {
            try ResponsesRows.add(t, context: context, to: responses)
            if let item = AttentionRows.item(t, asOf: asOf, context: context) { try note(item, context: context) }
        }
        var partnerOf: [SourceKind: [TicketID: Int]] = [:]
        for c in facts.conversations {
            try ConversationsRows.add(c, context: context, to: conversations)
            for item in AttentionRows.items(c, context: context) { try note(item, context: context) }
            if let p = c.partner { partnerOf[c.source, default: [:]][TicketID(tracker: c.tracker, key: c.conversation)] = p }
        }
        guard let interactions else { return }
        for f in facts.interactions {
            try InteractionsRows.add(f, partner: partnerOf[f.source]?[TicketID(tracker: f.tracker, key: f.conversation)], context: context, to: interactions)
        }
    }
}
