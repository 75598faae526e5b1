import Foundation
import RapportCore

/// Generates realistic `rapport-email-csv` exports: a client and four partners with
/// different speed and habits (bumps, acknowledgements, auto-replies, proactive
/// updates, escalations, a partner seen only in cc), mixed UTC offsets, RFC 2822
/// dates, quoted history and signatures, threads split across files, an export with
/// another column order and CRLF line ends, and a few duplicates across files.
/// The same options and seed give the same bytes.
public struct EmailGenerator {
    public struct Options: Sendable {
        public var outputDirectory: String
        /// About `scale` × 1,000 threads (≈ 3 MB of CSV each).
        public var scale: Double = 1
        /// When set, generate until this many uncompressed CSV bytes (overrides `scale`).
        public var targetBytes: Int64?
        public var seed: UInt64 = 1
        public var files: Int = 4
        public var weeks: Int = 12
        /// The Monday after the last generated week (a fixed date, so data does not depend on today).
        public var end: LocalDate = LocalDate(year: 2026, month: 10, day: 26)!
        public var compressionLevel: Int32 = 6
        /// Which logs to write (default all three).
        public var kinds: Set<SourceKind> = Set(SourceKind.allCases)
        /// Ticket export size: about `scale` × 1,000 tickets, or until this many bytes of XML.
        public var ticketBytes: Int64?
        /// Write the ticket export gzip-compressed.
        public var gzipTickets = false
        /// How the e-mail export is written: `rapport-email-csv` files, or the same messages as
        /// mbox archives (`--email-format mbox`, read with `format: mbox`).
        public var emailFormat: EmailFormat = .csv
        /// Called now and then with the e-mail bytes written and the target (a progress line).
        public var progress: (@Sendable (_ written: Int64, _ target: Int64) -> Void)?
        public init(outputDirectory: String) { self.outputDirectory = outputDirectory }
    }

    /// The e-mail export's file format.
    public enum EmailFormat: String, Sendable, CaseIterable {
        case csv, mbox
    }

    public struct Summary: Sendable {
        public var files: [String] = []
        public var messages = 0
        public var threads = 0
        public var bytes: Int64 = 0
        public var pipeline: String = ""
        public var tickets = TicketGenerator.Summary()
        public var meetings = MeetingGenerator.Summary()
    }

    /// Writes the e-mail, ticket and meeting exports asked for, and a pipeline file that reads them.
    public static func generateAll(_ options: Options) throws(RapportError) -> Summary {
        var summary = options.kinds.contains(.email) ? try generate(options) : Summary()
        if options.kinds.contains(.ticket) {
            summary.tickets = try TicketGenerator.generate(
                directory: options.outputDirectory + "/tickets", count: Int(options.scale * 1000), targetBytes: options.ticketBytes,
                weeks: options.weeks, end: options.end, seed: options.seed, gzip: options.gzipTickets, level: options.compressionLevel)
        }
        if options.kinds.contains(.meeting) {
            summary.meetings = try MeetingGenerator.generate(
                directory: options.outputDirectory + "/meetings", weeks: options.weeks, end: options.end, seed: options.seed, scale: options.scale)
        }
        summary.pipeline = options.outputDirectory + "/pipeline.yaml"
        do {
            try pipelineYAML(kinds: options.kinds, gzipTickets: options.gzipTickets, emailFormat: options.emailFormat).write(toFile: summary.pipeline, atomically: true, encoding: .utf8)
        } catch {
            throw RapportError(.failed, file: summary.pipeline, "cannot write: \(error.localizedDescription)")
        }
        return summary
    }

    struct Org {
        var id: String
        var name: String
        var domain: String
        var zone: ZoneRules
        var people: [String]
        /// Median answer latency in seconds and its spread.
        var median: Double
        var sigma: Double
        var unanswered: Double
        var ack: Double
        var bump: Double
        var escalation: Double
        var proactive: Double
        var outOfOffice: Double
        var share: Double
        var style: Int
        /// Tickets: how often the partner sends a progress update for each day a ticket waits
        /// on it, and how often it resolves a ticket by its due date.
        var updates: Double = 0.5
        var keepsDue: Double = 0.7
    }

