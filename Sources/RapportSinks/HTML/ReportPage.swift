import Glibc
import RapportCore

/// What the HTML page shows (the run's figures plus the history in the database).
public struct ReportPageInput: Sendable {
    public struct HistoryPoint: Sendable {
        public var period: String
        public var partner: String
        public var trustIndex: Double?
        public var latencyP50: Double?
        public var latencyP90: Double?
        public var escalationRate: Double?
        /// The transparency and respect components, and the client's own politeness (never in the index).
        public var transparency: Double?
        public var respect: Double?
        public var clientPoliteness: Double?
        public init(period: String, partner: String, trustIndex: Double?, latencyP50: Double?, latencyP90: Double?, escalationRate: Double?) {
            self.period = period
            self.partner = partner
            self.trustIndex = trustIndex
            self.latencyP50 = latencyP50
            self.latencyP90 = latencyP90
            self.escalationRate = escalationRate
        }
    }

    public var title: String
    public var runID: String
    public var asOf: String
    public var window: String
    public var partners: [PartnerInfo]
    public var trust: [TrustRow]
    public var history: [HistoryPoint]
    /// Data-quality lines: (label, value) pairs, and free-text notes.
    public var quality: [(String, String)]
    public var rejectReasons: [(String, Int)]
    public var notes: [String]
    public var definitions: [MetricDefinition]
    public var definitionsVersion: String
    public var pseudonymized: Bool
    /// Misconfigurations and data conditions (code, message): the banner at the top.
    public var warnings: [(String, String)]
    /// What to look at (attention.csv's first rows per period, partner and kind), and the
    /// window's period labels its period numbers refer to.
    public var attention = AttentionDigest()
    public var windowLabels: [String] = []
    /// The client's name, shown under the title.
    public var clientName = ""

    public init(
        title: String, runID: String, asOf: String, window: String, partners: [PartnerInfo], trust: [TrustRow], history: [HistoryPoint],
        quality: [(String, String)], rejectReasons: [(String, Int)], notes: [String], definitions: [MetricDefinition],
        definitionsVersion: String, pseudonymized: Bool, warnings: [(String, String)] = []
    ) {
        self.warnings = warnings
        self.title = title
        self.runID = runID
        self.asOf = asOf
        self.window = window
        self.partners = partners
        self.trust = trust
        self.history = history
        self.quality = quality
        self.rejectReasons = rejectReasons
        self.notes = notes
        self.definitions = definitions
        self.definitionsVersion = definitionsVersion
        self.pseudonymized = pseudonymized
    }
}

/// `report.html`: one self-contained page a vendor manager reads. No scripts, fonts,
/// images or style sheets from anywhere else; charts are inline SVG; every text is
/// escaped; the markup is well-formed XHTML (any XML parser reads it).
public enum ReportPage {
    static let palette = ["#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#be185d", "#4d7c0f"]

