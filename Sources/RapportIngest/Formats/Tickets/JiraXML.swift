import Foundation
import RapportCore

/// `jira-xml`: Jira's "Export XML" (RSS 0.92, `rss/channel/item`), Server and Cloud.
///
/// A snapshot without change history: the description (with the summary) is the
/// reporter's first message at `created`; comments are messages, internal when they
/// carry `rolelevel`/`grouplevel`; bodies are escaped HTML or (after a formatter) real
/// child elements; values may be wrapped in white space. Escalation comes from the
/// final status, labels and priority; reopening from a client comment after `resolved`.
/// A `<issue total>` larger than the items is a truncated page and is reported.
/// The RSS 2.0 flavour ("Export → RSS") is refused: it has no keys, comments or dates.
public enum JiraXML: InputFormat {
    public static let name = "jira-xml"
    public static let kind = SourceKind.ticket
    public static let summary = "Jira \"Export XML\" (RSS 0.92 rss/channel/item), Server or Cloud"

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let xml = try XMLStreamReader(source: source)
        let emitter = TicketEmitter(context: context, sink: sink)
        var index: Int64 = 0
        // Set by the reading thread; read here once it has stopped (after `close`).
        final class Declared: @unchecked Sendable { var total: Int? }
        let declared = Declared()
        let items = XMLItemReadAhead(xml) { name, depth throws(InputError) in
            if depth == 0 {
                guard name == "rss" else {
                    throw InputError(.unsupportedFormat, "the root element is <\(name)>, not Jira's <rss>; choose the format that matches this export")
                }
                let version = xml.currentAttributes().first { $0.0 == "version" }?.1 ?? ""
                if version.hasPrefix("2") {
                    throw InputError(
                        .unsupportedFormat,
                        "this is Jira's RSS 2.0 export, which carries no issue keys, comments or dates; in Jira choose Export → XML (not RSS) and read that file")
                }
                return false
            }
            if depth == 2 && name == "link" { return true }  // the channel's: the tracker
            if depth == 2 && name == "issue" {
                declared.total = xml.currentAttributes().first { $0.0 == "total" }.flatMap { Int($0.1) }
                return false
            }
            return depth == 2 && name == "item"
        }
        defer { items.close() }
        var channelTracker: String?
        while let item = try items.next() {
            if item.name == "link" {
                channelTracker = trackerBase(item.text)
                continue
            }
            index += 1
            emitter.tracker = channelTracker ?? trackerBase(item.value("link") ?? "")
            readItem(item, index: index, emitter: emitter, context: context, sink: sink)
        }
        items.close()
        if let total = declared.total, total > Int(index) {
            sink.warn("truncated Jira export: \(index) of \(total) matching issues are in the file; export the rest (Jira caps a page at 1,000) to report them")
        }
        return emitter.records
    }

    static func readItem(_ item: XMLElement, index: Int64, emitter: TicketEmitter, context: FormatContext, sink: any IngestSink) {
        let key = item.value("key") ?? ""
        let comments = item.child("comments")?.children("comment") ?? []
        guard !key.isEmpty else {
            for _ in 0..<(1 + comments.count) { emitter.rejectRecord(record: index, .missingValue, "item at line \(item.line) has no <key>") }
            return
        }
        let summary = item.value("summary") ?? item.value("title") ?? ""
        let reporter = person(item.child("reporter"))
        let createdText = item.value("created") ?? ""
        // The description: escaped HTML text, or real child elements after a formatter.
        let description = item.child("description").map { $0.hasElementContent ? $0.innerMarkup : $0.text } ?? ""
        emitter.event(
            ticket: key, id: "\(key)#description", kind: .created, at: createdText, actor: reporter ?? "",
            text: XMLElement.escape(summary) + "<br>" + description, record: index, line: item.child("created")?.line ?? item.line)
        for c in comments {
            let restricted = c[attribute: "rolelevel"] != nil || c[attribute: "grouplevel"] != nil
            emitter.event(
                ticket: key, id: c[attribute: "id"] ?? "", kind: restricted ? .internalNote : .message, at: c[attribute: "created"] ?? "",
                actor: c[attribute: "author"] ?? "", isPublic: !restricted, text: c.hasElementContent ? c.innerMarkup : c.text,
                record: index, line: c.line)
        }
        var created: Instant?
        if case .success(let t) = emitter.instant(createdText, field: "created") { created = t }
        var resolved: Instant?
        if let r = item.value("resolved"), !r.isEmpty, case .success(let t) = emitter.instant(r, field: "resolved") { resolved = t }
        let labels = (item.child("labels")?.children("label") ?? []).map(\.text).filter { !$0.isEmpty }
        var state = TicketState(
                key: key, tracker: emitter.tracker, url: (item.value("link") ?? "").trimmingASCIIWhitespace(), subject: summary, priority: item.value("priority"), status: item.value("status"), labels: labels,
                assignee: person(item.child("assignee")).map { emitter.actor($0) }, reporter: reporter, created: created, resolved: resolved,
                hasHistory: false, origin: Origin(file: context.fileIndex, record: index))
        state.due = item.value("due").flatMap(TicketEmitter.dueDate)
        sink.ticket(state)
    }

    /// A Jira link cut before `/issues/`, `/browse/` or `/sr/` (FORMATS.md): the tracker's base,
    /// context path included (`https://host/jira`); a link without them, trailing `/` removed.
    static func trackerBase(_ link: String) -> String {
        let t = link.trimmingASCIIWhitespace()
        let cuts = ["/issues/", "/browse/", "/sr/"].compactMap { t.range(of: $0)?.lowerBound }
        if let cut = cuts.min() { return String(t[..<cut]) }
        return t.hasSuffix("/") ? String(t.dropLast()) : t
    }

    /// Server exports name people by `username`, Cloud by `accountid`; `-1` is "Unassigned".
    static func person(_ e: XMLElement?) -> String? {
        guard let e else { return nil }
        let id = (e[attribute: "username"] ?? e[attribute: "accountid"] ?? "").trimmingASCIIWhitespace()
        return id.isEmpty || id == "-1" ? nil : id
    }
}
