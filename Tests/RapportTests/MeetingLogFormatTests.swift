import Foundation
import RapportCore
@testable import RapportIngest
import RapportPipeline
import Testing

/// Reads `text` with one format, `chunk` bytes at a time, as the file at `path` (formats that
/// read a Zoom folder's name or a file's name take it from there).
func readFormat<F: InputFormat>(
    _ format: F.Type, _ text: String, path: String = "in", zone: String = "UTC", options: SourceOptions = SourceOptions(), chunk: Int = 1 << 16,
    parties: PartyDirectory = MeetingLogFormatTests.parties
) throws(InputError) -> (sink: CollectingSink, records: Int) {
    let sink = CollectingSink()
    let context = FormatContext(
        fileIndex: 0, displayPath: path, zone: ZoneRules(identifier: zone)!, parties: parties, now: instant("2026-11-29T00:00:00Z"), options: options)
    let records = try F.read(MemoryByteSource(Array(text.utf8), chunkSize: chunk), context: context, into: sink)
    return (sink, records)
}

/// Everything a reader produced, as comparable lines (for the every-chunk-size checks).
func rendered(_ s: CollectingSink, records: Int) -> [String] {
    var out = ["records \(records)"]
    for i in s.interactions {
        out.append("\(i.kind.rawValue) \(i.attributes.tracker)|\(i.conversation)|\(i.id) \(i.at.rfc3339) \(i.actor) \(i.party) \(i.attributes.from)>\(i.attributes.to) auto=\(i.attributes.autoSubmitted) [\(i.text)]")
    }
    for t in s.tickets { out.append("ticket \(t.tracker)|\(t.key) \(t.status ?? "-") \(t.labels) \(t.resolved?.rfc3339 ?? "-") due \(t.due.map { "\($0)" } ?? "-") \(t.url)") }
    for m in s.meetings {
        out.append("meeting \(m.id) \(m.scheduledStart.rfc3339) \(m.actualEnd?.rfc3339 ?? "-") records \(m.records)")
        for u in m.utterances { out.append("  \(u.actor) \(u.party) \(u.seconds) [\(u.text)]") }
    }
    for r in s.rejects { out.append("reject \(r.record.map(String.init) ?? "-") \(r.reason.rawValue): \(r.message)") }
    out += s.warnings.map { "warn \($0)" }
    return out
}

/// WebVTT transcripts and Zoom chats: the real samples' independent counts, hand-worked cue
/// and chat-line cases, and every chunk size.
@Suite struct MeetingLogFormatTests {
    static let parties = PartyDirectory(
        client: PartyRules(people: ["Dora*", "Jane*"]),
        partners: [(PartnerInfo(id: "vendor", name: "Vendor"), PartyRules(domains: ["vendor.example"], people: ["Ashlee*", "Ana*"]))])
    static let data = repositoryRoot + "/fixtures/realdata"

    func options(meeting: String? = nil, start: String? = nil, date: String? = nil) -> SourceOptions {
        var o = SourceOptions()
        o.meeting = meeting
        o.meetingStart = start.map(instant)
        o.date = date.flatMap { LocalDate(parsing: $0) }
        return o
    }

    // MARK: real samples

    @Test func cipTranscriptSpeakersAndTalkShare() throws {
        let text = try String(contentsOfFile: Self.data + "/meeting-transcripts-webvtt/cip_test_transcript.vtt", encoding: .utf8)
        let (s, records) = try readFormat(WebVTT.self, text, options: options(meeting: "CIP-1", start: "2021-05-10T17:00:00Z"))
        // 284 cues: 87 name Ashlee Kupor (SL), 188 Dora Demszky, 9 no one (each keeps the speaker before it).
        #expect(records == 284)
        #expect(s.rejects.isEmpty)
        #expect(Self.explicitSpeakers(text) == ["Ashlee Kupor (SL)": 87, "Dora Demszky": 188, "": 9])
        let m = try #require(s.meetings.first)
        #expect(m.records == 284)
        #expect(m.utterances.count == 80)  // runs of one speaker's cues
        var seconds: [String: Double] = [:]
        for u in m.utterances { seconds[u.actor, default: 0] += u.seconds }
        // Independently summed cue durations (ms): 507,310 and 1,148,890.
        #expect(abs(seconds["Ashlee Kupor (SL)"]! - 507.31) < 1e-6)
        #expect(abs(seconds["Dora Demszky"]! - 1148.89) < 1e-6)
        #expect(m.utterances.first { $0.actor == "Ashlee Kupor (SL)" }?.party == .partner(0))
        #expect(m.actualEnd?.rfc3339 == "2021-05-10T17:33:47.16Z")
    }

