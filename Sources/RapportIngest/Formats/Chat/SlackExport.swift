import Foundation
import RapportCore

/// `slack-export`: a Slack workspace export (Workspace settings → Import/Export Data →
/// Export), the `.zip` as Slack writes it or its unzipped folder: `users.json`,
/// `channels.json` (and `groups.json`, `mpims.json`, `dms.json` in full exports) and one
/// `<channel>/<YYYY-MM-DD>.json` file per channel and day, each an array of messages.
///
/// - Who: `users.json` gives each user id its profile e-mail (the actor is then that address,
///   so domain rules give the party) or else its handle (`name`), for `people` globs.
/// - Conversations: a thread (`thread_ts`; replies may sit in later day files than their
///   parent) is one conversation; a channel's other messages are cut into conversations where
///   nobody wrote for `session_gap` (default 4h).
/// - Automated: `bot_message` posts (and posts with a `bot_id` and no user) are messages with
///   `autoSubmitted`. Channel events (`channel_join`, `bot_add`, topic changes, …), deleted
///   messages (`tombstone`, `message_deleted`) and edit events (`message_changed`) are not
///   messages: they are not records, and their count is reported as a warning.
/// - `ts` is epoch seconds; an edited message counts once, at its original `ts`.
///
/// Streaming: one message is held at a time. `users.json` is often the archive's last entry;
/// then the entries are read twice (a zip's day files are passed over the first time).
public enum SlackExport: EntryFormat {
    public static let name = "slack-export"
    public static let kind = SourceKind.email
    public static let summary = "Slack workspace export (.zip as Slack writes it, or its folder): users.json, channels.json, <channel>/<day>.json"
    public static let optionKeys = ["session_gap"]
    /// Messages of a channel further apart than this start a new conversation (`session_gap`).
    public static let defaultSessionGap: Int64 = 4 * 3600

    /// A zip's bytes alone (tests, fuzzers): read as the archive they are.
    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        try read(entries: ArchiveEntrySource(source), context: context, into: sink)
    }

    public static func read(entries: any EntrySource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let reader = SlackReader(context: context, sink: sink)
        var needsSecondPass = false
        var otherEntries: [String] = []
        while let entry = try entries.next() {
            if let channel = dayFileChannel(entry.name) {
                if reader.directory.hasUsers { try reader.readDay(entry, channel: channel) } else { needsSecondPass = true }
            } else if !(try reader.directory.read(entry, limits: reader.jsonLimits)) {
                otherEntries.append(entry.name)
            }
        }
        if needsSecondPass {
            try entries.restart()
            while let entry = try entries.next() {
                if let channel = dayFileChannel(entry.name) { try reader.readDay(entry, channel: channel) }
            }
        }
        reader.reportSkipped()
        reportSkipped(otherEntries.filter { !$0.hasSuffix("integration_logs.json") }, what: "entries that are not Slack day files", into: sink)
        reportSkipped(entries.passedOver, what: "entries", into: sink)
        return reader.records
    }

    /// `<channel>/<YYYY-MM-DD>.json` → the channel's folder name (a leading folder, as when
    /// the zip was made from the export's folder, is allowed).
    static func dayFileChannel(_ name: String) -> String? {
        let parts = name.split(separator: "/")
        guard parts.count >= 2, let file = parts.last else { return nil }
        let b = Array(file.utf8)
        guard b.count == 15, String(file).hasSuffix(".json"), b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        for i in [0, 1, 2, 3, 5, 6, 8, 9] where !(b[i] >= 0x30 && b[i] <= 0x39) { return nil }
        return String(parts[parts.count - 2])
    }
}

/// Who the export's ids are: users (`users.json`) and channels (`channels.json` and the like).
struct SlackDirectory {
    struct Person {
        /// The profile e-mail (lower-cased) when there is one, else the handle.
        var actor: String
        var isAddress: Bool
        var isBot: Bool
    }

    var people: [String: Person] = [:]
    /// Channel folder name → channel id.
    var channelIDs: [String: String] = [:]
    var hasUsers = false

