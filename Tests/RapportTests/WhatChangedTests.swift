import Foundation
import RapportCore
@testable import RapportSinks
import Testing

/// The page's "what changed" list and the trust table's n, on a hand-made report of three
/// partners over weeks 2027-W01 and 2027-W02 (complete) and 2027-W03 (partial). min_sample 5.
///
/// alpha, W01 → W02: responsiveness 80 (n 10) → 91.666 (n 12): +11.666, shown +11.7;
/// escalation 90 (n 10) → 87.5 (n 8): −2.5; reliability 60 (n 4) → 75 (n 6): thin before, not
/// a mover although +15; clarity 70 (n 8) → 70.02 (n 9): rounds to 0.0, not a mover;
/// transparency 50 (n 6) → 58 (n 6): +8; respect 55 (n 12) → 50 (n 12): −5. Largest three:
/// responsiveness, transparency, respect; escalation is the one smaller change left out.
/// W03 (partial): responsiveness 10 (n 20), never compared.
/// beta: responsiveness 65 (n 20) → 80 (n 3), escalation 90 (n 4) → 70 (n 30): thin on one side each.
/// gamma: data in W02 only.
/// Risk order on W02 (index): beta 65, gamma 70, alpha 90.
@Suite struct WhatChangedTests {
    typealias Figure = ReportPageInput.Figure

    static func week(_ n: Int) -> Period { Period(kind: .week, containing: LocalDate(year: 2027, month: 1, day: 4 + 7 * (n - 1))!) }

    static func row(_ week: Int, partner: Int, index: Double, components: [String: Double], turns: Int, complete: Bool = true) -> TrustRow {
        var r = TrustRow(
            period: Self.week(week), partner: partner, trustIndex: index, trustIndexDelta: nil, band: nil, coverage: 0.8, components: components,
            conversations: 5, turns: turns, messages: 20)
        r.complete = complete
        return r
    }

    static func input(partners: [String] = ["alpha", "beta", "gamma"]) -> ReportPageInput {
        var trust = [
            row(1, partner: 0, index: 80, components: ["responsiveness": 80, "escalation": 90, "clarity": 70, "transparency": 50, "respect": 55], turns: 10),
            row(2, partner: 0, index: 90, components: ["responsiveness": 91.666, "escalation": 87.5, "reliability": 75, "clarity": 70.02, "transparency": 58, "respect": 50], turns: 12),
            row(3, partner: 0, index: 40, components: ["responsiveness": 10], turns: 20, complete: false),
            row(1, partner: 1, index: 60, components: ["responsiveness": 65], turns: 20),
            row(2, partner: 1, index: 65, components: ["escalation": 70], turns: 3),
            row(2, partner: 2, index: 70, components: [:], turns: 7),
        ]
        trust = trust.filter { $0.partner < partners.count }
        var input = ReportPageInput(
            title: "t", runID: "r", asOf: "2027-01-20T00:00:00Z", window: "2027-W01 to 2027-W03",
            partners: partners.map { PartnerInfo(id: $0, name: $0.capitalized) }, trust: trust, history: [],
            quality: [], rejectReasons: [], notes: [], definitions: [], definitionsVersion: "3", pseudonymized: false)
        input.minSample = 5
        input.cardFigures = [
            "2027-W01|alpha": [
                "responsiveness": Figure(value: 80, n: 10), "escalation": Figure(value: 90, n: 10), "reliability": Figure(value: 60, n: 4),
                "clarity": Figure(value: 70, n: 8), "transparency": Figure(value: 50, n: 6), "respect": Figure(value: 55, n: 12),
            ],
            "2027-W02|alpha": [
                "responsiveness": Figure(value: 91.666, n: 12), "escalation": Figure(value: 87.5, n: 8), "reliability": Figure(value: 75, n: 6),
                "clarity": Figure(value: 70.02, n: 9), "transparency": Figure(value: 58, n: 6), "respect": Figure(value: 50, n: 12),
            ],
            "2027-W03|alpha": ["responsiveness": Figure(value: 10, n: 20)],
            "2027-W01|beta": ["responsiveness": Figure(value: 65, n: 20), "escalation": Figure(value: 90, n: 4)],
            "2027-W02|beta": ["responsiveness": Figure(value: 80, n: 3), "escalation": Figure(value: 70, n: 30)],
            "2027-W02|gamma": [:],
        ]
        return input
    }

    @Test func moversAreTheLargestChangesBetweenTheLastTwoCompletePeriods() throws {
        let changes = try #require(ReportPage.changes(Self.input()))
        #expect(changes.previous.label == "2027-W01" && changes.latest.label == "2027-W02")  // W03 is partial
        #expect(changes.movers.map(\.component) == ["responsiveness", "transparency", "respect"])
        #expect(changes.movers.allSatisfy { $0.partner == 0 })
        #expect(abs(changes.movers[0].change - 11.666) < 1e-9)
        #expect(changes.movers[2].before == Figure(value: 55, n: 12) && changes.movers[2].after == Figure(value: 50, n: 12))
        #expect(changes.leftOut == [0: 1])  // escalation, −2.5
        #expect(changes.still == [1: .thin, 2: .noData(period: "2027-W01")])
    }

