import RapportCore
import RapportSinks

/// `rapport run --shards DIR`: the analyse phase's results read from the shards' folders
/// that the Spark job's `rapport shard turns` tasks wrote, instead of computed here. The
/// rest of the run (reconciliation, aggregates, warnings, publishing) is `rapport run`'s.
public struct ShardMergeRequest: Sendable {
    /// The job's work folder: `index` and `part-00000`…
    public var folder: String
    public var count: Int
    /// The earliest instant at or before as-of over the whole run, as the job found it.
    public var earliest: Instant?

    public init(folder: String, count: Int, earliest: Instant?) {
        self.folder = folder
        self.count = count
        self.earliest = earliest
    }
}

enum ShardMerge {
    static func run(_ files: [ExtractedFile], settings: AnalysisSettings, request: ShardMergeRequest) throws(RapportError) -> (Analysis, ReportContext) {
        var settings = settings
        settings.partitions = request.count
        let plan = try AnalysisPlan(files, settings: settings)
        let config = settings.config
        var analysis = Analysis(files: files.count, plan: plan)
        analysis.earliest = request.earliest
        let cutter = PeriodCutter(kind: config.period, zone: config.zone)
        analysis.window = Window.periods(settings.request, cutter: cutter, earliest: request.earliest, asOf: plan.asOf)
        let context = ReportContext(
            partners: config.partnerInfos, cutter: cutter, window: analysis.window, files: files.map(\.file.display), pseudonym: settings.pseudonym)
        for p in 0..<request.count { try ShardState.add(from: request.folder + "/" + ShardCommands.shardFolderName(p), to: &analysis) }
        let index = try ShardRunIndex(folder: request.folder)
        // In the order `rapport run` settles them: by its id partitions, then by id.
        let local = UInt64(AnalysisPlan.partitions(files, memory: settings.memory))
        let groups = index.conflicts.sorted { a, b in (a.id % local, a.id) < (b.id % local, b.id) }.map(\.members)
        for s in try ShardCommands.settle(groups, files: files) { analysis.rejects += s.rejected.map(\.1) }
        analysis.notes = index.notes
        return (analysis, context)
    }
}
