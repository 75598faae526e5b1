import Foundation
import Logging
import PropertyBased
import RapportAggregates
import RapportCore
import RapportIngest
@testable import RapportPipeline
import RapportSynthetic
import Testing

/// Results never depend on the order of rows or how they are split into files.
@Suite struct OrderIndependenceProperties {
    /// Every well-framed record of the edge fixtures, as canonical CSV rows (framing errors excluded:
    /// an unterminated quote would swallow whatever row follows it).
    static let rows: [String] = {
        var out: [String] = []
        for name in ["a.csv", "b.csv", "bad.csv", "c.csv.gz"] {
            let path = repositoryRoot + "/fixtures/edge/" + name
            var source: any ByteSource = try! FileByteSource(path: path)
            if name.hasSuffix(".gz") { source = try! GzipByteSource(source) }
            let reader = CSVReader(source: source)
            _ = try! reader.next()
            let header = (0..<reader.fieldCount).map { reader.string($0)! }
            while let e = try! reader.next() {
                guard e == .record, reader.fieldCount == header.count else { continue }
                let values = Dictionary(uniqueKeysWithValues: zip(header, (0..<reader.fieldCount).map { reader.string($0)! }))
                out.append(columns.map { quote(values[$0]!) }.joined(separator: ","))
            }
        }
        return out
    }()

    static let columns = ["message_id", "thread_id", "in_reply_to", "sent_at", "from", "to", "cc", "subject", "body"]

