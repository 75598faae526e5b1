import Foundation
import RapportCore
import RapportFacts

/// `rapport shard …`: the steps of a run that the Spark job (spark/rapport_spark.py,
/// docs/spark.md) spreads over executors. Spark threads the messages; every other rule
/// stays here, so a sharded run gives the report `rapport run` gives.
///
/// 1. `keys`: each input file extracted into the shared cache, and its messages' threading
///    keys printed as tab-separated lines.
/// 2. (Spark: duplicates and threads; `conflicts` and `ids` answer its rare questions.)
/// 3. `scatter`: each file's records to the partitions of their conversations; `turns`: one
///    partition of the conversations built and measured.
/// 4. `merge`: the files' and the partitions' results merged and published.
public enum ShardCommands {
    /// Where a sharded run keeps its facts and results: the cache folder, and the job's work folder.
    public struct Folders: Sendable {
        public var cache: String
        public var work: String
        public init(cache: String, work: String) {
            self.cache = cache
            self.work = work
        }
    }

    /// The pipeline's inputs in the run's order: index, absolute path and size in bytes.
    public static func inputs(_ config: PipelineConfig) throws(RapportError) -> [(index: Int, path: String, bytes: Int64)] {
        try InputFiles.expand(config).map { f in
            let size = ((try? FileManager.default.attributesOfItem(atPath: f.path))?[.size] as? NSNumber)?.int64Value ?? 0
            return (Int(f.index), f.path, size)
        }
    }

    /// The pipeline's inputs (or those named) with their facts, extracting what the cache lacks.
    static func facts(_ config: PipelineConfig, cache folder: String, only paths: [String] = [], now: Instant) throws(RapportError) -> [ExtractedFile] {
        let files = try InputFiles.expand(config)
        let cache = try FactCache(directory: folder)
        var wanted = files
        if !paths.isEmpty {
            let named = Set(paths.map { p in normalisePath(p.hasPrefix("/") ? p : FileManager.default.currentDirectoryPath + "/" + p) })
            wanted = files.filter { named.contains($0.path) }
            if wanted.count != named.count { throw RapportError(.usage, "a file named is not an input of \(config.file)") }
        }
        return try Extraction.extractAll(wanted, config: config, cache: cache, now: now, jobs: 1)
    }

    /// Step 1 for the files named (all when none): extracted into the cache, then one line
    /// per file (`F`), per message (`E`) and per other record's time (`T`), written to `out`;
    /// ten tab-separated fields each, empty where a kind of line has none.
    public static func keys(_ config: PipelineConfig, cache: String, paths: [String], now: Instant, out: @escaping (String) -> Void) throws(RapportError) {
        for e in try facts(config, cache: cache, only: paths, now: now) {
            let failed = e.summary.failure != nil
            out("F\t\(e.file.index)\t\(e.summary.counts[.emails] ?? 0)\t\(failed ? 1 : 0)\t\(e.summary.latest.map { String($0.nanoseconds) } ?? "")\t\t\t\t\t")
            guard !failed else { continue }
            var actors = Actors(directory: config.directoryOfParties, ignore: GlobSet(config.ignoreActors), contacts: GlobSet(config.escalationContacts))
            do { try actors.read([e]) } catch { throw RapportError(.failed, file: e.reader.path, "the facts cannot be read: \(error.message)") }
            var pass = KeysPass(actors: actors, file: Int(e.file.index), out: out)
            do { try e.reader.scan(&pass, file: e.file.index) } catch {
                throw RapportError(.failed, file: e.reader.path, "the facts of \(e.file.display) cannot be read: \(error.message)")
            }
        }
    }

    private struct KeysPass: FactVisitor {
        let actors: Actors
        let file: Int
        let out: (String) -> Void
        var position = 0
        var wants: Set<FactFile.BlockKind> { [.emails, .ticketEvents, .meetings] }
        var wantsEmailKeys: Bool { true }

