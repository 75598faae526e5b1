import RapportCore

/// `redmine-json`: Redmine's REST JSON, an `issues.json` page (`{"issues": [...],
/// "total_count": …}`) or one issue fetched with `?include=journals` (`{"issue": {...}}`).
///
/// The mapping is ``RedmineIssue``'s, as for `redmine-xml`: the description and each
/// journal's notes and status, priority and assignee changes are records; journal ids are
/// named through the file's issues or `status_names` / `priority_names`. Read as it streams
/// (one issue at a time, ``JSONReader``). A page and the single issues fetched for its
/// journals may be read together: the run merges a ticket's events by tracker and key and
/// counts events seen twice as duplicates. Any other Redmine JSON (a user, a project) is
/// refused with a message saying so.
public enum RedmineJSON: InputFormat {
    public static let name = "redmine-json"
    public static let kind = SourceKind.ticket
    public static let summary = "Redmine REST JSON (issues.json pages, issue.json?include=journals)"
    public static let optionKeys = ["resolved_statuses", "status_names", "priority_names"]

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let json = JSONReader(source: source)
        guard let first = try json.next() else { throw InputError(.truncated, "the file is empty") }
        guard first == .startObject else {
            throw InputError(
                .unsupportedFormat,
                "the JSON is \(first == .startArray ? "an array" : "a single value"), not a Redmine page (an object with `issues` or `issue`)\(first == .startArray ? "; a GitHub page is read with `format: github-issues`" : "")")
        }
        let emitter = TicketEmitter(context: context, sink: sink)
        let names = RedmineNames(options: context.options)
        var index: Int64 = 0
        var ignored: [String: Int] = [:]
        var page: (total: Int?, offset: Int) = (nil, 0)
        var keys: [String] = []
        var sawIssues = false
        func take(_ element: JSONElement?) {
            index += 1
            guard let element else {
                emitter.rejectRecord(record: index, .recordTooLarge, "issue \(index) is larger than 64 MiB; it was skipped")
                return
            }
            var issue = issue(element)
            issue.place = "issue \(index)"
            issue.emit(index: index, emitter: emitter, names: names, ignored: &ignored, context: context, sink: sink)
        }
        while let event = try json.next(), event == .key {
            let key = json.text
            keys.append(key)
            switch key {
            case "issues":
                sawIssues = true
                guard try json.next() == .startArray else { throw InputError(.badHeader, "`issues` is not a list; is this a Redmine issues page?") }
                while true {
                    let element = try json.readElement()
                    if json.endedContainer { break }
                    take(element)
                }
            case "issue":
                sawIssues = true
                take(try json.readElement())
            case "total_count", "offset":
                let value = try json.readElement()
                if key == "total_count" { page.total = value?.text.flatMap { Int($0) } } else { page.offset = value?.text.flatMap { Int($0) } ?? 0 }
            default:
                guard let value = try json.next() else { throw InputError(.truncated, "JSON: the input ends inside an object") }
                try json.skip(value)
            }
        }
        if try json.next() != nil { throw InputError(.corrupt, "JSON: text after the document's end") }
        guard sawIssues else {
            let what = keys.isEmpty ? "it is empty" : "it holds `\(keys.prefix(3).joined(separator: "`, `"))`"
            throw InputError(.unsupportedFormat, "not a Redmine issues page (\(what), no `issues` or `issue`); leave it out of this source's path")
        }
        if let total = page.total, total > page.offset + Int(index) {
            sink.warn("this page holds issues \(page.offset + 1)–\(page.offset + Int(index)) of \(total): read the other pages too (?offset=…&limit=100) to report them all")
        }
        RedmineIssue.report(names: names, ignored: ignored, sink: sink)
        return emitter.records
    }

    static func issue(_ e: JSONElement) -> RedmineIssue {
        func ref(_ value: JSONElement?) -> RedmineIssue.Ref? {
            guard let value, case .object = value else { return nil }
            return RedmineIssue.Ref(id: value["id"]?.text ?? "", name: (value["name"]?.string ?? "").trimmingASCIIWhitespace())
        }
        func text(_ key: String, in element: JSONElement = e) -> String { element[key]?.text ?? "" }
        var issue = RedmineIssue()
        issue.id = text("id")
        issue.subject = text("subject")
        issue.description = text("description")
        (issue.status, issue.priority, issue.author, issue.assignee) = (ref(e["status"]), ref(e["priority"]), ref(e["author"]), ref(e["assigned_to"]))
        issue.createdOn = text("created_on")
        issue.updatedOn = text("updated_on")
        issue.closedOn = text("closed_on")
        issue.dueDate = text("due_date")
        issue.journals = e["journals"]?.array?.map { j in
            RedmineIssue.Journal(
                id: text("id", in: j), user: ref(j["user"]), notes: text("notes", in: j), privateNotes: j["private_notes"]?.bool ?? false,
                createdOn: text("created_on", in: j),
                details: (j["details"]?.array ?? []).map { d in
                    RedmineIssue.Detail(property: text("property", in: d), name: text("name", in: d), old: text("old_value", in: d), new: text("new_value", in: d))
                })
        }
        return issue
    }
}
