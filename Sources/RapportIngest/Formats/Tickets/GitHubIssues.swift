import RapportCore

/// `github-issues`: GitHub REST v3 JSON pages: `/issues` (or one `/issues/N`), the comments
/// of `/issues/comments` or `/issues/N/comments`, and the events of `/issues/events`.
///
/// Each file is read on its own, its kind told by its records: issues have a `number`,
/// comments an `issue_url` (which names their issue), events an `event` and the `issue` they
/// belong to (`/issues/N/events` pages do not name it: fetch `/repos/O/R/issues/events`).
/// A glob may match all three kinds; the run merges each ticket's records across files by
/// repository and number. The mapping is ``GitHubRecords``'s (shared with
/// `github-migration`). Other JSON (reactions, users, a migration archive file) is refused
/// with a message saying what it is.
public enum GitHubIssues: InputFormat {
    public static let name = "github-issues"
    public static let kind = SourceKind.ticket
    public static let summary = "GitHub REST v3 JSON pages of issues, comments and events"
    public static let optionKeys = ["include_pull_requests"]

    enum Kind: String { case issue = "issues", comment = "comments", event = "events" }

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let json = JSONReader(source: source)
        let reader = GitHubRecords.Reader(context: context, sink: sink)
        var fileKind: Kind?
        try GitHubRecords.forEachRecord(json) { element throws(InputError) in
            reader.index += 1
            guard let element else { return reader.reject(.recordTooLarge, "larger than 64 MiB; skipped") }
            let kind = try kind(of: element)
            if fileKind == nil { fileKind = kind }
            guard kind == fileKind else { return reader.reject(.badValue, "a record of \(kind.rawValue) in a page of \(fileKind!.rawValue)") }
            switch kind {
            case .issue: issue(element, reader)
            case .comment: comment(element, reader)
            case .event: event(element, reader)
            }
        }
        reader.finish()
        return reader.emitter.records
    }

    /// What a record is, or why the file is not a page this format reads.
    static func kind(of e: JSONElement) throws(InputError) -> Kind {
        if let type = e["type"]?.string, (e["url"]?.string ?? "").hasPrefix("https://github.com/") {
            throw InputError(.unsupportedFormat, "this is a GitHub migration archive file (records of type `\(type)`); read it with `format: github-migration`")
        }
        if e["issue_url"] != nil { return .comment }
        if e["event"] != nil { return .event }
        if e["number"] != nil { return .issue }
        let what = e["content"] != nil ? "a page of reactions" : e["login"] != nil ? "users or organisations" : "not a page of GitHub issues, comments or events"
        throw InputError(.unsupportedFormat, "\(what): no ticket events; leave it out of this source's path (github-issues reads /issues, /issues/comments and /issues/events pages)")
    }

    static func issue(_ e: JSONElement, _ reader: GitHubRecords.Reader) {
        guard var target = GitHubRecords.target(e["html_url"]?.string ?? e["url"]?.string ?? "") else {
            return reader.reject(.missingValue, "an issue without an `html_url` or `url` naming its repository and number")
        }
        target.isPull = target.isPull || (e["pull_request"].map { !$0.isNull } ?? false)
        var i = GitHubRecords.Issue(target: target)
        i.url = e["html_url"]?.string ?? ""
        i.title = e["title"]?.string ?? ""
        i.body = e["body"]?.string ?? ""
        i.user = GitHubRecords.person(e["user"])
        i.createdAt = e["created_at"]?.string ?? ""
        i.closedAt = e["closed_at"]?.string ?? ""
        i.state = e["state"]?.string ?? ""
        i.labels = (e["labels"]?.array ?? []).compactMap(GitHubRecords.label)
        i.assignee = GitHubRecords.person(e["assignee"])
        reader.issue(i)
    }

    static func comment(_ e: JSONElement, _ reader: GitHubRecords.Reader) {
        guard var target = GitHubRecords.target(e["issue_url"]?.string ?? "") else {
            return reader.reject(.missingValue, "a comment whose `issue_url` names no issue")
        }
        // REST writes a pull request's comment under /issues/ too; its page link says /pull/.
        target.isPull = (e["html_url"]?.string ?? "").contains("/pull/")
        reader.comment(
            GitHubRecords.Comment(
                target: target, id: "issuecomment-\(e["id"]?.text ?? "")", user: GitHubRecords.person(e["user"]), body: e["body"]?.string ?? "",
                createdAt: e["created_at"]?.string ?? ""))
    }

    static func event(_ e: JSONElement, _ reader: GitHubRecords.Reader) {
        guard let issue = e["issue"], var target = GitHubRecords.target(issue["html_url"]?.string ?? issue["url"]?.string ?? "") else {
            return reader.reject(.missingValue, "an event that names no issue (pages of /issues/N/events do not: fetch /repos/OWNER/REPO/issues/events)")
        }
        target.isPull = target.isPull || (issue["pull_request"].map { !$0.isNull } ?? false)
        var event = GitHubRecords.Event(
            target: target, id: "event-\(e["id"]?.text ?? "")", actor: GitHubRecords.person(e["actor"]), event: e["event"]?.string ?? "",
            createdAt: e["created_at"]?.string ?? "")
        event.label = GitHubRecords.label(e["label"]) ?? ""
        event.assignee = GitHubRecords.person(e["assignee"])
        reader.event(event)
    }
}
