import Foundation
import RapportCore
@testable import RapportIngest
import RapportPipeline
import Testing

/// Redmine (JSON, XML) and GitHub (REST pages, migration archive): the real samples'
/// independent counts, hand-worked exports with exact conversations.csv values, and every
/// chunk size.
@Suite struct TrackerFormatTests {
    static let data = repositoryRoot + "/fixtures/realdata"

    struct Outcome {
        var dir: String
        var summary: RunSummary
        var conversations: [[String: String]]
        var rejects: [[String: String]]
        var messages: Int { conversations.reduce(0) { $0 + Int($1["messages"]!)! } }
        /// `conversation partner messages escalation_reason resolved reopened` per row.
        var rows: [String] {
            conversations.map { r in ["conversation", "partner", "messages", "escalation_reason", "resolved", "reopened"].map { r[$0]! }.joined(separator: " ") }
        }
    }

    /// Runs the sources (YAML flow mappings, paths relative to `dir`) over every quarter.
    func run(_ sources: [String], in dir: String = temporaryDirectory("rapport-trackers"), extra: String = "") throws -> Outcome {
        try """
            timezone: UTC
            period: quarter
            client: { name: Client, domains: [acme.example], people: ["Quan Zhou", "Alvaro*", "jane*", "milahu", "Pedro Alves"] }
            partners: [{ id: vendor, domains: [vendor.example], people: ["Jes*s Alonso", "Luis*", "ana*", "gx-*", "dependabot*"] }]
            sources:
            \(sources.map { "  - " + $0 }.joined(separator: "\n"))
            limits: { max_reject_ratio: 1, allow_bad_files: true }
            \(extra)

            """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let r = try runPipeline(
            dir + "/p.yaml", window: WindowRequest(from: LocalDate(year: 1990, month: 1, day: 1)!, to: LocalDate(year: 2027, month: 1, day: 1)!))
        return Outcome(dir: r.dir, summary: r.summary, conversations: try readCSV(r.dir + "/conversations.csv"), rejects: try readCSV(r.dir + "/rejects.csv"))
    }

    func file(_ path: String) throws -> String { try String(contentsOfFile: Self.data + "/" + path, encoding: .utf8) }

    func options(_ body: (inout SourceOptions) -> Void = { _ in }) -> SourceOptions {
        var o = SourceOptions()
        o.tracker = "tracker"
        body(&o)
        return o
    }

    // MARK: Redmine, real

    static let redmineSingles = ["redmine_issue_2.json", "redmine_issue_5.json", "redmine_issue_9.json", "redmine_issue_7311.json"]

    @Test func redmineJSONJournalsByKind() throws {
        var kinds: [InteractionKind: Int] = [:]
        var people = Set<String>()
        var journals = Set<String>()
        for name in Self.redmineSingles {
            let (s, _) = try readFormat(RedmineJSON.self, try file("redmine-json-perceval/" + name), options: options())
            #expect(s.rejects.isEmpty)
            for i in s.interactions {
                kinds[i.kind, default: 0] += 1
                people.insert(i.actor)
                if i.id.hasPrefix("journal-") { journals.insert(i.conversation + "|" + i.id.prefix { $0 != "#" }) }
            }
        }
        // 25 journals: 11 with notes (0 private), 16 status_id and 1 priority_id changes; 3 hold only a
        // parent_id change and 1 only a description change (reported, not records): 21 give events.
        #expect(kinds[.message] == 11 && kinds[.internalNote] == nil && kinds[.status] == 16 && kinds[.priority] == 1 && kinds[.created] == 4)
        #expect(journals.count == 21)
        #expect(people.count == 4)
    }