    @Test func theListShowsBothValuesTheirNAndTheChange() {
        let html = ReportPage.html(Self.input())
        let section = html.components(separatedBy: "<h2>What changed, 2027-W01 to 2027-W02</h2>")[1].components(separatedBy: "<h2>")[0]
        let rows = section.components(separatedBy: "<tr><td>").dropFirst().map { $0.components(separatedBy: "</tr>")[0] }
        #expect(rows.count == 3)
        #expect(
            rows[0] == "alpha</td><td title=\"Share of turns answered within the SLA target.\">responsiveness</td>"
                + "<td class=\"num\">80.0 <span class=\"n\">n 10</span></td><td class=\"num\">91.7 <span class=\"n\">n 12</span></td>"
                + "<td class=\"num up\">▲ +11.7</td>")
        #expect(rows[1].contains(">transparency</td><td class=\"num\">50.0 <span class=\"n\">n 6</span></td><td class=\"num\">58.0 <span class=\"n\">n 6</span></td><td class=\"num up\">▲ +8.0</td>"))
        #expect(rows[2].contains(">respect</td><td class=\"num\">55.0 <span class=\"n\">n 12</span></td><td class=\"num\">50.0 <span class=\"n\">n 12</span></td><td class=\"num down\">▼ −5.0</td>"))
        // Thin on either side, unchanged, or partial: never listed.
        #expect(!section.contains(">reliability<") && !section.contains(">clarity<") && !section.contains("10.0"))
        #expect(
            section.contains(
                "<ul class=\"muted\"><li>beta: no component rests on 5 or more in both periods</li><li>gamma: no data in 2027-W01, nothing to compare</li>"
                    + "<li>alpha: 1 smaller change in the trust table</li></ul>"))
        // Near the top: after the cards, before the attention lists and the charts.
        let cards = html.range(of: "<h2>Partners, 2027-W02</h2>")!.lowerBound
        let changed = html.range(of: "<h2>What changed")!.lowerBound
        let table = html.range(of: "<h2>Trust report</h2>")!.lowerBound
        #expect(cards < changed && changed < table)
    }

    @Test func nothingQualifiesIsSaid() {
        let html = ReportPage.html(Self.input(partners: ["alpha", "beta"]).with { $0.trust.removeAll { $0.partner == 0 } })
        #expect(html.contains("<h2>What changed, 2027-W01 to 2027-W02</h2>"))
        #expect(html.contains("<p>No component qualifies as a mover.</p>"))
        #expect(html.contains("<li>beta: no component rests on 5 or more in both periods</li>"))
        // One complete period: nothing to compare.
        let one = ReportPage.html(Self.input().with { $0.trust.removeAll { $0.period == Self.week(1) } })
        #expect(one.contains("<h2>What changed</h2>\n<p class=\"muted\">Nothing to compare yet: the window holds fewer than two complete periods.</p>"))
    }

    @Test func theTrustTableShowsNBesideEveryFigure() {
        let html = ReportPage.html(Self.input())
        let table = html.components(separatedBy: "<h2>Trust report</h2>")[1].components(separatedBy: "</table>")[0]
        let alpha = table.components(separatedBy: "<tr><td>2027-W02</td><td>alpha</td>")[1].components(separatedBy: "</tr>")[0]
        #expect(
            alpha == "<td class=\"num\">90.0 <span class=\"n\">n 12</span></td><td class=\"num\"></td><td></td><td class=\"num\">80 %</td>"
                + "<td class=\"num\">91.7 <span class=\"n\">n 12</span></td><td class=\"num\">87.5 <span class=\"n\">n 8</span></td>"
                + "<td class=\"num\">75.0 <span class=\"n\">n 6</span></td><td class=\"num\">70.0 <span class=\"n\">n 9</span></td><td class=\"num\"></td>"
                + "<td class=\"num\">58.0 <span class=\"n\">n 6</span></td><td class=\"num\">50.0 <span class=\"n\">n 12</span></td>")
        // beta's responsiveness rests on 3: greyed with its n, not in the index.
        let beta = table.components(separatedBy: "<tr><td>2027-W02</td><td>beta</td>")[1].components(separatedBy: "</tr>")[0]
        #expect(beta.contains("<td class=\"num thin\" title=\"n under min_sample 5: not in the index\">80.0 <span class=\"n\">n 3</span></td><td class=\"num\">70.0 <span class=\"n\">n 30</span></td>"))
        #expect(table.contains("<tr><td>2027-W03 <span class=\"muted\">partial</span></td><td>alpha</td><td class=\"num\">40.0 <span class=\"n\">n 20</span></td>"))
    }
}

extension ReportPageInput {
    fileprivate func with(_ change: (inout ReportPageInput) -> Void) -> ReportPageInput {
        var copy = self
        change(&copy)
        return copy
    }
}
