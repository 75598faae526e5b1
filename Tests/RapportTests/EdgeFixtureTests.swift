import Foundation
import RapportCore
import RapportPipeline
import Testing

/// The hand-worked edge cases in fixtures/edge (see make_edge.py for the messages).
/// Every figure below was worked out by hand from the rules in METRICS.md; the comments show the working.
@Suite struct EdgeFixtureTests {
    static let pipeline = repositoryRoot + "/fixtures/edge/pipeline.yaml"
    // As-of: Monday 6 April 2026 00:00 in Berlin (22:00Z on the 5th) = the start of W15, so W10..W14 have ended.
    static let run = Result { try runPipeline(pipeline, asOf: "2026-04-06") }

    var dir: String { get throws { try Self.run.get().dir } }

    @Test func reconciliationPerFileAndInTotal() throws {
        let s = try Self.run.get().summary
        // a.csv 18 rows, b.csv 18, bad.csv 10, c.csv.gz 3.
        #expect(s.read == 49)
        // Rejected: 8 bad rows in bad.csv + the losing copy of <t11-3> in a.csv.
        #expect(s.rejectedRecords == 9)
        // <t11-1> is in a.csv and c.csv.gz with the same content.
        #expect(s.duplicates == 1)
        #expect(s.used == 39)
        for f in s.files { #expect(f.read == f.used + f.duplicates + f.rejected, "\(f.file)") }
        #expect(s.window.map(\.label) == ["2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14"])
    }

    /// Conversations are built in one slice per job and appended in order: the hand-worked
    /// figures (clock skew, subject threads, duplicates) must not depend on where the slices fall.
    @Test(arguments: [2, 3, 5, 40]) func theNumberOfJobsChangesNothing(jobs: Int) throws {
        let serial = try runPipeline(Self.pipeline, asOf: "2026-04-06", runID: "same", jobs: 1)
        let sliced = try runPipeline(Self.pipeline, asOf: "2026-04-06", runID: "same", jobs: jobs)
        for name in ["metrics.csv", "responses.csv", "conversations.csv", "trust_report.csv", "report.json"] {
            #expect(readText(serial.dir + "/" + name) == readText(sliced.dir + "/" + name), "\(name)")
        }
        #expect(serial.summary.conversations == sliced.summary.conversations)
    }

    @Test func rejectsNameTheLineWhereTheRecordStarts() throws {
        let rejects = try readCSV(try dir + "/rejects.csv")
        let summary = rejects.map { "\($0["file"]!):\($0["record"]!) \($0["reason"]!.prefix { $0 != ":" })" }
        #expect(
            summary == [
                "a.csv:30 duplicate_conflict",
                "bad.csv:2 bad_timestamp", "bad.csv:3 missing_value", "bad.csv:4 bad_address", "bad.csv:5 bare_quote",
                "bad.csv:6 ragged_row", "bad.csv:7 bad_timestamp", "bad.csv:8 bad_timestamp", "bad.csv:11 unterminated_quote",
            ])
        #expect(rejects[1]["reason"] == "bad_timestamp: sent_at '2026-02-30T10:00:00+01:00': day 30 does not exist in 2026-02")
        #expect(rejects[0]["excerpt"]!.hasSuffix("Re: Rota,Thank you!"))
    }

    @Test func businessLatencyBesideCalendarLatency() throws {
        let rows = try readCSV(try dir + "/responses.csv")
        let business = Dictionary(uniqueKeysWithValues: rows.map { ("\($0["conversation"]!) \($0["turn"]!)", $0["business_latency_s"]!) })
        #expect(business["T1 1"] == "12600")  // Monday 09:00–12:30, inside the working day
        #expect(business["T7 1"] == "7200")  // Thursday 09:00–11:00
        #expect(business["T5 1"] == "0")  // Sunday 23:30 to Monday 08:00
        #expect(business["T10 1"] == "")  // unanswered
    }