    static let client = Org(
        id: "client", name: "Acme", domain: "acme.example", zone: ZoneRules(identifier: "Europe/Berlin")!,
        people: ["jane.roe", "max.mustermann", "li.wei", "sara.okafor", "tom.berg", "ana.silva", "pia.lind", "omar.haddad"],
        median: 0, sigma: 0, unanswered: 0, ack: 0, bump: 0, escalation: 0, proactive: 0, outOfOffice: 0, share: 0, style: 0)

    static let partners: [Org] = [
        Org(
            id: "globex", name: "Globex BPO", domain: "globex-bpo.example", zone: ZoneRules(identifier: "Asia/Manila")!,
            people: ["ana.cruz", "ben.reyes", "carla.santos", "dan.lim"], median: 2400, sigma: 0.9, unanswered: 0.02, ack: 0.5,
            bump: 0.1, escalation: 0.02, proactive: 0.15, outOfOffice: 0.02, share: 0.4, style: 0, updates: 0.9, keepsDue: 0.9),
        Org(
            id: "initech", name: "Initech Support", domain: "initech.example", zone: ZoneRules(identifier: "America/Bogota")!,
            people: ["luis.gomez", "maria.diaz", "pedro.ruiz"], median: 50_000, sigma: 1.1, unanswered: 0.12, ack: 0.2,
            bump: 0.5, escalation: 0.15, proactive: 0.02, outOfOffice: 0.05, share: 0.25, style: 1, updates: 0.1, keepsDue: 0.4),
        Org(
            id: "umbrella", name: "Umbrella Services", domain: "umbrella-services.example", zone: ZoneRules(identifier: "Asia/Kolkata")!,
            people: ["arjun.rao", "priya.nair", "vikram.shah"], median: 10_800, sigma: 0.8, unanswered: 0.05, ack: 0.35,
            bump: 0.25, escalation: 0.05, proactive: 0.25, outOfOffice: 0.03, share: 0.25, style: 2, updates: 0.7, keepsDue: 0.75),
        Org(
            id: "hooli", name: "Hooli Outsourcing", domain: "hooli.example", zone: ZoneRules(identifier: "Europe/Dublin")!,
            people: ["niamh.byrne", "sean.walsh"], median: 21_600, sigma: 1.0, unanswered: 0.08, ack: 0.3, bump: 0.3,
            escalation: 0.06, proactive: 0.05, outOfOffice: 0.03, share: 0.1, style: 3, updates: 0.3, keepsDue: 0.6),
    ]

    static let topics = [
        "VPN access for new starters", "Password reset queue backlog", "Invoice mismatch for October", "Weekly ticket export",
        "Customer complaint escalated from chat", "Outage on the billing portal", "Onboarding checklist for agents",
        "Refund requests over limit", "SLA report figures", "Shift cover during holidays", "Knowledge base article review",
        "Call recording retention", "Training schedule for Q4", "Data export for audit", "Chatbot handover errors",
    ]

