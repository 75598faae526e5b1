import Foundation
import RapportPipeline
import Testing

/// The shipped pipelines run, and the weekly report matches the reviewed golden files byte for byte.
/// Re-record after an intended change with `RAPPORT_RECORD_GOLDEN=1 make test`, then review the diff.
@Suite struct GoldenTests {
    static let outputs = [
        "trust_report.csv", "metrics.csv", "responses.csv", "conversations.csv", "rejects.csv", "definitions.csv", "report.json", "report.html",
        "attention.csv", "partners.csv",
    ]

    @Test func weeklyPipelineMatchesItsGoldenFiles() throws {
        let run = try runPipeline(repositoryRoot + "/pipelines/weekly.yaml", runID: "golden")
        let golden = repositoryRoot + "/fixtures/golden/weekly"
        let record = ProcessInfo.processInfo.environment["RAPPORT_RECORD_GOLDEN"] == "1"
        if record { try FileManager.default.createDirectory(atPath: golden, withIntermediateDirectories: true) }
        for name in Self.outputs {
            let got = readText(run.dir + "/" + name)
            if record {
                try got.write(toFile: golden + "/" + name, atomically: true, encoding: .utf8)
            } else {
                let want = readText(golden + "/" + name)
                #expect(got == want, "\(name) differs from fixtures/golden/weekly/\(name); diff \(run.dir)/\(name) against it")
            }
        }
    }

    @Test func twoRunsWithAFixedRunIDAreByteIdentical() throws {
        let a = try runPipeline(repositoryRoot + "/pipelines/weekly.yaml", runID: "same")
        let b = try runPipeline(repositoryRoot + "/pipelines/weekly.yaml", runID: "same")
        for name in Self.outputs { #expect(readText(a.dir + "/" + name) == readText(b.dir + "/" + name), "\(name)") }
    }

    /// One reader per file, or readers with analysis threads beside them (more jobs than files,
    /// batches handed round-robin): the outputs must not change by a byte.
    @Test(arguments: [1, 16, 21]) func theNumberOfJobsChangesNothing(jobs: Int) throws {
        let serial = try runPipeline(repositoryRoot + "/pipelines/weekly.yaml", runID: "same", jobs: 1)
        let other = try runPipeline(repositoryRoot + "/pipelines/weekly.yaml", runID: "same", jobs: jobs)
        for name in Self.outputs { #expect(readText(serial.dir + "/" + name) == readText(other.dir + "/" + name), "\(name)") }
    }

    @Test func everyShippedPipelineRuns() throws {
        let dir = repositoryRoot + "/pipelines"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(!files.isEmpty)
        for f in files {
            let run = try runPipeline(dir + "/" + f)
            let s = run.summary
            #expect(s.read == s.used + s.duplicates + s.rejectedRecords, "\(f)")
            #expect(!s.window.isEmpty, "\(f)")
            // A shipped pipeline reports on every partner it names, from real turns and conversations.
            let config = try PipelineConfig.load(path: dir + "/" + f)
            #expect(s.partnersWithData == config.partners.count, "\(f)")
            #expect(s.turns > 0 && s.conversations > 0 && s.used > s.rejectedRecords, "\(f): \(s.line)")
            #expect(try readCSV(run.dir + "/trust_report.csv").contains { !$0["trust_index"]!.isEmpty }, "\(f)")
        }
    }

    @Test func csvOutputsFollowTheConventions() throws {
        let run = try runPipeline(repositoryRoot + "/pipelines/weekly.yaml")
        for name in Self.outputs where name.hasSuffix(".csv") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: run.dir + "/" + name))
            #expect(!bytes.starts(with: [0xEF, 0xBB, 0xBF]), "\(name) has a BOM")
            #expect(!bytes.contains(0x0D) || name == "rejects.csv", "\(name) has CR line ends")
            #expect(bytes.last == 0x0A, "\(name) does not end with LF")
        }
        let header = readText(run.dir + "/trust_report.csv").split(separator: "\n").first.map(String.init)
        #expect(header == "period,period_start,period_end,partner,trust_index,trust_index_delta,band,coverage,responsiveness,escalation,reliability,clarity,engagement,conversations,turns,messages,transparency,respect,complete")
        // rejects.csv keeps raw rows: owner-only.
        let attributes = try FileManager.default.attributesOfItem(atPath: run.dir + "/rejects.csv")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
