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
    /// A scratch folder even for one partition (the Spark job's steps write their results there).
    var alwaysScratch = false
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
        scratch = partitions > 1 || settings.alwaysScratch ? try settings.scratchParent.map { (parent) throws(RapportError) in try ScratchFolder(in: parent) } : nil
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
    /// and aggregates every partition.
    static func analyse(_ files: [ExtractedFile], plan: AnalysisPlan, index: EmailIndex) throws(RapportError) -> (Analysis, ReportContext) {
        var analysis = Analysis(files: files.count, plan: plan)
        var parts = Partitions(count: plan.partitions, scratch: plan.scratch, memory: plan.settings.memory / 8)
        let side = try parts.fill(files, index: index, actors: plan.actors, asOf: plan.asOf, analysis: &analysis)
        let measures = analysis.begin(files, plan: plan, earliest: side.earliest, side: side.facts)
        for p in 0..<plan.partitions {
            try analysis.measure(try parts.build(p, measures: measures, analysis: &analysis), measures)
        }
        return (analysis, measures.context)
    }

    /// What measuring a partition's facts needs: the pipeline, the report's periods, the
    /// aggregator and the commitments' clock.
    struct Measures {
        let plan: AnalysisPlan
        let context: ReportContext
        let aggregator: Aggregator
        let commitments: Commitments
        /// Per file, its e-mail source's link template.
        let links: [String?]
        var config: PipelineConfig { plan.settings.config }
    }

    /// Fixes the window from `earliest` and as-of, and counts the run-wide events of `side`.
    mutating func begin(_ files: [ExtractedFile], plan: AnalysisPlan, earliest: Instant?, side: Facts) -> Measures {
        let config = plan.settings.config
        self.earliest = earliest
        let cutter = PeriodCutter(kind: config.period, zone: config.zone)
        window = Window.periods(plan.settings.request, cutter: cutter, earliest: earliest, asOf: plan.asOf)
        let context = ReportContext(
            partners: config.partnerInfos, cutter: cutter, window: window, files: files.map(\.file.display), pseudonym: plan.settings.pseudonym)
        let aggregator = Aggregator(sources: config.sourceKinds, trust: config.trust, context: AggregationContext(cutter: cutter))
        cells.merge(aggregator.observe(side, sources: config.sourceKinds))
        observe(side, context: context)
        let commitments = Commitments(
            cutter: cutter, updateEvery: config.partners.map(\.targets.updateEverySeconds), calendars: config.partners.map(\.calendar),
            clock: config.slaClock, asOf: plan.asOf)
        return Measures(plan: plan, context: context, aggregator: aggregator, commitments: commitments, links: files.map { $0.file.source.messageLinks })
    }

    /// One partition's facts: service levels and commitments assessed, aggregated, tabulated.
    mutating func measure(_ built: Facts, _ m: Measures) throws(RapportError) {
        let config = m.config
        var facts = built
        ServiceLevels.annotate(
            &facts.turns, targets: config.partners.map(\.targets), calendars: config.partners.map(\.calendar), clock: config.slaClock, asOf: asOf)
        let (events, silences) = m.commitments.assess(facts.tickets)
        facts.events += events
        facts.tickets = []
        for s in silences {
            if let item = AttentionRows.item(
                silentTicket: s.ticket, from: s.from, seconds: s.seconds, limit: s.limit, workingTime: s.workingTime, context: m.context) {
                try note(item, context: m.context)
            }
        }
        cells.merge(m.aggregator.observe(facts, sources: config.sourceKinds))
        observe(facts, context: m.context)
        try tabulate(facts, context: m.context)
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