    public static func generate(_ options: Options) throws(RapportError) -> Summary {
        var rng = SeededRandom(seed: options.seed)
        let emailDir = options.outputDirectory + "/email"
        do {
            try FileManager.default.createDirectory(atPath: emailDir, withIntermediateDirectories: true)
        } catch {
            throw RapportError(.failed, file: emailDir, "cannot create the folder: \(error.localizedDescription)")
        }
        var summary = Summary()
        var writers: [GzipWriter] = []
        let mbox = options.emailFormat == .mbox
        for i in 0..<max(1, options.files) {
            let path = emailDir + String(format: mbox ? "/export-%03d.mbox.gz" : "/export-%03d.csv.gz", i + 1)
            let w = try GzipWriter(path: path, level: options.compressionLevel)
            if !mbox { try w.write(header(forFile: i)) }
            writers.append(w)
            summary.files.append(path)
        }
        let estimatedThreads = options.targetBytes.map { max(1, Int($0 / 2900)) } ?? max(1, Int(options.scale * 1000))
        let spanSeconds = Double(options.weeks * 7 * 86_400)
        let endInstant = client.zone.startOfDay(options.end)
        let startInstant = endInstant.adding(seconds: -Int64(spanSeconds))
        var written: Int64 = 0
        var messageCounter = 0
        var thread = 0
        let goal = options.targetBytes ?? Int64(estimatedThreads) * 2900
        var reported: Int64 = 0
        while true {
            if let progress = options.progress, written - reported >= goal / 100 {
                reported = written
                progress(written, goal)
            }
            if let target = options.targetBytes {
                if written >= target { break }
            } else if thread >= estimatedThreads {
                break
            }
            // Thread starts spread evenly over the span, on client working hours.
            let fraction = min(0.999, Double(thread) / Double(estimatedThreads))
            var start = startInstant.adding(seconds: Int64(fraction * spanSeconds))
            start = workingTime(start, zone: client.zone, rng: &rng)
            let messages = makeThread(number: thread, start: start, rng: &rng, counter: &messageCounter)
            let home = Int(UInt64(thread) &* 2_654_435_761 % UInt64(writers.count))
            for m in messages {
                // Most rows go to the thread's export; some replies land in another one.
                let fileIndex = m.isReply && rng.chance(0.1) ? rng.int(0...(writers.count - 1)) : home
                // The CSV row's size drives --size in both formats, so that both hold the same messages.
                let row = m.row(forFile: fileIndex)
                try writers[fileIndex].write(mbox ? m.mbox() : row)
                written += Int64(row.utf8.count)
                summary.messages += 1
                if rng.chance(0.003) {
                    // The same mail in a second export (overlapping exports): counted once.
                    let other = (fileIndex + 1) % writers.count
                    let copy = m.row(forFile: other)
                    try writers[other].write(mbox ? m.mbox() : copy)
                    written += Int64(copy.utf8.count)
                }
            }
            thread += 1
        }
        for w in writers { try w.close() }
        summary.threads = thread
        summary.bytes = written
        return summary
    }

    // MARK: Files

    static let canonicalColumns = ["message_id", "thread_id", "in_reply_to", "sent_at", "from", "to", "cc", "subject", "body"]
    /// The second export has another column order and an extra column, as another mail tool would write.
    static let otherColumns = ["sent_at", "from", "to", "cc", "subject", "message_id", "in_reply_to", "thread_id", "x_mailer", "body"]

    static func columns(forFile i: Int) -> [String] { i % 4 == 1 ? otherColumns : canonicalColumns }
    static func lineEnd(forFile i: Int) -> String { i % 4 == 2 ? "\r\n" : "\n" }

    static func header(forFile i: Int) -> String {
        (i % 4 == 3 ? "\u{FEFF}" : "") + columns(forFile: i).joined(separator: ",") + lineEnd(forFile: i)
    }

    struct Message {
        var id: String
        var threadID: String
        var inReplyTo: String
        var sentAt: String
        var from: String
        var to: String
        var cc: String
        var subject: String
        var body: String
        var isReply: Bool
        /// When it was sent and the sender's UTC offset (for the mbox Date header).
        var at = Instant(nanoseconds: 0)
        var offset = 0

        func row(forFile i: Int) -> String {
            let values: [String: String] = [
                "message_id": id, "thread_id": threadID, "in_reply_to": inReplyTo, "sent_at": sentAt, "from": from, "to": to,
                "cc": cc, "subject": subject, "body": body, "x_mailer": "Rapport Synthetic 1.0",
            ]
            let end = EmailGenerator.lineEnd(forFile: i)
            return EmailGenerator.columns(forFile: i).map { csvQuote(values[$0]!, lineEnd: end) }.joined(separator: ",") + end
        }