    @Test func redmineJSONPagesAndIssuesMergeIntoFourTickets() throws {
        let o = try run([
            "{ kind: ticket, format: redmine-json, path: \"\(Self.data)/redmine-json-perceval/redmine_issue*.json\", resolved_statuses: [Resuelta, Cerrada] }"
        ])
        // 4 distinct issues; the pages repeat 4 descriptions (duplicates). Messages: 4 descriptions + 11 notes.
        #expect(o.conversations.count == 4 && o.messages == 15)
        #expect(o.summary.duplicates == 4 && o.rejects.isEmpty)
        // Status ids 1 and 5 are named by no issue of 7311's file: its resolution is read (1 -> Resuelta),
        // no reopening (every reopening there is a change to id 1); the warning says which key to set.
        #expect(o.rows.first { $0.hasPrefix("7311 ") } == "7311 vendor 12  true false")
        #expect(o.summary.notes.contains { $0.contains("redmine_issue_7311.json: journal changes name status ids 1, 5 (set `status_names: {id: name}`)") })
        #expect(o.summary.notes.contains { $0.contains("redmine_issue_7311.json: left out: 1 journal with no notes and no status, priority or assignee change (not records); changes Rapport does not read: description 6, subject 1") })
        #expect(o.summary.notes.contains { $0.contains("redmine_issues.json: this page holds issues 1–3 of 4") })
        let named = try run(
            [
                "{ kind: ticket, format: redmine-json, path: \"\(Self.data)/redmine-json-perceval/redmine_issue_7311.json\", resolved_statuses: [Resuelta, Cerrada], status_names: { 1: Nueva, 5: Cerrada }, priority_names: { 5: Alta } }"
            ], extra: "priority_order: [Baja, Normal, Alta, Urgente, Inmediata]")
        // Alta -> Inmediata on 2016-01-26 is a raise; Cerrada -> Nueva on 2016-03-21 a reopening.
        #expect(named.rows == ["7311 vendor 12 priority true true"])
        #expect(!named.summary.notes.contains { $0.contains("status ids") })
    }

    @Test func redmineXMLWebdetails() throws {
        let (s, records) = try readFormat(RedmineXML.self, try file("redmine-xml-webdetails/issues.xml"), options: options())
        #expect(records == 25 && s.rejects.isEmpty && s.tickets.count == 25)
        #expect(Set(s.interactions.map(\.actor)).count == 6)
        // Ruby's Time#to_s: `Tue May 29 16:54:59 +0100 2012`.
        #expect(s.interactions.first?.at.rfc3339 == "2012-05-29T15:54:59Z")
        #expect(s.tickets.allSatisfy { !$0.hasHistory && $0.due == nil })
        let o = try run(["{ kind: ticket, format: redmine-xml, path: \"\(Self.data)/redmine-xml-webdetails/issues.xml\", tracker: \"https://redmine.example\" }"])
        #expect(o.conversations.count == 25 && o.messages == 25 && o.summary.read == 25 && o.summary.used == 25)
        #expect(o.conversations.first { $0["conversation"] == "790" }?["url"] == "https://redmine.example/issues/790")
    }

    // MARK: Redmine, by hand

