import Foundation
import RapportCore
import RapportPipeline
import Testing

/// The hand-worked ticket and meeting cases in fixtures/edge-tickets-meetings.
/// As-of Monday 16 March 2026 (Berlin): W10 and W11 are reported.
@Suite struct TicketMeetingFixtureTests {
    static let run = Result { try runPipeline(repositoryRoot + "/fixtures/edge-tickets-meetings/pipeline.yaml", asOf: "2026-03-16") }
    var dir: String { get throws { try Self.run.get().dir } }

    @Test func recordsAreEventsRowsAndMeetings() throws {
        let s = try Self.run.get().summary
        let byFile = Dictionary(uniqueKeysWithValues: s.files.map { ($0.file, "\($0.read) \($0.used) \($0.duplicates) \($0.rejected)") })
        #expect(byFile["tickets.xml"] == "20 20 0 0")  // K1 9 events, K2 5, K3 2, K4 4
        #expect(byFile["jira.xml"] == "4 4 0 0")  // J-1: the description and 3 comments
        #expect(byFile["meetings.csv"] == "11 10 0 1")  // M5's status `postponed` is a reject
        #expect(byFile["minutes.xml"] == "1 0 1 0")  // M1 again, merged into the CSV's M1
        #expect(s.notes.contains { $0.hasPrefix("jira.xml: truncated Jira export: 1 of 3") })
    }

