import RapportCore

/// The page's "what changed" list (issue 19, item 3): per partner, the trust components that
/// moved most between the latest complete period and the previous complete one, each with
/// both values and their n. A component resting on fewer than `min_sample` on either side is
/// not a mover (METRICS.md: a thin figure is never the base of a delta), nor is one whose
/// change rounds to 0.0.
extension ReportPage {
    /// One component's move for one partner.
    struct Mover: Equatable {
        var partner: Int
        var component: String
        var before: ReportPageInput.Figure
        var after: ReportPageInput.Figure
        var change: Double { after.value - before.value }
    }

    /// Why a partner has no mover.
    enum Stillness: Equatable {
        /// No trust row in one of the two periods.
        case noData(period: String)
        /// No component rests on `min_sample` or more in both periods.
        case thin
        /// Every comparable component moved by less than 0.05.
        case unchanged
    }

    /// What the list shows: the two periods, the movers (largest absolute change first, at
    /// most `perPartner` per partner) and, by partner, why one has none or how many smaller
    /// moves were left out.
    struct Changes {
        var previous: Period
        var latest: Period
        var movers: [Mover]
        var still: [Int: Stillness]
        var leftOut: [Int: Int]
    }

    static let moversPerPartner = 3

    /// The latest complete period and the complete one before it (nil without two).
    static func changePeriods(_ input: ReportPageInput) -> (previous: Period, latest: Period)? {
        let complete = Set(input.trust.filter(\.complete).map(\.period)).sorted()
        guard complete.count >= 2 else { return nil }
        return (complete[complete.count - 2], complete[complete.count - 1])
    }

    static func changes(_ input: ReportPageInput) -> Changes? {
        guard let (previous, latest) = changePeriods(input) else { return nil }
        let order = riskOrder(input, period: latest)
        let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        var hasRow: Set<String> = []
        for r in input.trust { hasRow.insert("\(r.period.label)|\(r.partner)") }
        var out = Changes(previous: previous, latest: latest, movers: [], still: [:], leftOut: [:])
        for i in order {
            let id = input.partners[i].id
            if let missing = [previous, latest].first(where: { !hasRow.contains("\($0.label)|\(i)") }) {
                out.still[i] = .noData(period: missing.label)
                continue
            }
            let before = input.cardFigures[previous.label + "|" + id] ?? [:]
            let after = input.cardFigures[latest.label + "|" + id] ?? [:]
            var comparable = 0
            var moved: [Mover] = []
            for c in TrustRow.componentNames {
                guard let b = before[c], let a = after[c], b.n >= input.minSample, a.n >= input.minSample else { continue }
                comparable += 1
                let m = Mover(partner: i, component: c, before: b, after: a)
                if abs(m.change) >= 0.05 { moved.append(m) }
            }
            if moved.isEmpty {
                out.still[i] = comparable == 0 ? .thin : .unchanged
                continue
            }
            // Stable: equal changes keep the components' order.
            moved = moved.enumerated().sorted { x, y in
                abs(x.element.change) != abs(y.element.change) ? abs(x.element.change) > abs(y.element.change) : x.offset < y.offset
            }.map(\.element)
            if moved.count > moversPerPartner { out.leftOut[i] = moved.count - moversPerPartner }
            out.movers += moved.prefix(moversPerPartner)
        }
        let componentRank = Dictionary(uniqueKeysWithValues: TrustRow.componentNames.enumerated().map { ($1, $0) })
        out.movers.sort { x, y in
            if abs(x.change) != abs(y.change) { return abs(x.change) > abs(y.change) }
            if x.partner != y.partner { return rank[x.partner]! < rank[y.partner]! }
            return componentRank[x.component]! < componentRank[y.component]!
        }
        return out
    }

    /// The list as HTML: a table of the movers, then a line per partner without one.
    static func whatChanged(_ input: ReportPageInput) -> String {
        guard let changes = changes(input) else {
            guard !input.trust.isEmpty else { return "" }
            return "<h2>What changed</h2>\n<p class=\"muted\">Nothing to compare yet: the window holds fewer than two complete periods.</p>\n"
        }
        let (before, after) = (changes.previous.label, changes.latest.label)
        var h = "<h2>What changed, \(e(before)) to \(e(after))</h2>\n"
        h += "<p class=\"muted\">Each partner's trust components that moved most between the last two complete periods (at most \(moversPerPartner) per partner), "
        h += "largest change first. A component resting on fewer than \(input.minSample) (min_sample) in either period is not compared.</p>\n"
        if changes.movers.isEmpty {
            h += "<p>No component qualifies as a mover.</p>\n"
        } else {
            h += "<div class=\"scroll\"><table class=\"changes\"><thead><tr><th scope=\"col\">Partner</th><th scope=\"col\">Component</th>"
            h += "<th scope=\"col\" class=\"num\">\(e(before))</th><th scope=\"col\" class=\"num\">\(e(after))</th><th scope=\"col\" class=\"num\">Change</th></tr></thead><tbody>\n"
            for m in changes.movers {
                let up = m.change > 0
                h += "<tr><td>\(e(input.partners[m.partner].id))</td><td title=\"\(e(componentMeaning[m.component] ?? ""))\">\(e(m.component))</td>"
                h += "<td class=\"num\">\(fmt(m.before.value, 1)) <span class=\"n\">n \(m.before.n)</span></td>"
                h += "<td class=\"num\">\(fmt(m.after.value, 1)) <span class=\"n\">n \(m.after.n)</span></td>"
                h += "<td class=\"num \(up ? "up" : "down")\">\(up ? "▲ +" : "▼ −")\(fmt(abs(m.change), 1))</td></tr>\n"
            }
            h += "</tbody></table></div>\n"
        }
        var notes: [String] = []
        for i in riskOrder(input, period: changes.latest) {
            let id = e(input.partners[i].id)
            if let more = changes.leftOut[i] {
                notes.append("\(id): \(more) smaller \(more == 1 ? "change" : "changes") in the trust table")
            }
            switch changes.still[i] {
            case .noData(let period)?: notes.append("\(id): no data in \(e(period)), nothing to compare")
            case .thin?: notes.append("\(id): no component rests on \(input.minSample) or more in both periods")
            case .unchanged?: notes.append("\(id): no component moved")
            case nil: break
            }
        }
        if !notes.isEmpty { h += "<ul class=\"muted\">" + notes.map { "<li>\($0)</li>" }.joined() + "</ul>\n" }
        return h
    }
}