    static let redmineJSON = #"""
        {"issue": {"id": 41, "subject": "VPN down", "description": "It fails <always>.", "due_date": "2026-03-06",
          "status": {"id": 5, "name": "Closed"}, "priority": {"id": 4, "name": "Normal"},
          "author": {"id": 1, "name": "jane"}, "assigned_to": {"id": 2, "name": "ana"},
          "created_on": "2026/03/02 09:00:00 +0100",
          "journals": [
            {"id": 1, "user": {"id": 2, "name": "ana"}, "notes": "Looking.", "private_notes": false, "created_on": "2026-03-02T09:30:00Z", "details": []},
            {"id": 2, "user": {"id": 2, "name": "ana"}, "notes": "Only for us.", "private_notes": true, "created_on": "2026-03-02T09:40:00Z", "details": []},
            {"id": 3, "user": {"id": 1, "name": "jane"}, "notes": null, "created_on": "Mon Mar 02 12:00:00 +0100 2026",
             "details": [{"property": "attr", "name": "priority_id", "old_value": "4", "new_value": "6"}, {"property": "attr", "name": "status_id", "old_value": "1", "new_value": "8"}]},
            {"id": 4, "user": {"id": 2, "name": "ana"}, "notes": "", "created_on": "2026-03-03T10:00:00Z",
             "details": [{"property": "attr", "name": "status_id", "old_value": "8", "new_value": "3"}, {"property": "attr", "name": "assigned_to_id", "old_value": "2", "new_value": "1"}]},
            {"id": 5, "user": {"id": 1, "name": "jane"}, "notes": "Still broken.", "created_on": "2026-03-04T08:00:00Z",
             "details": [{"property": "attr", "name": "status_id", "old_value": "3", "new_value": "1"}, {"property": "cf", "name": "12", "old_value": "", "new_value": "x"}]},
            {"id": 6, "user": {"id": 2, "name": "ana"}, "created_on": "2026-03-04T09:00:00Z", "details": [{"property": "attr", "name": "done_ratio", "old_value": "0", "new_value": "50"}]}
          ]}}
        """#

    static func redmineOptions(_ o: inout SourceOptions) {
        o.statusNames = ["1": "New", "8": "Escalated", "3": "Resolved"]
        o.priorityNames = ["6": "Urgent"]
    }

    @Test func redmineJournalEventsEveryDateFormAndEveryChunkSize() throws {
        let expected = [
            "records 11",
            "created tracker|41|description 2026-03-02T08:00:00Z jane client > auto=false [VPN down<br>It fails &lt;always&gt;.]",
            "message tracker|41|journal-1 2026-03-02T09:30:00Z ana partner#0 > auto=false [Looking.]",
            "internal_note tracker|41|journal-2 2026-03-02T09:40:00Z ana partner#0 > auto=false [Only for us.]",
            "priority tracker|41|journal-3#priority 2026-03-02T11:00:00Z jane client Normal>Urgent auto=false []",
            "status tracker|41|journal-3#status 2026-03-02T11:00:00Z jane client New>Escalated auto=false []",
            "status tracker|41|journal-4#status 2026-03-03T10:00:00Z ana partner#0 Escalated>Resolved auto=false []",
            "resolved tracker|41|journal-4#resolved 2026-03-03T10:00:00Z ana partner#0 > auto=false []",
            "assign tracker|41|journal-4#assign 2026-03-03T10:00:00Z ana partner#0 ana>jane auto=false []",
            "message tracker|41|journal-5 2026-03-04T08:00:00Z jane client > auto=false [Still broken.]",
            "status tracker|41|journal-5#status 2026-03-04T08:00:00Z jane client Resolved>New auto=false []",
            "reopened tracker|41|journal-5#reopened 2026-03-04T08:00:00Z jane client > auto=false []",
            "ticket tracker|41 Closed [] - due 2026-03-06 ",
            "warn left out: 1 journal with no notes and no status, priority or assignee change (not records); changes Rapport does not read: cf 12 1, done_ratio 1",
        ]
        for chunk in 1...Self.redmineJSON.utf8.count + 1 {
            let (s, records) = try readFormat(RedmineJSON.self, Self.redmineJSON, options: options(Self.redmineOptions), chunk: chunk, parties: Self.parties)
            let got = rendered(s, records: records)
            #expect(got == expected, "chunk size \(chunk)")
            if got != expected { break }
        }
    }

    static let parties = PartyDirectory(
        client: PartyRules(domains: ["acme.example"], people: ["jane"]),
        partners: [(PartnerInfo(id: "vendor", name: "Vendor"), PartyRules(domains: ["vendor.example"], people: ["ana"]))])

    @Test func redmineEscalationReopeningAndDueDateInConversations() throws {
        let dir = temporaryDirectory("rapport-trackers")
        try Self.redmineJSON.write(toFile: dir + "/issue.json", atomically: true, encoding: .utf8)
        let o = try run(
            ["{ kind: ticket, format: redmine-json, path: issue.json, status_names: { 1: New, 8: Escalated, 3: Resolved }, priority_names: { 6: Urgent } }"], in: dir,
            extra: "escalation: { statuses: [Escalated] }")
        // The priority raise (Normal -> Urgent) and the status (Escalated) come at the same instant: priority ranks first.
        #expect(o.rows == ["41 vendor 3 priority true true"])
        #expect(o.conversations[0]["tracker"] == "issue.json")
        let turns = try readCSV(o.dir + "/responses.csv").map { "\($0["turn"]!) \($0["latency_s"]!) \($0["opened_by"]!) \($0["answered_by"]!)" }
        // The private note answers nothing; jane's "Still broken." after the resolution waits.
        #expect(turns == ["1 5400 description journal-1", "2  journal-5 "])
    }

    @Test func redmineXMLWithJournalsAndARubyDate() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <issue>
              <id>7</id><subject>Export</subject><description>Broken</description>
              <status id="3" name="Resolved"/><priority id="4" name="Normal"/>
              <author id="1" name="jane"/><assigned_to id="2" name="ana"/>
              <created_on>Mon Mar 02 09:00:00 +0100 2026</created_on><due_date>2026-03-09</due_date>
              <journals type="array">
                <journal id="70"><user id="2" name="ana"/><notes>Fixed.</notes><created_on>2026-03-02T10:00:00Z</created_on><private_notes>false</private_notes>
                  <details type="array"><detail property="attr" name="status_id"><old_value>1</old_value><new_value>3</new_value></detail></details>
                </journal>
                <journal id="71"><user id="2" name="ana"/><notes>Note to self.</notes><created_on>2026-03-02T10:05:00Z</created_on><private_notes>true</private_notes><details type="array"/></journal>
              </journals>
            </issue>
            """
        let expected = [
            "records 5",
            "created tracker|7|description 2026-03-02T08:00:00Z jane client > auto=false [Export<br>Broken]",
            "message tracker|7|journal-70 2026-03-02T10:00:00Z ana partner#0 > auto=false [Fixed.]",
            "status tracker|7|journal-70#status 2026-03-02T10:00:00Z ana partner#0 1>Resolved auto=false []",
            "resolved tracker|7|journal-70#resolved 2026-03-02T10:00:00Z ana partner#0 > auto=false []",
            "internal_note tracker|7|journal-71 2026-03-02T10:05:00Z ana partner#0 > auto=false [Note to self.]",
            "ticket tracker|7 Resolved [] - due 2026-03-09 ",
            "warn journal changes name status ids 1 (set `status_names: {id: name}`) that no issue of this file names: those changes keep the id, which matches no `escalation.statuses`, `resolved_statuses` or `priority_order` entry, and no reopening is read from a change to one",
        ]
        for chunk in [1, 2, 3, 7, 64, 1 << 16] {
            let (s, records) = try readFormat(RedmineXML.self, xml, options: options(), chunk: chunk, parties: Self.parties)
            #expect(rendered(s, records: records) == expected, "chunk size \(chunk)")
        }
    }

    @Test func otherRedmineJSONIsRefusedSayingWhatItIs() throws {
        let user = try file("redmine-json-perceval/redmine_user_3.json")
        do {
            _ = try readFormat(RedmineJSON.self, user)
            Issue.record("a user record was read as issues")
        } catch {
            #expect(error.reason == .unsupportedFormat && error.message.hasPrefix("not a Redmine issues page (it holds `user`"))
        }
        #expect(throws: InputError.self) { _ = try readFormat(RedmineJSON.self, "[]") }
        #expect(throws: InputError.self) { _ = try readFormat(RedmineJSON.self, #"{"issues": [{"id": 1"#) }
    }

    // MARK: GitHub, real

    @Test func githubPercevalPages() throws {
        let all = "\(Self.data)/github-issues-json-perceval/*.json"
        let o = try run(["{ kind: ticket, format: github-issues, path: \"\(all)\" }"])
        // Issue 2 and its comment; issue 1 is a pull request (skipped, in a note), but perceval's
        // anonymised comment on it links to /issues/1#issuecomment-1 where GitHub writes /pull/1:
        // read as an issue comment, it makes ticket 1 a conversation of one message.
        #expect(o.summary.read == 3 && o.summary.used == 3)
        #expect(o.rows == ["2  2  true false", "1  1  false false"])
        #expect(o.summary.notes.filter { $0.contains("1 pull requests (set `include_pull_requests: true`") }.count == 2)
        // Reactions, the login and the organisations are no pages of issues, comments or events.
        #expect(o.rejects.map { $0["file"]!.split(separator: "/").last! } == [
            "github_issue_2_reactions.json", "github_issue_comment_1_reactions.json", "github_login.json", "github_orgs.json",
        ])
        #expect(o.rejects.allSatisfy { $0["reason"]!.hasPrefix("unsupported_format: ") && $0["reason"]!.contains("leave it out") })
        let pages = temporaryDirectory("rapport-trackers")
        for name in ["github_request", "github_issue_1", "github_issue_2", "github_issue_comments_1", "github_issue_comments_2"] {
            try FileManager.default.copyItem(atPath: "\(Self.data)/github-issues-json-perceval/\(name).json", toPath: "\(pages)/\(name).json")
        }
        let withPulls = try run(["{ kind: ticket, format: github-issues, path: \"github_*.json\", include_pull_requests: true }"], in: pages)
        // 2 issues (1 a PR, in two files: one duplicate) and 2 comments.
        #expect(withPulls.summary.read == 5 && withPulls.summary.used == 4 && withPulls.summary.duplicates == 1)
        #expect(withPulls.rows == ["2  2  true false", "1  2  true false"])
        #expect(withPulls.conversations.first { $0["conversation"] == "1" }?["url"] == "https://github.com/zhquan_example/repo/pull/1")
        #expect(Set(withPulls.conversations.map { $0["tracker"]! }) == ["https://github.com/zhquan_example/repo"])
    }

    @Test func githubMigrationArchive() throws {
        let archive = "\(Self.data)/github-migration-archive-milahu-nixpkgs"
        let o = try run(["{ kind: ticket, format: github-migration, path: \"\(archive)/*.json\" }"])
        // 77 issues + 52 comments + 7 closings of issues (the 8th closes pull request 1).
        #expect(o.summary.read == 136 && o.summary.used == 136 && o.rejects.isEmpty)
        #expect(o.conversations.count == 77 && o.messages == 77 + 52)
        #expect(o.conversations.filter { Int($0["messages"]!)! > 1 }.count == 19)  // 52 comments in 19 threads
        #expect(o.conversations.filter { $0["resolved"] == "true" }.count == 7)
        #expect(o.summary.notes.contains { $0.hasSuffix("users_000001.json: 51 users (0 bots): users carry no events; people are named by login in the other files") })
        #expect(o.summary.notes.contains { $0.hasSuffix("pull_requests_000001.json: left out (not records): 3 pull requests (set `include_pull_requests: true` to read them)") })
        let withPulls = try run(["{ kind: ticket, format: github-migration, path: \"\(archive)/*.json\", include_pull_requests: true }"])
        #expect(withPulls.conversations.count == 80 && withPulls.summary.read == 136 + 3 + 1)
    }

    @Test func githubMigrationRecordsByKind() throws {
        var include = options()
        include.includePullRequests = true
        let archive = "github-migration-archive-milahu-nixpkgs/"
        let (comments, _) = try readFormat(GitHubMigration.self, try file(archive + "issue_comments_000001.json"), options: include)
        #expect(comments.interactions.count == 52 && Set(comments.interactions.map(\.actor)).count == 14)
        #expect(comments.interactions.allSatisfy { !$0.attributes.autoSubmitted })  // 0 bots
        let (issues, _) = try readFormat(GitHubMigration.self, try file(archive + "issues_000001.json"), options: include)
        let (pulls, _) = try readFormat(GitHubMigration.self, try file(archive + "pull_requests_000001.json"), options: include)
        #expect(issues.tickets.count == 77 && pulls.tickets.count == 3)
        // Every comment's issue is in the archive (0 dangling).
        #expect(Set(comments.interactions.map(\.conversation)).isSubset(of: Set((issues.tickets + pulls.tickets).map(\.key))))
        var resolved = 0
        var notes: [String] = []
        for name in ["issue_events_000001.json", "issue_events_000002.json"] {
            let (events, records) = try readFormat(GitHubMigration.self, try file(archive + name), options: include)
            resolved += records
            #expect(events.interactions.allSatisfy { $0.kind == .resolved })
            notes += events.warnings
        }
        // 128 events: closed 8 read; mentioned 56, subscribed 56, renamed 7 and referenced 1 counted.
        #expect(resolved == 8)
        #expect(notes == [
            "left out (not records): events Rapport does not read: mentioned 43, referenced 1, renamed 7, subscribed 42",
            "left out (not records): events Rapport does not read: mentioned 13, subscribed 14",
        ])
        #expect(comments.interactions.first?.actor == "milahu" && comments.interactions.first?.id == "issuecomment-1693523116")
    }

    // MARK: GitHub, by hand

    static let restIssues = #"""
        [{"url": "https://api.github.com/repos/acme/app/issues/5", "repository_url": "https://api.github.com/repos/acme/app",
          "html_url": "https://github.com/acme/app/issues/5", "number": 5, "title": "Login fails", "body": "Since today.",
          "user": {"login": "jane-acme", "type": "User"}, "labels": [{"name": "escalated"}], "state": "open",
          "assignee": {"login": "ana-vendor"}, "created_at": "2026-03-02T09:00:00Z", "closed_at": null},
         {"url": "https://api.github.com/repos/acme/app/issues/6", "html_url": "https://github.com/acme/app/pull/6", "number": 6,
          "title": "Fix", "body": "", "user": {"login": "ana-vendor"}, "created_at": "2026-03-02T10:00:00Z",
          "pull_request": {"url": "https://api.github.com/repos/acme/app/pulls/6"}}]
        """#
    static let restComments = #"""
        [{"id": 11, "issue_url": "https://api.github.com/repos/acme/app/issues/5", "html_url": "https://github.com/acme/app/issues/5#issuecomment-11",
          "user": {"login": "ana-vendor", "type": "User"}, "body": "Fixed in 1.2.", "created_at": "2026-03-02T10:00:00Z"},
         {"id": 12, "issue_url": "https://api.github.com/repos/acme/app/issues/5", "html_url": "https://github.com/acme/app/issues/5#issuecomment-12",
          "user": {"login": "ci-helper[bot]", "type": "Bot"}, "body": "Build passed.", "created_at": "2026-03-02T11:00:00Z"},
         {"id": 13, "issue_url": "https://api.github.com/repos/acme/app/issues/5", "html_url": "https://github.com/acme/app/issues/5#issuecomment-13",
          "user": {"login": "jane-acme"}, "body": "Broken again!", "created_at": "2026-03-04T09:00:00Z"},
         {"id": 14, "issue_url": "https://api.github.com/repos/acme/app/issues/6", "html_url": "https://github.com/acme/app/pull/6#issuecomment-14",
          "user": {"login": "jane-acme"}, "body": "LGTM", "created_at": "2026-03-02T12:00:00Z"}]
        """#
    static let restEvents = #"""
        [{"id": 21, "actor": {"login": "ana-vendor"}, "event": "closed", "created_at": "2026-03-02T10:01:00Z",
          "issue": {"number": 5, "html_url": "https://github.com/acme/app/issues/5"}},
         {"id": 22, "actor": {"login": "jane-acme"}, "event": "reopened", "created_at": "2026-03-04T09:00:05Z",
          "issue": {"number": 5, "html_url": "https://github.com/acme/app/issues/5"}},
         {"id": 23, "actor": {"login": "jane-acme"}, "event": "subscribed", "created_at": "2026-03-04T09:00:06Z",
          "issue": {"number": 5, "html_url": "https://github.com/acme/app/issues/5"}},
         {"id": 24, "actor": {"login": "ana-vendor"}, "event": "closed", "created_at": "2026-03-02T10:02:00Z",
          "issue": {"number": 6, "html_url": "https://github.com/acme/app/pull/6", "pull_request": {}}},
         {"id": 25, "actor": {"login": "jane-acme"}, "event": "labeled", "label": {"name": "escalated"}, "created_at": "2026-03-04T09:01:00Z",
          "issue": {"number": 5, "html_url": "https://github.com/acme/app/issues/5"}},
         {"id": 26, "url": "https://api.github.com/repos/acme/app/issues/events/26", "event": "closed", "created_at": "2026-03-05T09:00:00Z"}]
        """#

    @Test func githubPagesAtEveryChunkSize() throws {
        let expected: [(String, [String])] = [
            (Self.restIssues, [
                "records 1",
                "created https://github.com/acme/app|5|description 2026-03-02T09:00:00Z jane-acme client > auto=false [Login fails<br>Since today.]",
                "ticket https://github.com/acme/app|5 open [\"escalated\"] - due - https://github.com/acme/app/issues/5",
                "warn left out (not records): 1 pull requests (set `include_pull_requests: true` to read them)",
            ]),
            (Self.restComments, [
                "records 3",
                "message https://github.com/acme/app|5|issuecomment-11 2026-03-02T10:00:00Z ana-vendor partner#0 > auto=false [Fixed in 1.2.]",
                "message https://github.com/acme/app|5|issuecomment-12 2026-03-02T11:00:00Z ci-helper[bot] unknown > auto=true [Build passed.]",
                "message https://github.com/acme/app|5|issuecomment-13 2026-03-04T09:00:00Z jane-acme client > auto=false [Broken again!]",
                "warn left out (not records): 1 pull-request comments (set `include_pull_requests: true` to read them)",
            ]),
            (Self.restEvents, [
                "records 4",
                "resolved https://github.com/acme/app|5|event-21 2026-03-02T10:01:00Z ana-vendor partner#0 > auto=false []",
                "reopened https://github.com/acme/app|5|event-22 2026-03-04T09:00:05Z jane-acme client > auto=false []",
                "label https://github.com/acme/app|5|event-25 2026-03-04T09:01:00Z jane-acme client >escalated auto=false []",
                "reject 6 missing_value: record 6: an event that names no issue (pages of /issues/N/events do not: fetch /repos/OWNER/REPO/issues/events)",
                "warn left out (not records): 1 pull-request events (set `include_pull_requests: true` to read them); events Rapport does not read: subscribed 1",
            ]),
        ]
        let parties = PartyDirectory(
            client: PartyRules(people: ["jane-*"]), partners: [(PartnerInfo(id: "vendor", name: "Vendor"), PartyRules(people: ["ana-*"]))])
        for (text, lines) in expected {
            for chunk in [1, 2, 3, 5, 16, 17, 100, 1 << 16] {
                let (s, records) = try readFormat(GitHubIssues.self, text, options: options(), chunk: chunk, parties: parties)
                #expect(rendered(s, records: records) == lines, "chunk size \(chunk)")
            }
        }
    }

    @Test func githubReopenAndEscalationFromThreeFiles() throws {
        let dir = temporaryDirectory("rapport-trackers")
        for (name, text) in [("issues.json", Self.restIssues), ("comments.json", Self.restComments), ("events.json", Self.restEvents)] {
            try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        let o = try run(
            ["{ kind: ticket, format: github-issues, path: \"*.json\" }"], in: dir,
            extra: "escalation: { labels: [escalated] }\nignore: { actors: [\"*[bot]\"] }")
        // One ticket of 4 messages: the description, ana's answer, the bot's (a message, but automated:
        // no turn) and jane's comeback;
        // closed, reopened (the events page is history, whatever the issues page's snapshot says),
        // escalated by the label (the label event at 09:01 and the final labels alike).
        #expect(o.rows == ["5 vendor 4 label true true"])
        #expect(o.conversations[0]["tracker"] == "https://github.com/acme/app" && o.conversations[0]["url"] == "https://github.com/acme/app/issues/5")
        #expect(o.rejects.map { $0["reason"]!.prefix(13) } == ["missing_value"])
        let turns = try readCSV(o.dir + "/responses.csv").map { "\($0["turn"]!) \($0["latency_s"]!) \($0["opened_by"]!) \($0["answered_by"]!)" }
        #expect(turns == ["1 3600 description issuecomment-11", "2  issuecomment-13 "])
    }

    @Test func githubMigrationPeopleBotsAndLabelsByURL() throws {
        let archive = #"""
            [{"type": "issue", "url": "https://github.com/acme/app/issues/9", "repository": "https://github.com/acme/app",
              "user": "https://github.com/jane-acme", "title": "Slow", "body": "Very\r\nslow", "labels": ["https://github.com/acme/app/labels/needs%20triage"],
              "assignee": "https://github.com/ana-vendor", "created_at": "2026-03-02T09:00:00Z", "closed_at": "2026-03-03T09:00:00Z"},
             {"type": "issue_comment", "url": "https://github.com/acme/app/issues/9#issuecomment-90", "issue": "https://github.com/acme/app/issues/9",
              "user": "https://github.com/apps/dependabot", "body": "Bump", "created_at": "2026-03-02T10:00:00Z"},
             {"type": "issue_event", "url": "https://github.com/acme/app/issues/9#event-91", "issue": "https://github.com/acme/app/issues/9",
              "actor": "https://github.com/ana-vendor", "event": "labeled", "label": "https://github.com/acme/app/labels/p1", "created_at": "2026-03-02T11:00:00Z"},
             {"type": "repository", "url": "https://github.com/acme/app"}]
            """#
        let expected = [
            "records 3",
            "created https://github.com/acme/app|9|description 2026-03-02T09:00:00Z jane-acme client > auto=false [Slow<br>Very\r\nslow]",
            "message https://github.com/acme/app|9|issuecomment-90 2026-03-02T10:00:00Z dependabot[bot] unknown > auto=true [Bump]",
            "label https://github.com/acme/app|9|event-91 2026-03-02T11:00:00Z ana-vendor partner#0 >p1 auto=false []",
            "ticket https://github.com/acme/app|9 closed [\"needs triage\"] 2026-03-03T09:00:00Z due - https://github.com/acme/app/issues/9",
            "warn archive records Rapport does not read: repository 1",
        ]
        for chunk in [1, 3, 7, 64, 1 << 16] {
            let (s, records) = try readFormat(GitHubMigration.self, archive, options: options(), chunk: chunk)
            #expect(rendered(s, records: records) == expected, "chunk size \(chunk)")
        }
        do {
            _ = try readFormat(GitHubMigration.self, Self.restComments)
            Issue.record("a REST page was read as an archive file")
        } catch {
            #expect(error.message.contains("`format: github-issues`"))
        }
        do {
            _ = try readFormat(GitHubIssues.self, archive)
            Issue.record("an archive file was read as a REST page")
        } catch {
            #expect(error.message.contains("`format: github-migration`"))
        }
    }

    // MARK: source keys

    func config(_ source: String) throws(RapportError) -> PipelineConfig {
        try PipelineConfig.parse(
            yaml: "client: { domains: [acme.example] }\npartners: [{ id: vendor, domains: [vendor.example] }]\nsources:\n  - \(source)\n", file: "p.yaml",
            directory: "/tmp")
    }

    @Test func theNewSourceKeysAreReadAndCheckedPerFormat() throws {
        let redmine = try config(
            "{ kind: ticket, format: redmine-json, path: x.json, resolved_statuses: [Resuelta, Cerrada], status_names: { 1: Nueva }, priority_names: { 5: Alta } }")
        #expect(redmine.sources[0].options.resolvedStatuses == ["Resuelta", "Cerrada"])
        #expect(redmine.sources[0].options.statusNames == ["1": "Nueva"] && redmine.sources[0].options.priorityNames == ["5": "Alta"])
        #expect(try config("{ kind: ticket, format: github-migration, path: x.json, include_pull_requests: true }").sources[0].options.includePullRequests)
        let vtt = try config("{ kind: meeting, format: webvtt, path: x.vtt, meeting: M-7, meeting_start: \"2026-03-02T09:00:00+01:00\" }")
        #expect(vtt.sources[0].options.meeting == "M-7" && vtt.sources[0].options.meetingStart?.rfc3339 == "2026-03-02T08:00:00Z")
        #expect(try config("{ kind: email, format: zoom-chat, path: x.txt, date: 2020-12-09 }").sources[0].options.date == LocalDate(year: 2020, month: 12, day: 9))
        for (source, message) in [
            ("{ kind: ticket, format: jira-xml, path: x.xml, resolved_statuses: [Done] }", "`resolved_statuses` does not apply to format `jira-xml`"),
            ("{ kind: email, format: zoom-chat, path: x.txt, date: 2020-12-09, meeting_start: \"2020-12-09T09:00:00Z\" }", "give `date`"),
            ("{ kind: meeting, format: webvtt, path: x.vtt, meeting_start: yesterday }", "expected when the recording began"),
            ("{ kind: meeting, format: zoom-chat, path: x.txt }", "`zoom-chat` reads email logs, not meeting"),
        ] {
            #expect(throws: RapportError.self) { _ = try config(source) }
            do {
                _ = try config(source)
            } catch {
                #expect(error.message.contains(message), "\(error.message)")
            }
        }
    }
}
