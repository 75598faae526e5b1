import Foundation
import Logging
import RapportCore
import RapportFacts
import RapportSynthetic
import Testing

@testable import RapportPipeline

/// The fact file format on its own: every record kind round-trips, and any damage is found.
@Suite struct FactFileTests {
    static func sampleFile(_ path: String) throws -> FactFile.Summary {
        let w = try FactFileWriter(path: path)
        let a = w.actor("jane@acme.example")
        let b = w.actor("Reyes, Ben")
        var stats = TextStats(counts: ReadabilityCounts(sentences: 2, words: 14, syllables: 20, letters: 60, polysyllables: 1), acronyms: 3, isEnglish: true, asksClarification: true)
        stats.acronyms = 3
        for k in 0..<5000 {
            try w.add(
                ExtractedEmail(
                    id: "<m\(k)@acme.example>", threadID: k % 3 == 0 ? "T\(k / 3)" : "", parentID: k > 0 ? "<m\(k - 1)@acme.example>" : "",
                    subjectHash: UInt64(k) &* 0x9E37_79B9_7F4A_7C15, at: Instant(nanoseconds: 1_700_000_000_000_000_000 + Int64(k) * 37_000_000_001),
                    actor: k % 2 == 0 ? a : b, recipients: k % 4 == 0 ? [b, a, b] : [], toCount: k % 4 == 0 ? 2 : 0, statedParty: k % 7 == 0 ? "globex" : nil,
                    flags: MessageFlags(rawValue: UInt8(k % 8)), text: k % 5 == 0 ? nil : stats, fingerprint: Fingerprint(high: UInt64(k), low: ~UInt64(k)),
                    origin: Origin(file: 0, record: Int64(2 + k * 3)), raw: k % 2 == 0 ? RawRange(offset: Int64(k) * 700, length: 650) : nil))
        }
        try w.add(
            ExtractedTicketEvent(
                ticket: TicketID(tracker: "https://desk.example", key: "T-1"), id: "e1", at: Instant(nanoseconds: 5), actor: a, kind: .priority,
                isPublic: false, from: "low", to: "high", flags: [.escalationPhrase], text: stats, origin: Origin(file: 0, record: 9), order: 3))
        var state = TicketState(key: "T-1", tracker: "https://desk.example", url: "https://desk.example/T-1", priority: "high", labels: ["a", "b"], assignee: "ana", hasHistory: true, origin: Origin(file: 0, record: 9))
        state.due = LocalDate(year: 2026, month: 3, day: 5)
        try w.add(state)
        try w.add(
            MeetingRecord(
                id: "M-1", title: "Weekly", scheduledStart: Instant(nanoseconds: 100), scheduledEnd: Instant(nanoseconds: 200), actualStart: nil, actualEnd: nil,
                status: .held, invitees: [MeetingRecord.Invitee(actor: "jane@acme.example", party: .unknown, joined: Instant(nanoseconds: 150), left: nil)],
                utterances: [MeetingRecord.Utterance(actor: "ana", party: .unknown, seconds: 12.5, stats: stats)],
                actionItems: [MeetingRecord.ActionItem(id: "A1", owner: "ana", party: .unknown, due: LocalDate(year: 2026, month: 3, day: 6)!, done: nil)],
                origin: Origin(file: 0, record: 4)))
        try w.add(Reject(file: 0, record: 7, reason: .badTimestamp, message: "sent_at 'x': not RFC 3339", excerpt: "x,y"))
        try w.add(Reject(file: 0, record: nil, reason: .truncated, message: "cut"))
        try w.addWarning("truncated Jira export")
        w.summary.recordsRead = 5004
        w.summary.sha256 = "abc"
        w.summary.futureRejects = [Instant(nanoseconds: 42)]
        try w.finish()
        return w.summary
    }

    struct Collect: FactVisitor {
        var actors: [String] = []
        var emails: [ExtractedEmail] = []
        var events: [ExtractedTicketEvent] = []
        var tickets: [TicketState] = []
        var meetings: [MeetingRecord] = []
        var rejects: [Reject] = []
        var warnings: [String] = []
        var wants: Set<FactFile.BlockKind> { [.emails, .ticketEvents, .tickets, .meetings, .rejects, .warnings] }
        mutating func actor(_ name: String) { actors.append(name) }
        mutating func email(_ m: ExtractedEmail) { emails.append(m) }
        mutating func ticketEvent(_ e: ExtractedTicketEvent) { events.append(e) }
        mutating func ticket(_ t: TicketState) { tickets.append(t) }
        mutating func meeting(_ m: MeetingRecord) { meetings.append(m) }
        mutating func reject(_ r: Reject) { rejects.append(r) }
        mutating func warning(_ text: String) { warnings.append(text) }
    }

