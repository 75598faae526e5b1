import RapportCore

/// `redmine-xml`: Redmine's REST XML, an `issues.xml` list page (`<issues type="array">`) or
/// one issue fetched with `?include=journals` (`<issue>` as the root).
///
/// Each issue's description and each journal event is a record (the mapping is
/// ``RedmineIssue``'s, shared with `redmine-json`): notes are messages, `private_notes`
/// internal notes; status, priority and assignee changes are events, a status change into
/// or out of `resolved_statuses` also a `resolved` or `reopened` event. Journal details hold
/// ids: they are named through the statuses, priorities and users the file's issues carry,
/// or the source's `status_names` / `priority_names`. A list page has no journals: a snapshot
/// (resolved at `closed_on`). Dates are ISO 8601, or Ruby's `Tue May 29 16:54:59 +0100 2012`.
/// A page whose `total_count` exceeds its issues is reported; the tracker is the source's
/// `tracker:` (REST exports do not name their server).
public enum RedmineXML: InputFormat {
    public static let name = "redmine-xml"
    public static let kind = SourceKind.ticket
    public static let summary = "Redmine REST XML (issues.xml pages, issue.xml?include=journals)"
    public static let optionKeys = ["resolved_statuses", "status_names", "priority_names"]

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let xml = try XMLStreamReader(source: source)
        let emitter = TicketEmitter(context: context, sink: sink)
        let names = RedmineNames(options: context.options)
        // Set by the reading thread at the root, before any issue is handed over.
        final class Page: @unchecked Sendable { var total: Int?, offset = 0 }
        let page = Page()
        let issues = XMLItemReadAhead(xml) { name, depth throws(InputError) in
            if depth == 0 {
                guard name == "issues" || name == "issue" else {
                    throw InputError(.unsupportedFormat, "the root element is <\(name)>, not Redmine's <issues> or <issue>; choose the format that matches this export")
                }
                let attributes = xml.currentAttributes()
                page.total = attributes.first { $0.0 == "total_count" }.flatMap { Int($0.1) }
                page.offset = attributes.first { $0.0 == "offset" }.flatMap { Int($0.1) } ?? 0
                return name == "issue"
            }
            return depth == 1 && name == "issue"
        }
        defer { issues.close() }
        var index: Int64 = 0
        var ignored: [String: Int] = [:]
        while let element = try issues.next() {
            index += 1
            issue(element).emit(index: index, emitter: emitter, names: names, ignored: &ignored, context: context, sink: sink)
        }
        issues.close()
        if let total = page.total, total > page.offset + Int(index) {
            sink.warn("this page holds issues \(page.offset + 1)–\(page.offset + Int(index)) of \(total): read the other pages too (?offset=…&limit=100) to report them all")
        }
        RedmineIssue.report(names: names, ignored: ignored, sink: sink)
        return emitter.records
    }

    static func issue(_ e: XMLElement) -> RedmineIssue {
        func ref(_ name: String) -> RedmineIssue.Ref? {
            e.child(name).map { RedmineIssue.Ref(id: $0[attribute: "id"] ?? "", name: ($0[attribute: "name"] ?? "").trimmingASCIIWhitespace()) }
        }
        var issue = RedmineIssue()
        issue.id = e.value("id") ?? ""
        issue.subject = e.value("subject") ?? ""
        issue.description = e.value("description") ?? ""
        (issue.status, issue.priority, issue.author, issue.assignee) = (ref("status"), ref("priority"), ref("author"), ref("assigned_to"))
        issue.createdOn = e.value("created_on") ?? ""
        issue.updatedOn = e.value("updated_on") ?? ""
        issue.closedOn = e.value("closed_on") ?? ""
        issue.dueDate = e.value("due_date") ?? ""
        issue.place = "line \(e.line)"
        issue.journals = e.child("journals").map { journals in
            journals.children("journal").map { j in
                RedmineIssue.Journal(
                    id: j[attribute: "id"] ?? "",
                    user: j.child("user").map { RedmineIssue.Ref(id: $0[attribute: "id"] ?? "", name: ($0[attribute: "name"] ?? "").trimmingASCIIWhitespace()) },
                    notes: j.value("notes") ?? "", privateNotes: j.value("private_notes") == "true", createdOn: j.value("created_on") ?? "",
                    details: (j.child("details")?.children("detail") ?? []).map { d in
                        RedmineIssue.Detail(
                            property: d[attribute: "property"] ?? "", name: d[attribute: "name"] ?? "", old: d.value("old_value") ?? "", new: d.value("new_value") ?? "")
                    })
            }
        }
        return issue
    }
}
