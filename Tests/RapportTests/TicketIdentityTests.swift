import Foundation
import RapportCore
import RapportPipeline
import Testing

@testable import RapportIngest

/// A ticket is its tracker plus its key (FORMATS.md, "Ticket identity"): the same key in
/// exports of two trackers is two tickets; overlapping exports of one tracker merge.
@Suite struct TicketIdentityTests {
    static let data = repositoryRoot + "/fixtures/realdata"

    func run(_ sources: [String]) throws -> (conversations: [[String: String]], responses: [[String: String]]) {
        let dir = temporaryDirectory("rapport-identity")
        let yaml = """
            period: quarter
            client: { name: Client, domains: [acme.example] }
            partners: [{ id: vendor, domains: [vendor.example] }]
            sources:
            \(sources.map { "  - " + $0 }.joined(separator: "\n"))
            limits: { max_reject_ratio: 1 }

            """
        try yaml.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let run = try runPipeline(
            dir + "/p.yaml", window: WindowRequest(from: LocalDate(year: 1990, month: 1, day: 1)!, to: LocalDate(year: 2027, month: 1, day: 1)!))
        return (try readCSV(run.dir + "/conversations.csv"), try readCSV(run.dir + "/responses.csv"))
    }

    @Test func bugzillaBugsOfTwoTrackersStayTwoTickets() throws {
        let out = try run(["{ kind: ticket, format: bugzilla-xml, path: \"\(Self.data)/bugzilla-xml-bicho/issues_*\" }"])
        // 100 + 250 + 500 bugs; before trackers, bug 165959 (GNOME's and Mozilla's) was one.
        #expect(out.conversations.count == 850)
        let both = out.conversations.filter { $0["conversation"] == "165959" }
        let trackers: Set<String> = ["https://bugzilla.gnome.org/", "https://bugzilla.mozilla.org/"]
        let links: Set<String> = ["https://bugzilla.gnome.org/show_bug.cgi?id=165959", "https://bugzilla.mozilla.org/show_bug.cgi?id=165959"]
        #expect(Set(both.map { $0["tracker"]! }) == trackers)
        #expect(Set(both.map { $0["url"]! }) == links)
        let messages = out.conversations.reduce(0) { $0 + Int($1["messages"]!)! }
        #expect(messages == 4124)  // 521 + 1,280 + 2,323 comments
        // Every turn names its ticket's tracker and link too.
        #expect(out.responses.allSatisfy { $0["source"] == "ticket" && $0["url"]!.hasPrefix($0["tracker"]!) })
    }

    /// Tickets counted independently: the tracker read from each file's first `<link>` (the
    /// channel's), cut by hand, and each `<key>` as text; distinct (tracker, key) pairs.
    func independentJiraTickets(_ files: [String]) throws -> Int {
        var tickets = Set<String>()
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let link = text.components(separatedBy: "<link>")[1].components(separatedBy: "</link>")[0]
                .trimmingCharacters(in: .whitespacesAndNewlines)
            var base = link
            for cut in ["/issues/", "/browse/"] { if let r = base.range(of: cut) { base = String(base[..<r.lowerBound]) } }
            for part in text.components(separatedBy: "<key").dropFirst() {
                let key = part.components(separatedBy: ">")[1].components(separatedBy: "<")[0]
                tickets.insert(base + " " + key.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        return tickets.count
    }

    @Test func jiraExportsOfEveryTrackerTogether() throws {
        let files = [
            "jira-mongodb-gojira/example_jira_mongodb_new-issues.xml", "jira-mongodb-gojira/example_jira_mongodb_resolved-recently.xml",
            "jira-cloud-supp-athletik/Jira (1).xml", "jira-cloud-summitdev-borch/export-activities.xml", "jira-server-corner-ch/jira.xml",
            "jira-amat-luval/sample.xml", "jira-cloud-insurance-nichanl/SearchRequest.xml", "jira-cloud-rss2-and-csv/BD-Jira.xml",
        ].map { Self.data + "/" + $0 }
        let out = try run(files.map { "{ kind: ticket, format: jira-xml, path: \"\($0)\" }" })
        // 20 + 20 + 116 + 39 + 86 + 15 + 15 + 19 items, all of different tickets.
        #expect(try independentJiraTickets(files) == 330)
        #expect(out.conversations.count == 330)
        let trackers = Set(out.conversations.map { $0["tracker"]! })
        let expected: Set<String> = [
            "https://jira.mongodb.org", "https://supp-athletik.atlassian.net", "https://summitdev.atlassian.net", "https://dev.jira.corner.ch",
            "https://amatjiradev.amat.com", "https://team-krhxrdirrg8p.atlassian.net", "https://bitsarkar.atlassian.net",
        ]
        #expect(trackers == expected)
        let one = out.conversations.first { $0["conversation"] == "CAP-15" }
        #expect(one?["url"] == "https://team-krhxrdirrg8p.atlassian.net/browse/CAP-15")
    }

    @Test func overlappingExportsOfOneTrackerMerge() throws {
        let file = Self.data + "/bugzilla-xml-bicho/issues_evince_100.xml"
        // The same export read twice (two sources): one tracker, so every bug merges, every comment a duplicate.
        let out = try run(Array(repeating: "{ kind: ticket, format: bugzilla-xml, path: \"\(file)\" }", count: 2))
        #expect(out.conversations.count == 100)
        let messages = out.conversations.reduce(0) { $0 + Int($1["messages"]!)! }
        #expect(messages == 521)
    }

    @Test func nativeTicketsTakeTheSourcesTrackerElseItsPath() throws {
        let dir = temporaryDirectory("rapport-native")
        let xml = """
            <tickets><ticket id="T-1" status="open"><event id="1" type="created" at="2026-03-02T09:00:00Z" actor="a@acme.example">Help</event>
            <event id="2" type="comment" at="2026-03-02T10:00:00Z" actor="b@vendor.example">Done</event></ticket></tickets>
            """
        try xml.write(toFile: dir + "/a.xml", atomically: true, encoding: .utf8)
        try xml.write(toFile: dir + "/b.xml", atomically: true, encoding: .utf8)
        let out = try run([
            "{ kind: ticket, format: rapport-tickets-xml, path: \"\(dir)/a.xml\", tracker: \"https://desk.acme.example\" }",
            "{ kind: ticket, format: rapport-tickets-xml, path: \"\(dir)/b.xml\" }",
        ])
        // Rows sort by key, then tracker (byte order: "/" before "h").
        #expect(out.conversations.map { $0["tracker"]! } == [dir + "/b.xml", "https://desk.acme.example"])
        #expect(out.responses.count == 2)
    }

    @Test(arguments: [
        ("https://jira.mongodb.org/issues/?jql=order+by+created", "https://jira.mongodb.org"),
        ("https://host.example/jira/browse/ABC-1", "https://host.example/jira"),
        ("https://desk.example/servicedesk/customer/portal/2/sr/ABC-1", "https://desk.example/servicedesk/customer/portal/2"),
        ("  https://host.example/  ", "https://host.example"),
        ("", ""),
    ])
    func jiraLinksAreCutToTheirTracker(link: String, tracker: String) {
        #expect(JiraXML.trackerBase(link) == tracker)
    }
}
