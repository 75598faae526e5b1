import Foundation
import RapportCore
import RapportPipeline
import Testing

/// The hand-worked rule cases in fixtures/rules (the messages are in its CSV and XML files).
/// Partner globex works Mon–Fri 09:00–17:00 UTC with Wednesday 4 March 2026 a holiday;
/// targets 4 h on the business clock; as-of Monday 9 March, so week 2026-W10 has ended.
@Suite struct RuleFixtureTests {
    static let run = Result { try runPipeline(repositoryRoot + "/fixtures/rules/pipeline.yaml", asOf: "2026-03-09") }

    func rows(_ file: String) throws -> [[String: String]] { try readCSV(try Self.run.get().dir + "/" + file) }

    func turn(_ conversation: String, _ n: Int) throws -> [String: String] {
        try #require(try rows("responses.csv").first { $0["conversation"] == conversation && $0["turn"] == String(n) })
    }

    /// Tue 16:00 → Thu 10:00: 42 h elapsed; business time Tue 16–17 and Thu 09–10, the
    /// holiday in between counting nothing: 2 h, within the 4 h target (10 h without it).
    @Test func aDeclaredHolidayIsNoWorkingTime() throws {
        let h = try turn("H", 1)
        #expect(h["latency_s"] == "151200")
        #expect(h["business_latency_s"] == "7200")
        #expect(h["breached"] == "false")
    }

    /// A1: the request (turn 1), then `Hi&amp;thanks…`, `Thank you💖you rock` and `(thanks)`
    /// open no turn; `thanksgiving rota pending` does (turn 2), and `great2` (turn 3, unanswered).
    /// A2: twelve words of thanks open no turn; thirteen do (turn 2, unanswered).
    @Test func theSpecsAcknowledgementExamples() throws {
        let a1 = try rows("responses.csv").filter { $0["conversation"] == "A1" }
        #expect(a1.map { $0["opened_by"]! } == ["<a1@acme.example>", "<a6@acme.example>", "<a8@acme.example>"])
        #expect(a1.map { $0["answered"]! } == ["true", "true", "false"])
        let a2 = try rows("responses.csv").filter { $0["conversation"] == "A2" }
        #expect(a2.map { $0["opened_by"]! } == ["<b1@acme.example>", "<b4@acme.example>"])
        let metrics = try metricIndex(try Self.run.get().dir)
        #expect(metrics["2026-W10 globex response.acknowledgements"] == "4 4")  // a3, a4, a5, b3
        // 10 turns: 6 answered within 4 business hours, 4 unanswered and older than 4 h at as-of.
        #expect(metrics["2026-W10 globex response.sla_attainment"] == "0.6 10")
        // Business latencies 1800, 3600, 1800, 7200, 7200, 3600: type-7 p50 3600, p90 7200.
        #expect(metrics["2026-W10 globex response.business_latency_p50_s"] == "3600 6")
        #expect(metrics["2026-W10 globex response.business_latency_p90_s"] == "7200 6")
    }

    /// <d1> and <d2> are in both files with other content. The raw record that sorts first is
    /// kept: d1's is mail-1's ("…,Alpha…" < "…,Zulu…"), d2's is mail-2's. So neither "the
    /// earlier file wins" nor "the later file wins" gives these rejects.
    @Test func conflictingDuplicatesKeepTheByteFirstRowWhicheverFile() throws {
        let rejects = try rows("rejects.csv")
        #expect(rejects.map { "\($0["file"]!):\($0["record"]!)" } == ["mail-1.csv:17", "mail-2.csv:2"])
        #expect(rejects.allSatisfy { $0["reason"]!.hasPrefix("duplicate_conflict:") && $0["excerpt"]!.contains("Zulu") })
    }

    /// T-1 is raised normal → high and lowered back: escalated by priority (METRICS.md: a
    /// raise above the first priority). T-2 is only lowered: not escalated.
    @Test func aPriorityRaisedAndLoweredBackStillEscalated() throws {
        let tickets = try rows("conversations.csv").filter { $0["source"] == "ticket" }
        #expect(tickets.map { "\($0["conversation"]!) \($0["escalated"]!) \($0["escalation_reason"]!)" } == ["T-1 true priority", "T-2 false "])
        let metrics = try metricIndex(try Self.run.get().dir)
        // 7 conversations (H, A1, A2, D1, D2, T-1, T-2), 1 escalated.
        #expect(metrics["2026-W10 globex escalation.rate"] == "0.14285714285714285 7")
    }

    @Test func everyRecordIsAccountedFor() throws {
        let s = try Self.run.get().summary
        // mail-1 16 rows, mail-2 2 rows, tickets 9 events; the two losing copies are rejected.
        #expect("\(s.read) \(s.used) \(s.duplicates) \(s.rejectedRecords)" == "27 25 0 2")
    }
}
