import Foundation
import RapportCore
import RapportFacts

/// `rapport extract`, `rapport cache stats` and `rapport cache prune`: the cache of fact
/// files apart from a run (a scheduler can extract file by file; the next run finds them).
public enum CacheCommands {
    /// What `rapport extract` did for one file.
    public struct Extracted: Sendable {
        public var file: String
        public var fromCache: Bool
        public var records: Int
        public var failure: String?
    }

    /// The cache folder of a pipeline whose report goes to `outputDirectory` (default `outputs.dir`).
    public static func folder(_ config: PipelineConfig, outputDirectory: String? = nil) -> String {
        let target = normalisePath(
            outputDirectory.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 } ?? config.outputDirectory)
        return config.cacheDirectory(for: target)
    }

    /// Extracts the pipeline's inputs (or only `paths`, which must be among them) into the cache.
    public static func extract(
        _ config: PipelineConfig, paths: [String], outputDirectory: String? = nil, now: Instant, jobs: Int
    ) throws(RapportError) -> [Extracted] {
        var files = try InputFiles.expand(config)
        if !paths.isEmpty {
            let wanted = paths.map { p in normalisePath(p.hasPrefix("/") ? p : FileManager.default.currentDirectoryPath + "/" + p) }
            for w in wanted where !files.contains(where: { $0.path == w }) {
                throw RapportError(.usage, file: w, "is not an input of \(config.file) (its sources' paths do not match it); name one of the pipeline's inputs")
            }
            files = files.filter { wanted.contains($0.path) }
        }
        let cache = try FactCache(directory: folder(config, outputDirectory: outputDirectory))
        return try Extraction.extractAll(files, config: config, cache: cache, now: now, jobs: jobs).map { e in
            Extracted(file: e.file.display, fromCache: e.fromCache, records: e.summary.recordsRead, failure: e.summary.failure.map { "\($0.reason.rawValue): \($0.message)" })
        }
    }

    /// What the cache folder holds.
    public struct Stats: Sendable {
        public var folder: String
        public var entries = 0
        public var bytes: Int64 = 0
        /// Entries of the pipeline's current inputs, and the inputs without one.
        public var current = 0
        public var missing = 0
        public var inputBytes: Int64 = 0
    }

    public static func stats(_ config: PipelineConfig, outputDirectory: String? = nil) throws(RapportError) -> Stats {
        let dir = folder(config, outputDirectory: outputDirectory)
        var stats = Stats(folder: dir)
        guard FileManager.default.fileExists(atPath: dir) else {
            stats.missing = (try? InputFiles.expand(config).count) ?? 0
            return stats
        }
        let cache = try FactCache(directory: dir)
        let entries = cache.entries()
        stats.entries = entries.count
        stats.bytes = entries.reduce(0) { $0 + $1.bytes }
        let present = Set(entries.map(\.key))
        for f in try InputFiles.expand(config) {
            stats.inputBytes += InputIdentity.of(f.path)?.size ?? 0
            if let k = Extraction.key(f, config: config), present.contains(k.key) { stats.current += 1 } else { stats.missing += 1 }
        }
        return stats
    }

    /// Removes entries no current input uses, then the least recently used until the folder
    /// holds at most `cache.max_size` (or `maxBytes`).
    public static func prune(_ config: PipelineConfig, outputDirectory: String? = nil, maxBytes: Int64? = nil) throws(RapportError) -> (removed: Int, freed: Int64) {
        let cache = try FactCache(directory: folder(config, outputDirectory: outputDirectory), exclusive: true)
        let keep = Set(try InputFiles.expand(config).compactMap { Extraction.key($0, config: config)?.key })
        return cache.prune(keep: keep, maxBytes: maxBytes ?? config.cacheMaxBytes)
    }
}