        mutating func emailKeys(_ m: EmailKeys) throws(FactFileError) {
            let own = try EmailIndex.ownKey(m, actors: actors, file: 0)
            let fields = [m.idHash, m.parentHash, own].map { String(Int64(bitPattern: $0)) }
            let fingerprint = [m.fingerprint.high, m.fingerprint.low].map { String(Int64(bitPattern: $0)) }
            out("E\t\(file)\t\(position)\t\(fields.joined(separator: "\t"))\t\(m.threadHash != 0 ? 1 : 0)\t\(m.at.nanoseconds)\t\(fingerprint.joined(separator: "\t"))")
            position += 1
        }

        mutating func ticketEvent(_ e: ExtractedTicketEvent) throws(FactFileError) { time(e.at) }

        mutating func meeting(_ m: MeetingRecord) throws(FactFileError) {
            time(m.scheduledStart)
            for i in m.invitees { if let j = i.joined { time(j) } }
        }

        /// Every line has ten fields (Spark reads them with one fixed schema).
        func time(_ t: Instant) { out("T\t\(file)\t\(t.nanoseconds)\t\t\t\t\t\t\t") }
    }

    /// `rapport run`'s own threading, as assignment lines (``ShardAssignmentLine``) in run
    /// order: what the Spark job's threading must equal message for message (its test).
    public static func threads(_ config: PipelineConfig, cache: String, asOf: Instant?, now: Instant) throws(RapportError) -> [String] {
        let files = try facts(config, cache: cache, now: now)
        let settings = AnalysisSettings(
            config: config, request: WindowRequest(), asOf: asOf, now: now, pseudonym: nil, memory: Int(config.memoryBudget), scratchParent: cache,
            partitions: nil)
        let plan = try AnalysisPlan(files, settings: settings)
        var index = EmailIndex(files: files)
        try index.index(files, actors: plan.actors, asOf: plan.asOf, partitions: plan.partitions, scratch: plan.scratch, memory: settings.memory / 8)
        let base = index.base
        try index.thread { (seqs) throws(RapportError) in try FactLookup.emails(seqs, base: base, files: files).mapValues(\.id) }
        return (0..<index.count).map { k in
            let (file, position) = index.locate(k)
            let node = !index.future.contains(k) && !index.dropped.contains(k)
            var flags: ShardAssignment.Flags = []
            if index.future.contains(k) { flags.insert(.future) }
            if index.dropped.contains(k) { flags.insert(.dropped) }
            if index.duplicate.contains(k) { flags.insert(.duplicate) }
            if node && index.skew.contains(k) { flags.insert(.skew) }
            return "\(file)\t\(position)\t\(node ? Int64(bitPattern: index.key[k]) : 0)\t\(node ? index.hops[k] : 0)\t\(flags.rawValue)"
        }
    }

    /// The message ids of messages numbered by (file, position): the names a reply cycle is
    /// broken by.
    public static func ids(_ config: PipelineConfig, cache: String, messages: [(file: Int, position: Int)], now: Instant) throws(RapportError) -> [String] {
        let files = try facts(config, cache: cache, now: now)
        let index = EmailIndex(files: files)
        let seqs = messages.map { index.base[$0.file] + $0.position }
        let found = try FactLookup.emails(Set(seqs), base: index.base, files: files)
        return seqs.map { found[$0]?.id ?? "" }
    }

    /// Messages sharing an id with different content, settled as `rapport run` settles
    /// them: per group, the winner and the duplicates and rejects among the others.
    public static func conflicts(
        _ config: PipelineConfig, cache: String, groups: [[(file: Int, position: Int)]], now: Instant
    ) throws(RapportError) -> [(winner: (Int, Int), duplicates: [(Int, Int)], rejected: [(Int, Int)])] {
        let files = try facts(config, cache: cache, now: now)
        let settled = try settle(groups, files: files)
        let index = EmailIndex(files: files)
        func place(_ s: UInt32) -> (Int, Int) { let l = index.locate(Int(s)); return (l.file, l.position) }
        return settled.map { s in (place(s.seq), s.duplicates.map(place), s.rejected.map { place($0.0) }) }
    }

