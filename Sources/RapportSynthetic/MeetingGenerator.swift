import Foundation
import RapportCore

/// Generates meeting logs: a weekly review and two stand-ups with each partner plus ad-hoc calls, in
/// `rapport-meetings-csv` (one row per invitee, re-joins as extra rows) and, for reviews
/// with minutes, `rapport-meetings-xml` (utterances and action items). Partners differ in
/// punctuality, attendance, cancellations and how often they finish action items on time.
public struct MeetingGenerator {
    public struct Summary: Sendable {
        public var files: [String] = []
        public var meetings = 0
        public var rows = 0
    }

    struct Habit {
        var lateMedian: Double
        var absence: Double
        var cancel: Double
        var reschedule: Double
        var actionsOnTime: Double
    }

    static let habits: [String: Habit] = [
        "globex": Habit(lateMedian: 60, absence: 0.03, cancel: 0.03, reschedule: 0.05, actionsOnTime: 0.9),
        "initech": Habit(lateMedian: 420, absence: 0.2, cancel: 0.12, reschedule: 0.15, actionsOnTime: 0.5),
        "umbrella": Habit(lateMedian: 180, absence: 0.08, cancel: 0.05, reschedule: 0.08, actionsOnTime: 0.75),
        "hooli": Habit(lateMedian: 240, absence: 0.1, cancel: 0.08, reschedule: 0.1, actionsOnTime: 0.7),
    ]

