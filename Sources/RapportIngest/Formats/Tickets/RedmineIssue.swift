import RapportCore

/// One Redmine issue as the REST API gives it, read from XML (`redmine-xml`) or JSON
/// (`redmine-json`) into the same shape, and turned into ticket events here, so that both
/// formats map journals, ids and dates alike.
struct RedmineIssue {
    /// A named reference (`<status id="5" name="Cerrada"/>`, `"author": {"id": 3, "name": …}`).
    struct Ref {
        var id: String
        var name: String
    }

    struct Detail {
        var property: String
        var name: String
        var old: String
        var new: String
    }

    struct Journal {
        var id: String
        var user: Ref?
        var notes: String
        var privateNotes: Bool
        var createdOn: String
        var details: [Detail]
    }

    var id = ""
    var subject = ""
    var description = ""
    var status: Ref?
    var priority: Ref?
    var author: Ref?
    var assignee: Ref?
    var createdOn = ""
    var updatedOn = ""
    var closedOn = ""
    var dueDate = ""
    /// Nil when the export has no journals (list pages): a snapshot without history.
    var journals: [Journal]?
    /// Where the issue is in its file, for messages (`line 12`, `issue 3 at byte 2,048`).
    var place = ""
}

/// Status, priority and user names by id, from the export itself (each issue's current
/// status, priority, author, assignee and journal users) and the source's `status_names` /
/// `priority_names`, which win; what neither names keeps its id and is reported once.
final class RedmineNames {
    private var statuses: [String: String]
    private var priorities: [String: String]
    private var users: [String: String] = [:]
    private(set) var unnamedStatuses: Set<String> = []
    private(set) var unnamedPriorities: Set<String> = []
    let resolved: Set<String>

    static let defaultResolvedStatuses = ["Resolved", "Closed"]

    init(options: SourceOptions) {
        statuses = options.statusNames
        priorities = options.priorityNames
        resolved = Set((options.resolvedStatuses ?? RedmineNames.defaultResolvedStatuses).map { $0.lowercased() })
    }

    /// Learns the names an issue carries (the source's options are kept where they differ).
    func learn(_ issue: RedmineIssue) {
        if let s = issue.status, !s.name.isEmpty, statuses[s.id] == nil { statuses[s.id] = s.name }
        if let p = issue.priority, !p.name.isEmpty, priorities[p.id] == nil { priorities[p.id] = p.name }
        for u in [issue.author, issue.assignee] + (issue.journals ?? []).map(\.user) {
            if let u, !u.name.isEmpty { users[u.id] = u.name }
        }
    }

    func status(_ id: String) -> String { name(id, in: statuses, unnamed: &unnamedStatuses) }
    func priority(_ id: String) -> String { name(id, in: priorities, unnamed: &unnamedPriorities) }
    func user(_ id: String) -> String { users[id] ?? id }
    func isResolved(_ status: String) -> Bool { resolved.contains(status.lowercased()) }
    func isNamedStatus(_ id: String) -> Bool { statuses[id] != nil }

    private func name(_ id: String, in names: [String: String], unnamed: inout Set<String>) -> String {
        if id.isEmpty { return "" }
        if let n = names[id] { return n }
        unnamed.insert(id)
        return id
    }

    /// The warning for ids no name was found for, nil when every id had one.
    var unnamedWarning: String? {
        var parts: [String] = []
        if !unnamedStatuses.isEmpty { parts.append("status ids \(unnamedStatuses.sorted().joined(separator: ", ")) (set `status_names: {id: name}`)") }
        if !unnamedPriorities.isEmpty { parts.append("priority ids \(unnamedPriorities.sorted().joined(separator: ", ")) (set `priority_names: {id: name}`)") }
        guard !parts.isEmpty else { return nil }
        return "journal changes name \(parts.joined(separator: " and ")) that no issue of this file names: those changes keep the id, which matches no `escalation.statuses`, `resolved_statuses` or `priority_order` entry, and no reopening is read from a change to one"
    }
}