    static func settle(_ groups: [[(file: Int, position: Int)]], files: [ExtractedFile]) throws(RapportError) -> [Conflicts.Settled] {
        guard !groups.isEmpty else { return [] }
        let index = EmailIndex(files: files)
        let seqGroups = groups.map { g in g.map { UInt32(index.base[$0.file] + $0.position) } }
        let found = try FactLookup.emails(Set(seqGroups.flatMap { $0.map(Int.init) }), base: index.base, files: files)
        return try Conflicts.settle(seqGroups, index: index, files: files, fingerprints: found.reduce(into: [:]) { $0[UInt32($1.key)] = $1.value.fingerprint })
    }

    /// The analysis' plan in a step of the job: `count` partitions, as-of fixed by the driver.
    static func plan(
        _ config: PipelineConfig, files: [ExtractedFile], folders: Folders, count: Int, asOf: Instant, window: WindowRequest, now: Instant
    ) throws(RapportError) -> AnalysisPlan {
        var pseudonym: (@Sendable (String) -> String)?
        if config.pseudonymize {
            let p = try Pseudonymizer()
            pseudonym = { p.pseudonym($0) }
        }
        var settings = AnalysisSettings(
            config: config, request: window, asOf: asOf, now: now, pseudonym: pseudonym, memory: Int(config.memoryBudget),
            scratchParent: folders.work, partitions: count)
        settings.alwaysScratch = true
        return try AnalysisPlan(files, settings: settings)
    }

    /// Step 3a, for each file named: its records spread over the `count` partitions by the
    /// assignments of its messages (parties resolved), into `work/scatter/FILE/p-NNNNN`,
    /// and its own counts (records used, duplicates, skew) into `work/scatter/FILE/state`.
    public static func scatter(
        _ config: PipelineConfig, folders: Folders, files chosen: [Int], of count: Int, asOf: Instant, earliest: Instant?, window: WindowRequest,
        assignments: [ShardAssignmentLine], now: Instant
    ) throws(RapportError) {
        let files = try facts(config, cache: folders.cache, now: now)
        let index = try EmailIndex(files: files, assigned: assignments.map(\.assignment))
        let plan = try plan(config, files: files, folders: folders, count: count, asOf: asOf, window: window, now: now)
        _ = mkdir(folders.work + "/scatter", 0o700)
        for file in chosen {
            guard file >= 0 && file < files.count else { throw RapportError(.usage, "file \(file) is not an input of \(config.file)") }
            var analysis = Analysis(files: files.count, plan: plan)
            // A scratch folder per file: each file's partitions spill under the same names.
            let scratch = try ScratchFolder(in: folders.work)
            var parts = Partitions(count: count, scratch: scratch, memory: plan.settings.memory / 8)
            let side = try parts.fill(files, only: [file], index: index, actors: plan.actors, asOf: asOf, analysis: &analysis)
            _ = analysis.begin(files, plan: plan, earliest: earliest, side: side.facts)
            try publish(folders.work + "/scatter/\(file)", scratch: scratch) { (folder) throws(RapportError) in
                for p in 0..<count {
                    let bytes = try parts.bytes(p)
                    if !bytes.isEmpty { try OutputBytes.write(bytes, to: folder + "/" + partName(p)) }
                }
                try ShardState.write(analysis, into: folder)
            }
        }
    }