    @Test func everyRecordKindRoundTrips() throws {
        let path = temporaryDirectory("rapport-facts") + "/a.facts"
        let written = try Self.sampleFile(path)
        let reader = try FactFileReader(path: path)
        #expect(reader.summary == written)
        #expect(reader.summary.futureRejects == [Instant(nanoseconds: 42)])
        var c = Collect()
        try reader.scan(&c, file: 3)
        #expect(c.actors == ["jane@acme.example", "Reyes, Ben"])
        #expect(c.emails.count == 5000)
        #expect(c.emails[4].recipients == [1, 0, 1] && c.emails[4].toCount == 2 && c.emails[4].raw == RawRange(offset: 2800, length: 650))
        #expect(c.emails[7].statedParty == "globex" && c.emails[5].text == nil && c.emails[3].origin == Origin(file: 3, record: 11))
        #expect(c.emails[4999].at.nanoseconds == 1_700_000_000_000_000_000 + 4999 * 37_000_000_001)
        #expect(c.events.first?.kind == .priority && c.events.first?.to == "high" && c.events.first?.ticket.tracker == "https://desk.example")
        #expect(c.tickets.first?.due == LocalDate(year: 2026, month: 3, day: 5) && c.tickets.first?.labels == ["a", "b"])
        #expect(c.meetings.first?.utterances.first?.seconds == 12.5 && c.meetings.first?.actionItems.first?.due == LocalDate(year: 2026, month: 3, day: 6))
        #expect(c.rejects.map(\.record) == [7, nil] && c.rejects.first?.file == 3)
        #expect(c.warnings == ["truncated Jira export"])
    }

    /// Any flipped byte, a cut anywhere, another version: refused, never read as figures.
    @Test func damageIsFoundWherever() throws {
        let dir = temporaryDirectory("rapport-facts")
        let path = dir + "/a.facts"
        _ = try Self.sampleFile(path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var rng = SeededRandom(seed: 7)
        for trial in 0..<200 {
            var damaged = bytes
            let at = trial < 12 ? trial : rng.int(0...bytes.count - 1)
            damaged[at] ^= UInt8(1 << rng.int(0...7))
            try Data(damaged).write(to: URL(fileURLWithPath: dir + "/d.facts"))
            #expect(throws: FactFileError.self, "flip at \(at)") { _ = try FactFileReader(path: dir + "/d.facts") }
        }
        for cut in [0, 5, 12, 100, bytes.count / 2, bytes.count - 1] {
            try Data(bytes.prefix(cut)).write(to: URL(fileURLWithPath: dir + "/t.facts"))
            #expect(throws: FactFileError.self, "cut at \(cut)") { _ = try FactFileReader(path: dir + "/t.facts") }
        }
    }
}

/// The cache of fact files in runs: reuse, invalidation, repair, faults (PRODUCT.md, "Scale").
@Suite(.serialized) struct FactCacheTests {
    static func workspace(formats: String = "[csv, json, sqlite, html]") throws -> (dir: String, pipeline: String) {
        let dir = temporaryDirectory("rapport-cache")
        try FileManager.default.copyItem(atPath: repositoryRoot + "/fixtures/edge", toPath: dir + "/edge")
        let pipeline = dir + "/edge/pipeline.yaml"
        try readText(pipeline).replacingOccurrences(of: "  formats: [csv, json]", with: "  formats: \(formats)").write(toFile: pipeline, atomically: true, encoding: .utf8)
        return (dir, pipeline)
    }