    /// Reads `users.json` or a channel list; false for any other entry.
    mutating func read(_ entry: Entry, limits: JSONReader.Limits) throws(InputError) -> Bool {
        let base = entry.name.split(separator: "/").last.map(String.init) ?? entry.name
        switch base {
        case "users.json":
            hasUsers = true
            try SlackDirectory.forEachElement(entry, limits: limits) { user in
                guard let id = user["id"]?.string else { return }
                let profile = user["profile"]
                let email = profile?["email"]?.string?.trimmingASCIIWhitespace().lowercased() ?? ""
                let handle = user["name"]?.string ?? profile?["display_name"]?.string ?? id
                people[id] = Person(
                    actor: email.isEmpty ? handle : email, isAddress: !email.isEmpty,
                    isBot: user["is_bot"]?.bool == true || user["is_app_user"]?.bool == true)
            }
            return true
        case "channels.json", "groups.json", "mpims.json", "dms.json":
            try SlackDirectory.forEachElement(entry, limits: limits) { channel in
                guard let id = channel["id"]?.string else { return }
                channelIDs[channel["name"]?.string ?? id] = id
            }
            return true
        default:
            return false
        }
    }

    /// Each element of the entry's top-level array, one at a time.
    static func forEachElement(_ entry: Entry, limits: JSONReader.Limits, _ body: (JSONElement) -> Void) throws(InputError) {
        let json = JSONReader(source: entry.bytes, limits: limits)
        do throws(InputError) {
            guard try json.next() == .startArray else { throw InputError(.badHeader, "JSON: the file does not hold an array") }
            while true {
                guard let element = try json.readElement() else {
                    if json.endedContainer { break }
                    continue
                }
                body(element)
            }
            _ = try json.next()
        } catch {
            throw InputError(error.reason, "\(entry.name): \(error.message)")
        }
    }
}

/// Reads day files: one message per array element.
final class SlackReader {
    let context: FormatContext
    let emitter: EmailEmitter
    var directory = SlackDirectory()
    let jsonLimits: JSONReader.Limits
    private let sessionGap: Int64
    /// Per channel: the last unthreaded message's time and the conversation it is in.
    private var sessions: [String: (last: Int64, key: String)] = [:]
    /// Elements read that were not messages, by subtype (or `type`).
    private var skipped: [String: Int] = [:]
    private(set) var records = 0

    init(context: FormatContext, sink: any IngestSink) {
        self.context = context
        emitter = EmailEmitter(context: context, sink: sink)
        sessionGap = context.options.sessionGapSeconds ?? SlackExport.defaultSessionGap
        var limits = JSONReader.Limits()
        limits.maxStringBytes = context.csv.maxRecordBytes
        limits.maxElementBytes = context.csv.maxRecordBytes
        jsonLimits = limits
    }

    func readDay(_ entry: Entry, channel: String) throws(InputError) {
        let json = JSONReader(source: entry.bytes, limits: jsonLimits)
        var index = 0
        do throws(InputError) {
            guard try json.next() == .startArray else { throw InputError(.badHeader, "JSON: a day file holds an array of messages") }
            while true {
                let element = try json.readElement()
                if element == nil && json.endedContainer { break }
                index += 1
                guard let element else {
                    records += 1
                    emitter.reject(
                        record: Int64(records), .recordTooLarge,
                        "\(entry.name), message \(index): over \(jsonLimits.maxElementBytes) bytes (limits.max_record_bytes)", excerpt: entry.name)
                    continue
                }
                message(element, channel: channel, file: entry.name, index: index)
            }
            _ = try json.next()
        } catch {
            if json.sourceFailed { throw error }
            // A damaged day file: what it held up to there stands; the rest is one reject.
            records += 1
            emitter.reject(record: Int64(records), error.reason, "\(entry.name), after message \(index): \(error.message)", excerpt: entry.name)
        }
    }

    /// What a message's subtype makes of it.
    enum Role { case person, bot, notAMessage }

    static func role(subtype: String?, element: JSONElement) -> Role {
        if element["hidden"]?.bool == true { return .notAMessage }
        switch subtype {
        case nil, "thread_broadcast", "reply_broadcast", "file_share", "file_comment", "file_mention", "me_message":
            let bot = element["bot_id"]?.string != nil && element["user"]?.string == nil
            return bot ? .bot : .person
        case "bot_message": return .bot
        default: return .notAMessage
        }
    }