    public static func generate(directory: String, weeks: Int, end: LocalDate, seed: UInt64, scale: Double) throws(RapportError) -> Summary {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RapportError(.failed, file: directory, "cannot create the folder: \(error.localizedDescription)")
        }
        var rng = SeededRandom(seed: seed &+ 202)
        let csvPath = directory + "/meetings.csv.gz"
        let xmlPath = directory + "/minutes.xml"
        let csv = try TextOut(path: csvPath, gzip: true, level: 6)
        let xml = try TextOut(path: xmlPath, gzip: false, level: 6)
        try csv.write("meeting_id,title,scheduled_start,scheduled_end,actual_start,actual_end,status,participant,joined_at,left_at\n")
        try xml.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<meetings>\n")
        var summary = Summary(files: [csvPath, xmlPath])
        let client = EmailGenerator.client
        let firstMonday = end.adding(days: -7 * weeks)
        let extraPerWeek = max(0, Int(scale.rounded()))
        var number = 0
        for week in 0..<weeks {
            for (k, partner) in EmailGenerator.partners.enumerated() {
                // The weekly review, Tuesday to Friday at 10:00 Berlin time, one partner a day.
                let day = firstMonday.adding(days: 7 * week + 1 + k % 4)
                let start = client.zone.startOfDay(day).adding(seconds: 10 * 3600)
                number += 1
                let rows = try meeting(
                    id: "M-\(number)", title: "Weekly review with \(partner.name)", start: start, minutes: 45, partner: partner,
                    withMinutes: week % 2 == 0, csv: csv, xml: xml, rng: &rng)
                summary.rows += rows
                summary.meetings += 1
                // Two stand-ups a week (Monday and Thursday, 09:30), without minutes.
                for offset in [0, 3] {
                    number += 1
                    let standUp = client.zone.startOfDay(firstMonday.adding(days: 7 * week + offset)).adding(seconds: 9 * 3600 + 1800)
                    summary.rows += try meeting(
                        id: "M-\(number)", title: "Stand-up with \(partner.name)", start: standUp, minutes: 15, partner: partner,
                        withMinutes: false, csv: csv, xml: xml, rng: &rng)
                    summary.meetings += 1
                }
                for _ in 0..<extraPerWeek where rng.chance(0.5) {
                    number += 1
                    let adHoc = client.zone.startOfDay(firstMonday.adding(days: 7 * week + rng.int(0...4))).adding(seconds: Int64(rng.int(9...16)) * 3600)
                    summary.rows += try meeting(
                        id: "M-\(number)", title: "Call: \(rng.pick(EmailGenerator.topics))", start: adHoc, minutes: 30, partner: partner,
                        withMinutes: false, csv: csv, xml: xml, rng: &rng)
                    summary.meetings += 1
                }
            }
        }
        try xml.write("</meetings>\n")
        try csv.close()
        try xml.close()
        return summary
    }

    static func meeting(
        id: String, title: String, start: Instant, minutes: Int, partner: EmailGenerator.Org, withMinutes: Bool, csv: TextOut, xml: TextOut,
        rng: inout SeededRandom
    ) throws(RapportError) -> Int {
        let habit = habits[partner.id]!
        let client = EmailGenerator.client
        let end = start.adding(seconds: Int64(minutes * 60))
        var status = "held"
        let roll = rng.unit()
        if roll < habit.cancel { status = rng.chance(0.7) ? "cancelled" : "no_show" } else if roll < habit.cancel + habit.reschedule { status = "rescheduled" }
        let overrun = status == "held" ? Int64(rng.logNormal(median: 240, sigma: 1.2) - 240) : 0
        let actualEnd = end.adding(seconds: overrun)
        let people = [
            EmailGenerator.address(client.people[0], client), EmailGenerator.address(rng.pick(client.people), client),
        ] + partner.people.prefix(3).map { EmailGenerator.address($0, partner) }
        let invitees = Array(Set(people)).sorted()
        func stamp(_ t: Instant) -> String { t.rfc3339 }
        var rows = 0
        var joins: [(String, Instant, Instant)] = []
        for who in invitees {
            let isPartner = who.hasSuffix(partner.domain)
            var joined: Instant?
            var left: Instant?
            if status == "held" && !(isPartner && rng.chance(habit.absence)) {
                let late = isPartner ? rng.logNormal(median: habit.lateMedian, sigma: 0.8) : rng.logNormal(median: 45, sigma: 0.8)
                joined = start.adding(seconds: Int64(late) - 60)
                left = actualEnd.adding(seconds: -Int64(rng.int(0...60)))
            }
            let common = "\(id),\(csvText(title)),\(stamp(start)),\(stamp(end)),\(status == "held" ? stamp(start.adding(seconds: 30)) : ""),\(status == "held" ? stamp(actualEnd) : ""),\(status)"
            if let j = joined, let l = left, rng.chance(0.1) {
                // A dropped connection: two rows, the second after a re-join.
                let drop = j.adding(seconds: Int64(rng.int(300...1200)))
                try csv.write("\(common),\(who),\(stamp(j)),\(stamp(drop))\n")
                try csv.write("\(common),\(who),\(stamp(drop.adding(seconds: 90))),\(stamp(l))\n")
                rows += 2
            } else {
                try csv.write("\(common),\(who),\(joined.map(stamp) ?? ""),\(left.map(stamp) ?? "")\n")
                rows += 1
            }
            if let j = joined, let l = left { joins.append((who, j, l)) }
        }
        if withMinutes && status == "held" {
            var m = "  <meeting id=\"\(id)\" title=\"\(TicketGenerator.xmlEscape(title))\" scheduled_start=\"\(stamp(start))\" scheduled_end=\"\(stamp(end))\" actual_start=\"\(stamp(start.adding(seconds: 30)))\" actual_end=\"\(stamp(actualEnd))\" status=\"held\">\n"
            for (who, j, l) in joins { m += "    <participant who=\"\(who)\" joined=\"\(stamp(j))\" left=\"\(stamp(l))\"/>\n" }
            var t = start.adding(seconds: 120)
            for _ in 0..<rng.int(4...10) {
                let who = joins.isEmpty ? invitees[0] : rng.pick(joins).0
                let length = Int64(rng.int(20...240))
                m += "    <utterance who=\"\(who)\" at=\"\(stamp(t))\" until=\"\(stamp(t.adding(seconds: length)))\">\(TicketGenerator.xmlEscape(rng.pick(Sentences.plainAnswers).filled(rng: &rng)))</utterance>\n"
                t = t.adding(seconds: length + 5)
            }
            let day = client.zone.localDate(of: start)
            for k in 0..<rng.int(1...3) {
                let owner = EmailGenerator.address(rng.pick(partner.people), partner)
                let due = day.adding(days: rng.int(2...6))
                let done = rng.chance(habit.actionsOnTime) ? due.adding(days: -rng.int(0...1)) : (rng.chance(0.5) ? due.adding(days: rng.int(1...4)) : nil)
                m += "    <action-item id=\"\(id)-A\(k + 1)\" owner=\"\(owner)\" due=\"\(due)\"\(done.map { " done=\"\($0)\"" } ?? "")/>\n"
            }
            m += "  </meeting>\n"
            try xml.write(m)
        }
        return rows
    }

    static func csvText(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
