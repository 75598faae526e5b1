import ArgumentParser
import Foundation
import Logging
import RapportCore
import RapportPipeline
import RapportRuntime
import RapportSynthetic

/// `rapport`: communication logs with outsourcing partners -> periodic trust reports.
struct Rapport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rapport",
        abstract: "Turn ticket, e-mail and meeting exports into per-partner trust reports.",
        discussion: "Exit codes: 0 published, 1 failed (nothing published), 2 usage or pipeline-file error, 75 another run holds the lock.",
        version: RapportPipeline.Runner.version,
        subcommands: [
            Run.self, Validate.self, Inspect.self, Init.self, Extract.self, CacheCommand.self, Clarity.self, Politeness.self, Generate.self, ShardCommand.self,
        ])
}

/// Options shared by `run` and `validate`.
struct WindowOptions: ParsableArguments {
    @Option(help: "First local date of the report window (YYYY-MM-DD); with --to.")
    var from: String?
    @Option(help: "Local date after the window (exclusive); with --from.")
    var to: String?
    @Option(help: "Report the last N periods that have ended by --as-of.")
    var last: Int?
    @Option(name: .customLong("as-of"), help: "\"Now\" for the report (RFC 3339 or a date); default: the latest timestamp in the data.")
    var asOf: String?
    @Option(help: "Files read in parallel (default: the number of cores).")
    var jobs: Int?

    func validate() throws {
        if (from == nil) != (to == nil) { throw ValidationError("--from and --to go together") }
        if last != nil && from != nil { throw ValidationError("use either --last or --from/--to") }
    }

    /// Every value range-checked (exit 2 with the accepted range, PRODUCT.md).
    func runOptions(zone: ZoneRules) throws -> RunOptions {
        var o = RunOptions()
        if let from, let to {
            o.window.from = try CommandValues.date(from, option: "--from")
            o.window.to = try CommandValues.date(to, option: "--to")
            if o.window.to! <= o.window.from! { throw RapportError(.usage, "--to (\(to)) must be after --from (\(from))") }
        }
        if let last { o.window.last = try CommandValues.count(last, option: "--last", in: 1...CommandValues.maxPeriods, unit: "periods") }
        if let asOf { o.asOf = try CommandValues.instant(asOf, zone: zone, option: "--as-of") }
        if let jobs { o.jobs = try CommandValues.count(jobs, option: "--jobs", in: 1...256, unit: "jobs") }
        return o
    }
}

extension Rapport {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a pipeline and publish its report.")

        @Argument(help: "The pipeline file (pipelines/*.yaml).")
        var pipeline: String
        @OptionGroup var window: WindowOptions
        @Option(help: "Output folder (overrides outputs.dir).")
        var out: String?
        @Option(name: .customLong("run-id"), help: "Fix the run id, so that two runs over the same inputs give identical files.")
        var runID: String?
        @Flag(help: "Print nothing on success.")
        var quiet = false
        @Flag(help: "Show a progress line on stderr even when it is not a terminal.")
        var progress = false
        @Flag(name: .customLong("allow-empty"), help: "Publish even when the window holds no conversation (an empty report never replaces one with figures otherwise).")
        var allowEmpty = false