    static func quote(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func pipeline(in dir: String) -> String {
        var text = readText(repositoryRoot + "/fixtures/edge/pipeline.yaml")
        text = text.replacingOccurrences(of: "  - { kind: email, format: rapport-email-csv, path: \"*.csv.gz\" }\n", with: "")
        text = text.replacingOccurrences(of: "path: \"*.csv\"", with: "path: \"part-*.csv\"")
        let path = dir + "/pipeline.yaml"
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func metrics(rows: [String], fileOf: (Int) -> Int, files: Int) throws -> String {
        let dir = temporaryDirectory("rapport-prop")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var contents = [String](repeating: columns.joined(separator: ",") + "\n", count: files)
        for (i, r) in rows.enumerated() { contents[fileOf(i)] += r + "\n" }
        for (k, c) in contents.enumerated() { try c.write(toFile: dir + "/part-\(k).csv", atomically: true, encoding: .utf8) }
        let out = try runPipeline(pipeline(in: dir), asOf: "2026-04-06", out: dir + "/out")
        return readText(out.dir + "/metrics.csv")
    }

    static let baseline = Result { try metrics(rows: rows, fileOf: { _ in 0 }, files: 1) }

    @Test func theFixtureRowsAreAllThere() throws {
        // a.csv 18, b.csv 18, c.csv.gz 3, and from bad.csv its 5 value-level rejects and 2 good rows
        // (the bare quote, the ragged row and the unterminated quote are framing errors, left out).
        #expect(Self.rows.count == 18 + 18 + 3 + 5 + 2)
        #expect(try Self.baseline.get().contains("2026-W10,2026-03-02,2026-03-09,globex,response.latency_p90_s,9000,5"))
    }

    /// Seeded: one seed decides each case's order, number of files and assignment. CI draws
    /// a fresh seed per run; a failure names it, and `RAPPORT_PROPERTY_SEED=…` replays it.
    @Test func shufflingAndSplittingRowsAcrossFilesNeverChangesMetrics() throws {
        let baseline = try Self.baseline.get()
        let seed = ProcessInfo.processInfo.environment["RAPPORT_PROPERTY_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64(UInt32.max))
        var rng = SeededRandom(seed: seed)
        for round in 0..<25 {
            var rows = Self.rows
            for i in stride(from: rows.count - 1, to: 0, by: -1) { rows.swapAt(i, rng.int(0...i)) }
            let files = rng.int(1...5)
            let assignment = rows.map { _ in rng.int(0...(files - 1)) }
            let got = try Self.metrics(rows: rows, fileOf: { assignment[$0] }, files: files)
            #expect(got == baseline, "case \(round) of seed \(seed) (\(files) files): rerun with RAPPORT_PROPERTY_SEED=\(seed)")
        }
    }
}

/// Chunk boundaries never change what a reader reads: every format, on a real or hand-made
/// file, read from sources that hand out 1 to 4,099 bytes at a time.
@Suite struct ChunkBoundaryProperties {
    static let parties = PartyDirectory(
        client: PartyRules(domains: ["acme.example"], people: ["jane"]),
        partners: [(PartnerInfo(id: "globex", name: "Globex"), PartyRules(domains: ["globex.example"], people: ["gx-*"]))])

    /// Everything a reader produced, as comparable text.
    static func read(_ format: any InputFormat.Type, _ bytes: [UInt8], chunk: Int) -> [String] {
        let sink = CollectingSink()
        let context = FormatContext(fileIndex: 0, displayPath: "in", zone: .utc, parties: parties, now: instant("2026-11-29T00:00:00Z"))
        var out: [String] = []
        do {
            out.append("records \(try format.read(MemoryByteSource(bytes, chunkSize: chunk), context: context, into: sink))")
        } catch {
            out.append("failed \(error.reason.rawValue): \(error.message)")
        }
        out += sink.interactions.map { "\($0.conversation) \($0.id) \($0.at) \($0.actor) \($0.kind) \($0.isPublic) \($0.text.count)" }
        out += sink.rejects.map { "reject \($0.record ?? -1) \($0.reason.rawValue) \($0.message)" }
        out += sink.tickets.map { "ticket \($0.key) \($0.status ?? "")" }
        for m in sink.meetings {
            out.append("meeting \(m.id) \(m.scheduledStart) \(m.status)")
            out += m.invitees.map { "  invitee \($0)" } + m.utterances.map { "  utterance \($0)" } + m.actionItems.map { "  action \($0)" }
        }
        return out + sink.warnings
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        var source: any ByteSource = try FileByteSource(path: repositoryRoot + "/" + path)
        if path.hasSuffix(".gz") { source = try GzipByteSource(source) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return out }
            out += buffer[..<n]
        }
    }

    static let cases: [(String, any InputFormat.Type)] = [
        ("fixtures/edge/bad.csv", RapportEmailCSV.self),
        ("fixtures/edge/a.csv", RapportEmailCSV.self),
        ("fixtures/realdata/enron-email-csv/emails_sample.csv", EmailRawCSV.self),
        ("fixtures/edge-tickets-meetings/tickets.xml", RapportTicketsXML.self),
        ("fixtures/edge-tickets-meetings/jira.xml", JiraXML.self),
        ("fixtures/realdata/jira-amat-luval/sample.xml", JiraXML.self),
        ("fixtures/realdata/bugzilla-xml-bicho/issues_evince_100.xml", BugzillaXML.self),
        ("fixtures/edge-tickets-meetings/meetings.csv", RapportMeetingsCSV.self),
        ("fixtures/edge-tickets-meetings/minutes.xml", RapportMeetingsXML.self),
        ("fixtures/realdata/meeting-attendance-teams/meetingAttendanceReport_fr-FR_utf16.csv", TeamsAttendanceCSV.self),
        ("fixtures/realdata/meeting-attendance-teams/meetingAttendanceReport_id-ID_semicolon.csv", TeamsAttendanceCSV.self),
    ]

    @Test(arguments: cases.indices) func everyReaderReadsTheSameWhateverTheChunks(_ i: Int) async throws {
        let (path, format) = Self.cases[i]
        let bytes = try Self.bytes(path)
        let whole = Self.read(format, bytes, chunk: 1 << 18)
        #expect(whole.count > 3, "\(path): \(whole)")
        #expect(!whole[0].hasPrefix("failed"), "\(path): \(whole[0])")
        #expect(Self.read(format, bytes, chunk: 1) == whole, "\(path) one byte at a time")
        await propertyCheck(count: 8, input: Gen.int(in: 2...4099)) { chunk in
            #expect(Self.read(format, bytes, chunk: chunk) == whole, "\(path) in chunks of \(chunk)")
        }
    }
}

/// Aggregates are mergeable and the analysis is partitioned: the same run over 1, 2, 5 or
/// 16 partitions (conversations spread by a hash, each built and aggregated on its own, the
/// fact tables merged from sorted runs on disk) gives the same bytes (what the bounded
/// memory, and running partitions elsewhere, rest on).
@Suite struct PartitionProperties {
    /// With 2 MiB of memory the partitions and the tables' rows go through files on disk.
    @Test(arguments: [(2, 32 << 20), (5, 2 << 20), (16, 32 << 20), (3, 2 << 20)])
    func anyNumberOfPartitionsGivesTheSameReport(partitions: Int, memory: Int64) throws {
        let dir = temporaryDirectory("rapport-partitions")
        func run(_ p: Int, memory: Int64 = 32 << 20) throws -> [String: String] {
            var options = RunOptions()
            options.now = instant("2026-11-29T12:00:00Z")
            options.runID = "same"
            options.partitions = p
            options.outputDirectory = dir + "/p\(p)-\(memory)"
            var config = try PipelineConfig.load(path: repositoryRoot + "/pipelines/weekly.yaml")
            config.memoryBudget = memory
            _ = try Runner.run(config, options: options, logger: Logger(label: "test"))
            var out: [String: String] = [:]
            for name in ["metrics.csv", "trust_report.csv", "responses.csv", "conversations.csv", "rejects.csv", "report.json", "report.html", "rapport.sqlite"] {
                out[name] = (try? Data(contentsOf: URL(fileURLWithPath: dir + "/p\(p)-\(memory)/" + name)))?.base64EncodedString()
            }
            return out
        }
        let one = try run(1)
        let many = try run(partitions, memory: memory)
        for (name, text) in one { #expect(many[name] == text, "\(name) differs with \(partitions) partitions") }
        #expect((one["responses.csv"]?.count ?? 0) > 10_000)
    }
}

/// The batches the reader and the analysis lanes hand each other: every element arrives once,
/// in order, and whatever is never moved out is freed with the batch.
@Suite(.serialized) struct MovingBatchTests {
    final class Tracked {
        nonisolated(unsafe) static var alive = 0
        let value: Int
        init(_ value: Int) {
            self.value = value
            Tracked.alive += 1
        }
        deinit { Tracked.alive -= 1 }
    }

    @Test func elementsArriveOnceInOrder() {
        let before = Tracked.alive
        var all: [Tracked] = [Tracked(-1)]
        for round in 0..<3 {
            let batch = MovingBatch<Tracked>(capacity: 100)
            for i in 0..<(round == 1 ? 0 : 100) { batch.append(Tracked(round * 100 + i)) }
            batch.moveEach { all.append($0) }
            #expect(batch.count == 0)
        }
        #expect(all.map(\.value) == [-1] + Array(0..<100) + Array(200..<300))
        #expect(Tracked.alive == before + 201)
        all = []
        #expect(Tracked.alive == before)
    }

    @Test func whatIsNeverMovedOutIsFreed() {
        let before = Tracked.alive
        do {
            let batch = MovingBatch<Tracked>(capacity: 8)
            for i in 0..<5 { batch.append(Tracked(i)) }
            #expect(Tracked.alive == before + 5)
        }
        #expect(Tracked.alive == before)
    }
}

