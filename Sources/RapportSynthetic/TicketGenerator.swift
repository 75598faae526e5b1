import Foundation
import RapportCore

/// Generates a `rapport-tickets-xml` export with full history: the client reports, partner
/// agents answer (each partner at its own speed), write internal notes, escalate by priority,
/// status, label or a tier-2 assignee, resolve, and sometimes get reopened.
public struct TicketGenerator {
    public struct Summary: Sendable {
        public var files: [String] = []
        public var tickets = 0
        public var events = 0
        public var bytes: Int64 = 0
    }

    /// Writes `count` tickets (or until `targetBytes`) into `directory/tickets-001.xml[.gz]`.
    public static func generate(
        directory: String, count: Int, targetBytes: Int64?, weeks: Int, end: LocalDate, seed: UInt64, gzip: Bool, level: Int32
    ) throws(RapportError) -> Summary {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RapportError(.failed, file: directory, "cannot create the folder: \(error.localizedDescription)")
        }
        var rng = SeededRandom(seed: seed &+ 101)
        let path = directory + (gzip ? "/tickets-001.xml.gz" : "/tickets-001.xml")
        let out = try TextOut(path: path, gzip: gzip, level: level)
        try out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tickets>\n")
        var summary = Summary(files: [path])
        let client = EmailGenerator.client
        let endInstant = client.zone.startOfDay(end)
        let span = Double(weeks * 7 * 86_400)
        let estimated = targetBytes.map { max(1, Int($0 / 2600)) } ?? max(1, count)
        var n = 0
        while true {
            if let targetBytes { if out.bytes >= targetBytes { break } } else if n >= count { break }
            let fraction = min(0.999, Double(n) / Double(estimated))
            var t = endInstant.adding(seconds: -Int64(span * (1 - fraction)))
            t = EmailGenerator.workingTime(t, zone: client.zone, rng: &rng)
            let (xml, events) = ticket(number: n, start: t, exportedAt: endInstant, rng: &rng)
            try out.write(xml)
            summary.events += events
            n += 1
        }
        try out.write("</tickets>\n")
        try out.close()
        summary.tickets = n
        summary.bytes = out.bytes
        return summary
    }

    static let priorities = ["low", "normal", "high", "urgent"]

    /// One ticket as an export taken at `exportedAt` shows it: later events are not in it yet.
    static func ticket(number: Int, start: Instant, exportedAt: Instant, rng: inout SeededRandom) -> (String, Int) {
        var roll = rng.unit()
        var partner = EmailGenerator.partners[0]
        for p in EmailGenerator.partners {
            if roll < p.share {
                partner = p
                break
            }
            roll -= p.share
        }
        let client = EmailGenerator.client
        let reporter = EmailGenerator.address(rng.pick(client.people), client)
        let agent = EmailGenerator.address(rng.pick(partner.people), partner)
        let key = "T-\(10000 + number)"
        let subject = rng.pick(EmailGenerator.topics)
        var priority = rng.chance(0.7) ? "normal" : rng.pick(priorities)
        var status = "open"
        var labels: [String] = []
        var assignee = agent
        var events: [String] = []
        var t = start
        var resolved: Instant?
        var id = 0
        var cut = false
        func event(_ type: String, _ actor: String, _ extra: String = "", text: String? = nil) {
            guard t < exportedAt else {
                cut = true
                return
            }
            id += 1
            let stamp = EmailGenerator.stamp(t, actor.hasSuffix(client.domain) ? client.zone : partner.zone, rng: &rng)
            var e = "    <event id=\"\(id)\" type=\"\(type)\" at=\"\(stamp)\" actor=\"\(actor)\"\(extra)"
            if let text { e += ">" + xmlEscape(text) + "</event>\n" } else { e += "/>\n" }
            events.append(e)
        }
        event("created", reporter, text: Text.question(style: 0, rng: &rng))
        let rounds = rng.int(1...3)
        for round in 0..<rounds {
            if rng.chance(0.3) {
                t = t.adding(seconds: Int64(rng.int(120...1800)))
                event("comment", agent, " public=\"false\"", text: "Internal: checking with the tier-2 team before we answer.")
            }
            let latency = max(60, rng.logNormal(median: partner.median, sigma: partner.sigma))
            if latency > 6 * 3600 && rng.chance(partner.bump) {
                t = t.adding(seconds: Int64(latency * 0.5))
                var body = Text.bump(rng: &rng)
                if rng.chance(partner.escalation * 2) { body += " We will have to escalate this if it is not fixed today." }
                event("comment", reporter, text: body)
                if rng.chance(partner.escalation * 3), let level = priorities.firstIndex(of: priority), level + 1 < priorities.count {
                    t = t.adding(seconds: 60)
                    event("priority", reporter, " from=\"\(priority)\" to=\"\(priorities[level + 1])\"")
                    priority = priorities[level + 1]
                }
                t = t.adding(seconds: Int64(latency * 0.5))
            } else {
                t = t.adding(seconds: Int64(latency))
            }
            if round == rounds - 1 && rng.chance(partner.unanswered) { break }
            t = EmailGenerator.workingTime(t, zone: partner.zone, rng: &rng)
            if status == "open" {
                event("status", agent, " from=\"open\" to=\"in progress\"")
                status = "in progress"
            }
            event("comment", agent, text: Text.answer(style: partner.style, rng: &rng))
            if rng.chance(partner.escalation) {
                t = t.adding(seconds: 300)
                let tier2 = "tier2@\(partner.domain)"
                event("assign", agent, " from=\"\(assignee)\" to=\"\(tier2)\"")
                assignee = tier2
                if rng.chance(0.5) {
                    event("label", agent, " to=\"escalated\"")
                    labels.append("escalated")
                }
            }
            if round < rounds - 1 {
                t = EmailGenerator.workingTime(t.adding(seconds: Int64(rng.logNormal(median: 5400, sigma: 1))), zone: client.zone, rng: &rng)
                event("comment", reporter, text: Text.followUp(rng: &rng))
            } else {
                // A third of the tickets take days to fix; the partner may say how it goes meanwhile.
                let fix = rng.chance(0.35) ? rng.logNormal(median: 2.5 * 86_400, sigma: 0.6) : Double(rng.int(600...20_000))
                let resolvedAt = t.adding(seconds: Int64(fix))
                while true {
                    let next = t.adding(seconds: Int64(rng.int(57_600...79_200)))  // 16-22 h later
                    guard next < resolvedAt else { break }
                    t = next
                    if rng.chance(partner.updates) {
                        t = EmailGenerator.workingTime(t, zone: partner.zone, rng: &rng)
                        event("comment", agent, text: Text.proactive(style: partner.style, rng: &rng))
                    }
                }
                t = max(t, resolvedAt)
                event("resolved", agent)
                status = "resolved"
                resolved = t
                if rng.chance(partner.ack) {
                    t = t.adding(seconds: Int64(rng.int(300...7200)))
                    event("comment", reporter, text: Text.acknowledgement(rng: &rng))
                }
                if rng.chance(partner.escalation) {
                    t = EmailGenerator.workingTime(t.adding(seconds: Int64(rng.int(86_400...300_000))), zone: client.zone, rng: &rng)
                    event("reopened", reporter)
                    event("comment", reporter, text: "The problem is back. " + rng.pick(Sentences.questions).filled(rng: &rng))
                    status = "reopened"
                }
            }
        }
        if cut {
            status = status == "open" ? "open" : "in progress"
            if let r = resolved, r >= exportedAt { resolved = nil }
        }
        var xml = "  <ticket id=\"\(key)\" subject=\"\(xmlEscape(subject))\" priority=\"\(priority)\" status=\"\(status)\""
        if rng.chance(0.5) { xml += " due=\"\(dueDate(created: start, resolved: resolved, keeps: rng.chance(partner.keepsDue), rng: &rng))\"" }
        if !labels.isEmpty { xml += " labels=\"\(labels.joined(separator: " "))\"" }
        xml += " assignee=\"\(assignee)\">\n" + events.joined() + "  </ticket>\n"
        return (xml, events.count)
    }

    /// A due date the partner keeps (on or after the resolution's day) or misses (before it),
    /// never before the ticket was opened; an unresolved ticket is due two to four days in.
    static func dueDate(created: Instant, resolved: Instant?, keeps: Bool, rng: inout SeededRandom) -> String {
        let zone = EmailGenerator.client.zone
        let opened = zone.localDate(of: created)
        guard let resolved else { return opened.adding(days: rng.int(2...4)).description }
        let day = zone.localDate(of: resolved)
        let due = keeps ? day.adding(days: rng.int(0...2)) : day.adding(days: -rng.int(1...2))
        return (due < opened ? opened : due).description
    }

    static func xmlEscape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}

/// A text output that is gzip or plain, counting the bytes written before compression.
final class TextOut {
    private let gz: GzipWriter?
    private let plain: FileHandle?
    private var buffer: [UInt8] = []
    private(set) var bytes: Int64 = 0
    let path: String

    init(path: String, gzip: Bool, level: Int32) throws(RapportError) {
        self.path = path
        if gzip {
            gz = try GzipWriter(path: path, level: level)
            plain = nil
        } else {
            FileManager.default.createFile(atPath: path, contents: nil)
            guard let h = FileHandle(forWritingAtPath: path) else { throw RapportError(.failed, file: path, "cannot write") }
            plain = h
            gz = nil
        }
    }

    func write(_ s: String) throws(RapportError) {
        bytes += Int64(s.utf8.count)
        if let gz { return try gz.write(s) }
        buffer.append(contentsOf: s.utf8)
        if buffer.count > 1 << 20 { flush() }
    }

    private func flush() {
        plain?.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws(RapportError) {
        if let gz { return try gz.close() }
        flush()
        try? plain?.close()
    }
}