    /// The speaker each cue's text names by the format's rule ("" for none), counted from the file.
    static func explicitSpeakers(_ text: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for block in text.components(separatedBy: "\n\n").dropFirst() where block.contains("-->") {
            let payload = block.split(separator: "\n").drop { !$0.contains("-->") }.dropFirst().joined(separator: " ")
            counts[WebVTT.speaker(payload)?.0 ?? "", default: 0] += 1
        }
        return counts
    }

    @Test func transcriptParsingFiveSpeakersAndTheWaitingRoomGap() throws {
        let text = try String(contentsOfFile: Self.data + "/meeting-transcripts-webvtt/TranscriptParsing_transcript.vtt", encoding: .utf8)
        let (s, records) = try readFormat(WebVTT.self, text, options: options(start: "2022-01-20T18:00:00Z"))
        #expect(records == 300 && s.rejects.isEmpty)
        let explicit = Self.explicitSpeakers(text)
        #expect(explicit.count == 6 && explicit[""] == 2)  // 5 speakers and 2 cues without one
        #expect(explicit["Paul McCartney"] == 242)
        let m = try #require(s.meetings.first)
        #expect(Set(m.utterances.map(\.actor)).count == 5)
        #expect(m.id == "in")  // no `meeting` and no Zoom folder: the file's path
        // The 7-minute gap (442.95 s between cues 39 and 40) is silence, not talk.
        let talk = m.utterances.reduce(0) { $0 + $1.seconds }
        #expect(abs(talk - 2658.961) < 1e-6)
    }

    @Test func cipTranscriptThroughAPipeline() throws {
        let o = try runOne(
            "{ kind: meeting, format: webvtt, path: \"\(Self.data)/meeting-transcripts-webvtt/cip_test_transcript.vtt\", meeting: CIP-1, meeting_start: \"2021-05-10T10:00:00\", timezone: America/Los_Angeles }")
        #expect(o.summary.read == 284 && o.summary.used == 284 && o.rejects.isEmpty)
        #expect(o.conversations.map { "\($0["conversation"]!) \($0["partner"]!) \($0["opened_at"]!) \($0["messages"]!)" } == ["CIP-1 vendor 2021-05-10T17:00:00Z 80"])
        let metrics = try metricIndex(o.dir)
        #expect(metrics["2021-Q2 vendor meeting.partner_talk_share"]?.hasPrefix("0.30630962") == true)
        #expect(metrics["2021-Q2 vendor clarity.partner.flesch_reading_ease"] != nil)
    }

    @Test func aTranscriptWithoutAStartIsRefusedNamingTheKey() throws {
        let o = try runOne("{ kind: meeting, format: webvtt, path: \"\(Self.data)/meeting-transcripts-webvtt/TranscriptParsing_transcript.vtt\" }")
        #expect(o.rejects.count == 1)
        #expect(o.rejects[0]["reason"]!.hasPrefix("missing_value: the transcript's times count from the recording's start"))
        #expect(o.rejects[0]["reason"]!.contains("`meeting_start:`"))
    }

    @Test func aTranscriptUnderAnotherFormatIsRefusedNamingWebVTT() throws {
        let o = try runOne("{ kind: email, format: rapport-email-csv, path: \"\(Self.data)/meeting-transcripts-webvtt/cip_test_transcript.vtt\" }")
        #expect(o.rejects.first?["reason"] == "unsupported_format: this is a WebVTT transcript; read it with `kind: meeting, format: webvtt`")
    }

    @Test func aguChatSendersAndClock() throws {
        let text = try String(contentsOfFile: Self.data + "/zoom-chat-agu-oss-2020/meeting_saved_chat.txt", encoding: .utf8)
        let (s, records) = try readFormat(ZoomChat.self, text, options: options(date: "2020-12-09"))
        #expect(records == 121 && s.interactions.count == 121 && s.rejects.isEmpty)
        var bySender: [String: Int] = [:]
        for i in s.interactions { bySender[i.actor, default: 0] += 1 }
        #expect(bySender.count == 21)
        #expect(bySender.max { $0.value < $1.value }?.key == "Leah Wasser (she/her) Earth Lab / earthdatascience.org / pyOpenSci")
        #expect(bySender.values.max() == 51)
        #expect(s.interactions.first?.at.rfc3339 == "2020-12-09T08:58:13Z")
        #expect(s.interactions.last?.at.rfc3339 == "2020-12-09T11:59:57Z")
        #expect(Set(s.interactions.map(\.conversation)) == ["in"])
    }

