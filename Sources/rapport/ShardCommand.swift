import ArgumentParser
import Foundation
import Logging
import RapportCore
import RapportPipeline

/// `rapport shard …`: the steps the Spark job (spark/rapport_spark.py) runs on executors and
/// on its driver. Not for people: docs/spark.md describes each step's input and output.
struct ShardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shard", abstract: "Steps of a run spread over a cluster by the Spark job (docs/spark.md).",
        subcommands: [Inputs.self, Keys.self, Threads.self, IDs.self, Conflicts.self, Scatter.self, Turns.self, Merge.self])

    struct Common: ParsableArguments {
        @Argument(help: "The pipeline file.") var pipeline: String
        @Option(help: "The cache folder of fact files, shared by every executor.") var cache: String
    }

    /// "Now" as the job's driver fixed it: every step of one job uses the same.
    static var now: Instant { Instant(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)) }

    static func instant(_ text: String?, option: String) throws -> Instant? {
        guard let text else { return nil }
        guard let ns = Int64(text) else { throw RapportError(.usage, "\(option): expected nanoseconds since 1970, got `\(text)`") }
        return Instant(nanoseconds: ns)
    }

    /// stdin's lines.
    static func lines() -> [Substring] {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
    }

    static func place(_ item: Substring) throws -> (file: Int, position: Int) {
        let p = item.split(separator: ":")
        guard p.count == 2, let f = Int(p[0]), let q = Int(p[1]) else { throw RapportError(.usage, "expected file:position, got `\(item)`") }
        return (f, q)
    }

    struct Inputs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the pipeline's inputs in the run's order: index, path, bytes (tab-separated).")
        @Argument(help: "The pipeline file.") var pipeline: String
        @Option(help: "The output folder (overrides outputs.dir): its cache folder is printed first.") var out: String?
        @OptionGroup var window: WindowOptions

        func run() throws {
            let config = try PipelineConfig.load(path: pipeline)
            // The window's options checked once, on the driver; as-of as the other steps take it.
            let options = try window.runOptions(zone: config.zone)
            print("cache\t\(CacheCommands.folder(config, outputDirectory: out))")
            print("as_of\t\(options.asOf.map { String($0.nanoseconds) } ?? "")")
            for f in try ShardCommands.inputs(config) { print("\(f.index)\t\(f.path)\t\(f.bytes)") }
        }
    }

    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Extract the files named into the cache; print their threading keys.")
        @OptionGroup var common: Common
        @Argument(help: "Inputs of the pipeline (default: all).") var files: [String] = []

        func run() throws {
            let config = try PipelineConfig.load(path: common.pipeline)
            let out = FileHandle.standardOutput
            var buffer = ""
            try ShardCommands.keys(config, cache: common.cache, paths: files, now: ShardCommand.now) { line in
                buffer += line
                buffer += "\n"
                if buffer.utf8.count > 1 << 16 {
                    out.write(Data(buffer.utf8))
                    buffer = ""
                }
            }
            out.write(Data(buffer.utf8))
        }
    }

    struct Threads: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print rapport run's own threading as assignment lines (the Spark job's cross-check).")
        @OptionGroup var common: Common
        @Option(name: .customLong("as-of-ns")) var asOf: String?

        func run() throws {
            let config = try PipelineConfig.load(path: common.pipeline)
            let lines = try ShardCommands.threads(config, cache: common.cache, asOf: try ShardCommand.instant(asOf, option: "--as-of-ns"), now: ShardCommand.now)
            FileHandle.standardOutput.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        }
    }

    struct IDs: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ids", abstract: "Print the message ids of the messages on stdin (file:position lines).")
        @OptionGroup var common: Common

        func run() throws {
            let config = try PipelineConfig.load(path: common.pipeline)
            let wanted = try ShardCommand.lines().map(ShardCommand.place)
            let ids = try ShardCommands.ids(config, cache: common.cache, messages: wanted, now: ShardCommand.now)
            for (w, id) in zip(wanted, ids) { print("\(w.file):\(w.position)\t\(id)") }
        }
    }

    struct Conflicts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Settle the groups on stdin (space-separated file:position per line): print winner, duplicates, rejected.")
        @OptionGroup var common: Common

        func run() throws {
            let config = try PipelineConfig.load(path: common.pipeline)
            let groups = try ShardCommand.lines().map { try $0.split(separator: " ").map(ShardCommand.place) }
            for s in try ShardCommands.conflicts(config, cache: common.cache, groups: groups, now: ShardCommand.now) {
                let text = { (items: [(Int, Int)]) in items.map { "\($0.0):\($0.1)" }.joined(separator: " ") }
                print("\(s.winner.0):\(s.winner.1)\t\(text(s.duplicates))\t\(text(s.rejected))")
            }
        }
    }

    struct Scatter: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Spread the files named (run indexes) over the partitions, by their messages' assignments on stdin.")
        @OptionGroup var common: Common
        @Option(help: "The job's work folder (shared).") var work: String
        @Option(name: .customLong("of"), help: "The number of partitions.") var count: Int
        @Option(name: .customLong("as-of-ns")) var asOf: String
        @Option(name: .customLong("earliest-ns")) var earliest: String?
        @OptionGroup var window: WindowOptions
        @Argument(help: "The files' indexes in the run (rapport shard inputs).") var files: [Int]

        func run() throws {
            let config = try PipelineConfig.load(path: common.pipeline)
            var assignments: [ShardAssignmentLine] = []
            for (n, line) in ShardCommand.lines().enumerated() {
                guard let a = ShardAssignmentLine(line) else { throw RapportError(.usage, "stdin line \(n + 1): not an assignment: `\(line.prefix(80))`") }
                assignments.append(a)
            }
            try ShardCommands.scatter(
                config, folders: .init(cache: common.cache, work: work), files: files, of: count,
                asOf: try ShardCommand.instant(asOf, option: "--as-of-ns")!, earliest: try ShardCommand.instant(earliest, option: "--earliest-ns"),
                window: try window.runOptions(zone: config.zone).window, assignments: assignments, now: ShardCommand.now)
        }
    }

    struct Turns: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Build one partition's conversations from the scattered records; write its results.")
        @OptionGroup var common: Common
        @Option(help: "The job's work folder (shared).") var work: String
        @Option(help: "This partition.") var partition: Int
        @Option(name: .customLong("of"), help: "The number of partitions.") var count: Int
        @Option(name: .customLong("as-of-ns")) var asOf: String
        @Option(name: .customLong("earliest-ns")) var earliest: String?
        @OptionGroup var window: WindowOptions

        func run() throws {
            let config = try PipelineConfig.load(path: common.pipeline)
            try ShardCommands.turns(
                config, folders: .init(cache: common.cache, work: work), partition: partition, of: count,
                asOf: try ShardCommand.instant(asOf, option: "--as-of-ns")!, earliest: try ShardCommand.instant(earliest, option: "--earliest-ns"),
                window: try window.runOptions(zone: config.zone).window, now: ShardCommand.now)
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Merge the partitions' results in the work folder and publish the report.")
        @OptionGroup var common: Common
        @Option(help: "The job's work folder.") var work: String
        @Option(name: .customLong("of"), help: "The number of partitions.") var count: Int
        @Option(name: .customLong("as-of-ns")) var asOf: String
        @Option(name: .customLong("earliest-ns")) var earliest: String?
        @Option(help: "Output folder (overrides outputs.dir).") var out: String?
        @Option(name: .customLong("run-id")) var runID: String?
        @Flag var quiet = false
        @OptionGroup var window: WindowOptions

        func run() throws {
            let config = try PipelineConfig.load(path: common.pipeline)
            var options = try window.runOptions(zone: config.zone)
            options.asOf = try ShardCommand.instant(asOf, option: "--as-of-ns")
            options.outputDirectory = out
            options.runID = runID
            options.cacheDirectory = common.cache
            options.shards = ShardMergeRequest(folder: work, count: count, earliest: try ShardCommand.instant(earliest, option: "--earliest-ns"))
            let summary = try Runner.run(config, options: options, logger: Logger(label: "rapport"))
            if !quiet { print(summary.line) }
        }
    }
}
