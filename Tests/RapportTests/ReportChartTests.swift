import Foundation
import RapportCore
import RapportIngest
@testable import RapportSinks
import Testing

/// The page's charts and cards on a small hand-made history (figures worked out below):
/// an even time axis with the year, hollow grey points under min_sample, markers and dashes
/// per partner, SLA target lines, the volume chart, captions and data tables, n on the cards.
@Suite struct ReportChartTests {
    typealias Point = ReportPageInput.HistoryPoint

    /// Two partners, weeks 2026-W52, 2026-W53 and 2027-W02 (no data in 2027-W01).
    /// Alpha: turns 10, 3, 12; business p50 1 h (n 10), 2 h (n 3), 1.5 h (n 12); 6, 3, 8 conversations.
    /// Beta: turns 20 each; business p50 10 h, 7.5 h, 5 h (n 20); 10, 9, 11 conversations.
    static func input() -> ReportPageInput {
        func point(_ period: String, _ start: String, _ partner: String, trust: Double, turns: Int, p50: Double, n: Int, conversations: Int) -> Point {
            var p = Point(period: period, partner: partner, trustIndex: trust, latencyP50: p50 * 2, latencyP90: nil, escalationRate: nil)
            p.periodStart = start
            p.businessLatencyP50 = p50
            p.conversations = conversations
            p.turns = turns
            p.samples = ["trust": turns, "business_latency": n, "latency": n]
            return p
        }
        let history = [
            point("2026-W52", "2026-12-21", "alpha", trust: 80, turns: 10, p50: 3600, n: 10, conversations: 6),
            point("2026-W52", "2026-12-21", "beta", trust: 60, turns: 20, p50: 36000, n: 20, conversations: 10),
            point("2026-W53", "2026-12-28", "alpha", trust: 70, turns: 3, p50: 7200, n: 3, conversations: 3),
            point("2026-W53", "2026-12-28", "beta", trust: 62, turns: 20, p50: 27000, n: 20, conversations: 9),
            point("2027-W02", "2027-01-11", "alpha", trust: 90, turns: 12, p50: 5400, n: 12, conversations: 8),
            point("2027-W02", "2027-01-11", "beta", trust: 65, turns: 20, p50: 18000, n: 20, conversations: 11),
        ]
        let week = Period(kind: .week, containing: LocalDate(year: 2027, month: 1, day: 11)!)
        var alpha = TrustRow(
            period: week, partner: 0, trustIndex: 90, trustIndexDelta: nil, band: "excellent", coverage: 0.75,
            components: ["responsiveness": 91.67, "escalation": 87.5], conversations: 8, turns: 12, messages: 30)
        alpha.complete = true
        let beta = TrustRow(
            period: week, partner: 1, trustIndex: 65, trustIndexDelta: nil, band: "watch", coverage: 0.6, components: ["responsiveness": 65],
            conversations: 11, turns: 20, messages: 40)
        var input = ReportPageInput(
            title: "t", runID: "r", asOf: "2027-01-18T00:00:00Z", window: "2026-W52 to 2027-W02",
            partners: [PartnerInfo(id: "alpha", name: "Alpha"), PartnerInfo(id: "beta", name: "Beta")], trust: [alpha, beta], history: history,
            quality: [], rejectReasons: [], notes: [], definitions: [], definitionsVersion: "3", pseudonymized: false)
        input.minSample = 5
        input.businessClock = true
        input.targets = [
            "alpha": .init(firstResponse: 4 * 3600, response: 8 * 3600), "beta": .init(firstResponse: 8 * 3600, response: 24 * 3600),
        ]
        input.cardFigures = [
            "2027-W02|alpha": [
                "responsiveness": .init(value: 91.666, n: 12), "escalation": .init(value: 87.5, n: 8), "reliability": .init(value: 75, n: 4),
                "client respect": .init(value: 64.25, n: 9),
            ],
            "2027-W02|beta": ["responsiveness": .init(value: 65, n: 20)],
        ]
        return input
    }