        /// The message as an mboxrd entry: separator, headers, body (`From ` lines escaped), blank line.
        func mbox() -> String {
            let address = from.firstIndex(of: "<").map { String(from[from.index(after: $0)...].prefix { $0 != ">" }) } ?? from
            var out = "From \(address)  \(EmailGenerator.asctime(at))\nFrom: \(from)\nTo: \(to)\n"
            if !cc.isEmpty { out += "Cc: \(cc)\n" }
            out += "Subject: \(subject)\nDate: \(EmailGenerator.rfc2822(at, offset: offset))\nMessage-ID: \(id)\n"
            if !inReplyTo.isEmpty { out += "In-Reply-To: \(inReplyTo)\n" }
            // Where the CSV names the thread, so does Gmail's header (as Google Takeout writes it).
            if !threadID.isEmpty { out += "X-GM-THRID: \(threadID)\n" }
            out += "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.drop(while: { $0 == ">" }).hasPrefix("From ") { out += ">" }
                out += line + "\n"
            }
            return out + "\n"
        }
    }

    static func csvQuote(_ s: String, lineEnd: String) -> String {
        if !s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" }) { return s }
        var body = s.replacingOccurrences(of: "\"", with: "\"\"")
        if lineEnd == "\r\n" { body = body.replacingOccurrences(of: "\n", with: "\r\n") }
        return "\"" + body + "\""
    }

    // MARK: Threads

    static func address(_ person: String, _ org: Org) -> String { "\(person)@\(org.domain)" }

    static func displayName(_ person: String) -> String {
        person.split(separator: ".").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    static func mailbox(_ person: String, _ org: Org, rng: inout SeededRandom) -> String {
        let a = address(person, org)
        switch rng.int(0...3) {
        case 0: return a
        case 1:
            let parts = displayName(person).split(separator: " ")
            return "\"\(parts.last ?? ""), \(parts.first ?? "")\" <\(a)>"
        default: return "\(displayName(person)) <\(a)>"
        }
    }

    static func makeThread(number: Int, start: Instant, rng: inout SeededRandom, counter: inout Int) -> [Message] {
        var roll = rng.unit()
        var partner = partners[0]
        for p in partners {
            if roll < p.share {
                partner = p
                break
            }
            roll -= p.share
        }
        let kind = rng.unit()
        let isInternal = kind < 0.04
        let ccOnly = partner.id == "hooli" && kind > 0.5
        let threading = rng.unit()  // < 0.7 thread ids; < 0.9 in_reply_to only; else subject only
        let clientPerson = rng.pick(client.people)
        let colleague = rng.pick(client.people.filter { $0 != clientPerson })
        let agent = rng.pick(partner.people)
        let topic = rng.pick(topics) + " (#\(4000 + number % 6000))"
        let threadID = threading < 0.7 ? "thr-\(number)-\(String(rng.next() % 0xFFFFFF, radix: 16))" : ""
        var out: [Message] = []
        var t = start
        var previous: Message?

        func add(from person: String, _ org: Org, to: String, cc: String, body: String, subjectPrefix: String = "Re: ", automatic: Bool = false) {
            counter += 1
            let id = "<\(counter).\(String(rng.next() % 0xFFFF_FFFF, radix: 36))@\(org.domain)>"
            var subject = out.isEmpty ? topic : subjectPrefix + topic
            if automatic { subject = "Automatic reply: " + topic }
            let inReplyTo = (threading < 0.9 ? previous?.id : nil) ?? ""
            var text = body
            if let previous, !automatic, rng.chance(0.6) {
                text += "\n\nOn \(previous.sentAt), \(previous.from.replacingOccurrences(of: "\"", with: "")) wrote:\n"
                text += previous.body.split(separator: "\n", omittingEmptySubsequences: false).prefix(4).map { "> " + $0 }.joined(separator: "\n")
            }
            let message = Message(
                id: id, threadID: threadID, inReplyTo: inReplyTo, sentAt: stamp(t, org.zone, rng: &rng),
                from: mailbox(person, org, rng: &rng), to: to, cc: cc, subject: subject, body: text, isReply: !out.isEmpty,
                at: t, offset: org.zone.offset(at: t))
            out.append(message)
            if !automatic { previous = message }
        }

        let clientBox = mailbox(clientPerson, client, rng: &rng)
        let agentBox = mailbox(agent, partner, rng: &rng)
        if isInternal {
            add(from: clientPerson, client, to: mailbox(colleague, client, rng: &rng), cc: "", body: Text.question(style: 0, rng: &rng))
            t = t.adding(seconds: Int64(rng.logNormal(median: 3600, sigma: 1)))
            add(from: colleague, client, to: clientBox, cc: "", body: Text.answer(style: 0, rng: &rng))
            return out
        }
        let to = ccOnly ? mailbox(colleague, client, rng: &rng) : agentBox
        let cc = ccOnly ? agentBox : (rng.chance(0.3) ? mailbox(colleague, client, rng: &rng) : "")
        if rng.chance(0.02) {
            // A newsletter-like unknown sender starts some threads.
            counter += 1
            out.append(
                Message(
                    id: "<\(counter)@news.vendor-digest.example>", threadID: threadID, inReplyTo: "", sentAt: stamp(t, client.zone, rng: &rng),
                    from: "Vendor Digest <news@vendor-digest.example>", to: clientBox, cc: "", subject: topic,
                    body: Text.digest(rng: &rng), isReply: false, at: t, offset: client.zone.offset(at: t)))
            t = t.adding(seconds: 600)
        }
        add(from: clientPerson, client, to: to, cc: cc, body: Text.question(style: 0, rng: &rng))
        let rounds = rng.int(1...3)
        for round in 0..<rounds {
            if rng.chance(partner.outOfOffice) {
                let saved = t
                t = t.adding(seconds: 40)
                add(from: agent, partner, to: clientBox, cc: "", body: Text.outOfOffice(rng: &rng), automatic: true)
                t = saved
            }
            var latency = max(60, rng.logNormal(median: partner.median, sigma: partner.sigma))
            let answered = !(round == rounds - 1 && rng.chance(partner.unanswered))
            if latency > 4 * 3600 && rng.chance(partner.bump) {
                let bumpAt = t.adding(seconds: Int64(latency * rng.unit() * 0.8 + 600))
                let saved = t
                t = bumpAt
                var body = Text.bump(rng: &rng)
                if rng.chance(partner.escalation * 2) { body += "\n\n" + Text.escalation(rng: &rng) }
                add(from: clientPerson, client, to: to, cc: cc, body: body)
                t = saved
            }
            guard answered else { break }
            t = t.adding(seconds: Int64(latency))
            t = workingTime(t, zone: partner.zone, rng: &rng)
            add(from: agent, partner, to: clientBox, cc: cc, body: Text.answer(style: partner.style, rng: &rng))
            if round < rounds - 1 {
                latency = rng.logNormal(median: 5400, sigma: 1)
                t = workingTime(t.adding(seconds: Int64(latency)), zone: client.zone, rng: &rng)
                var body = Text.followUp(style: partner.style, rng: &rng)
                if rng.chance(partner.escalation) { body += "\n\n" + Text.escalation(rng: &rng) }
                add(from: clientPerson, client, to: agentBox, cc: cc, body: body)
            } else {
                if rng.chance(partner.ack) {
                    t = t.adding(seconds: Int64(rng.int(300...7200)))
                    add(from: clientPerson, client, to: agentBox, cc: cc, body: Text.acknowledgement(rng: &rng))
                }
                if rng.chance(partner.proactive) {
                    t = workingTime(t.adding(seconds: Int64(rng.int(20_000...150_000))), zone: partner.zone, rng: &rng)
                    add(from: agent, partner, to: clientBox, cc: cc, body: Text.proactive(style: partner.style, rng: &rng))
                }
            }
        }
        return out
    }

    /// Moves an instant into 08:00–18:00 on a weekday in `zone` (some slack on either side).
    static func workingTime(_ t: Instant, zone: ZoneRules, rng: inout SeededRandom) -> Instant {
        var local = zone.localSeconds(of: t)
        for _ in 0..<8 {
            let day = LocalDate(daysSinceEpoch: floorDivMod(local, 86_400).0)
            let secondOfDay = floorDivMod(local, 86_400).1
            if day.isoWeekday >= 6 {
                local = (day.adding(days: 8 - day.isoWeekday).daysSinceEpoch * 86_400) + 8 * 3600 + Int64(rng.int(0...5400))
                continue
            }
            if secondOfDay < 8 * 3600 {
                local = day.daysSinceEpoch * 86_400 + 8 * 3600 + Int64(rng.int(0...3600))
            } else if secondOfDay > 18 * 3600 + 1800 {
                local = day.adding(days: 1).daysSinceEpoch * 86_400 + 8 * 3600 + Int64(rng.int(0...3600))
                continue
            }
            break
        }
        switch zone.resolve(localSeconds: local) {
        case .unique(let s), .ambiguous(let s, _): return Instant(seconds: s)!
        case .nonexistent: return Instant(seconds: local - Int64(zone.offset(atEpochSeconds: local)))!
        }
    }

    static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The sender's local time with its offset: RFC 3339 mostly, RFC 2822 (as mail headers write it) sometimes.
    static func stamp(_ t: Instant, _ zone: ZoneRules, rng: inout SeededRandom) -> String {
        let offset = zone.offset(at: t)
        let local = t.epochSeconds + Int64(offset)
        let (days, sod) = floorDivMod(local, 86_400)
        let d = LocalDate(daysSinceEpoch: days)
        let hh = two(Int(sod / 3600)), mm = two(Int(sod / 60 % 60)), ss = two(Int(sod % 60))
        let sign = offset < 0 ? "-" : "+"
        let oh = two(abs(offset) / 3600), om = two(abs(offset) / 60 % 60)
        if rng.chance(0.25) {
            return "\(weekdays[d.isoWeekday - 1]), \(d.day) \(months[d.month - 1]) \(d.year) \(hh):\(mm):\(ss) \(sign)\(oh)\(om)"
        }
        return "\(d.description)T\(hh):\(mm):\(ss)\(sign)\(oh):\(om)"
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// `Mon, 2 Mar 2026 09:00:00 +0100` at the given UTC offset (seconds).
    static func rfc2822(_ t: Instant, offset: Int) -> String {
        let (days, sod) = floorDivMod(t.epochSeconds + Int64(offset), 86_400)
        let d = LocalDate(daysSinceEpoch: days)
        let sign = offset < 0 ? "-" : "+"
        return "\(weekdays[d.isoWeekday - 1]), \(d.day) \(months[d.month - 1]) \(d.year) \(two(Int(sod / 3600))):\(two(Int(sod / 60 % 60))):\(two(Int(sod % 60))) \(sign)\(two(abs(offset) / 3600))\(two(abs(offset) / 60 % 60))"
    }

    /// The mbox separator's date: `Mon Mar  2 08:00:00 2026`, in UTC.
    static func asctime(_ t: Instant) -> String {
        let (days, sod) = floorDivMod(t.epochSeconds, 86_400)
        let d = LocalDate(daysSinceEpoch: days)
        let day = d.day < 10 ? " \(d.day)" : "\(d.day)"
        return "\(weekdays[d.isoWeekday - 1]) \(months[d.month - 1]) \(day) \(two(Int(sod / 3600))):\(two(Int(sod / 60 % 60))):\(two(Int(sod % 60))) \(d.year)"
    }

    static func pipelineYAML(kinds: Set<SourceKind>, gzipTickets: Bool, emailFormat: EmailFormat = .csv) -> String {
        var y = """
            # Generated by `rapport generate`: synthetic logs between Acme and four partners.
            name: synthetic-weekly
            timezone: Europe/Berlin
            period: week
            client:
              name: Acme
              domains: [acme.example]
            partners:

            """
        for p in partners {
            y += "  - id: \(p.id)\n    name: \(p.name)\n    domains: [\(p.domain)]\n    targets: { first_response: 4h, response: 8h, update_every: 8h }\n"
        }
        y += """
            ignore:
              actors: ["noreply@*", "*-bot@*"]
            sources:

            """
        if kinds.contains(.email) {
            y += emailFormat == .mbox
                ? "  - { kind: email, format: mbox, path: \"email/*.mbox.gz\" }\n" : "  - { kind: email, format: rapport-email-csv, path: \"email/*.csv.gz\" }\n"
        }
        if kinds.contains(.ticket) { y += "  - { kind: ticket, format: rapport-tickets-xml, path: \"tickets/*.xml\(gzipTickets ? ".gz" : "")\", tracker: \"https://helpdesk.acme.example\" }\n" }
        if kinds.contains(.meeting) {
            y += "  - { kind: meeting, format: rapport-meetings-csv, path: \"meetings/*.csv.gz\" }\n"
            y += "  - { kind: meeting, format: rapport-meetings-xml, path: \"meetings/*.xml\" }\n"
        }
        y += """
            escalation:
              phrases: ['\\bescalat(e|ed|ing|ion)\\b', 'speak (to|with) (a|your) (manager|supervisor)']
              statuses: [Escalated]
              labels: [escalated]
              assignees: ["tier2@*"]
            outputs:
              dir: out
              formats: [csv, json, sqlite, html]
            limits:
              max_reject_ratio: 0.05

            """
        return y
    }
}
