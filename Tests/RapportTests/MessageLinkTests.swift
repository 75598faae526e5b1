import Foundation
import RapportCore
import RapportPipeline
import Testing

/// E-mail sources' `links`: conversations and turns link to the mail behind them
/// (issue 19), the id percent-encoded without its angle brackets.
@Suite struct MessageLinkTests {
    func pipeline(links: String) throws -> String {
        let dir = temporaryDirectory("rapport-links")
        let text = """
            name: links
            timezone: Europe/Berlin
            client: { name: Acme, domains: [acme.example] }
            partners:
              - { id: initech, name: Initech, domains: [initech.example] }
            sources:
              - { kind: email, format: rapport-email-csv, path: "\(repositoryRoot)/fixtures/email/mailbox-vendor-management.csv", links: "\(links)" }
            outputs: { dir: out, formats: [csv] }
            limits: { max_reject_ratio: 0.5 }
            """
        try text.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        return dir + "/p.yaml"
    }

    @Test func conversationsAndTurnsLinkToTheirMessages() throws {
        let (dir, _) = try runPipeline(try pipeline(links: "https://mail.example.com/search?q={message_id}"), asOf: "2026-11-02")
        let conversations = try readCSV(dir + "/conversations.csv")
        let refund = try #require(conversations.first { $0["conversation"] == "<vm-1@acme.example>" })
        #expect(refund["url"] == "https://mail.example.com/search?q=vm-1%40acme.example")
        let turns = try readCSV(dir + "/responses.csv").filter { $0["conversation"] == "<vm-1@acme.example>" }
        #expect(!turns.isEmpty)
        for t in turns {
            let id = t["opened_by"]!.dropFirst().dropLast()
            #expect(t["url"] == "https://mail.example.com/search?q=" + id.replacingOccurrences(of: "@", with: "%40"))
        }
    }

    @Test func aTemplateWithoutTheMessageIDIsRefused() throws {
        let path = try pipeline(links: "https://mail.example.com/search?q={key}")
        #expect { try PipelineConfig.load(path: path) } throws: { error in
            "\(error)".contains("`links` needs `{message_id}`")
        }
    }
}