extension RedmineIssue {
    /// Issue → events: the description (subject and text) at `created_on`; per journal, its
    /// notes (a message, or an internal note when `private_notes`), and its status (with a
    /// `resolved` or `reopened` event when it crosses the resolved statuses), priority and
    /// assignee changes. Then the final state.
    func emit(index: Int64, emitter: TicketEmitter, names: RedmineNames, ignored: inout [String: Int], context: FormatContext, sink: any IngestSink) {
        let key = id.trimmingASCIIWhitespace()
        guard !key.isEmpty else {
            for _ in 0..<(1 + (journals?.count ?? 0)) { emitter.rejectRecord(record: index, .missingValue, "issue at \(place) has no id") }
            return
        }
        names.learn(self)
        let created = RedmineIssue.time(createdOn)
        emitter.event(
            ticket: key, id: "description", kind: .created, at: created, actor: author?.displayName ?? "",
            text: XMLElement.escape(subject) + "<br>" + XMLElement.escape(description), record: index, line: 0, place: place)
        for j in journals ?? [] {
            if !emitJournal(j, key: key, index: index, emitter: emitter, names: names) { ignored[RedmineIssue.unusedJournals, default: 0] += 1 }
            for d in j.details where d.property != "attr" || !RedmineIssue.readDetails.contains(d.name) {
                ignored[d.property == "attr" ? d.name : "\(d.property) \(d.name)", default: 0] += 1
            }
        }
        var state = TicketState(
            key: key, tracker: emitter.tracker, subject: subject, priority: priority?.name, status: status?.name, labels: [],
            assignee: assignee?.displayName, reporter: author?.displayName, hasHistory: journals != nil, origin: Origin(file: context.fileIndex, record: index))
        // A tracker given as the server's URL gives the issue's link (FORMATS.md, "Ticket identity").
        if emitter.tracker.hasPrefix("http://") || emitter.tracker.hasPrefix("https://") {
            state.url = (emitter.tracker.hasSuffix("/") ? String(emitter.tracker.dropLast()) : emitter.tracker) + "/issues/" + key
        }
        if case .success(let t) = emitter.instant(created, field: "created_on") { state.created = t }
        // Without journals the final state says when it was resolved (closed_on, or the last update of a resolved status).
        let resolvedAt = !closedOn.isEmpty ? closedOn : (status.map { names.isResolved($0.name) } == true ? updatedOn : "")
        if !resolvedAt.isEmpty, case .success(let t) = emitter.instant(RedmineIssue.time(resolvedAt), field: "closed_on") { state.resolved = t }
        state.due = LocalDate(parsing: dueDate.trimmingASCIIWhitespace())
        sink.ticket(state)
    }

    /// Emits a journal's events; false when it holds nothing Rapport reads (a description or parent change).
    private func emitJournal(_ j: Journal, key: String, index: Int64, emitter: TicketEmitter, names: RedmineNames) -> Bool {
        let at = RedmineIssue.time(j.createdOn)
        let actor = j.user?.displayName ?? ""
        let base = "journal-\(j.id)"
        var used = false
        func event(_ suffix: String, _ kind: InteractionKind, isPublic: Bool = true, text: String = "", from: String = "", to: String = "") {
            used = true
            emitter.event(
                ticket: key, id: base + suffix, kind: kind, at: at, actor: actor, isPublic: isPublic, text: text, from: from, to: to, record: index,
                line: 0, place: "\(place), journal \(j.id)")
        }
        if !j.notes.trimmingASCIIWhitespace().isEmpty {
            event("", j.privateNotes ? .internalNote : .message, isPublic: !j.privateNotes, text: XMLElement.escape(j.notes))
        }
        for d in j.details where d.property == "attr" {
            switch d.name {
            case "status_id":
                let (from, to) = (names.status(d.old), names.status(d.new))
                event("#status", .status, from: from, to: to)
                // An unnamed id says nothing about resolution: no reopening is read from a change to one.
                if !names.isResolved(from) && names.isResolved(to) { event("#resolved", .resolved) }
                if names.isResolved(from) && names.isNamedStatus(d.new) && !names.isResolved(to) { event("#reopened", .reopened) }
            case "priority_id":
                event("#priority", .priority, from: names.priority(d.old), to: names.priority(d.new))
            case "assigned_to_id":
                event("#assign", .assign, from: names.user(d.old), to: names.user(d.new))
            default:
                break
            }
        }
        return used
    }

    static let readDetails: Set<String> = ["status_id", "priority_id", "assigned_to_id"]
    static let unusedJournals = "journals"

    /// Tells what a file held that Rapport does not read, and which ids stayed unnamed.
    static func report(names: RedmineNames, ignored: [String: Int], sink: any IngestSink) {
        if let w = names.unnamedWarning { sink.warn(w) }
        var details = ignored
        let journals = details.removeValue(forKey: unusedJournals) ?? 0
        guard journals > 0 || !details.isEmpty else { return }
        var parts: [String] = []
        if journals > 0 { parts.append("\(journals) journal\(journals == 1 ? "" : "s") with no notes and no status, priority or assignee change (not records)") }
        if !details.isEmpty {
            parts.append("changes Rapport does not read: " + details.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        sink.warn("left out: " + parts.joined(separator: "; "))
    }

    static let layouts: [PatternTimestampParser] = [
        try! PatternTimestampParser(format: "%Y/%m/%d %H:%M:%S %z", zone: .utc),  // Redmine 1.x JSON
        try! PatternTimestampParser(format: "%a %b %d %H:%M:%S %z %Y", zone: .utc),  // Ruby Time#to_s (older XML)
    ]

    /// A Redmine date as RFC 3339: ISO 8601 (`2016-07-27T08:59:17.000Z`) passes as it is;
    /// `2011/01/24 13:59:25 -0800` and `Tue May 29 16:54:59 +0100 2012` are rewritten;
    /// anything else passes unchanged, and the strict parser rejects it naming the value.
    static func time(_ raw: String) -> String {
        let t = raw.trimmingASCIIWhitespace()
        for layout in layouts { if case .success(let instant) = layout.parse(t) { return instant.rfc3339 } }
        return t
    }
}

extension RedmineIssue.Ref {
    /// People are their names as exported (matched by `people` globs); a nameless reference its id.
    var displayName: String { name.isEmpty ? "user \(id)" : name }
}