    /// The figure of the chart whose title is `title`.
    static func figure(_ html: String, _ title: String) -> String {
        for part in html.components(separatedBy: "<figure class=\"chart\">").dropFirst() where part.contains(">\(title)</text>") {
            return part.components(separatedBy: "</figure>")[0]
        }
        return ""
    }

    static func count(_ text: String, _ needle: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func periodsAreEvenlySpacedWithTheYearAndGapsStayGaps() {
        let html = ReportPage.html(Self.input())
        let trust = Self.figure(html, "Trust index")
        // x = 40 + k · 290 / 3 for the weeks' positions k = 0, 1, 3 (2027-W01 has no data).
        // y = 26 + 134 · (1 − v / 100): 80 → 52.8, 60 → 79.6, 62 → 76.9, 90 → 39.4, 65 → 72.9.
        #expect(trust.contains("<circle cx=\"40.0\" cy=\"52.8\" r=\"3.5\" fill=\"#2563eb\""))
        #expect(trust.contains("<circle cx=\"330.0\" cy=\"39.4\" r=\"3.5\" fill=\"#2563eb\""))
        #expect(trust.contains("<rect x=\"133.5\" y=\"73.7\" width=\"6.4\" height=\"6.4\" fill=\"#d97706\""))  // beta W53 at (136.7, 76.9)
        // Beta's W52–W53 is joined, dashed; nothing is drawn across the missing week.
        #expect(trust.contains("<polyline fill=\"none\" stroke=\"#d97706\" stroke-width=\"2\" stroke-dasharray=\"7 3\" points=\"40.0,79.6 136.7,76.9\"/>"))
        #expect(Self.count(trust, "<polyline") == 1)
        // Period labels without their year, the year under the first label of each year.
        for label in [">W52</text>", ">W53</text>", ">W02</text>", ">2026</text>", ">2027</text>"] { #expect(trust.contains(label), "\(label)") }
        #expect(Self.count(trust, ">2026</text>") == 1)
    }

    @Test func aFigureUnderMinSampleIsAHollowGreyPointOffTheLine() {
        let html = ReportPage.html(Self.input())
        let trust = Self.figure(html, "Trust index")
        // Alpha's W53 rests on 3 turns: hollow and grey, and the line does not run through it.
        #expect(trust.contains("<circle cx=\"136.7\" cy=\"66.2\" r=\"3.5\" fill=\"#fff\" stroke=\"#64748b\" stroke-width=\"1.5\"><title>alpha 2026-W53: 70.0 (n 3, under min_sample 5: not a full point)</title>"))
        #expect(!trust.contains("fill=\"#2563eb\" stroke=\"#2563eb\" stroke-width=\"1.5\"><title>alpha 2026-W53"))
        #expect(!trust.contains("stroke=\"#2563eb\" stroke-width=\"2\""))  // alpha has no two full points in a row
        // The data table holds it greyed, with its n.
        #expect(trust.contains("<tr><th scope=\"row\">2026-W53</th><td class=\"num thin\">70.0 <span class=\"n\">n 3</span></td><td class=\"num\">62.0 <span class=\"n\">n 20</span></td></tr>"))
        // Counts rest on no sample: the volume chart has no hollow point, and alpha's W52–W53 is a line.
        let volume = Self.figure(html, "Conversations (volume)")
        #expect(!volume.contains("fill=\"#fff\""))
        // y = 26 + 134 · (1 − v / 15) (11 at most: ticks of 5 up to 15): 6 → 106.4, 3 → 133.2.
        #expect(volume.contains("<polyline fill=\"none\" stroke=\"#2563eb\" stroke-width=\"2\" points=\"40.0,106.4 136.7,133.2\"/>"))
        #expect(volume.contains("<tr><th scope=\"row\">2027-W02</th><td class=\"num\">8</td><td class=\"num\">11</td></tr>"))
    }

    @Test func latencyChartsDrawTheTargetsOnTheSLAClock() {
        let html = ReportPage.html(Self.input())
        let p50 = Self.figure(html, "Response time p50 (working hours)")
        // Values up to 10 h: ticks of 5 h to 10 h. Alpha's 8 h target at y = 26 + 134 · 0.2 = 52.8;
        // beta's 24 h is more than twice the largest value, so the caption names it instead.
        #expect(p50.contains("<line x1=\"40.0\" y1=\"52.8\" x2=\"330.0\" y2=\"52.8\" stroke=\"#334155\" stroke-width=\"1\" stroke-dasharray=\"5 3\"/>"))
        #expect(p50.contains(">target 8 h: alpha</text>"))
        #expect(!p50.contains(">target 24 h: beta</text>"))
        #expect(p50.contains("Above the chart: target 24 h: beta."))
        #expect(p50.contains("(first responses: alpha 4 h, beta 8 h)"))
        // Business latency (the SLA clock), not calendar (which the input sets to twice as long).
        #expect(p50.contains("<tr><th scope=\"row\">2026-W52</th><td class=\"num\">1.0 h <span class=\"n\">n 10</span></td><td class=\"num\">10.0 h <span class=\"n\">n 20</span></td></tr>"))
        var calendar = Self.input()
        calendar.businessClock = false
        let hours = Self.figure(ReportPage.html(calendar), "Response time p50 (hours)")
        #expect(hours.contains("<td class=\"num\">2.0 h <span class=\"n\">n 10</span></td><td class=\"num\">20.0 h <span class=\"n\">n 20</span></td>"))
        #expect(hours.contains(">target 24 h: beta</text>"))  // within twice the largest value (20 h) now
    }

    @Test func everyChartHasACaptionAndADataTable() throws {
        let html = ReportPage.html(Self.input())
        #expect(Self.count(html, "<figure class=\"chart\">") == 8)
        #expect(Self.count(html, "<figcaption id=\"chart-") == 8)
        #expect(Self.count(html, "<details class=\"chart-data\"><summary>") == 8)
        for k in 1...8 { #expect(html.contains("aria-labelledby=\"chart-\(k)-title chart-\(k)\""), "chart \(k)") }
        // One header per partner and a row header per period, in every table.
        #expect(Self.count(html, "<th scope=\"col\">alpha</th><th scope=\"col\">beta</th>") == 8)
        #expect(Self.count(html, "<th scope=\"row\">2026-W53</th>") == 8)
        // Series differ by marker and dash as well as colour: the legend shows both.
        #expect(html.contains("<line x1=\"1\" y1=\"6\" x2=\"29\" y2=\"6\" stroke=\"#2563eb\" stroke-width=\"2\"/><circle"))
        #expect(html.contains("<line x1=\"1\" y1=\"6\" x2=\"29\" y2=\"6\" stroke=\"#d97706\" stroke-width=\"2\" stroke-dasharray=\"7 3\"/><rect"))
        // Well-formed XML.
        let path = temporaryDirectory() + "/page.html"
        try html.write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try XMLStreamReader(source: FileByteSource(path: path))
        while try reader.next() != nil {}
    }

    @Test func cardsShowNBesideEveryFigureAndGreyThinOnes() {
        let html = ReportPage.html(Self.input())
        let alpha = html.components(separatedBy: "<div class=\"card\"><h3>Alpha")[1].components(separatedBy: "</table>")[0]
        #expect(alpha.contains("responsiveness</td><td class=\"num\">91.7</td><td class=\"num n\">n 12</td>"))
        // Reliability rests on 4 (under 5): shown greyed with its n, not in the index.
        #expect(alpha.contains("reliability</td><td class=\"num thin\" title=\"n under min_sample 5: not in the index\">75.0</td><td class=\"num n\">n 4</td>"))
        #expect(alpha.contains("clarity</td><td class=\"num\"><span class=\"muted\">–</span></td><td class=\"num n\"></td>"))
        #expect(alpha.contains("(not in the index)</span></td><td class=\"num\">64.3</td><td class=\"num n\">n 9</td>"))
        // The index beside the conversations and turns it rests on.
        #expect(alpha.contains("<span class=\"index\">90.0</span> <span class=\"n\">n 8 conversations · 12 turns</span>"))
    }
}
