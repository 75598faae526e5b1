import Foundation
import RapportCore
import RapportPipeline
import Testing

/// Every real sample export (fixtures/realdata, see its SOURCES.md) is read: each record
/// used or rejected with a reason, and the conversations and messages counted independently
/// (by hand and with a separate script while writing these tests) come out.
@Suite struct RealExportTests {
    static let data = repositoryRoot + "/fixtures/realdata"

    struct Outcome {
        var summary: RunSummary
        var conversations: [[String: String]]
        var rejects: [[String: String]]
        var messages: Int { conversations.reduce(0) { $0 + Int($1["messages"]!)! } }
    }

    /// Runs one source over the whole history (quarters from 1990 to 2027).
    func read(_ source: String) throws -> Outcome {
        let dir = temporaryDirectory("rapport-real")
        let yaml = """
            period: quarter
            client: { name: Client, domains: [acme.example] }
            partners: [{ id: vendor, domains: [vendor.example] }]
            sources:
              - \(source)
            limits: { max_reject_ratio: 1, allow_bad_files: true }

            """
        try yaml.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let run = try runPipeline(
            dir + "/p.yaml", window: WindowRequest(from: LocalDate(year: 1990, month: 1, day: 1)!, to: LocalDate(year: 2027, month: 1, day: 1)!))
        return Outcome(
            summary: run.summary, conversations: try readCSV(run.dir + "/conversations.csv"), rejects: try readCSV(run.dir + "/rejects.csv"))
    }

    func counts(_ o: Outcome) -> String {
        let f = o.summary.files
        return "\(f.map(\.read).reduce(0, +)) read, \(f.map(\.used).reduce(0, +)) used, \(o.rejects.count) rejected; \(o.conversations.count) conversations, \(o.messages) messages"
    }

    @Test(arguments: [
        // file, items, comments (every comment public: none carries rolelevel/grouplevel)
        ("jira-mongodb-gojira/example_jira_mongodb_new-issues.xml", 20, 8),
        ("jira-mongodb-gojira/example_jira_mongodb_resolved-recently.xml", 20, 26),
        ("jira-cloud-supp-athletik/Jira (1).xml", 116, 67),
        ("jira-cloud-summitdev-borch/export-activities.xml", 39, 7),
        ("jira-server-corner-ch/jira.xml", 86, 3),
        ("jira-amat-luval/sample.xml", 15, 5),
        ("jira-cloud-insurance-nichanl/SearchRequest.xml", 15, 1),
        ("jira-cloud-rss2-and-csv/BD-Jira.xml", 19, 0),
    ])
    func jiraXML(file: String, items: Int, comments: Int) throws {
        let o = try read("{ kind: ticket, format: jira-xml, path: \"\(Self.data)/\(file)\" }")
        #expect(counts(o) == "\(items + comments) read, \(items + comments) used, 0 rejected; \(items) conversations, \(items + comments) messages")
    }

    @Test func jiraTruncatedPagesAreReported() throws {
        let o = try read("{ kind: ticket, format: jira-xml, path: \"\(Self.data)/jira-mongodb-gojira/example_jira_mongodb_new-issues.xml\" }")
        #expect(o.summary.notes.contains { $0.contains("truncated Jira export: 20 of 171574") })
    }

    @Test func jiraRSS2IsRefusedWithTheExportToChoose() throws {
        let o = try read("{ kind: ticket, format: jira-xml, path: \"\(Self.data)/jira-cloud-rss2-and-csv/QTS-Jira-rss2.xml\" }")
        #expect(o.rejects.count == 1)
        #expect(o.rejects[0]["record"] == "")
        #expect(o.rejects[0]["reason"]!.hasPrefix("unsupported_format: this is Jira's RSS 2.0 export"))
        #expect(o.rejects[0]["reason"]!.contains("Export → XML"))
    }

    @Test(arguments: [
        ("issues_evince_100.xml", 100, 521),
        ("issues_firefox_250.xml.gz", 250, 1280),
        ("issues_solid_500.xml.gz", 500, 2323),
    ])
    func bugzillaXML(file: String, bugs: Int, comments: Int) throws {
        let o = try read("{ kind: ticket, format: bugzilla-xml, path: \"\(Self.data)/bugzilla-xml-bicho/\(file)\" }")
        // Each long_desc is a record; the first of each bug is its description.
        #expect(counts(o) == "\(comments) read, \(comments) used, 0 rejected; \(bugs) conversations, \(comments) messages")
    }