    /// Step 3b: partition `partition` of `count` built from every file's scattered records
    /// (in file order, as `rapport run` reads them), measured and aggregated, into
    /// `work/part-NNNNN`.
    public static func turns(
        _ config: PipelineConfig, folders: Folders, partition: Int, of count: Int, asOf: Instant, earliest: Instant?, window: WindowRequest,
        now: Instant
    ) throws(RapportError) {
        let files = try facts(config, cache: folders.cache, now: now)
        let plan = try plan(config, files: files, folders: folders, count: count, asOf: asOf, window: window, now: now)
        var analysis = Analysis(files: files.count, plan: plan)
        let measures = analysis.begin(files, plan: plan, earliest: earliest, side: Facts())
        var bytes: [UInt8] = []
        for (i, f) in files.enumerated() where f.summary.failure == nil {
            let folder = folders.work + "/scatter/\(i)"
            guard FileManager.default.fileExists(atPath: folder + "/state") else {
                throw RapportError(.failed, file: folder, "\(f.file.display) was not scattered; the job's step 3a did not finish: run the job again")
            }
            if let part = OutputBytes.read(folder + "/" + partName(partition)) { bytes += part }
        }
        try analysis.measure(Partitions.build(ByteReader(bytes), measures: measures, analysis: &analysis), measures)
        try publish(folders.work + "/" + shardFolderName(partition), scratch: plan.scratch!) { (folder) throws(RapportError) in
            try ShardState.write(analysis, into: folder)
        }
    }

    /// Writes a step's results into a fresh folder, then renames it to `final`: a retried
    /// or speculative attempt that finds `final` there leaves it (its content is the same).
    static func publish(_ final: String, scratch: ScratchFolder, _ body: (String) throws(RapportError) -> Void) throws(RapportError) {
        guard !FileManager.default.fileExists(atPath: final) else { return }
        let attempt = scratch.path + "/result-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        guard mkdir(attempt, 0o700) == 0 else { throw RapportError(.failed, file: attempt, "cannot make a folder: \(String(cString: strerror(errno)))") }
        try body(attempt)
        if rename(attempt, final) != 0 && errno != EEXIST && errno != ENOTEMPTY {
            throw RapportError(.failed, file: final, "cannot publish a step's results: \(String(cString: strerror(errno)))")
        }
    }

    static func partName(_ p: Int) -> String { "p-" + padded(p) }

    static func padded(_ p: Int) -> String {
        let digits = String(p)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    static func shardFolderName(_ p: Int) -> String { "part-" + padded(p) }
}

/// One line of a shard's assignments file: `file position key hops flags`, tab-separated
/// (key as a signed 64-bit integer; flags: 1 dropped, 2 duplicate, 4 after as-of, 8 skew).
public struct ShardAssignmentLine: Sendable {
    var assignment: ShardAssignment

    public init?(_ line: Substring) {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard f.count == 5, let file = Int(f[0]), let position = Int(f[1]), let key = Int64(f[2]), let hops = UInt16(f[3]), let flags = UInt8(f[4]) else {
            return nil
        }
        assignment = ShardAssignment(file: file, position: position, key: UInt64(bitPattern: key), hops: hops, flags: .init(rawValue: flags))
    }
}

/// The run-wide results of the Spark job's threading that the merge needs (`index` in the
/// work folder): the conflict groups (as `C` lines: the id's hash, then `file:position`
/// items) and the notes of reply cycles broken (`N` lines).
struct ShardRunIndex {
    var conflicts: [(id: UInt64, members: [(file: Int, position: Int)])] = []
    var notes: [String] = []

    init(folder: String) throws(RapportError) {
        let path = folder + "/index"
        guard let bytes = OutputBytes.read(path) else { throw RapportError(.failed, file: path, "the job's threading results are missing; run the job again") }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("C\t") {
                let fields = line.split(separator: "\t")
                guard fields.count == 3, let id = Int64(fields[1]) else { throw RapportError(.failed, file: path, "a damaged conflict line: \(line)") }
                let items = fields[2].split(separator: " ").map { item -> (Int, Int)? in
                    let p = item.split(separator: ":")
                    guard p.count == 2, let f = Int(p[0]), let q = Int(p[1]) else { return nil }
                    return (f, q)
                }
                guard items.allSatisfy({ $0 != nil }) else { throw RapportError(.failed, file: path, "a damaged conflict line: \(line)") }
                conflicts.append((UInt64(bitPattern: id), items.map { (file: $0!.0, position: $0!.1) }))
            } else if line.hasPrefix("N\t") {
                notes.append(String(line.dropFirst(2)))
            }
        }
    }
}
