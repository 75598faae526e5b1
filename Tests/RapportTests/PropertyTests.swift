import Foundation
import PropertyBased
import RapportCore
import RapportIngest
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

    @Test func shufflingAndSplittingRowsAcrossFilesNeverChangesMetrics() async throws {
        let baseline = try Self.baseline.get()
        await propertyCheck(count: 25, input: Gen.shuffled(Self.rows), Gen.int(in: 1...5), Gen.int(in: 0...1_000_000)) { rows, files, seed in
            var rng = SeededRandom(seed: UInt64(seed))
            let assignment = rows.map { _ in rng.int(0...(files - 1)) }
            let got = try Self.metrics(rows: rows, fileOf: { assignment[$0] }, files: files)
            #expect(got == baseline)
        }
    }
}