        func run() throws {
            let config = try PipelineConfig.load(path: pipeline)
            var options = try window.runOptions(zone: config.zone)
            options.outputDirectory = out
            options.runID = runID
            options.allowEmpty = allowEmpty
            // A progress line only for a person watching (stderr is a terminal), never under cron.
            if !quiet && (progress || isatty(2) == 1) {
                let started = Date()
                options.progress = { p in ProgressLine.shared.draw(p.line(elapsed: Date().timeIntervalSince(started))) }
            }
            defer { ProgressLine.shared.clear() }
            let summary = try Runner.run(config, options: options, logger: Logger(label: "rapport"))
            if !quiet { print(summary.line) }
        }
    }

    struct Extract: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Extract a pipeline's inputs (or the files named) into the cache of fact files, without a report.",
            discussion: "A scheduler can extract each new export as it arrives; the next run reads only what is not cached yet.")

        @Argument(help: "The pipeline file (pipelines/*.yaml).")
        var pipeline: String
        @Argument(help: "Inputs of the pipeline to extract (default: all of them).")
        var files: [String] = []
        @Option(help: "The output folder whose cache to fill (overrides outputs.dir).")
        var out: String?
        @Option(help: "Files read in parallel (default: the number of cores).")
        var jobs: Int?
        @Flag(help: "Print nothing on success.")
        var quiet = false

        func run() throws {
            let config = try PipelineConfig.load(path: pipeline)
            let jobs = try self.jobs.map { try CommandValues.count($0, option: "--jobs", in: 1...256, unit: "jobs") } ?? ProcessInfo.processInfo.activeProcessorCount
            let now = Instant(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9))
            let done = try CacheCommands.extract(config, paths: files, outputDirectory: out, now: now, jobs: jobs)
            let failed = done.filter { $0.failure != nil }.count
            for d in done where !quiet || d.failure != nil {
                let what = d.failure.map { "REFUSED \($0)" } ?? (d.fromCache ? "cached already" : "extracted") + ", \(d.records) record\(d.records == 1 ? "" : "s")"
                print("\(d.file): \(what)")
            }
            if failed > 0 { throw RapportError(.failed, "\(failed) of \(done.count) file\(done.count == 1 ? "" : "s") could not be read") }
        }
    }

    struct CacheCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cache", abstract: "Look after the cache of fact files.", subcommands: [Stats.self, Prune.self])

        struct Stats: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "How much the cache holds, and how much of the pipeline's inputs it covers.")
            @Argument(help: "The pipeline file.") var pipeline: String
            @Option(help: "The output folder whose cache to read (overrides outputs.dir).") var out: String?

            func run() throws {
                let s = try CacheCommands.stats(try PipelineConfig.load(path: pipeline), outputDirectory: out)
                print("cache: \(s.folder)")
                print("entries: \(s.entries) (\(String(format: "%.1f", Double(s.bytes) / 1e6)) MB)")
                let share = s.inputBytes > 0 ? String(format: "%.1f", Double(s.bytes) / Double(s.inputBytes) * 100) : "0"
                print("inputs: \(s.current) cached, \(s.missing) to extract; the facts take \(share) % of the inputs' size on disk")
            }
        }

        struct Prune: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove the entries no current input uses, then the least recently used above cache.max_size.")
            @Argument(help: "The pipeline file.") var pipeline: String
            @Option(help: "The output folder whose cache to prune (overrides outputs.dir).") var out: String?
            @Option(name: .customLong("max-size"), help: "Keep at most this much (e.g. 2GB; default cache.max_size).") var maxSize: String?

            func run() throws {
                let config = try PipelineConfig.load(path: pipeline)
                var limit: Int64?
                if let maxSize {
                    guard let v = Generate.parseSize(maxSize) else { throw ValidationError("--max-size: expected a size such as 2GB") }
                    limit = v
                }
                let (removed, freed) = try CacheCommands.prune(config, outputDirectory: out, maxBytes: limit)
                print("rapport: removed \(removed) entr\(removed == 1 ? "y" : "ies") (\(String(format: "%.1f", Double(freed) / 1e6)) MB)")
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a pipeline file and read every input; count records and rejects; write nothing.")

        @Argument(help: "The pipeline file (pipelines/*.yaml).")
        var pipeline: String
        @OptionGroup var window: WindowOptions

        func run() throws {
            let config = try PipelineConfig.load(path: pipeline)
            let options = try window.runOptions(zone: config.zone)
            let summary = try Runner.run(config, options: options, logger: Logger(label: "rapport"), write: false)
            for f in summary.files {
                let status = f.failure.map { "REFUSED \($0)" } ?? "\(f.read) read, \(f.used) used, \(f.duplicates) duplicates, \(f.rejected) rejected"
                print("\(f.file) [\(f.format)]: \(status)")
            }
            print(summary.line)
        }
    }

    struct Clarity: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score files with readability rules v1 (METRICS.md): one CSV row per file.",
            discussion: "Without --no-clean the message cleaning runs first (HTML, quoted history, signature, URLs and addresses).")

        @Flag(name: .customLong("no-clean"), help: "Score the text as it is.")
        var noClean = false
        @Argument(help: "Text files (UTF-8).")
        var files: [String]

        func run() throws {
            print(try ClarityReport.csv(files: files, clean: !noClean), terminator: "")
        }
    }

    struct Politeness: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score files with politeness rules v1 (docs/politeness.md): one CSV row per file.",
            discussion: "Columns: file, words, politeness (0-100, 50 neutral; empty under 3 words), then the count of each cue. Without --no-clean the message cleaning runs first.")

        @Flag(name: .customLong("no-clean"), help: "Score the text as it is.")
        var noClean = false
        @Argument(help: "Text files (UTF-8).")
        var files: [String]

        func run() throws {
            print(try PolitenessReport.csv(files: files, clean: !noClean), terminator: "")
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say which format an export is (or why it is none) and show its first records as Rapport reads them.",
            discussion: "Tries every format (the mapped `csv` only with --format csv) on the file, or on its first 8 MB when it is large; folders (Maildir, .eml, an unzipped Slack export) and .zip files too. Writes nothing.")

        @Argument(help: "An export file or folder.")
        var file: String
        @Option(help: "Try only this format.")
        var format: String?
        @Option(help: "IANA time zone for timestamps without an offset (default UTC).")
        var timezone = "UTC"

        func run() throws {
            guard let zone = ZoneRules(identifier: timezone) else { throw ValidationError("--timezone: unknown time zone `\(timezone)`") }
            let attempts = try RapportPipeline.Inspect.attempts(path: file, format: format, zone: zone, now: RunOptions().now)
            print(RapportPipeline.Inspect.report(attempts, path: file), terminator: "")
            if attempts.first?.fits != true { throw RapportError(.failed, file: file, "no format reads it; see the reasons above, or map its columns with format: csv") }
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a commented pipeline file (DIR/pipeline.yaml) from the exports found in DIR.",
            discussion: "Formats are sniffed as `rapport inspect` does (the first file of each folder and extension); the most frequent sender domain is proposed as the client's, the next ones as partners. Guesses are marked CHECK. An existing pipeline.yaml is never overwritten.")

        @Argument(help: "The folder of exports (default: the current folder).")
        var folder = "."

        func run() throws {
            let (path, survey) = try PipelineDraft.write(folder: folder, now: RunOptions().now)
            let files = survey.sources.reduce(0) { $0 + $1.files }
            print("rapport: wrote \(path): \(files) export file\(files == 1 ? "" : "s") in \(survey.sources.count) source\(survey.sources.count == 1 ? "" : "s")"
                + (survey.unread.isEmpty ? "" : ", \(survey.unread.count) file\(survey.unread.count == 1 ? "" : "s") no format reads")
                + "; check the lines marked CHECK, then: rapport run \(path)")
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write realistic synthetic exports (and a pipeline file for them) for demos and benchmarks.")

        @Option(help: "Folder to write into (created if missing).")
        var out: String
        @Option(help: "About N × 1,000 e-mail threads (≈ N × 3 MB of CSV) and N × 1,000 tickets.")
        var scale: Double = 1
        @Option(help: "Generate until this much uncompressed CSV instead (e.g. 200MB, 1GB).")
        var size: String?
        @Option(help: "Random seed: the same seed gives the same files.")
        var seed: UInt64 = 1
        @Option(help: "Number of export files the messages are spread over.")
        var files: Int = 4
        @Option(help: "Weeks of data, ending at --end.")
        var weeks: Int = 12
        @Option(help: "The Monday after the last generated week (YYYY-MM-DD).")
        var end: String = "2026-10-26"
        @Option(help: "gzip level 1–9.")
        var level: Int32 = 6
        @Option(help: "Which logs to write: email, ticket, meeting (comma-separated).")
        var kinds: String = "email,ticket,meeting"
        @Option(name: .customLong("ticket-size"), help: "Generate tickets until this much XML (e.g. 500MB) instead of by --scale.")
        var ticketSize: String?
        @Flag(name: .customLong("gzip-tickets"), help: "Write the ticket export gzip-compressed.")
        var gzipTickets = false
        @Option(name: .customLong("email-format"), help: "How to write the e-mail export: csv (rapport-email-csv) or mbox (the same messages).")
        var emailFormat: String = "csv"

        func run() throws {
            var o = EmailGenerator.Options(outputDirectory: out)
            o.scale = scale
            o.seed = seed
            o.files = max(1, files)
            o.weeks = max(1, weeks)
            o.end = try CommandValues.date(end, option: "--end")
            o.compressionLevel = min(9, max(1, level))
            if let size {
                guard let bytes = Self.parseSize(size) else { throw ValidationError("--size: expected a size such as 200MB or 1GB") }
                o.targetBytes = bytes
            }
            if let ticketSize {
                guard let bytes = Self.parseSize(ticketSize) else { throw ValidationError("--ticket-size: expected a size such as 500MB") }
                o.ticketBytes = bytes
            }
            var chosen: Set<SourceKind> = []
            for k in kinds.split(separator: ",") {
                guard let kind = SourceKind(rawValue: k.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--kinds: `\(k)` is not email, ticket or meeting")
                }
                chosen.insert(kind)
            }
            o.kinds = chosen
            o.gzipTickets = gzipTickets
            guard let format = EmailGenerator.EmailFormat(rawValue: emailFormat) else { throw ValidationError("--email-format: `\(emailFormat)` is not csv or mbox") }
            o.emailFormat = format
            // A progress line for a person watching a long generation (stderr a terminal), never in a pipe.
            if isatty(2) == 1 {
                o.progress = { written, goal in
                    let percent = min(100, Int(Double(written) / Double(max(1, goal)) * 100))
                    FileHandle.standardError.write(Data(String(format: "\rrapport: generating e-mail, %.0f MB of %.0f MB (%d %%)", Double(written) / 1e6, Double(goal) / 1e6, percent).utf8))
                }
            }
            let started = Date()
            let s = try EmailGenerator.generateAll(o)
            if o.progress != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            let seconds = Date().timeIntervalSince(started)
            var parts: [String] = []
            if chosen.contains(.email) {
                let written = format == .mbox ? " written as mbox" : ""
                parts.append(String(format: "%d messages in %d threads (%.1f MB of CSV", s.messages, s.threads, Double(s.bytes) / 1e6) + written + ", \(s.files.count) files)")
            }
            if chosen.contains(.ticket) {
                parts.append(String(format: "%d tickets with %d events (%.1f MB of XML)", s.tickets.tickets, s.tickets.events, Double(s.tickets.bytes) / 1e6))
            }
            if chosen.contains(.meeting) { parts.append("\(s.meetings.meetings) meetings (\(s.meetings.rows) invitee rows)") }
            print("rapport: generated \(parts.joined(separator: ", ")) in \(out) in \(String(format: "%.1f", seconds)) s; pipeline: \(s.pipeline)")
        }

        static func parseSize(_ text: String) -> Int64? {
            let units: [(String, Double)] = [("GB", 1e9), ("MB", 1e6), ("KB", 1e3), ("G", 1e9), ("M", 1e6), ("K", 1e3), ("B", 1)]
            for (u, f) in units where text.uppercased().hasSuffix(u) {
                guard let v = Double(text.dropLast(u.count)) else { return nil }
                return Int64(v * f)
            }
            return Int64(text)
        }
    }
}