    static func outputs(_ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] { out[name] = try? Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)) }
        return out
    }

    @Test func warmRunsGiveTheColdRunsBytes() throws {
        let (dir, pipeline) = try Self.workspace()
        let cold = try runPipeline(pipeline, asOf: "2026-04-06", runID: "same", out: dir + "/report")
        #expect(cold.summary.files.allSatisfy { !$0.fromCache })
        let first = Self.outputs(dir + "/report")
        let warm = try runPipeline(pipeline, asOf: "2026-04-06", runID: "same", out: dir + "/report")
        let allCached = warm.summary.files.allSatisfy(\.fromCache)
        #expect(allCached)
        #expect(Self.outputs(dir + "/report") == first)
        #expect(warm.summary.line.contains("from 4 files (4 from the cache)"))
    }

    @Test func editingPartnersReusesEveryFactFile() throws {
        let (dir, pipeline) = try Self.workspace(formats: "[csv]")
        _ = try runPipeline(pipeline, asOf: "2026-04-06", runID: "x", out: dir + "/report")
        try readText(pipeline).replacingOccurrences(of: "name: Globex BPO", with: "name: Globex Inc")
            .replacingOccurrences(of: "targets: { first_response: 4h, response: 8h }", with: "targets: { first_response: 2h, response: 6h }")
            .write(toFile: pipeline, atomically: true, encoding: .utf8)
        let warm = try runPipeline(pipeline, asOf: "2026-04-06", runID: "x", out: dir + "/report")
        let allCached = warm.summary.files.allSatisfy(\.fromCache)
        #expect(allCached)
        var options = RunOptions()
        options.outputDirectory = dir + "/cold"
        options.cacheDirectory = dir + "/other-cache"
        options.runID = "x"
        options.asOf = try CommandValues.instant("2026-04-06", zone: ZoneRules(identifier: "Europe/Berlin")!, option: "--as-of")
        let fresh = try Runner.run(try PipelineConfig.load(path: pipeline), options: options, logger: .init(label: "test"))
        #expect(fresh.files.allSatisfy { !$0.fromCache })
        #expect(Self.outputs(dir + "/report") == Self.outputs(dir + "/cold"))
    }

    @Test func changingWhatExtractionReadsExtractsAgain() throws {
        let (dir, pipeline) = try Self.workspace(formats: "[csv]")
        _ = try runPipeline(pipeline, asOf: "2026-04-06", out: dir + "/report")
        try (readText(pipeline) + "acknowledgements: [thanks, ok]\n").write(toFile: pipeline, atomically: true, encoding: .utf8)
        let run = try runPipeline(pipeline, asOf: "2026-04-06", out: dir + "/report")
        #expect(run.summary.files.allSatisfy { !$0.fromCache })
        // The input rewritten with the same bytes: a new modification time, a new entry.
        let a = dir + "/edge/a.csv"
        try Data(contentsOf: URL(fileURLWithPath: a)).write(to: URL(fileURLWithPath: a))
        let again = try runPipeline(pipeline, asOf: "2026-04-06", out: dir + "/report")
        #expect(again.summary.files.filter { !$0.fromCache }.map(\.file) == ["a.csv"])
    }

    @Test(arguments: ["flip", "truncate", "version", "empty"])
    func aDamagedEntryIsExtractedAgainWithAWarning(_ damage: String) throws {
        let (dir, pipeline) = try Self.workspace(formats: "[csv, json]")
        _ = try runPipeline(pipeline, asOf: "2026-04-06", runID: "same", out: dir + "/report")
        let first = Self.outputs(dir + "/report")
        let cache = dir + "/.report.cache"
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasSuffix(".facts") }
        #expect(entries.count == 4)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: cache + "/" + entries[0])))
        switch damage {
        case "flip": bytes[bytes.count / 2] ^= 0x10
        case "truncate": bytes.removeLast(bytes.count / 3)
        case "version": bytes[8] = 9
        default: bytes = []
        }
        try Data(bytes).write(to: URL(fileURLWithPath: cache + "/" + entries[0]))
        let run = try runPipeline(pipeline, asOf: "2026-04-06", runID: "same", out: dir + "/report")
        #expect(run.summary.files.filter { !$0.fromCache }.count == 1)
        let w = try #require(run.summary.warnings.first { $0.code == .cacheEntryDamaged })
        #expect(w.message.contains("could not be used") && w.message.contains("extracted again"))
        var now = Self.outputs(dir + "/report")
        var before = first
        // Outputs the same but report.json, which now carries the warning.
        now["report.json"] = nil
        before["report.json"] = nil
        #expect(now == before)
    }

    /// A folder input (Maildir) is one cache entry, made again when any file below it changes.
    @Test func aFolderInputIsExtractedAgainWhenAFileInsideChanges() throws {
        let dir = temporaryDirectory("rapport-cache-folder")
        try FileManager.default.copyItem(atPath: repositoryRoot + "/fixtures/realdata/maildir-notmuch-default", toPath: dir + "/mail")
        try """
            client: { name: Client, domains: [notmuchmail.org] }
            partners: [{ id: vendor, domains: [vendor.example] }]
            sources: [{ kind: email, format: maildir, path: mail }]
            outputs: { formats: [csv] }
            limits: { max_reject_ratio: 1 }
            """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let window = WindowRequest(from: LocalDate(year: 2009, month: 1, day: 1)!, to: LocalDate(year: 2011, month: 1, day: 1)!)
        let first = try runPipeline(dir + "/p.yaml", window: window, out: dir + "/report")
        #expect(first.summary.read == 53)
        #expect(try runPipeline(dir + "/p.yaml", window: window, out: dir + "/report").summary.files[0].fromCache)
        let inner = dir + "/mail/cur/" + (try FileManager.default.contentsOfDirectory(atPath: dir + "/mail/cur").sorted()[0])
        try (readText(inner) + "\nOne more line.\n").write(toFile: inner, atomically: false, encoding: .utf8)
        let again = try runPipeline(dir + "/p.yaml", window: window, out: dir + "/report")
        #expect(!again.summary.files[0].fromCache)
    }

    @Test func extractFillsTheCacheFileByFileForTheNextRun() throws {
        let (dir, pipeline) = try Self.workspace(formats: "[csv]")
        let r = try CommandLineTests.run(["extract", pipeline, dir + "/edge/a.csv", "--out", dir + "/report"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "a.csv: extracted, 18 records\n")
        let run = try runPipeline(pipeline, asOf: "2026-04-06", out: dir + "/report")
        #expect(run.summary.files.filter(\.fromCache).map(\.file) == ["a.csv"])
        let wrong = try CommandLineTests.run(["extract", pipeline, dir + "/nope.csv"])
        #expect(wrong.status == 2 && wrong.stderr.contains("is not an input of"))
        let stats = try CommandLineTests.run(["cache", "stats", pipeline, "--out", dir + "/report"])
        #expect(stats.stdout.contains("entries: 4") && stats.stdout.contains("inputs: 4 cached, 0 to extract"), "\(stats.stdout)")
        // An entry of an input no longer there goes with prune.
        try FileManager.default.removeItem(atPath: dir + "/edge/b.csv")
        let prune = try CommandLineTests.run(["cache", "prune", pipeline, "--out", dir + "/report"])
        #expect(prune.stdout.hasPrefix("rapport: removed 1 entry"), "\(prune.stdout) \(prune.stderr)")
    }

    @Test func anInputChangedAfterExtractionIsRefused() throws {
        let (dir, pipeline) = try Self.workspace(formats: "[csv]")
        let config = try PipelineConfig.load(path: pipeline)
        let files = try InputFiles.expand(config)
        let cache = try FactCache(directory: dir + "/cache")
        let extracted = try Extraction.extract(files[0], config: config, cache: cache, now: instant("2026-11-29T00:00:00Z"), analysisThreads: 0)
        #expect(try Extraction.checkUnchanged(extracted, cache: cache).summary.failure == nil)
        try (readText(files[0].path) + "\n").write(toFile: files[0].path, atomically: false, encoding: .utf8)
        let checked = try Extraction.checkUnchanged(extracted, cache: cache)
        #expect(checked.summary.failure?.reason == .changedWhileRead)
    }

    /// A full disk (here a file-size limit) while the cache is written: exit 1, the report
    /// there before untouched, no temporary file left in the cache.
    @Test func aFullDiskFailsTheRunCleanly() throws {
        let (dir, pipeline) = try Self.workspace(formats: "[csv]")
        _ = try runPipeline(pipeline, asOf: "2026-04-06", out: dir + "/report")
        let before = Self.outputs(dir + "/report")
        try FileManager.default.removeItem(atPath: dir + "/.report.cache")
        try (readText(dir + "/edge/a.csv") + String(repeating: "<big@acme.example>,T9,,2026-03-04T09:00:00+01:00,jane@acme.example,ana@globex.example,,Big,\(String(repeating: "long text ", count: 400))\n", count: 40))
            .write(toFile: dir + "/edge/a.csv", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "ulimit -f 8; exec \"$0\" run \"$1\" --out \"$2\" --as-of 2026-04-06", CommandLineTests.binary, pipeline, dir + "/report"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 1, "\(stderr)")
        #expect(Self.outputs(dir + "/report") == before)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/.report.cache")) ?? []
        #expect(left.allSatisfy { !$0.hasPrefix(".tmp-") }, "\(left)")
    }

    @Test func runsSharingACacheAtOnceGiveTheSameReports() throws {
        let (dir, pipeline) = try Self.workspace(formats: "[csv]")
        try (readText(pipeline) + "cache:\n  dir: ../shared-cache\n").write(toFile: pipeline, atomically: true, encoding: .utf8)
        var processes: [Process] = []
        for k in 0..<3 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
            p.arguments = ["run", pipeline, "--out", dir + "/r\(k)", "--run-id", "same", "--as-of", "2026-04-06", "--quiet"]
            try p.run()
            processes.append(p)
        }
        for p in processes { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        #expect(Self.outputs(dir + "/r0") == Self.outputs(dir + "/r1") && Self.outputs(dir + "/r1") == Self.outputs(dir + "/r2"))
        let entries = try FileManager.default.contentsOfDirectory(atPath: dir + "/shared-cache")
        #expect(entries.filter { $0.hasSuffix(".facts") }.count == 4 && !entries.contains { $0.hasPrefix(".tmp-") })
    }
}