    @Test func enronRawMessages() throws {
        let o = try read("{ kind: email, format: email-raw-csv, path: \"\(Self.data)/enron-email-csv/emails_sample.csv\" }")
        // No threading headers: 103 distinct subject + organisation keys (8 empty subjects stand alone).
        #expect(counts(o) == "103 read, 103 used, 0 rejected; 103 conversations, 103 messages")
    }

    @Test func twitterCustomerSupportThroughMappedColumns() throws {
        let o = try read(
            """
            kind: email
                format: csv
                path: "\(Self.data)/twcs-customer-support-twitter/twcs.csv.gz"
                timestamp_format: "%a %b %d %H:%M:%S %z %Y"
                columns: { id: tweet_id, in_reply_to: in_response_to_tweet_id, at: created_at, actor: author_id, text: text }
                parties: { column: inbound, values: { "True": client, "False": vendor } }
            """)
        // 5,000 tweets (one holds bare CRs in an unquoted field and stays one record); 1,312 reply chains.
        #expect(counts(o) == "5000 read, 5000 used, 0 rejected; 1312 conversations, 5000 messages")
    }

    @Test(arguments: [
        ("BD-Jira.csv", "%d/%b/%y %I:%M %p", 19),
        ("QTS-Jira.csv", "%m/%d/%Y %H:%M", 6),
    ])
    func jiraCSVThroughMappedColumns(file: String, format: String, issues: Int) throws {
        let o = try read(
            """
            kind: ticket
                format: csv
                path: "\(Self.data)/jira-cloud-rss2-and-csv/\(file)"
                timestamp_format: "\(format)"
                columns: { key: Issue key, at: Created, actor: Reporter, subject: Summary, priority: Priority, status: Status, assignee: Assignee, resolved: Resolved }
            """)
        #expect(counts(o) == "\(issues) read, \(issues) used, 0 rejected; \(issues) conversations, \(issues) messages")
    }

    @Test func zoomParticipants() throws {
        let o = try read("{ kind: meeting, format: zoom-participants-csv, path: \"\(Self.data)/meeting-attendance-zoom/zoom_attendance.csv.gz\", timezone: Asia/Kolkata }")
        // 4,399 participant rows in 5 meetings (4 IDs; one ID twice, with different start times).
        #expect(counts(o) == "4399 read, 4399 used, 0 rejected; 5 conversations, 0 messages")
        #expect(o.conversations.filter { $0["conversation"]!.hasPrefix("970 1912 6650") }.count <= 2)
    }

    @Test func teamsAttendance() throws {
        let french = try read(
            "{ kind: meeting, format: teams-attendance-csv, path: \"\(Self.data)/meeting-attendance-teams/meetingAttendanceReport_fr-FR_utf16.csv\", timezone: Europe/Paris }")
        #expect(counts(french) == "7 read, 7 used, 0 rejected; 1 conversations, 0 messages")
        // "13/04/2021 à 09:01:31" in Paris (CEST) is 07:01:31Z.
        #expect(french.conversations[0]["opened_at"] == "2021-04-13T07:01:31Z")
        let indonesian = try read(
            "{ kind: meeting, format: teams-attendance-csv, path: \"\(Self.data)/meeting-attendance-teams/meetingAttendanceReport_id-ID_semicolon.csv\", timezone: Asia/Jakarta }")
        #expect(counts(indonesian) == "69 read, 69 used, 0 rejected; 1 conversations, 0 messages")
        // No summary: the first join, "4/13/2022, 7:56:32 AM" in Jakarta (+07:00).
        #expect(indonesian.conversations[0]["opened_at"] == "2022-04-13T00:56:32Z")
    }

    @Test(arguments: [
        ("mailing-list-mbox-perceval/pipermail_2015_november.mbox", "mbox mail archive"),
        ("mailing-list-mbox-perceval/mbox_iso8859_encoding.mbox", "mbox mail archive"),
        ("ami-meeting-nxt/ES2002a.A.words.xml", "AMI NXT meeting XML"),
    ])
    func unsupportedFormatsAreRefusedNeverMisread(file: String, what: String) throws {
        let o = try read("{ kind: email, format: rapport-email-csv, path: \"\(Self.data)/\(file)\" }")
        #expect(o.rejects.count == 1)
        #expect(o.rejects.first?["reason"]?.hasPrefix("unsupported_format: this is") == true)
        #expect(o.rejects.first?["reason"]?.contains(what) == true)
        #expect(o.rejects.first?["reason"]?.contains("supported formats: rapport-email-csv") == true)
        #expect(o.conversations.isEmpty)
    }
}
