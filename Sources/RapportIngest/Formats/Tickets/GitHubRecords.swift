import RapportCore

/// What `github-issues` (REST v3 pages) and `github-migration` (the migration archive) share:
/// the three kinds of record, read from either shape, and how each becomes ticket events.
///
/// A ticket is its repository (`https://github.com/OWNER/REPO`, the tracker) and its number
/// (the key); its `url` is the issue's page. Issues give the description and the final state
/// (labels, assignee, `closed_at`: a snapshot until events say more); comments are messages;
/// events `closed`, `reopened`, `labeled` and `assigned` are resolution, reopening, label and
/// assignment events; other event kinds are counted and left out. People are logins; a bot
/// (`[bot]` login, `type: Bot`, an `/apps/` URL) is automated. Pull requests, their comments
/// and events are counted and skipped unless the source sets `include_pull_requests: true`.
enum GitHubRecords {
    /// An issue reference: repository URL, number, and whether it is a pull request.
    struct Target {
        var repository: String
        var number: String
        var isPull: Bool
    }

    struct Person {
        var login: String
        var isBot: Bool
    }

    struct Issue {
        var target: Target
        var url = ""
        var title = ""
        var body = ""
        var user: Person?
        var createdAt = ""
        var closedAt = ""
        var state = ""
        var labels: [String] = []
        var assignee: Person?
    }

    struct Comment {
        var target: Target
        var id: String
        var user: Person?
        var body: String
        var createdAt: String
    }

    struct Event {
        var target: Target
        var id: String
        var actor: Person?
        var event: String
        var createdAt: String
        var label = ""
        var assignee: Person?
    }

    /// Kinds of GitHub event Rapport reads.
    static let eventKinds: [String: InteractionKind] = ["closed": .resolved, "reopened": .reopened, "labeled": .label, "assigned": .assign]

    /// Reads one file's records and says what it left out. `place` names a record in messages.
    final class Reader {
        let emitter: TicketEmitter
        let context: FormatContext
        let sink: any IngestSink
        var index: Int64 = 0
        /// Pull-request records skipped, by kind; event kinds left out, by name.
        var skippedPulls: [String: Int] = [:]
        var otherEvents: [String: Int] = [:]

        init(context: FormatContext, sink: any IngestSink) {
            self.context = context
            self.sink = sink
            emitter = TicketEmitter(context: context, sink: sink)
        }

        /// False (and counted) for a pull request's record when the source does not ask for them.
        func wanted(_ target: Target, _ kind: String) -> Bool {
            if target.isPull && !context.options.includePullRequests {
                skippedPulls[kind, default: 0] += 1
                return false
            }
            return true
        }

        func issue(_ i: Issue) {
            guard wanted(i.target, "pull requests") else { return }
            emitter.tracker = i.target.repository
            emitter.event(
                ticket: i.target.number, id: "description", kind: .created, at: i.createdAt, actor: i.user?.login ?? "",
                text: XMLElement.escape(i.title) + "<br>" + XMLElement.escape(i.body), automated: i.user?.isBot ?? false, record: index, line: 0,
                place: place)
            var state = TicketState(
                key: i.target.number, tracker: i.target.repository, url: i.url, subject: i.title, status: i.state, labels: i.labels,
                assignee: i.assignee?.login, reporter: i.user?.login, hasHistory: false, origin: Origin(file: context.fileIndex, record: index))
            if case .success(let t) = emitter.instant(i.createdAt, field: "created_at") { state.created = t }
            if !i.closedAt.isEmpty, case .success(let t) = emitter.instant(i.closedAt, field: "closed_at") { state.resolved = t }
            sink.ticket(state)
        }

        func comment(_ c: Comment) {
            guard wanted(c.target, "pull-request comments") else { return }
            emitter.tracker = c.target.repository
            emitter.event(
                ticket: c.target.number, id: c.id, kind: .message, at: c.createdAt, actor: c.user?.login ?? "", text: XMLElement.escape(c.body),
                automated: c.user?.isBot ?? false, record: index, line: 0, place: place)
        }

        func event(_ e: Event) {
            guard wanted(e.target, "pull-request events") else { return }
            guard let kind = GitHubRecords.eventKinds[e.event] else {
                otherEvents[e.event.isEmpty ? "(none)" : e.event, default: 0] += 1
                return
            }
            emitter.tracker = e.target.repository
            emitter.event(
                ticket: e.target.number, id: e.id, kind: kind, at: e.createdAt, actor: e.actor?.login ?? "",
                to: kind == .label ? e.label : (e.assignee?.login ?? ""), automated: e.actor?.isBot ?? false, record: index, line: 0, place: place)
        }

