import RapportCore

/// `bugzilla-xml`: Bugzilla's `show_bug.cgi?ctype=xml` export (`bugzilla/bug`).
///
/// Each `long_desc` is a record: the first is the description (at `creation_ts`), the
/// rest comments, internal when `isprivate="1"`. The external DTD it names is never
/// fetched. A snapshot: a bug whose status is RESOLVED, VERIFIED or CLOSED counts as
/// resolved at `delta_ts` (its last change); REOPENED as resolved and reopened.
public enum BugzillaXML: InputFormat {
    public static let name = "bugzilla-xml"
    public static let kind = SourceKind.ticket
    public static let summary = "Bugzilla show_bug.cgi XML (bugzilla/bug with long_desc comments)"

    static let resolvedStatuses: Set<String> = ["RESOLVED", "VERIFIED", "CLOSED"]

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let xml = try XMLStreamReader(source: source)
        let emitter = TicketEmitter(context: context, sink: sink)
        var index: Int64 = 0
        // Set by the reading thread at the root element, before any bug is handed over.
        final class Root: @unchecked Sendable { var urlbase = "" }
        let root = Root()
        let bugs = XMLItemReadAhead(xml) { name, depth throws(InputError) in
            if depth == 0 {
                guard name == "bugzilla" else {
                    throw InputError(.unsupportedFormat, "the root element is <\(name)>, not <bugzilla>; choose the format that matches this export")
                }
                root.urlbase = xml.currentAttributes().first { $0.0 == "urlbase" }?.1.trimmingASCIIWhitespace() ?? ""
            }
            return depth == 1 && name == "bug"
        }
        defer { bugs.close() }
        while let bug = try bugs.next() {
            index += 1
            // Without a urlbase the source entry's tracker (its path) stands in.
            if !root.urlbase.isEmpty { emitter.tracker = root.urlbase }
            let comments = bug.children("long_desc")
            guard let key = bug.value("bug_id"), !key.isEmpty else {
                for _ in comments { emitter.rejectRecord(record: index, .missingValue, "bug at line \(bug.line) has no bug_id") }
                continue
            }
            let creation = bugzillaTime(bug.value("creation_ts") ?? "")
            let subject = bug.value("short_desc") ?? ""
            for (k, c) in comments.enumerated() {
                let isPrivate = c[attribute: "isprivate"] == "1"
                let first = k == 0
                let text = c.value("thetext") ?? ""
                emitter.event(
                    ticket: key, id: c.value("commentid") ?? "\(key)#\(k)", kind: first ? .created : (isPrivate ? .internalNote : .message),
                    at: first ? creation : bugzillaTime(c.value("bug_when") ?? ""), actor: c.value("who") ?? "", isPublic: !isPrivate,
                    text: first ? XMLElement.escape(subject) + "<br>" + XMLElement.escape(text) : XMLElement.escape(text), record: index, line: c.line)
            }
            let status = bug.value("bug_status")?.uppercased() ?? ""
            var resolved: Instant?
            if resolvedStatuses.contains(status) || status == "REOPENED", case .success(let t) = emitter.instant(bugzillaTime(bug.value("delta_ts") ?? ""), field: "delta_ts") {
                resolved = t
            }
            var created: Instant?
            if case .success(let t) = emitter.instant(creation, field: "creation_ts") { created = t }
            sink.ticket(
                TicketState(
                    key: key, tracker: emitter.tracker, url: root.urlbase.isEmpty ? "" : Self.link(base: root.urlbase, bug: key), subject: subject, priority: bug.value("priority"), status: bug.value("bug_status"), labels: [],
                    assignee: bug.value("assigned_to").map { emitter.actor($0) }, reporter: bug.value("reporter"), created: created,
                    resolved: resolved, reopened: status == "REOPENED", hasHistory: false, origin: Origin(file: context.fileIndex, record: index)))
        }
        return emitter.records
    }

    /// `urlbase` + `show_bug.cgi?id=KEY` (FORMATS.md).
    static func link(base: String, bug: String) -> String {
        (base.hasSuffix("/") ? base : base + "/") + "show_bug.cgi?id=" + bug
    }

    /// Bugzilla writes `2005-01-10 14:42:00 +0000`: rewritten to RFC 3339 (`2005-01-10T14:42:00+00:00`);
    /// anything else is passed on unchanged (and rejected by the strict parser).
    static func bugzillaTime(_ raw: String) -> String {
        let t = raw.trimmingASCIIWhitespace()
        let parts = t.split(separator: " ")
        guard parts.count == 3, parts[0].count == 10, parts[2].count == 5, let sign = parts[2].first, sign == "+" || sign == "-" else { return t }
        let time = parts[1].count == 5 ? parts[1] + ":00" : parts[1]
        let offset = parts[2]
        return "\(parts[0])T\(time)\(offset.prefix(3)):\(offset.suffix(2))"
    }
}