    @Test func aguChatThroughAPipeline() throws {
        let o = try runOne("{ kind: email, format: zoom-chat, path: \"\(Self.data)/zoom-chat-agu-oss-2020/meeting_saved_chat.txt\", date: 2020-12-09, timezone: America/Denver }")
        #expect(o.summary.read == 121 && o.summary.used == 121 && o.rejects.isEmpty)
        #expect(o.conversations.count == 1 && o.conversations[0]["messages"] == "121")
        #expect(o.conversations[0]["opened_at"] == "2020-12-09T15:58:13Z")
    }

    @Test func cipCloudChatCountsFromTheRecordingStart() throws {
        let text = try String(contentsOfFile: Self.data + "/meeting-transcripts-webvtt/cip_chat.txt", encoding: .utf8)
        let (s, records) = try readFormat(ZoomChat.self, text, options: options(start: "2021-05-10T17:00:00Z"))
        #expect(records == 4 && s.rejects.isEmpty)
        #expect(s.interactions.map { "\($0.at.rfc3339) \($0.actor): \($0.text)" } == [
            "2021-05-10T17:11:09Z Ashlee Kupor: hey", "2021-05-10T17:11:40Z Dora Demszky: hello 🙂",
            "2021-05-10T17:11:43Z Ashlee Kupor: hey there",
            "2021-05-10T17:17:00Z Dora Demszky: https://raw.githubusercontent.com/ddemszky/classroom-transcript-analysis/main/transcript_issues.txt",
        ])
    }

    /// Runs one source through a pipeline (client Dora/Jane, partner Ashlee/Ana) over every quarter.
    func runOne(_ source: String) throws -> (dir: String, summary: RunSummary, conversations: [[String: String]], rejects: [[String: String]]) {
        let dir = temporaryDirectory("rapport-meeting-logs")
        try """
            period: quarter
            client: { name: Client, people: ["Dora*", "Jane*"] }
            partners: [{ id: vendor, people: ["Ashlee*", "Ana*"], domains: [vendor.example] }]
            sources:
              - \(source)
            limits: { max_reject_ratio: 1, allow_bad_files: true }

            """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let run = try runPipeline(
            dir + "/p.yaml", window: WindowRequest(from: LocalDate(year: 1990, month: 1, day: 1)!, to: LocalDate(year: 2027, month: 1, day: 1)!))
        return (run.dir, run.summary, try readCSV(run.dir + "/conversations.csv"), try readCSV(run.dir + "/rejects.csv"))
    }

    // MARK: WebVTT by hand

    static let cues = "\u{FEFF}WEBVTT - made by hand\r\nKind: captions\r\n\r\n"
        + "NOTE a comment block is no cue\r\n\r\n"
        + "1\r\n00:00:01.000 --> 00:00:04.500 align:start\r\nAna Cruz: We shipped\r\nthe fix.\r\n\r\n"
        + "00:05.000 --> 00:07.000\r\nIt is live.\r\n\r\n"
        + "3\r\n00:00:08.000 --> 00:00:09.000\r\n<v Jane Roe>Thanks &amp; <i>well</i> done</v>\r\n\r\n"
        + "4\r\n00:61:00.000 --> 00:62:00.000\r\nJane Roe: a bad time\r\n\r\n"
        + "5\r\n00:00:12.000 --> 00:00:11.000\r\nJane Roe: ends before it starts\r\n\r\n"
        + "6\r\nno timing line here\r\n\r\n"
        + "7\r\n100:00:00.000 --> 100:00:02.000\r\nJane Roe: Yes: a colon in speech.\r\n"

    @Test func cueEdgeCases() throws {
        let expected = [
            "records 7",
            "meeting M-7 2026-03-02T08:00:00Z 2026-03-06T12:00:02Z records 4",
            "  Ana Cruz partner#0 5.5 [We shipped the fix. It is live.]",  // the second cue keeps Ana (no speaker)
            "  Jane Roe client 3.0 [Thanks & well done Yes: a colon in speech.]",
            "reject 19 bad_timestamp: cue at line 19: the cue times are not `hh:mm:ss.ttt --> hh:mm:ss.ttt` (hours optional, minutes and seconds below 60)",
            "reject 23 bad_value: cue at line 23 ends before it starts",
            "reject 26 bad_value: block at line 26 has no timing line (`00:00:01.000 --> 00:00:02.500`); a cue needs one",
        ]
        for chunk in 1...Self.cues.utf8.count + 1 {
            let (s, records) = try readFormat(WebVTT.self, Self.cues, options: options(meeting: "M-7", start: "2026-03-02T09:00:00+01:00"), chunk: chunk)
            let got = rendered(s, records: records)
            #expect(got == expected, "chunk size \(chunk)")
            if got != expected { break }
        }
    }

    @Test func aFirstCueWithoutASpeakerIsRejected() throws {
        let (s, records) = try readFormat(WebVTT.self, "WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n\n00:01.000 --> 00:02.000\nAna: hi\n", options: options(start: "2026-03-02T09:00:00Z"))
        #expect(records == 2)
        #expect(s.rejects.map(\.reason) == [.missingValue])
        #expect(s.meetings.first?.utterances.map(\.actor) == ["Ana"])
    }

    @Test func theZoomFolderGivesStartMeetingIDAndTopic() throws {
        let (s, _) = try readFormat(
            WebVTT.self, "WEBVTT\n\n00:00:10.000 --> 00:00:12.000\nAna: hi\n", path: "zoom/2020-11-05 10.00.12 Weekly ops 987654321/audio_transcript.vtt",
            zone: "Europe/Berlin")
        let m = try #require(s.meetings.first)
        #expect(m.id == "987654321" && m.title == "Weekly ops" && m.scheduledStart.rfc3339 == "2020-11-05T09:00:12Z")
    }

    @Test func notWebVTTAndNoStartAreRefused() throws {
        #expect(throws: InputError.self) { _ = try readFormat(WebVTT.self, "1\n00:00:01.000 --> 00:00:02.000\nAna: hi\n", options: options(start: "2026-03-02T09:00:00Z")) }
        do {
            _ = try readFormat(WebVTT.self, "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: hi\n", path: "plain/transcript.vtt")
            Issue.record("a transcript without a start was read")
        } catch {
            #expect(error.reason == .missingValue && error.message.contains("`meeting_start:`"))
        }
    }

    // MARK: zoom-chat by hand

    @Test func bothChatLayoutsAndContinuations() throws {
        let chat = "09:00:01\t From  Ana Cruz : Good morning all\n"
            + "09:00:30\t From Jane Roe to Ana Cruz(Privately) : a private word\n"
            + "09:01:00 From Jane Roe to Everyone:\n\tCould you share the link?\n\tThanks\n"
            + "09:02:00\tAna Cruz:\there it is\n"
            + "25:00:00\tAna Cruz:\ta time that does not exist\n"
            + "23:59:59\tJane Roe:\tlate\n"
            + "00:00:10\tAna Cruz:\tpast midnight\n"
        let expected = [
            "records 7",
            "message |in|in:1 2026-03-02T08:00:01Z Ana Cruz partner#0 > auto=false [Good morning all]",
            "message |in|in:2 2026-03-02T08:00:30Z Jane Roe client > auto=false [a private word]",
            "message |in|in:3 2026-03-02T08:01:00Z Jane Roe client > auto=false [Could you share the link?\nThanks]",
            "message |in|in:6 2026-03-02T08:02:00Z Ana Cruz partner#0 > auto=false [here it is]",
            "message |in|in:8 2026-03-02T22:59:59Z Jane Roe client > auto=false [late]",
            "message |in|in:9 2026-03-02T23:00:10Z Ana Cruz partner#0 > auto=false [past midnight]",
            "reject 7 bad_timestamp: line 7: the time `25:00:00` does not exist (HH:MM:SS, hours 00–23)",
        ]
        for chunk in 1...chat.utf8.count + 1 {
            let (s, records) = try readFormat(ZoomChat.self, chat, zone: "Europe/Berlin", options: options(date: "2026-03-02"), chunk: chunk)
            var got = rendered(s, records: records)
            // The rejects come in reading order; compare them after the messages.
            got = got.filter { !$0.hasPrefix("reject") } + got.filter { $0.hasPrefix("reject") }
            #expect(got == expected, "chunk size \(chunk)")
            if got != expected { break }
        }
    }

    @Test func chatProblemsAreRejectsAndAChatWithoutADateIsRefused() throws {
        let (s, records) = try readFormat(ZoomChat.self, "stray text before any message\n10:00:00\tno sender here\n", options: options(date: "2026-03-02"))
        #expect(records == 2 && s.interactions.isEmpty)
        #expect(s.rejects.map(\.reason) == [.badValue, .missingValue])
        do {
            _ = try readFormat(ZoomChat.self, "10:00:00\tAna:\thi\n", path: "chat/meeting_saved_chat.txt")
            Issue.record("a chat without a date was read")
        } catch {
            #expect(error.reason == .missingValue && error.message.contains("`date:`") && error.message.contains("`meeting_start:`"))
        }
        // The Zoom folder gives the date and the conversation (its meeting ID and start).
        let (f, _) = try readFormat(ZoomChat.self, "10:00:00\tAna:\thi\n", path: "z/2020-12-09 08.55.23 Standup 98765432101/meeting_saved_chat.txt")
        #expect(f.interactions.map { "\($0.conversation) \($0.at.rfc3339)" } == ["98765432101 2020-12-09 08.55.23 2020-12-09T10:00:00Z"])
    }
}