    @Test func ticketTurns() throws {
        let rows = try readCSV(try dir + "/responses.csv").map { r in
            [r["conversation"]!, r["turn"]!, r["partner"]!, r["latency_s"]!, r["breached"]!, r["opened_by"]!, r["answered_by"]!].joined(separator: " ")
        }
        #expect(
            rows == [
                "K1 1 globex 3600 false 1 3",  // the internal note at 09:10 never answers
                "K1 2 globex 3600 false 8 9",
                "K3 1 globex  true 1 ",  // nobody answered: the assignee's partner (tier2@globex) has the turn
                "K4 1 globex 0 false 1 3",  // the bot's comment at the same second is skipped; document order decides
                "J-1 1 initech 2400 false J-1#description 11",
                "J-1 2 initech  true 12 ",  // the restricted comment (rolelevel) is internal and answers nothing
                "K2 1 initech 5400 true 1 4",
            ])
    }

    @Test func escalationResolutionAndReopening() throws {
        let rows = try readCSV(try dir + "/conversations.csv").filter { $0["source"] == "ticket" }
        let facts = rows.map { [$0["conversation"]!, $0["messages"]!, $0["escalation_reason"]!, $0["resolved"]!, $0["reopened"]!].joined(separator: " ") }
        #expect(
            facts == [
                "K1 4 priority true true",  // normal → high at 11:00 comes before the Escalated status at 11:05
                "K3 1 assignee false false",  // assigned to tier2@…
                "K4 3  true false",  // no trigger
                "J-1 3 status true true",  // snapshot: final status Escalated; a client comment after `resolved` reopens
                "K2 3 label false false",  // P1-Critical → P0 are unknown levels: never a raise
            ])
    }

    @Test func meetingFigures() throws {
        let m = try metricIndex(try dir)
        // globex: M1 (held, ana +60 s, ben +480 s after a re-join), M2 (cancelled), M3 (held, ana absent).
        #expect(m["2026-W10 globex meeting.scheduled"] == "3 3")
        #expect(m["2026-W10 globex meeting.held"] == "2 2")
        #expect(m["2026-W10 globex meeting.cancel_rate"] == "0.3333333333333333 3")
        #expect(m["2026-W10 globex meeting.partner_attendance_rate"] == "0.6666666666666666 3")
        #expect(m["2026-W10 globex meeting.join_delay_p50_s"] == "270 2")
        #expect(m["2026-W10 globex meeting.on_time_rate"] == "0.5 2")
        #expect(m["2026-W10 globex meeting.overrun_p50_s"] == "600 1")  // 10:55 − 10:45; M3 has no actual end
        #expect(m["2026-W10 globex meeting.partner_talk_share"] == "0.5333333333333333 1")  // (180 + 60) / 450 s
        #expect(m["2026-W10 globex meeting.action_items_on_time_rate"] == "0.5 2")  // A1 on time, A2 three days late
        // initech: M1 (joined a minute early: delay 0), M4 (rescheduled).
        #expect(m["2026-W10 initech meeting.reschedule_rate"] == "0.5 2")
        #expect(m["2026-W10 initech meeting.join_delay_p50_s"] == "0 1")
        #expect(m["2026-W10 initech meeting.partner_talk_share"] == "0.2 1")  // 90 / 450 s
        #expect(m["2026-W11 initech meeting.action_items_on_time_rate"] == "0 1")  // A3 due Tuesday 10 March, not done
        #expect(m["2026-W10 globex reopen.rate"] == "0.5 2")
        #expect(m["2026-W10 initech response.acknowledgements"] == "1 1")  // K2's "Thanks!"
    }

    /// SQLite `interactions` carries the flags that decide turns (OUTPUTS.md): K4's deploy-bot
    /// comment is ignored (`ignore.actors: ["*-bot"]`) and so automated; K2's "Thanks!" is the
    /// one acknowledgement, as response.acknowledgements counts it.
    @Test func interactionsCarryTheFlagsThatDecideTurns() throws {
        let db = try dir + "/rapport.sqlite"
        #expect(query(db, "SELECT conversation, actor FROM interactions WHERE ignored = 1") == [["K4", "deploy-bot"]])
        #expect(query(db, "SELECT COUNT(*) FROM interactions WHERE automated = 1 AND ignored = 0") == [["0"]])
        #expect(query(db, "SELECT conversation FROM interactions WHERE acknowledgement = 1") == [["K2"]])
    }

    @Test func clarityOfTicketComments() throws {
        let m = try metricIndex(try dir)
        // globex's public comments in W10 (S W Y L P):
        //   "We found it: a missing index. Fix is deploying."  2 9 12 36 0
        //   "A second index was missing; both are in now."     1 9 12 34 0
        //   "Known issue, rolled back."                        1 4  4 20 0
        // pooled S 4, W 22, Y 28 → 206.835 − 1.015·22/4 − 84.6·28/22 = 93.5798
        #expect(m["2026-W10 globex clarity.partner.flesch_reading_ease"] == "93.57977272727274 3")
        // The one client reply to globex (K1 "It failed again … Can you check?") asks for no clarification.
        #expect(m["2026-W10 globex clarity.clarification_request_rate"] == "0 1")
        // initech: "We added two servers." (HTML stripped) and "Restarted the concentrator.": S 2, W 7, Y 14, P 2 → 34.0825
        #expect(m["2026-W10 initech clarity.partner.flesch_reading_ease"] == "34.08250000000001 2")
        #expect(m["2026-W10 initech clarity.partner.complex_word_ratio"] == "0.2857142857142857 2")
    }

    @Test func trustIndexWithAllSevenComponents() throws {
        let rows = try readCSV(try dir + "/trust_report.csv").map { r in
            ["period", "partner", "trust_index", "trust_index_delta", "band", "coverage", "responsiveness", "escalation", "reliability", "clarity", "engagement",
                "transparency", "respect"]
                .map { r[$0]! }.joined(separator: " ")
        }
        #expect(
            rows == [
                // responsiveness 100 × 3/4; escalation 100 × (1 − 2/3); reliability: mean of 100 × (1 − 1/2)
                // (reopen) and 100 × 1/2 (action items) = 50; clarity 0.5 × 93.5798 + 0.5 × 100 × (1 − 0) = 96.7899;
                // engagement 0.5 × 66.667 + 0.5 × 50 = 58.333; transparency: no proactive update of 3 partner
                // messages (0) and 1 of 3 tickets kept informed (K1 silent from 3 Mar 10:01, K3 from its
                // creation; K4 resolved in an hour): 100 × (0.5 × 0 + 0.5 × 1/3) = 16.667; respect: partner
                // scores 40 ("Fix is deploying." reads as an imperative), 50, 50 → 46.667.
                // 0.25 × 75 + 0.20 × 33.333 + 0.15 × 96.7899 + 0.15 × 50 + 0.10 × 58.333 + 0.10 × 16.667
                // + 0.05 × 46.667 = 57.2685 (coverage 1)
                "2026-W10 globex 57.27  at risk 1 75 33.33 50 96.79 58.33 16.67 46.67",
                // 0.25 × 33.333 + 0 + 0.15 × (0.5 × 34.0825 + 50) + 0.15 × 0 + 0.10 × 100 + 0.10 × 100 × (0.5 × 0
                // + 0.5 × 1/2) + 0.05 × 50 = 33.3895 (K2 silent from 4 Mar 10:30; J-1 kept informed)
                "2026-W10 initech 33.39  at risk 1 33.33 0 0 67.04 100 25 50",
                // W11: K1 and K3 still open and silent all week; no partner message, so transparency
                // rests on kept-informed alone: 0, coverage 0.10. No delta: W10 is partial (the data
                // begins on Monday 2 March at 09:00), never the base of a delta.
                "2026-W11 globex 0   0.1      0 ",
                // Reliability (action items on time, 0 of 1) and transparency (K2 silent): coverage 0.25, no band.
                "2026-W11 initech 0   0.25   0   0 ",
            ])
    }
}