/// Log lines on stderr, one per event: `rapport: error: file:line: message`.
struct StderrLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        ProgressLine.shared.log("rapport: \(event.level): \(event.message)\n")
    }
}

/// The progress line on stderr, redrawn in place (carriage return, erase to the end of the
/// line). A log line never lands on it: the line is erased, the log line written, and the
/// progress line drawn again below it.
final class ProgressLine: @unchecked Sendable {
    static let shared = ProgressLine()
    private var current: String?
    private let lock = NSLock()

    func draw(_ line: String) {
        lock.withLock {
            current = line
            write("\r" + line + "\u{1B}[K")
        }
    }

    func clear() {
        lock.withLock {
            if current != nil { write("\r\u{1B}[K") }
            current = nil
        }
    }

    func log(_ text: String) {
        lock.withLock { write((current == nil ? "" : "\r\u{1B}[K") + text + (current.map { "\r" + $0 + "\u{1B}[K" } ?? "")) }
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}

@main
enum Main {
    static func main() {
        // Before any other thread starts: SIGINT, SIGTERM and SIGHUP then clean up and exit 130/143/129.
        Interrupts.install()
        // A file-size limit (ulimit -f) makes writes fail with EFBIG, reported as errors, instead of killing the process.
        signal(SIGXFSZ, SIG_IGN)
        // RAPPORT_LOG_LEVEL=debug adds per-stage and per-output timings; the default shows warnings and errors.
        let level = ProcessInfo.processInfo.environment["RAPPORT_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        LoggingSystem.bootstrap { _ in
            var handler = StderrLogHandler()
            handler.logLevel = level
            return handler
        }
        // A mistyped command gets a suggestion rather than "unexpected arguments".
        if let first = CommandLine.arguments.dropFirst().first, !first.hasPrefix("-") {
            let names = Rapport.configuration.subcommands.map { $0._commandName } + ["help"]
            if !names.contains(first) {
                let hint = Suggestion.closest(to: first, among: names).map { "did you mean `rapport \($0)`? " } ?? ""
                FileHandle.standardError.write(Data("rapport: error: unknown command `\(first)`; \(hint)commands: \(names.joined(separator: ", "))\n".utf8))
                exit(2)
            }
        }
        do {
            var command = try Rapport.parseAsRoot()
            try command.run()
        } catch let error as RapportError {
            FileHandle.standardError.write(Data("rapport: error: \(error)\n".utf8))
            exit(error.exitCode)
        } catch {
            let code = Rapport.exitCode(for: error)
            if code == .success {
                Rapport.exit(withError: error)
            }
            FileHandle.standardError.write(Data((Rapport.fullMessage(for: error) + "\n").utf8))
            // Argument errors are usage errors: exit 2, as PRODUCT.md fixes for cron.
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