    public static func html(_ input: ReportPageInput) -> String {
        var h = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(e(input.title)) — trust report</title>
            <style>
            body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2937; margin: 0; background: #f8fafc; }
            main { max-width: 1100px; margin: 0 auto; padding: 24px; }
            h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 28px 0 10px; } h3 { font-size: 16px; margin: 0 0 8px; }
            .meta { color: #64748b; margin-bottom: 18px; }
            .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(240px, 100%), 1fr)); gap: 14px; }
            .card { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: 14px 16px; }
            .index { font-size: 34px; font-weight: 700; } .delta { font-size: 14px; margin-left: 6px; }
            .up { color: #047857; } .down { color: #dc2626; } .muted { color: #64748b; }
            .band { display: inline-block; padding: 2px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; color: #fff; }
            .excellent { background: #047857; } .good { background: #2563eb; } .watch { background: #b45309; } .risk { background: #dc2626; } .none { background: #64748b; }
            table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; }
            th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #f1f5f9; font-size: 13px; vertical-align: top; }
            th { background: #f1f5f9; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
            details.attention-partner { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: 8px 14px; margin-bottom: 8px; }
            details.attention-partner summary { font-weight: 600; cursor: pointer; } h4 { font-size: 14px; margin: 12px 0 6px; }
            table.attention td:first-child { white-space: nowrap; } table.attention { table-layout: fixed; } table.attention td { overflow-wrap: anywhere; } a { color: #1d4ed8; }
            .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(340px, 100%), 1fr)); gap: 14px; }
            svg { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; max-width: 100%; height: auto; }
            .scroll { overflow-x: auto; } table.wrap td { overflow-wrap: anywhere; } ul { overflow-wrap: anywhere; }
            @media (max-width: 480px) {
              main { padding: 12px; } table.attention td:first-child { white-space: normal; } th, td { padding: 5px 6px; }
            }
            @page { size: A4; margin: 14mm; }
            @media print {
              body { background: #fff; font-size: 12px; } main { max-width: none; padding: 0; }
              .card, details, svg, tr { break-inside: avoid; } thead { display: table-header-group; }
              details.attention-partner { break-before: page; border: none; padding: 0; } .scroll { overflow: visible; }
              .band { color: #000; background: none; border: 1px solid #000; } th { background: none; border-bottom: 1px solid #000; }
              .warnings { background: none; } a { color: #000; text-decoration: none; }
            }
            .legend span { display: inline-block; margin-right: 12px; font-size: 13px; } .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; }
            footer { color: #94a3b8; font-size: 12px; margin-top: 30px; }
            .warnings { background: #fffbeb; border: 1px solid #b45309; border-radius: 8px; padding: 10px 14px; margin-bottom: 18px; color: #78350f; }
            .warnings ul { margin: 6px 0 0; padding-left: 20px; } .warnings code { font-size: 12px; }
            </style>
            </head>
            <body>
            <main>
            <h1>\(e(input.title))</h1>
            <div class="meta">\(input.clientName.isEmpty ? "" : "Client " + e(input.clientName) + " · ")Window \(e(input.window)) · as of \(e(input.asOf)) · run \(e(input.runID))\(input.pseudonymized ? " · people pseudonymised" : "")</div>

            """
        h += warningBanner(input)
        h += latestCards(input)
        h += attention(input)
        h += charts(input)
        h += trustTable(input)
        h += quality(input)
        h += definitions(input)
        h += "<footer>Made by Rapport. Every figure is defined below and in definitions.csv (definitions version \(e(input.definitionsVersion))).</footer>\n"
        h += "</main>\n</body>\n</html>\n"
        return h
    }

    /// What the run found wrong with its configuration or data, before any figure.
    static func warningBanner(_ input: ReportPageInput) -> String {
        guard !input.warnings.isEmpty else { return "" }
        var h = "<div class=\"warnings\" role=\"alert\"><strong>\(input.warnings.count == 1 ? "1 warning" : "\(input.warnings.count) warnings"): check these before reading the figures</strong>\n<ul>\n"
        for (code, message) in input.warnings { h += "<li>\(e(message)) <code>\(e(code))</code></li>\n" }
        return h + "</ul></div>\n"
    }

    /// The period the cards compare partners on (METRICS.md): the latest complete period in
    /// which any partner has data, else the latest period with data.
    static func cardPeriod(_ input: ReportPageInput) -> Period? {
        input.trust.filter(\.complete).map(\.period).max() ?? input.trust.map(\.period).max()
    }

    /// Partners by their index on `period`, lowest first; those without one last, in pipeline order.
    static func riskOrder(_ input: ReportPageInput, period: Period) -> [Int] {
        var index: [Int: Double] = [:]
        for r in input.trust where r.period == period { index[r.partner] = r.trustIndex }
        return input.partners.indices.sorted { a, b in
            switch (index[a], index[b]) {
            case let (x?, y?): return x != y ? x < y : a < b
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
    }

    /// Every configured partner on the same period, lowest index first (partners without data
    /// there last, shown as "no data"): index, band, delta, components.
    static func latestCards(_ input: ReportPageInput) -> String {
        guard let period = cardPeriod(input) else { return "" }
        var h = "<h2>Partners, \(e(period.label))</h2>\n<div class=\"cards\">\n"
        let rows = Dictionary(input.trust.filter { $0.period == period }.map { ($0.partner, $0) }, uniquingKeysWith: { a, _ in a })
        for i in riskOrder(input, period: period) {
            let p = input.partners[i]
            h += "<div class=\"card\"><h3>\(e(p.name)) <span class=\"muted\">(\(e(p.id)))</span></h3>\n"
            guard let r = rows[i] else {
                h += "<div><span class=\"index\">–</span></div>\n<div><span class=\"band none\">no data</span> <span class=\"muted\">nothing from this partner in \(e(period.label))</span></div>\n</div>\n"
                continue
            }
            let band = r.band ?? "not enough data"
            let bandClass = r.band.map { $0 == "at risk" ? "risk" : $0 } ?? "none"
            h += "<div><span class=\"index\">\(r.trustIndex.map { fmt($0, 1) } ?? "–")</span>"
            if let d = r.trustIndexDelta {
                h += "<span class=\"delta \(d >= 0 ? "up" : "down")\">\(d >= 0 ? "▲" : "▼") \(fmt(abs(d), 1))</span>"
            }
            let partial = r.complete ? "" : " <span class=\"band none\" title=\"the period had not ended by as-of, or the data begins inside it\">partial</span>"
            h += "</div>\n<div><span class=\"band \(bandClass)\">\(e(band))</span>\(partial) <span class=\"muted\">coverage \(fmt(r.coverage * 100, 0)) %</span></div>\n"
            h += "<table style=\"margin-top:8px\">"
            for c in TrustRow.componentNames {
                h += "<tr><td title=\"\(e(componentMeaning[c] ?? ""))\">\(e(c))</td><td class=\"num\">\(r.components[c].map { fmt($0, 1) } ?? "<span class=\"muted\">–</span>")</td></tr>"
            }
            // Respect is read both ways: the client's own tone beside the partner's, outside the index.
            if let client = input.history.first(where: { $0.period == r.period.label && $0.partner == p.id })?.clientPoliteness {
                h += "<tr><td title=\"\(e(componentMeaning["client respect"]!))\">client's own politeness <span class=\"muted\">(not in the index)</span></td><td class=\"num\">\(fmt(client, 1))</td></tr>"
            }
            h += "<tr><td>conversations · turns</td><td class=\"num\">\(r.conversations) · \(r.turns)</td></tr></table>\n</div>\n"
        }
        return h + "</div>\n"
    }

    /// Each component in plain words (shown on hover; the exact definitions are at the foot of the page).
    static let componentMeaning: [String: String] = [
        "responsiveness": "Share of turns answered within the SLA target.",
        "escalation": "Share of conversations that were not escalated.",
        "reliability": "Tickets not reopened, tickets resolved by their due date, meeting action items done on time.",
        "clarity": "How readable the partner's messages are, and how rarely the client has to ask what they mean.",
        "engagement": "Meetings attended, and joined on time.",
        "transparency": "Updates the partner sends unprompted, and open tickets that never go quiet for longer than update_every.",
        "respect": "How polite the partner's messages read (politeness rules v1; 50 is neutral).",
        "client respect": "How polite the client's own messages to this partner read: shown so a client can see when its tone is the problem.",
    ]

    /// Per partner, in its card's period: the turns and conversations to look at first, each
    /// ticket linked to its page when the export (or the source's `links:`) gives one.
    static func attention(_ input: ReportPageInput) -> String {
        var h = ""
        guard let cards = cardPeriod(input), let period = input.windowLabels.firstIndex(of: cards.label) else { return "" }
        for i in riskOrder(input, period: cards) {
            let p = input.partners[i]
            var block = ""
            for kind in AttentionRows.Kind.allCases {
                let (shown, more) = input.attention.list(period: period, partner: i, kind: kind)
                guard !shown.isEmpty else { continue }
                let total = shown.count + more
                block += "<h4>\(e(kind.name)) <span class=\"muted\">(\(total))</span></h4>\n<table class=\"attention\"><thead><tr>"
                block += "<th scope=\"col\">conversation</th><th scope=\"col\">opened (UTC)</th><th scope=\"col\">why</th></tr></thead><tbody>\n"
                for item in shown {
                    let name = e(item.conversation) + (item.turn.map { " <span class=\"muted\">turn \($0)</span>" } ?? "")
                    let cell = item.url.hasPrefix("https://") || item.url.hasPrefix("http://") ? "<a href=\"\(e(item.url))\">\(name)</a>" : name
                    block += "<tr><td>\(cell)</td><td>\(e(String(item.openedAt.rfc3339.prefix(16).map { $0 == "T" ? " " : $0 })))</td><td>\(e(item.reason))</td></tr>\n"
                }
                block += "</tbody></table>\n"
                if more > 0 { block += "<p class=\"muted\">and \(more) more in attention.csv</p>\n" }
            }
            guard !block.isEmpty else { continue }
            h += "<details class=\"attention-partner\" open=\"open\"><summary>\(e(p.name)) · \(e(cards.label))</summary>\n" + block + "</details>\n"
        }
        return h.isEmpty ? "" : "<h2>What to look at, \(e(cards.label))</h2>\n" + h
    }

    static func charts(_ input: ReportPageInput) -> String {
        let periods = Array(Set(input.history.map(\.period))).sorted()
        guard !periods.isEmpty else { return "" }
        var h = "<h2>Trends</h2>\n<div class=\"legend\">"
        for (i, p) in input.partners.enumerated() {
            h += "<span><span class=\"swatch\" style=\"background:\(palette[i % palette.count])\"></span>\(e(p.id))</span>"
        }
        h += "</div>\n<div class=\"charts\">\n"
        h += chart("Trust index", periods: periods, input: input, unit: "", value: { $0.trustIndex }, fixedMax: 100)
        h += chart("Response latency p50 (hours)", periods: periods, input: input, unit: "h", value: { $0.latencyP50.map { $0 / 3600 } })
        h += chart("Latency p90 (hours)", periods: periods, input: input, unit: "h", value: { $0.latencyP90.map { $0 / 3600 } })
        h += chart("Escalation rate (%)", periods: periods, input: input, unit: "%", value: { $0.escalationRate.map { $0 * 100 } })
        h += chart("Transparency (0-100)", periods: periods, input: input, unit: "", value: { $0.transparency }, fixedMax: 100)
        h += chart("Partner politeness (0-100)", periods: periods, input: input, unit: "", value: { $0.respect }, fixedMax: 100)
        h += chart("Client politeness to the partner (0-100)", periods: periods, input: input, unit: "", value: { $0.clientPoliteness }, fixedMax: 100)
        return h + "</div>\n"
    }

    /// The smallest step of the form 1, 2 or 5 × 10^k that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw * (1 - 1e-9) { return factor * magnitude }
        return 10 * magnitude
    }

    /// A line chart: one polyline per partner over the periods, points with a tooltip.
    static func chart(
        _ title: String, periods: [String], input: ReportPageInput, unit: String, value: (ReportPageInput.HistoryPoint) -> Double?,
        fixedMax: Double? = nil
    ) -> String {
        let width = 340.0
        let height = 200.0
        let left = 40.0
        let right = 10.0
        let top = 26.0
        let bottom = 34.0
        let values = input.history.compactMap(value)
        // Gridlines at a round step (1, 2 or 5 × 10^k) so the axis reads 0, 10, 20… rather than 0, 8.9, 18…
        let tickStep = fixedMax.map { $0 / 4 } ?? niceStep(max(values.max() ?? 1, 0.001) / 4)
        let ticks = fixedMax != nil ? 4 : max(1, Int(((values.max() ?? 0) / tickStep).rounded(.up)))
        let maxValue = tickStep * Double(ticks)
        func x(_ i: Int) -> Double { periods.count == 1 ? left + (width - left - right) / 2 : left + Double(i) * (width - left - right) / Double(periods.count - 1) }
        func y(_ v: Double) -> Double { top + (height - top - bottom) * (1 - min(max(v / maxValue, 0), 1)) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(e(title))\">"
        s += "<text x=\"10\" y=\"17\" font-size=\"13\" font-weight=\"600\" fill=\"#1f2937\">\(e(title))</text>"
        for k in 0...ticks {
            let v = tickStep * Double(k)
            s += "<line x1=\"\(left)\" y1=\"\(fmt(y(v), 1))\" x2=\"\(width - right)\" y2=\"\(fmt(y(v), 1))\" stroke=\"#f1f5f9\"/>"
            s += "<text x=\"\(left - 4)\" y=\"\(fmt(y(v) + 4, 1))\" font-size=\"10\" text-anchor=\"end\" fill=\"#94a3b8\">\(fmt(v, tickStep < 1 ? 1 : 0))</text>"
        }
        // At most five period labels, week labels shortened to "W36" (the year is in the tooltips).
        let step = max(1, (periods.count + 4) / 5)
        for (i, p) in periods.enumerated() where i % step == 0 {
            let label = p.contains("-W") ? String(p.split(separator: "-").last!) : p
            s += "<text x=\"\(fmt(x(i), 1))\" y=\"\(Int(height - 12))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#94a3b8\">\(e(label))</text>"
        }
        for (pi, partner) in input.partners.enumerated() {
            let color = palette[pi % palette.count]
            var points: [(Double, Double, String, Double)] = []
            for (i, period) in periods.enumerated() {
                if let point = input.history.first(where: { $0.period == period && $0.partner == partner.id }), let v = value(point) {
                    points.append((x(i), y(v), period, v))
                }
            }
            if points.count > 1 {
                s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.map { "\(fmt($0.0, 1)),\(fmt($0.1, 1))" }.joined(separator: " "))\"/>"
            }
            for p in points {
                s += "<circle cx=\"\(fmt(p.0, 1))\" cy=\"\(fmt(p.1, 1))\" r=\"3\" fill=\"\(color)\"><title>\(e(partner.id)) \(e(p.2)): \(fmt(p.3, 1))\(unit)</title></circle>"
            }
        }
        return s + "</svg>\n"
    }

    static func trustTable(_ input: ReportPageInput) -> String {
        var h = "<h2>Trust report</h2>\n<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Period</th><th scope=\"col\">Partner</th>"
        h += "<th scope=\"col\">Index</th><th scope=\"col\">Δ</th><th scope=\"col\">Band</th><th scope=\"col\">Coverage</th>"
        for c in TrustRow.componentNames { h += "<th scope=\"col\">\(e(c))</th>" }
        h += "</tr></thead>\n<tbody>\n"
        for r in input.trust.sorted(by: { ($0.period, $0.partner) < ($1.period, $1.partner) }) {
            h += "<tr><td>\(e(r.period.label))\(r.complete ? "" : " <span class=\"muted\">partial</span>")</td><td>\(e(input.partners[r.partner].id))</td>"
            h += "<td class=\"num\">\(r.trustIndex.map { fmt($0, 1) } ?? "")</td><td class=\"num\">\(r.trustIndexDelta.map { fmt($0, 1) } ?? "")</td>"
            h += "<td>\(e(r.band ?? ""))</td><td class=\"num\">\(fmt(r.coverage * 100, 0)) %</td>"
            for c in TrustRow.componentNames { h += "<td class=\"num\">\(r.components[c].map { fmt($0, 1) } ?? "")</td>" }
            h += "</tr>\n"
        }
        return h + "</tbody></table></div>\n"
    }

    static func quality(_ input: ReportPageInput) -> String {
        var h = "<h2>Data quality</h2>\n<table class=\"wrap\">"
        for (label, value) in input.quality { h += "<tr><td>\(e(label))</td><td class=\"num\">\(e(value))</td></tr>" }
        h += "</table>\n"
        if !input.rejectReasons.isEmpty {
            h += "<h3 style=\"margin-top:14px\">Rejected records by reason (see rejects.csv)</h3>\n<table class=\"wrap\">"
            for (reason, n) in input.rejectReasons { h += "<tr><td>\(e(reason))</td><td class=\"num\">\(n)</td></tr>" }
            h += "</table>\n"
        }
        if !input.notes.isEmpty {
            h += "<h3 style=\"margin-top:14px\">Notes</h3>\n<ul>"
            for n in input.notes { h += "<li>\(e(n))</li>" }
            h += "</ul>\n"
        }
        return h
    }

    static func definitions(_ input: ReportPageInput) -> String {
        var h = "<h2>Definitions</h2>\n<table class=\"wrap\"><thead><tr><th scope=\"col\">Figure</th><th scope=\"col\">Unit</th><th scope=\"col\">Definition</th></tr></thead>\n"
        for d in input.definitions.sorted(by: { $0.metric < $1.metric }) {
            h += "<tr><td>\(e(d.metric))</td><td>\(e(d.unit))</td><td>\(e(d.definition))</td></tr>\n"
        }
        return h + "</table>\n"
    }

    /// Escapes text for HTML and XML alike.
    public static func e(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters are not allowed in XML: shown as `\u00XX`, as every output writes them.
                if (u.value < 0x20 && u != "\t" && u != "\n") || u.value == 0x7F {
                    out += CSVFormatting.escapingControls(String(u))
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    static func fmt(_ v: Double, _ places: Int) -> String {
        let f = [1.0, 10, 100][min(places, 2)]
        let r = (v * f).rounded() / f
        var s = places == 0 ? String(Int64(r)) : String(r)
        if places > 0, !s.contains("."), !s.contains("e") { s += ".0" }
        return s
    }
}
