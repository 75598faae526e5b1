import RapportCore

/// `github-migration`: the files of a GitHub migration archive (the Migrations API, or
/// "Export account data"): `issues_*.json`, `issue_comments_*.json`, `issue_events_*.json`,
/// `pull_requests_*.json`, `users_*.json` and `schema.json`.
///
/// Every record has a `type`, which says what it is, so each file is read on its own and one
/// glob (`path: "archive/*.json"`) may match the whole archive; the run merges each ticket's
/// records across files by repository and number. People and parents are URLs
/// (`"user": "https://github.com/milahu"` is `milahu`; `"issue": ".../issues/6"`). The mapping
/// is ``GitHubRecords``'s (shared with `github-issues`). Users files need not be read (logins
/// are in the records themselves) and add no records; nor do the archive's other files
/// (repositories, attachments…), which are counted in a note. JSON that is not an archive file
/// is refused with a message saying what it is.
public enum GitHubMigration: InputFormat {
    public static let name = "github-migration"
    public static let kind = SourceKind.ticket
    public static let summary = "GitHub migration archive (issues_*, issue_comments_*, issue_events_*, pull_requests_*.json)"
    public static let optionKeys = ["include_pull_requests"]

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let json = JSONReader(source: source)
        let reader = GitHubRecords.Reader(context: context, sink: sink)
        var users = (all: 0, bots: 0)
        var others: [String: Int] = [:]
        try GitHubRecords.forEachRecord(json) { element throws(InputError) in
            reader.index += 1
            guard let element else { return reader.reject(.recordTooLarge, "larger than 64 MiB; skipped") }
            guard let type = element["type"]?.string else {
                if element["version"] != nil && element["github_sha"] != nil { return schema(element, sink) }
                throw InputError(
                    .unsupportedFormat,
                    element["issue_url"] != nil || element["number"] != nil
                        ? "this is a GitHub REST page, not a migration archive file; read it with `format: github-issues`"
                        : "not a GitHub migration archive file (its records have no `type`); leave it out of this source's path")
            }
            switch type {
            case "issue", "pull_request": issue(element, isPull: type == "pull_request", reader)
            case "issue_comment": comment(element, reader)
            case "issue_event": event(element, reader)
            case "user":
                users.all += 1
                if GitHubRecords.person(element)?.isBot == true { users.bots += 1 }
            default: others[type, default: 0] += 1
            }
        }
        reader.finish()
        if users.all > 0 { sink.warn("\(users.all) users (\(users.bots) bots): users carry no events; people are named by login in the other files") }
        if !others.isEmpty {
            sink.warn("archive records Rapport does not read: " + others.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        return reader.emitter.records
    }

    /// `schema.json`: the archive's version (1.x is what this reader knows).
    static func schema(_ e: JSONElement, _ sink: any IngestSink) {
        let version = e["version"]?.text ?? ""
        if !version.hasPrefix("1.") { sink.warn("migration archive schema \(version); this reader knows 1.x: check the figures") }
    }

    static func target(_ e: JSONElement, keys: [String]) -> GitHubRecords.Target? {
        for key in keys { if let url = e[key]?.string, let t = GitHubRecords.target(url) { return t } }
        return nil
    }

    /// `https://github.com/o/r/issues/6#issuecomment-123` → `issuecomment-123`; the whole URL without a fragment.
    static func fragment(_ url: String) -> String {
        guard let hash = url.lastIndex(of: "#") else { return url }
        return String(url[url.index(after: hash)...])
    }

    static func issue(_ e: JSONElement, isPull: Bool, _ reader: GitHubRecords.Reader) {
        guard var target = target(e, keys: ["url"]) else { return reader.reject(.missingValue, "an issue whose `url` names no issue") }
        target.isPull = target.isPull || isPull
        if let repository = e["repository"]?.string, !repository.isEmpty { target.repository = repository }
        var i = GitHubRecords.Issue(target: target)
        i.url = e["url"]?.string ?? ""
        i.title = e["title"]?.string ?? ""
        i.body = e["body"]?.string ?? ""
        i.user = GitHubRecords.person(e["user"])
        i.createdAt = e["created_at"]?.string ?? ""
        i.closedAt = e["closed_at"]?.string ?? ""
        i.state = i.closedAt.isEmpty ? "open" : "closed"
        i.labels = (e["labels"]?.array ?? []).compactMap(GitHubRecords.label)
        i.assignee = GitHubRecords.person(e["assignee"])
        reader.issue(i)
    }

    static func comment(_ e: JSONElement, _ reader: GitHubRecords.Reader) {
        guard let target = target(e, keys: ["issue", "pull_request"]) else {
            return reader.reject(.missingValue, "a comment whose `issue` names no issue")
        }
        reader.comment(
            GitHubRecords.Comment(
                target: target, id: fragment(e["url"]?.string ?? ""), user: GitHubRecords.person(e["user"]), body: e["body"]?.string ?? "",
                createdAt: e["created_at"]?.string ?? ""))
    }

    static func event(_ e: JSONElement, _ reader: GitHubRecords.Reader) {
        guard let target = target(e, keys: ["issue", "pull_request"]) else {
            return reader.reject(.missingValue, "an event whose `issue` names no issue")
        }
        var event = GitHubRecords.Event(
            target: target, id: fragment(e["url"]?.string ?? ""), actor: GitHubRecords.person(e["actor"]), event: e["event"]?.string ?? "",
            createdAt: e["created_at"]?.string ?? "")
        event.label = GitHubRecords.label(e["label"]) ?? ""
        event.assignee = GitHubRecords.person(e["assignee"] ?? e["subject"])
        reader.event(event)
    }
}
