import RapportCore
import RapportFacts
import RapportSinks

/// `rapport shard merge`: the analyse phase's results read from the folders the Spark job's
/// `rapport shard scatter` and `turns` tasks wrote, instead of computed here. The
/// rest of the run (reconciliation, aggregates, warnings, publishing) is `rapport run`'s.
public struct ShardMergeRequest: Sendable {
    /// The job's work folder: `index`, `scatter/FILE/` and `part-00000/`…
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
        var analysis = Analysis(files: files.count, plan: plan)
        let context = analysis.begin(files, plan: plan, earliest: request.earliest, side: Facts()).context
        for (i, f) in files.enumerated() where f.summary.failure == nil {
            try ShardState.add(from: request.folder + "/scatter/\(i)", to: &analysis)
        }
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
