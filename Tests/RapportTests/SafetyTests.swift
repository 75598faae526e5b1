import CSQLite
import Foundation
import RapportCore
import RapportPipeline
import RapportSynthetic
import Testing

@testable import RapportIngest

/// Safe to point anywhere and to schedule (PRODUCT.md, "The output folder is the user's",
/// "Out-of-range requests are usage errors", "Reruns are idempotent"): each defect found by
/// trying Rapport as a new user would, as a test, plus the properties that cover them.
@Suite(.serialized) struct SafetyTests {
    /// A small pipeline over the edge fixtures, copied into a fresh folder.
    static func workspace() throws -> (dir: String, pipeline: String) {
        let dir = temporaryDirectory("rapport-safety")
        try FileManager.default.copyItem(atPath: repositoryRoot + "/fixtures/edge", toPath: dir + "/edge")
        return (dir, dir + "/edge/pipeline.yaml")
    }

    /// Every path below `root` with its kind and bytes (symlinks by their target, not followed).
    static func snapshot(_ root: String) -> [String: String] {
        var out: [String: String] = [:]
        func walk(_ path: String, _ name: String) {
            var st = stat()
            guard lstat(path, &st) == 0 else { return }
            switch st.st_mode & S_IFMT {
            case S_IFLNK: out[name] = "link " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?")
            case S_IFDIR:
                out[name] = "dir \(st.st_mode & 0o777)"
                for child in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] { walk(path + "/" + child, name + "/" + child) }
            default: out[name] = "file \(st.st_mode & 0o777) " + ((try? Data(contentsOf: URL(fileURLWithPath: path)))?.base64EncodedString() ?? "?")
            }
        }
        walk(root, ".")
        return out
    }

    static func run(_ arguments: [String]) throws -> CommandLineTests.Outcome { try CommandLineTests.run(arguments) }

    // MARK: 1. It deleted folders it did not make

    @Test(arguments: ["cwd", "pipeline folder", "folder of other files", "regular file", "symlink to a folder", "folder holding an input"])
    func foldersRapportDidNotMakeAreRefusedUntouched(_ what: String) throws {
        let (dir, pipeline) = try Self.workspace()
        try "keep me".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/other", withIntermediateDirectories: true)
        try "precious".write(toFile: dir + "/other/data.txt", atomically: true, encoding: .utf8)
        let target: String
        switch what {
        case "cwd": target = "."
        case "pipeline folder": target = dir + "/edge"
        case "folder of other files": target = dir + "/other"
        case "regular file": target = dir + "/notes.txt"
        case "symlink to a folder":
            try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/other")
            target = dir + "/link"
        default:
            try FileManager.default.copyItem(atPath: dir + "/edge/a.csv", toPath: dir + "/other/a.csv")
            try readText(pipeline).replacingOccurrences(of: "path: \"*.csv\"", with: "path: \"../other/a.csv\"").write(toFile: pipeline, atomically: true, encoding: .utf8)
            target = dir + "/other"
        }
        let before = Self.snapshot(dir)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        p.arguments = ["run", pipeline, "--out", target, "--as-of", "2026-04-06"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 2, "\(what): \(stderr)")
        #expect(stderr.contains("Nothing was touched; choose a folder of its own, e.g. --out "), "\(what): \(stderr)")
        #expect(Self.snapshot(dir) == before, "\(what) changed")
    }

    @Test func theRootFolderIsRefused() throws {
        let (_, pipeline) = try Self.workspace()
        let r = try Self.run(["run", pipeline, "--out", "/", "--as-of", "2026-04-06"])
        #expect(r.status == 2 && r.stderr.contains("/: the output folder"), "\(r.stderr)")
    }

    /// Property: whatever tree sits at the output path (files, folders, symlinks, a stray
    /// `.rapport-report` among other files), unless it is empty, the run refuses and leaves
    /// every byte of it as it was.
    @Test func anyTreeThatIsNoReportIsLeftAsItWas() throws {
        let seed = ProcessInfo.processInfo.environment["RAPPORT_PROPERTY_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64(UInt32.max))
        var rng = SeededRandom(seed: seed)
        let (dir, pipeline) = try Self.workspace()
        let names = ["metrics.csv", "report.json", "notes.txt", "a b.csv", "x", ".hidden", "ünï", "rapport.sqlite", ".rapport-report"]
        for round in 0..<12 {
            let root = dir + "/tree-\(round)"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            for _ in 0..<rng.int(1...6) {
                let sub = rng.int(0...2) == 0 ? "/sub\(rng.int(0...1))" : ""
                try FileManager.default.createDirectory(atPath: root + sub, withIntermediateDirectories: true)
                let path = root + sub + "/" + names[rng.int(0...names.count - 1)]
                if FileManager.default.fileExists(atPath: path) { continue }
                switch rng.int(0...2) {
                case 0: try Data((0..<rng.int(0...64)).map { _ in UInt8(rng.int(0...255)) }).write(to: URL(fileURLWithPath: path))
                case 1: try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: dir + "/edge")
                default: try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                }
            }
            // Only Rapport's names at the top, a marker and nothing else would be a report: keep one foreign entry.
            if !FileManager.default.fileExists(atPath: root + "/notes.txt") { try "mine".write(toFile: root + "/notes.txt", atomically: true, encoding: .utf8) }
            let before = Self.snapshot(dir)
            let error = #expect(throws: RapportError.self, "seed \(seed) round \(round)") {
                try runPipeline(pipeline, asOf: "2026-04-06", out: root)
            }
            #expect(error?.exitCode == 2, "seed \(seed) round \(round): \(error.map { "\($0)" } ?? "")")
            #expect(Self.snapshot(dir) == before, "seed \(seed) round \(round): rerun with RAPPORT_PROPERTY_SEED=\(seed)")
        }
    }

    @Test func aReportIsReplacedAndMarkedAndAnEmptyFolderTaken() throws {
        let (dir, pipeline) = try Self.workspace()
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        _ = try runPipeline(pipeline, asOf: "2026-04-06", out: dir + "/empty")
        #expect(readText(dir + "/empty/.rapport-report") == "edge-cases\n")
        _ = try runPipeline(pipeline, asOf: "2026-04-06", out: dir + "/empty")
        // A report published before the marker: Rapport's own files and its report.json.
        try FileManager.default.removeItem(atPath: dir + "/empty/.rapport-report")
        _ = try runPipeline(pipeline, asOf: "2026-04-06", out: dir + "/empty")
        #expect(FileManager.default.fileExists(atPath: dir + "/empty/.rapport-report"))
        var st = stat()
        stat(dir + "/empty", &st)
        #expect(st.st_mode & 0o777 == 0o755 & ~0o022 || st.st_mode & 0o777 == 0o755)
    }

    @Test func aSymlinkToAReportIsPublishedThroughTheLink() throws {
        let (dir, pipeline) = try Self.workspace()
        _ = try runPipeline(pipeline, asOf: "2026-04-06", runID: "first", out: dir + "/real")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/real")
        _ = try runPipeline(pipeline, asOf: "2026-04-06", runID: "second", out: dir + "/link")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link")) == dir + "/real")
        #expect(readText(dir + "/real/report.json").contains("\"run_id\": \"second\""))
    }

    // MARK: 2. Staging and lock were predictable and followed through symlinks

    @Test func plantedSymlinksBesideTheTargetAreNeverFollowed() throws {
        let (dir, pipeline) = try Self.workspace()
        try FileManager.default.createDirectory(atPath: dir + "/victim", withIntermediateDirectories: true)
        try "precious".write(toFile: dir + "/victim/data.txt", atomically: true, encoding: .utf8)
        for pid in [1, 2, Int(getpid()), Int(getpid()) + 1] {
            try FileManager.default.createSymbolicLink(atPath: dir + "/.report.new-\(pid)", withDestinationPath: dir + "/victim")
        }
        try FileManager.default.createSymbolicLink(atPath: dir + "/.report.old-1", withDestinationPath: dir + "/victim")
        let victim = Self.snapshot(dir + "/victim")
        _ = try runPipeline(pipeline, asOf: "2026-04-06", out: dir + "/report")
        #expect(Self.snapshot(dir + "/victim") == victim)
        // The planted links stay: they are not Rapport's.
        #expect(FileManager.default.fileExists(atPath: dir + "/.report.new-1") || (try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/.report.new-1")) != nil)
        // Staging is mkdtemp's (six random characters), made 0700; none is left after the run.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".report.new-") }
        #expect(left.allSatisfy { (try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/" + $0)) != nil })
    }

    @Test func aLockFileThatIsASymlinkIsRefused() throws {
        let (dir, pipeline) = try Self.workspace()
        try "precious".write(toFile: dir + "/victim.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/.report.lock", withDestinationPath: dir + "/victim.txt")
        let error = #expect(throws: RapportError.self) { try runPipeline(pipeline, asOf: "2026-04-06", out: dir + "/report") }
        #expect("\(error.map { "\($0)" } ?? "")".contains("symbolic link"))
        #expect(readText(dir + "/victim.txt") == "precious")
        #expect(!FileManager.default.fileExists(atPath: dir + "/report"))
    }

    // MARK: 3. Signals left debris

    /// A generated export large enough that a debug run takes a second or two.
    static let generated: Result<String, any Error> = Result {
        let dir = temporaryDirectory("rapport-kill")
        var o = EmailGenerator.Options(outputDirectory: dir + "/data")
        o.scale = 3
        o.files = 2
        o.weeks = 4
        o.kinds = [.email]
        _ = try EmailGenerator.generateAll(o)
        return dir
    }

    static func waitWithTimeout(_ p: Process) -> Int32 {
        p.waitUntilExit()
        return p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
    }

    /// The published report's files but its database, and the run the database says it
    /// holds last (its history differs by the runs before it, so it is checked for that).
    static func reportState(_ out: String) -> [String: String] {
        var state = snapshot(out)
        state["./rapport.sqlite"] = nil
        var db: OpaquePointer?
        guard sqlite3_open_v2(out + "/rapport.sqlite", &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { return state }
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, "SELECT (SELECT run_id FROM runs ORDER BY rowid DESC LIMIT 1), (SELECT integrity_check FROM pragma_integrity_check)", -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        if sqlite3_step(statement) == SQLITE_ROW {
            state["database"] = (0..<2).map { sqlite3_column_text(statement, $0).map { String(cString: $0) } ?? "" }.joined(separator: " ")
        }
        return state
    }

    /// SIGTERM and SIGKILL at random moments: the folder then holds the old report or the new
    /// one, whole (compared file by file), never a mix; SIGTERM leaves no staging folder and
    /// exits 143; after the next run nothing Rapport made is left beside the report.
    @Test func killedAtAnyMomentTheReportIsOldOrNewAndDebrisGoes() throws {
        let dir = try Self.generated.get()
        let pipeline = dir + "/data/pipeline.yaml"
        let out = dir + "/report"
        func publish(_ runID: String) throws -> CommandLineTests.Outcome {
            try Self.run(["run", pipeline, "--out", out, "--run-id", runID, "--quiet"])
        }
        try #require(try publish("new").status == 0)
        let new = Self.reportState(out)
        try #require(try publish("old").status == 0)
        let old = Self.reportState(out)
        #expect(new["database"] == "new ok" && old["database"] == "old ok")
        let started = Date()
        try #require(try publish("old").status == 0)
        let runSeconds = Date().timeIntervalSince(started)
        let seed = ProcessInfo.processInfo.environment["RAPPORT_PROPERTY_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64(UInt32.max))
        var rng = SeededRandom(seed: seed)
        for round in 0..<10 {
            let signal = round % 2 == 0 ? SIGTERM : SIGKILL
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
            p.arguments = ["run", pipeline, "--out", out, "--run-id", "new", "--quiet"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32(Double(rng.int(0...1000)) / 1000 * runSeconds * 1.2 * 1e6))
            kill(p.processIdentifier, signal)
            let status = Self.waitWithTimeout(p)
            let now = Self.reportState(out)
            #expect(now == old || now == new, "seed \(seed) round \(round): a mix after signal \(signal)")
            let debris = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".report.new-") || $0.hasPrefix(".report.old-") }
            if signal == SIGTERM && status == 143 { #expect(debris.isEmpty, "seed \(seed) round \(round): \(debris)") }
            if status == 0 { #expect(now == new) }
            // Back to the old report for the next round; that run also removes what a SIGKILL left.
            try #require(try publish("old").status == 0)
            let after = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".report.new-") || $0.hasPrefix(".report.old-") }
            #expect(after.isEmpty, "seed \(seed) round \(round): \(after)")
        }
    }

    // MARK: 4. Out-of-range requests crashed

    @Test(arguments: [
        (["--as-of", "2500-01-01"], "1990-01-01 to 2100-01-01"),
        (["--as-of", "1970-01-01"], "1990-01-01 to 2100-01-01"),
        (["--as-of", "2300-01-01T00:00:00Z"], "1990-01-01 to 2100-01-01"),
        (["--last", "20000"], "1 to 1000 periods"),
        (["--last", "100000000000"], "1 to 1000 periods"),
        (["--last", "0"], "1 to 1000 periods"),
        (["--from", "0001-01-01", "--to", "9999-01-01"], "1990-01-01 to 2100-01-01"),
        (["--from", "2026-03-09", "--to", "2026-03-02"], "must be after --from"),
        (["--jobs", "0"], "1 to 256 jobs"),
    ])
    func outOfRangeRequestsAreUsageErrors(_ options: [String], _ range: String) throws {
        let (dir, pipeline) = try Self.workspace()
        let r = try Self.run(["run", pipeline, "--out", dir + "/report"] + options)
        #expect(r.status == 2, "\(options): \(r.status) \(r.stderr)")
        #expect(r.stderr.contains(range), "\(options): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/report"))
    }

    @Test func theWholeAcceptedRangeRunsInBoundedTime() throws {
        let (dir, pipeline) = try Self.workspace()
        try readText(pipeline).replacingOccurrences(of: "period: week", with: "period: day").write(toFile: pipeline, atomically: true, encoding: .utf8)
        let started = Date()
        let run = try runPipeline(pipeline, window: WindowRequest(from: LocalDate(year: 1990, month: 1, day: 1)!, to: LocalDate(year: 2100, month: 1, day: 1)!), out: dir + "/report")
        #expect(run.summary.window.count == 40_177)
        #expect(Date().timeIntervalSince(started) < 60)
    }

    // MARK: 5. Misconfiguration published a hollow report

    static func warnings(_ dir: String) throws -> [(code: String, message: String)] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/report.json"))) as? [String: Any]
        return ((json?["warnings"] as? [[String: Any]]) ?? []).map { ($0["code"] as! String, $0["message"] as! String) }
    }

    static func pipeline(_ partners: String, client: String = "{ name: Acme, domains: [acme.example] }", in dir: String) throws -> String {
        var text = readText(dir + "/edge/pipeline.yaml")
        let start = text.range(of: "client:")!.lowerBound
        let end = text.range(of: "# The hand-worked SLA")!.lowerBound
        text.replaceSubrange(start..<end, with: "client: \(client)\npartners:\n\(partners)\n")
        let path = dir + "/edge/misconfigured.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func eachMisconfigurationIsAWarningWithItsCode() throws {
        let (dir, _) = try Self.workspace()
        let path = try Self.pipeline(
            """
              - { id: globex, domains: [globex.example] }
              - { id: initech, domains: [initech.example] }
              - { id: typo, domains: [globex-typo.example] }
            """, client: "{ name: Acme, domains: [acme.example], people: [\"nobody-*\", \"*\"] }", in: dir)
        try readText(path).replacingOccurrences(of: "  formats: [csv, json]", with: "  formats: [csv, json, html]").write(toFile: path, atomically: true, encoding: .utf8)
        let run = try runPipeline(path, asOf: "2026-04-06")
        let found = try Self.warnings(run.dir)
        let codes = Set(found.map(\.code))
        #expect(codes.isSuperset(of: ["partner_matches_no_actor", "rule_matches_nobody", "rule_matches_most_actors"]), "\(found)")
        #expect(found.contains { $0.code == "partner_matches_no_actor" && $0.message.hasPrefix("partner typo matches no actor") })
        #expect(found.contains { $0.code == "rule_matches_nobody" && $0.message.contains("people glob nobody-* matches no actor") })
        #expect(found.contains { $0.code == "rule_matches_most_actors" && $0.message.contains("people glob * matches") })
        #expect(readText(run.dir + "/report.html").contains("class=\"warnings\""))
        #expect(run.summary.warnings.count == found.count)
    }

    @Test func unknownSendersAndFilesOutsideTheWindowAreWarnings() throws {
        let (dir, _) = try Self.workspace()
        // Initech dropped from the pipeline: its senders become unknown.
        let path = try Self.pipeline("  - { id: globex, domains: [globex.example] }", in: dir)
        let run = try runPipeline(path, window: WindowRequest(from: LocalDate(year: 2026, month: 3, day: 23)!, to: LocalDate(year: 2026, month: 4, day: 6)!), out: dir + "/report")
        let found = try Self.warnings(run.dir)
        #expect(found.contains { $0.code == "file_outside_window" }, "\(found)")
        let w = try #require(run.summary.warnings.first { $0.code == .fileOutsideWindow })
        #expect(w.file != nil && w.message.contains("gives no record inside the report window"))
    }

    @Test func partnersSharingADomainAreAPipelineError() throws {
        let (dir, _) = try Self.workspace()
        let path = try Self.pipeline(
            """
              - { id: globex, domains: [globex.example] }
              - { id: globex-eu, domains: [eu.globex.example] }
            """, in: dir)
        let error = #expect(throws: RapportError.self) { try PipelineConfig.load(path: path) }
        #expect(error?.exitCode == 2)
        #expect("\(error.map { "\($0)" } ?? "")".contains("partners globex and globex-eu overlap (domains globex.example and eu.globex.example)"))
        let ranked = try Self.pipeline(
            """
              - { id: globex, domains: [globex.example] }
              - { id: globex-eu, domains: [eu.globex.example], priority: 1 }
            """, in: dir)
        let config = try PipelineConfig.load(path: ranked)
        #expect(config.directoryOfParties.party(of: "ana@eu.globex.example", at: nil) == .partner(1))
        #expect(config.directoryOfParties.party(of: "ana@globex.example", at: nil) == .partner(0))
        let globs = try Self.pipeline(
            """
              - { id: a, people: ["gx-*"] }
              - { id: b, people: ["*-eu"] }
            """, in: dir)
        #expect(throws: RapportError.self) { try PipelineConfig.load(path: globs) }
    }

    @Test func anEmptyWindowNeverReplacesAReportWithFigures() throws {
        let (dir, pipeline) = try Self.workspace()
        let out = dir + "/report"
        _ = try runPipeline(pipeline, asOf: "2026-04-06", out: out)
        let before = Self.snapshot(out)
        let empty = WindowRequest(from: LocalDate(year: 2025, month: 1, day: 6)!, to: LocalDate(year: 2025, month: 1, day: 13)!)
        let error = #expect(throws: RapportError.self) { try runPipeline(pipeline, window: empty, out: out) }
        #expect(error?.exitCode == 1)
        #expect("\(error.map { "\($0)" } ?? "")".contains("nothing to report"))
        #expect(Self.snapshot(out) == before)
        let r = try Self.run(["run", pipeline, "--out", out, "--from", "2025-01-06", "--to", "2025-01-13", "--allow-empty"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("empty_window"))
        #expect(try Self.warnings(out).contains { $0.code == "empty_window" })
    }

    // MARK: 6. Reruns were not idempotent

    @Test func rerunsWithOneRunIDAreByteIdenticalAndNothingAccumulates() throws {
        let (dir, pipeline) = try Self.workspace()
        try readText(pipeline).replacingOccurrences(of: "  formats: [csv, json]", with: "  formats: [csv, json, sqlite, html]")
            .write(toFile: pipeline, atomically: true, encoding: .utf8)
        let out = dir + "/report"
        var snapshots: [[String: String]] = []
        for _ in 0..<3 {
            _ = try runPipeline(pipeline, asOf: "2026-04-06", runID: "same", out: out)
            snapshots.append(Self.snapshot(out))
        }
        #expect(snapshots[0] == snapshots[1] && snapshots[1] == snapshots[2])
        var db: OpaquePointer?
        sqlite3_open_v2(out + "/rapport.sqlite", &db, SQLITE_OPEN_READONLY, nil)
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, "SELECT (SELECT COUNT(*) FROM rejects), (SELECT COUNT(*) FROM runs)", -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        #expect(sqlite3_step(statement) == SQLITE_ROW)
        #expect(sqlite3_column_int(statement, 0) == 9)  // the edge fixtures' 9 rejects, once
        #expect(sqlite3_column_int(statement, 1) == 1)
    }

    @Test func controlCharactersInIdsReachNoOutputRaw() throws {
        let (dir, pipeline) = try Self.workspace()
        try readText(pipeline).replacingOccurrences(of: "  formats: [csv, json]", with: "  formats: [csv, json, sqlite, html]")
            .write(toFile: pipeline, atomically: true, encoding: .utf8)
        try "message_id,thread_id,in_reply_to,sent_at,from,to,cc,subject,body\n<n\u{0}ul@acme.example>,th\u{1B}[31m,,2026-03-03T09:00:00+01:00,jane@acme.example,ana@globex.example,,Rota,Please send it.\n"
            .write(toFile: dir + "/edge/z.csv", atomically: true, encoding: .utf8)
        let run = try runPipeline(pipeline, asOf: "2026-04-06", out: dir + "/report")
        for name in ["responses.csv", "conversations.csv", "report.json", "report.html"] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: run.dir + "/" + name))
            #expect(!bytes.contains(0x00) && !bytes.contains(0x1B), "\(name) holds a NUL or an escape character")
        }
        // In the database, every text the conversation and its messages left.
        var db: OpaquePointer?
        sqlite3_open_v2(run.dir + "/rapport.sqlite", &db, SQLITE_OPEN_READONLY, nil)
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        sqlite3_prepare_v2(
            db, "SELECT conversation FROM conversations UNION ALL SELECT opened_by FROM responses UNION ALL SELECT id FROM interactions UNION ALL SELECT conversation FROM interactions", -1,
            &statement, nil)
        defer { sqlite3_finalize(statement) }
        var texts: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            let n = Int(sqlite3_column_bytes(statement, 0))
            let raw = sqlite3_column_blob(statement, 0).map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? []
            #expect(!raw.contains(0x00) && !raw.contains(0x1B), "rapport.sqlite holds \(raw)")
            texts.append(String(decoding: raw, as: UTF8.self))
        }
        #expect(texts.contains("<n\\u0000ul@acme.example>") && texts.contains("th\\u001b[31m"))
        #expect(readText(run.dir + "/responses.csv").contains("<n\\u0000ul@acme.example>"))
        #expect(readText(run.dir + "/conversations.csv").contains("th\\u001b[31m"))
    }

    @Test func aFileThatChangesWhileReadIsNoticed() throws {
        let dir = temporaryDirectory("rapport-change")
        let path = dir + "/growing.csv"
        try "message_id,sent_at,from\n".write(toFile: path, atomically: true, encoding: .utf8)
        let source = try FileByteSource(path: path)
        try source.checkUnchanged()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("1,2026-03-02T10:00:00Z,a@acme.example\n".utf8))
        try handle.close()
        let error = #expect(throws: InputError.self) { try source.checkUnchanged() }
        #expect(error?.reason == .changedWhileRead)
        // Replaced by a new file of the same size under the same name (an export written over by rename).
        let other = try FileByteSource(path: path)
        try Data(repeating: 0x41, count: Int(other.opened.size)).write(to: URL(fileURLWithPath: dir + "/next"))
        rename(dir + "/next", path)
        #expect(throws: InputError.self) { try other.checkUnchanged() }
    }

    // MARK: 7. Cosmetic

    @Test func messagesSayWhatIsWrongInWords() throws {
        let dir = temporaryDirectory("rapport-words")
        try ("message_id," + String(repeating: "x", count: 20_000) + "\n").write(toFile: dir + "/big.csv", atomically: true, encoding: .utf8)
        let reader = CSVReader(source: try FileByteSource(path: dir + "/big.csv"), options: CSVReader.Options(chunkSize: 64, maxRecordBytes: 1024))
        let error = #expect(throws: InputError.self) { _ = try CSVHeader.readFirst(reader) }
        #expect(error?.message == "the header row (line 1) is malformed: record larger than 1024 bytes (limits.max_record_bytes)")
        let short = #expect(throws: RapportError.self) { _ = try Pseudonymizer(environment: ["RAPPORT_PSEUDONYM_KEY": "short"]) }
        #expect("\(short.map { "\($0)" } ?? "")".contains("is 5 bytes long, too short"))
        let unset = #expect(throws: RapportError.self) { _ = try Pseudonymizer(environment: [:]) }
        #expect("\(unset.map { "\($0)" } ?? "")".contains("is not set"))
    }
}