    private func message(_ m: JSONElement, channel: String, file: String, index: Int) {
        let type = m["type"]?.string ?? "message"
        let subtype = m["subtype"]?.string
        let role = type == "message" ? SlackReader.role(subtype: subtype, element: m) : .notAMessage
        if role == .notAMessage {
            skipped[type == "message" ? (subtype ?? "hidden") : "type \(type)", default: 0] += 1
            return
        }
        records += 1
        let record = Int64(records)
        let excerpt = { "[\(file) #\(index)] " + (m["text"]?.string ?? "") }
        guard let tsText = m["ts"]?.text, let ts = SlackReader.timestamp(tsText) else {
            emitter.reject(record: record, .badTimestamp, "\(file), message \(index): `ts` is missing or not epoch seconds", excerpt: excerpt())
            return
        }
        let at: Instant
        switch context.plausible(ts, column: "ts") {
        case .success(let t): at = t
        case .failure(let e):
            emitter.reject(record: record, e.reason, "\(file), message \(index): \(e.message)", excerpt: excerpt())
            return
        }
        let room = directory.channelIDs[channel] ?? channel
        var values = EmailEmitter.Values()
        values.id = "slack:\(room):\(tsText)"
        values.subject = "#" + channel
        values.body = SlackText.plain(m["text"]?.string ?? "", people: directory.people)
        let (actor, isAddress, isBot) = sender(m)
        values.from = actor
        values.fromIsActor = !isAddress
        values.autoSubmitted = role == .bot || isBot
        if let thread = m["thread_ts"]?.text, !thread.isEmpty {
            values.thread = "slack:\(room):\(thread)"
            if thread != tsText { values.inReplyTo = "slack:\(room):\(thread)" }
        } else {
            values.thread = session(room, at: at.epochSeconds, ts: tsText)
        }
        var hasher = FingerprintHasher()
        hasher.add(values.id)
        hasher.add(actor)
        emitter.emit(values, at: at, record: record, excerpt: excerpt(), fingerprint: hasher.finish())
    }

    /// The poster: a user through `users.json`, a bot by its name.
    private func sender(_ m: JSONElement) -> (String, Bool, Bool) {
        let userID = m["user"]?.string ?? m["comment"]?["user"]?.string
        if let id = userID {
            if let p = directory.people[id] { return (p.actor, p.isAddress, p.isBot) }
            let profileName = m["user_profile"]?["name"]?.string
            return (profileName ?? id, false, false)
        }
        let name = m["username"]?.string ?? m["bot_profile"]?["name"]?.string ?? m["bot_id"]?.string ?? "bot"
        return (name, false, true)
    }

    /// The conversation of an unthreaded message: the channel's current one unless the
    /// channel was quiet for longer than the gap.
    private func session(_ room: String, at seconds: Int64, ts: String) -> String {
        if let s = sessions[room], seconds - s.last <= sessionGap, seconds >= s.last - sessionGap {
            sessions[room] = (max(s.last, seconds), s.key)
            return s.key
        }
        let key = "slack:\(room):\(ts)"
        sessions[room] = (seconds, key)
        return key
    }

    /// `"1452837318.000002"` → that instant (microseconds kept).
    static func timestamp(_ text: String) -> Instant? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let seconds = Int64(parts[0]), seconds >= 0, seconds < 1 << 40 else { return nil }
        var nanos: Int64 = 0
        if parts.count == 2 {
            let fraction = parts[1].prefix(9)
            guard !fraction.isEmpty, fraction.allSatisfy({ $0.isASCII && $0.isNumber }), let f = Int64(fraction) else { return nil }
            nanos = f * Int64(pow10(9 - fraction.count))
        }
        return Instant(seconds: seconds, nanos: nanos)
    }

    private static func pow10(_ n: Int) -> Int { (0..<n).reduce(1) { r, _ in r * 10 } }

    func reportSkipped() {
        guard !skipped.isEmpty else { return }
        let total = skipped.values.reduce(0, +)
        let parts = skipped.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        emitter.sink.warn("\(total) Slack events that are not messages were skipped (not records): \(parts.joined(separator: ", "))")
    }
}

/// Slack's message markup made plain text: `<@U123>` → `@handle`, `<#C1|general>` →
/// `#general`, `<https://x|label>` → `label`, `<https://x>` → the address; `&amp;`, `&lt;`,
/// `&gt;` unescaped.
enum SlackText {
    static func plain(_ text: String, people: [String: SlackDirectory.Person]) -> String {
        guard text.containsBytes("<") || text.containsBytes("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            out += rest[..<open]
            let inner = rest[rest.index(after: open)..<close]
            let label = inner.firstIndex(of: "|").map { inner[inner.index(after: $0)...] }
            if inner.hasPrefix("@") {
                let id = String((inner.dropFirst()).prefix { $0 != "|" })
                out += "@" + (label.map(String.init) ?? people[id]?.actor ?? id)
            } else if inner.hasPrefix("#") {
                out += "#" + (label.map(String.init) ?? String(inner.dropFirst()))
            } else if inner.hasPrefix("!") {
                out += "@" + (label.map(String.init) ?? String(inner.dropFirst()))
            } else {
                out += label.map(String.init) ?? String(inner)
            }
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}