    @Test func responseTurns() throws {
        let rows = try readCSV(try dir + "/responses.csv")
        let turns = rows.map { r in
            [r["conversation"]!, r["turn"]!, r["partner"]!, r["period"]!, r["latency_s"]!, r["first_response"]!, r["breached"]!].joined(separator: " ")
        }
        #expect(
            turns == [
                // globex, W10
                "<t12-3@acme.example> 1 globex 2026-W10  true true",  // subject thread to globex, never answered: 4h first-response target
                "T1 1 globex 2026-W10 12600 true false",  // 09:00 → 12:30 (+01:00); the bump at 11:00 does not move the start
                "T10 1 globex 2026-W10  true true",  // globex only in cc: the unanswered turn is theirs
                "T13 1 globex 2026-W10 3600 true false",  // read after the bad rows in bad.csv
                "T3 1 globex 2026-W10 0 true false",  // the reply at its parent's second sorts after it (one hop more)
                "T3 2 globex 2026-W10 1800 false false",  // <t3-a> (globex) sorts before <t3-b> (client): a proactive update, then this turn
                "T8 1 globex 2026-W10 1800 true false",  // RFC 2822: 14:00 +0100 → 08:30 -0500
                // initech, W10 (targets 1h / 2h)
                "<t12-1@acme.example> 1 initech 2026-W10 3600 true false",  // exactly on target counts as met
                "<t2-1@acme.example> 1 initech 2026-W10 1200 true false",  // replies listed before parents
                "<t2-1@acme.example> 2 initech 2026-W10  false true",  // open at as-of, older than 2h
                "T11 1 initech 2026-W10 1800 true false",  // the reply is only in c.csv.gz
                "T7 1 initech 2026-W10 7200 true true",  // auto-reply, bot and unknown sender skipped
                "T7 2 initech 2026-W10 3600 false false",  // the "Great, thanks!" acknowledgement opened nothing
                "T4 1 globex 2026-W11 27000 true true",  // Sunday 23:30Z is Monday in Berlin
                "T5 1 initech 2026-W13 30600 true true",  // Sunday 23:30 CEST, the DST week
                "T6 1 initech 2026-W14 600 true false",  // Sunday 22:30Z is Monday 00:30 CEST
            ])
    }

    @Test func metricsPerWeekAndPartner() throws {
        let m = try metricIndex(try dir)
        // globex W10: answered latencies [0, 1800, 1800, 3600, 12600]; unanswered T10 and <t12-3>.
        #expect(m["2026-W10 globex response.turns"] == "7 7")
        #expect(m["2026-W10 globex response.answered"] == "5 5")
        #expect(m["2026-W10 globex response.unanswered"] == "2 2")
        #expect(m["2026-W10 globex response.latency_p50_s"] == "1800 5")
        #expect(m["2026-W10 globex response.latency_p90_s"] == "9000 5")  // h = 3.6: 3600 + 0.6 × 9000
        #expect(m["2026-W10 globex response.latency_mean_s"] == "3960 5")  // 19800 / 5
        #expect(m["2026-W10 globex first_response.latency_p50_s"] == "2700 4")  // [0, 1800, 3600, 12600]
        #expect(m["2026-W10 globex first_response.latency_p90_s"] == "9900 4")  // h = 2.7: 3600 + 0.7 × 9000
        #expect(m["2026-W10 globex response.sla_attainment"] == "0.7142857142857143 7")  // 5 met / (5 answered + 2 breached open)
        #expect(m["2026-W10 globex response.acknowledgements"] == "1 1")  // "Thanks, that works!" (T1)
        #expect(m["2026-W10 globex response.proactive_updates"] == "1 1")  // <t3-a>
        #expect(m["2026-W10 globex escalation.conversations"] == "6 6")  // T1 T3 T8 T10 T13 <t12-3>
        #expect(m["2026-W10 globex escalation.rate"] == "0 6")  // "escalate" only in quoted history
        #expect(m["2026-W10 globex quality.messages"] == "15 15")
        // initech W10: answered [1200, 1800, 3600, 3600, 7200]; unanswered <t2-1> turn 2.
        #expect(m["2026-W10 initech response.latency_p50_s"] == "3600 5")
        #expect(m["2026-W10 initech response.latency_p90_s"] == "5760 5")  // 3600 + 0.6 × 3600
        #expect(m["2026-W10 initech response.latency_mean_s"] == "3480 5")
        #expect(m["2026-W10 initech first_response.latency_p90_s"] == "6120 4")  // [1200, 1800, 3600, 7200]: 3600 + 0.7 × 3600
        #expect(m["2026-W10 initech response.sla_attainment"] == "0.6666666666666666 6")  // 4 / (5 + 1)
        #expect(m["2026-W10 initech response.acknowledgements"] == "2 2")  // T7 "Great, thanks!", T11 "Thank you, received."
        #expect(m["2026-W10 initech escalation.escalated"] == "1 1")  // T2: "we will escalate"
        #expect(m["2026-W10 initech escalation.rate"] == "0.25 4")
        #expect(m["2026-W10 initech quality.messages"] == "16 16")
        // Run-wide quality, W10: 33 messages, one unknown sender, an auto-reply and a bot, one internal thread, one skewed reply, one duplicate.
        #expect(m["2026-W10  quality.messages"] == "33 33")
        #expect(m["2026-W10  quality.unknown_party_share"] == "0.030303030303030304 33")
        #expect(m["2026-W10  quality.ignored_automated"] == "2 2")
        #expect(m["2026-W10  quality.internal_conversations"] == "1 1")
        #expect(m["2026-W10  quality.clock_skew"] == "1 1")
        #expect(m["2026-W10  quality.duplicates"] == "1 1")
        #expect(m["2026-W14  quality.messages"] == "3 3")  // <t5-2> answers in W14, T6 is in W14
        #expect(m["2026-W13 initech quality.messages"] == "1 1")
        #expect(m["total  quality.rejected"] == "9 9")
        // Counts are written as 0, a rate over an empty sample is not written at all.
        #expect(m["2026-W11 globex response.unanswered"] == "0 0")
        #expect(m["2026-W12 globex response.turns"] == nil)
        // Business latency (default calendar Mon–Fri 09:00–17:00 Berlin) is reported beside calendar latency:
        // T4 was opened Monday 00:30 and answered 08:00, before the working day began.
        #expect(m["2026-W11 globex response.business_latency_p50_s"] == "0 1")
    }

    @Test func clarityPooledOverThePartnersMessages() throws {
        let m = try metricIndex(try dir)
        // globex's six messages in W10, by rules v1 (S W Y L P):
        //   "A filter excluded closed tickets. Fixed and rerun."   2  8 13 41 1
        //   "We are on it."                                         1  4  4  9 0
        //   "Update: the database failover is running."            1  6 12 34 2
        //   "The portal is back."                                   1  4  5 15 0
        //   "On 16 March."                                          1  3  3  9 0
        //   "Seen."                                                 1  1  1  4 0
        // pooled: S 7, W 26, Y 38, L 112, P 3 → FRE 206.835 − 1.015·26/7 − 84.6·38/26 = 79.4188
        #expect(m["2026-W10 globex clarity.partner.flesch_reading_ease"] == "79.41884615384616 6")
        #expect(m["2026-W10 globex clarity.partner.words_per_sentence"] == "3.7142857142857144 6")
        #expect(m["2026-W10 globex clarity.partner.complex_word_ratio"] == "0.11538461538461539 6")
        #expect(m["2026-W10 globex clarity.partner.short_message_share"] == "1 6")
        // Client replies to globex: <t1-4> after <t1-3>, <t3-b> after <t3-a>; neither asks for clarification.
        #expect(m["2026-W10 globex clarity.clarification_request_rate"] == "0 2")
        // initech: S 5, W 13, Y 17, L 62, P 0 → 206.835 − 1.015·2.6 − 84.6·17/13 = 93.5653
        #expect(m["2026-W10 initech clarity.partner.flesch_reading_ease"] == "93.56523076923078 5")
        #expect(m["2026-W10 initech clarity.clarification_request_rate"] == "0 3")
        #expect(m["2026-W10 initech clarity.non_english_share"] == "0 5")
    }

    @Test func trustIndexFromItsComponents() throws {
        let rows = try readCSV(try dir + "/trust_report.csv")
        let lines = rows.map { r in
            ["period", "partner", "trust_index", "trust_index_delta", "band", "coverage", "responsiveness", "escalation", "clarity", "conversations", "turns", "messages",
                "transparency", "respect"]
                .map { r[$0]! }.joined(separator: " ")
        }
        // E-mail only: transparency is the proactive share alone (kept-informed needs tickets);
        // respect is the mean politeness score of the partner's messages (PolitenessTests).
        #expect(
            lines == [
                // clarity = 0.5 × 79.4188 + 0.5 × 100 × (1 − 0) = 89.7094; transparency 100 × min(1, (1/6) / 0.2) = 83.333;
                // (0.25 × 71.4286 + 0.20 × 100 + 0.15 × 89.7094 + 0.10 × 83.333 + 0.05 × 48) / 0.75 = 82.7293
                "2026-W10 globex 82.73  good 0.75 71.43 100 89.71 6 7 15 83.33 48",
                // clarity = 0.5 × 93.5652 + 50 = 96.7826; no proactive update of 5:
                // (0.25 × 66.6667 + 0.20 × 75 + 0.15 × 96.7826 + 0.10 × 0 + 0.05 × 55) / 0.75 = 65.2454
                "2026-W10 initech 65.25  watch 0.75 66.67 75 96.78 4 6 16 0 55",
                // no client reply to globex in W11: no clarity; (20 + 0 + 2.5) / 0.6 = 37.5; no delta: W10 is
                // partial (the data begins on Monday 2 March after midnight), so it is no base
                "2026-W11 globex 37.5  at risk 0.6 0 100  1 1 2 0 50",
                // no W12 data for initech: no delta; no partner message: 20 / 0.45, coverage under 0.5: no band
                "2026-W13 initech 44.44   0.45 0 100  1 1 1  ",
                "2026-W14 initech 81.82 37.37 good 0.55 100 100  1 1 3 0 ",
            ])
    }

    @Test func conversationsIncludeInternalOnesWithAnEmptyPartner() throws {
        let rows = try readCSV(try dir + "/conversations.csv")
        #expect(rows.count == 14)
        let internalRow = rows.first { $0["conversation"] == "T9" }
        #expect(internalRow?["partner"] == "")
        #expect(internalRow?["opened_at"] == "2026-03-03T13:50:00Z")  // the skewed reply is its first message
        let t2 = rows.first { $0["conversation"] == "<t2-1@acme.example>" }
        #expect(t2?["escalated"] == "true")
        #expect(t2?["escalation_reason"] == "phrase")
        #expect(t2?["messages"] == "3")
        #expect(rows.first { $0["conversation"] == "T7" }?["messages"] == "8")
    }

    @Test func lastAndFromToSelectPeriods() throws {
        let last2 = try runPipeline(Self.pipeline, asOf: "2026-04-06", window: WindowRequest(last: 2))
        #expect(last2.summary.window.map(\.label) == ["2026-W13", "2026-W14"])
        let trust = try readCSV(last2.dir + "/trust_report.csv")
        // The delta still looks one period back, outside the window.
        #expect(trust.map { $0["trust_index_delta"]! } == ["", "37.37"])
        let range = try runPipeline(
            Self.pipeline, asOf: "2026-04-06",
            window: WindowRequest(from: LocalDate(year: 2026, month: 3, day: 8)!, to: LocalDate(year: 2026, month: 3, day: 10)!))
        #expect(range.summary.window.map(\.label) == ["2026-W10", "2026-W11"])
        // A Monday as-of: the week before is the last complete one.
        let monday = try runPipeline(Self.pipeline, asOf: "2026-03-16T00:00:00+01:00")
        #expect(monday.summary.window.last?.label == "2026-W11")
    }

    @Test func monthlyPeriodsCutTheSameFactsByCalendarMonth() throws {
        let dir = temporaryDirectory()
        let text = readText(Self.pipeline).replacingOccurrences(of: "period: week", with: "period: month")
        for name in ["a.csv", "b.csv", "bad.csv", "c.csv.gz"] {
            try FileManager.default.copyItem(atPath: repositoryRoot + "/fixtures/edge/" + name, toPath: dir + "/" + name)
        }
        try text.write(toFile: dir + "/pipeline.yaml", atomically: true, encoding: .utf8)
        let run = try runPipeline(dir + "/pipeline.yaml", asOf: "2026-04-06")
        #expect(run.summary.window.map(\.label) == ["2026-03"])
        let m = try metricIndex(run.dir)
        // Everything falls in March in Berlin, <t6-1> (Monday 30 March, 00:30 CEST) included.
        #expect(m["2026-03 globex response.turns"] == "8 8")  // W10's 7 and T4
        #expect(m["2026-03 initech response.turns"] == "8 8")  // W10's 6, T5, T6
        #expect(m["2026-03  quality.messages"] == "39 39")
        #expect(readText(run.dir + "/metrics.csv").contains("2026-03,2026-03-01,2026-04-01,globex,response.turns,8,8"))
    }
}
