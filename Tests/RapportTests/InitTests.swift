import Foundation
import RapportCore
import RapportPipeline
import Testing

/// `rapport init`: a folder of exports becomes a pipeline file that runs.
@Suite struct InitTests {
    func folderOfExports() throws -> String {
        let dir = temporaryDirectory("rapport-init")
        for sub in ["email", "tickets", "meetings"] {
            try FileManager.default.copyItem(atPath: repositoryRoot + "/fixtures/" + sub, toPath: dir + "/" + sub)
        }
        try "not an export\n".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func findsEveryExportAndProposesTheParties() throws {
        let dir = try folderOfExports()
        let (path, survey) = try PipelineDraft.write(folder: dir, now: instant("2026-12-06T12:00:00Z"))
        #expect(survey.sources.map { "\($0.format) \($0.pattern) \($0.files)" } == [
            "rapport-email-csv email/mailbox-vendor-management.csv 1", "rapport-email-csv email/*.csv.gz 3",
            "rapport-meetings-csv meetings/meetings.csv.gz 1", "rapport-meetings-xml meetings/minutes.xml 1",
            "rapport-tickets-xml tickets/tickets-001.xml 1",
        ])
        #expect(survey.unread.map(\.file) == ["notes.txt"])
        #expect(survey.domains.first?.domain == "acme.example")
        let config = try PipelineConfig.load(path: path)
        #expect(config.partners.map(\.id).sorted() == ["globex-bpo", "hooli", "initech", "umbrella-services"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("# not read: notes.txt"))
        let (_, summary) = try runPipeline(path)
        #expect(summary.files.count == 7)
        #expect(summary.conversations > 0 && summary.partnersWithData == 4)
    }

    @Test func neverOverwritesAPipelineFile() throws {
        let dir = try folderOfExports()
        try "name: mine\n".write(toFile: dir + "/pipeline.yaml", atomically: true, encoding: .utf8)
        #expect { try PipelineDraft.write(folder: dir, now: instant("2026-12-06T12:00:00Z")) } throws: { "\($0)".contains("already exists") }
        #expect(try String(contentsOfFile: dir + "/pipeline.yaml", encoding: .utf8) == "name: mine\n")
    }
}