        var place: String { "record \(index)" }

        /// A record that is not what its file holds, or lacks what names its issue.
        func reject(_ reason: RejectReason, _ message: String) {
            emitter.rejectRecord(record: index, reason, "record \(index): \(message)")
        }

        /// Notes what was left out, if anything.
        func finish() {
            var parts: [String] = []
            if !skippedPulls.isEmpty {
                parts.append(skippedPulls.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + " (set `include_pull_requests: true` to read them)")
            }
            if !otherEvents.isEmpty {
                parts.append("events Rapport does not read: " + otherEvents.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            if !parts.isEmpty { sink.warn("left out (not records): " + parts.joined(separator: "; ")) }
        }
    }

    /// Calls `body` with each element of the top-level array (or with the one top-level object);
    /// nil for an element over the size cap.
    static func forEachRecord(_ json: JSONReader, _ body: (JSONElement?) throws(InputError) -> Void) throws(InputError) {
        guard let first = try json.next() else { throw InputError(.truncated, "the file is empty") }
        switch first {
        case .startArray:
            while true {
                let element = try json.readElement()
                if json.endedContainer { break }
                try body(element)
            }
        case .startObject:
            var budget = 64 << 20
            let element = try json.element(from: first, budget: &budget)
            try body(budget >= 0 ? element : nil)
        default:
            throw InputError(.unsupportedFormat, "the JSON is a single value, not a GitHub page or archive file (a list of records)")
        }
        if try json.next() != nil { throw InputError(.corrupt, "JSON: text after the document's end") }
    }

    // MARK: values

    /// `https://api.github.com/repos/O/R/...` or `https://HOST/api/v3/repos/O/R/...` (REST), or
    /// `https://github.com/O/R/...` (pages, the archive) → the issue or pull request it names.
    static func target(_ url: String) -> Target? {
        var u = url.trimmingASCIIWhitespace()
        if let api = u.firstRange(of: "/api/v3/repos/") {
            u = String(u[..<api.lowerBound]) + "/" + u[api.upperBound...]
        } else if u.hasPrefix("https://api.github.com/repos/") {
            u = "https://github.com/" + u.dropFirst("https://api.github.com/repos/".count)
        }
        for (marker, isPull) in [("/issues/", false), ("/pull/", true), ("/pulls/", true)] {
            guard let r = u.firstRange(of: marker) else { continue }
            let number = u[r.upperBound...].prefix { $0.isASCII && $0.isNumber }
            guard !number.isEmpty else { continue }
            return Target(repository: String(u[..<r.lowerBound]), number: String(number), isPull: isPull)
        }
        return nil
    }

    /// A person: a REST user object (`login`, `type`) or an archive URL (`https://github.com/milahu`,
    /// a GitHub App's `https://github.com/apps/NAME`, which is NAME[bot]).
    static func person(_ e: JSONElement?) -> Person? {
        guard let e, !e.isNull else { return nil }
        if let url = e.string {
            let parts = url.split(separator: "/")
            guard let last = parts.last else { return nil }
            if parts.count >= 2, parts[parts.count - 2] == "apps" { return Person(login: last + "[bot]", isBot: true) }
            return Person(login: String(last), isBot: last.hasSuffix("[bot]"))
        }
        guard let login = e["login"]?.string, !login.isEmpty else { return nil }
        return Person(login: login, isBot: e["type"]?.string == "Bot" || login.hasSuffix("[bot]"))
    }

    /// A label: a REST object with `name`, or an archive URL ending in the (percent-encoded) name.
    static func label(_ e: JSONElement?) -> String? {
        guard let e, !e.isNull else { return nil }
        if let name = e["name"]?.string { return name }
        guard let s = e.string else { return nil }
        guard s.hasPrefix("http"), let last = s.split(separator: "/").last else { return s }
        return percentDecoded(String(last))
    }

    static func percentDecoded(_ s: String) -> String {
        guard s.contains("%") else { return s }
        var out: [UInt8] = []
        var bytes = s.utf8[...]
        while let b = bytes.first {
            bytes = bytes.dropFirst()
            if b == UInt8(ascii: "%"), bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
