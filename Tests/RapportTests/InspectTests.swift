import Foundation
import RapportCore
import RapportPipeline
import Testing

/// `rapport inspect`: the format each kind of export is recognised as, from the files
/// themselves (no pipeline), and the reasons the others give.
@Suite struct InspectTests {
    @Test(arguments: [
        ("fixtures/email/export-001.csv.gz", "rapport-email-csv"),
        ("fixtures/tickets/tickets-001.xml", "rapport-tickets-xml"),
        ("fixtures/meetings/meetings.csv.gz", "rapport-meetings-csv"),
        ("fixtures/realdata/mbox-pipermail-r-package-devel/2023q3.txt", "mbox"),
        ("fixtures/realdata/jira-amat-luval/sample.xml", "jira-xml"),
        ("fixtures/realdata/bugzilla-xml-bicho/issues_evince_100.xml", "bugzilla-xml"),
        ("fixtures/realdata/meeting-attendance-teams/meetingAttendanceReport_fr-FR_utf16.csv", "teams-attendance-csv"),
        ("fixtures/realdata/redmine-json-perceval/redmine_issues.json", "redmine-json"),
    ])
    func recognisesTheFormat(file: String, format: String) throws {
        let attempts = try Inspect.attempts(path: repositoryRoot + "/" + file, format: nil, zone: .utc, now: instant("2026-11-29T00:00:00Z"))
        #expect(attempts.first?.format == format)
        #expect(attempts.first?.fits == true)
    }

    /// A transcript cannot be placed in time on its own: inspect says what the source needs.
    @Test func aTranscriptNeedsItsMeetingStart() throws {
        let attempts = try Inspect.attempts(
            path: repositoryRoot + "/fixtures/realdata/meeting-transcripts-webvtt/cip_test_transcript.vtt", format: "webvtt", zone: .utc,
            now: instant("2026-11-29T00:00:00Z"))
        #expect(attempts.first?.fits == false)
        #expect(attempts.first?.problem?.contains("set `meeting_start:` on the source") == true)
    }

    @Test func aFileNoFormatReadsSaysWhyForEach() throws {
        let attempts = try Inspect.attempts(path: repositoryRoot + "/README.md", format: nil, zone: .utc, now: instant("2026-11-29T00:00:00Z"))
        #expect(attempts.allSatisfy { !$0.fits })
        let report = Inspect.report(attempts, path: "README.md")
        #expect(report.hasPrefix("README.md: no format reads this file\n"))
        #expect(report.contains("not rapport-email-csv: missing required column `sent_at`"))
    }

    @Test func aNamedFormatIsTheOnlyOneTried() throws {
        let path = repositoryRoot + "/fixtures/email/export-001.csv.gz"
        let named = try Inspect.attempts(path: path, format: "rapport-email-csv", zone: .utc, now: instant("2026-11-29T00:00:00Z"))
        #expect(named.map(\.format) == ["rapport-email-csv"])
        #expect(named[0].sample.count == 5)
        #expect(throws: RapportError.self) { try Inspect.attempts(path: path, format: "jira", zone: .utc, now: instant("2026-11-29T00:00:00Z")) }
    }
}
