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
        /// The period's first day (`2026-08-31`): places the period on the charts' time axis.
        public var periodStart = ""
        /// Latency on the business clock (the SLA clock by default).
        public var businessLatencyP50: Double?
        public var businessLatencyP90: Double?
        /// Conversations and turns of the period (trust_report.csv).
        public var conversations: Int?
        public var turns: Int?
        /// The sample behind each charted value, by series: `trust` (turns), `latency`,
        /// `business_latency`, `escalation`, `transparency`, `respect`, `client_politeness`.
        public var samples: [String: Int] = [:]
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
    /// `trust_index.min_sample`: a figure on fewer is greyed and charted as a hollow point.
    public var minSample = 5
    /// True when the SLA targets apply to business time (`sla_clock: business`, the default):
    /// the latency charts then show business latency, the clock their target lines are on.
    public var businessClock = true
    /// Each partner's SLA targets in seconds, by partner id.
    public var targets: [String: Targets] = [:]
    /// By `period|partner id`: each trust component's value and n, those under `minSample`
    /// included (greyed on the cards), and `client respect` (the client's own politeness).
    public var cardFigures: [String: [String: Figure]] = [:]

    /// A partner's SLA targets (first responses, other turns), in seconds.
    public struct Targets: Sendable, Hashable {
        public var firstResponse: Double?
        public var response: Double?
        public init(firstResponse: Double?, response: Double?) {
            self.firstResponse = firstResponse
            self.response = response
        }
    }

    /// A figure and the sample it rests on.
    public struct Figure: Sendable, Hashable {
        public var value: Double
        public var n: Int
        public init(value: Double, n: Int) {
            self.value = value
            self.n = n
        }
    }

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
            .meta { color: #475569; margin-bottom: 18px; }
            .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(240px, 100%), 1fr)); gap: 14px; }
            .card { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: 14px 16px; }
            .index { font-size: 34px; font-weight: 700; } .delta { font-size: 14px; margin-left: 6px; }
            .up { color: #047857; } .down { color: #dc2626; } .muted { color: #64748b; }
            .band { display: inline-block; padding: 2px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; color: #fff; }
            .excellent { background: #047857; } .good { background: #2563eb; } .watch { background: #b45309; } .risk { background: #dc2626; } .none { background: #64748b; }
            table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; }
            th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #f1f5f9; font-size: 13px; vertical-align: top; }
            th { background: #f1f5f9; font-weight: 600; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
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
              .warnings { background: none; } a { color: #000; text-decoration: none; } figure.chart { break-inside: avoid; }
            }
            .legend > span { display: inline-block; margin-right: 14px; font-size: 13px; } .legend svg { border: none; background: none; vertical-align: middle; margin-right: 4px; }
            figure.chart { margin: 0; } figure.chart figcaption { font-size: 12px; color: #475569; margin: 4px 2px 0; }
            details.chart-data { font-size: 12px; margin: 2px 2px 0; } details.chart-data summary { cursor: pointer; color: #1d4ed8; }
            .n { color: #475569; font-size: 11px; white-space: nowrap; } .thin { color: #64748b; font-style: italic; }
            table.trust td.num .n, table.trust td:first-child .muted { display: block; } table.trust td:first-child { white-space: nowrap; } table.trust th, table.trust td { padding: 6px; }
            table.components th { background: none; font-weight: 600; color: #475569; font-size: 11px; padding: 2px 10px; }
            footer { color: #475569; font-size: 12px; margin-top: 30px; }
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
        h += whatChanged(input)
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
            h += " <span class=\"n\">n \(r.conversations) conversations · \(r.turns) turns</span>"
            h += "</div>\n<div><span class=\"band \(bandClass)\">\(e(band))</span>\(partial) <span class=\"muted\">coverage \(fmt(r.coverage * 100, 0)) %</span></div>\n"
            // Every figure with its n; one under min_sample greyed (it is not in the index).
            let figures = input.cardFigures[r.period.label + "|" + p.id] ?? [:]
            h += "<table class=\"components\" style=\"margin-top:8px\"><thead><tr><th scope=\"col\">component</th><th scope=\"col\" class=\"num\">value</th>"
            h += "<th scope=\"col\" class=\"num\">n</th></tr></thead><tbody>"
            func row(_ label: String, meaning: String, value: Double?, figure: ReportPageInput.Figure?) -> String {
                var cells = "<tr><td title=\"\(e(meaning))\">\(label)</td>"
                if let value {
                    cells += "<td class=\"num\">\(fmt(value, 1))</td>"
                } else if let f = figure {
                    cells += "<td class=\"num thin\" title=\"n under min_sample \(input.minSample): not in the index\">\(fmt(f.value, 1))</td>"
                } else {
                    cells += "<td class=\"num\"><span class=\"muted\">–</span></td>"
                }
                return cells + "<td class=\"num n\">\(figure.map { "n \($0.n)" } ?? "")</td></tr>"
            }
            for c in TrustRow.componentNames {
                h += row(e(c), meaning: componentMeaning[c] ?? "", value: r.components[c], figure: figures[c])
            }
            // Respect is read both ways: the client's own tone beside the partner's, outside the index.
            let clientFigure = figures["client respect"]
            if let client = input.history.first(where: { $0.period == r.period.label && $0.partner == p.id })?.clientPoliteness ?? clientFigure?.value {
                let thin = (clientFigure?.n ?? input.minSample) < input.minSample
                h += row(
                    "client's own politeness <span class=\"muted\">(not in the index)</span>", meaning: componentMeaning["client respect"]!,
                    value: thin ? nil : client, figure: clientFigure)
            }
            h += "</tbody></table>\n</div>\n"
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

    /// The partners' marker shapes and line dashes, beside their colours, so series are told
    /// apart without colour (WCAG 1.4.1).
    static let dashes = ["", "7 3", "2 3", "9 3 2 3", "4 4"]

    /// A marker of partner `k`'s shape centred on (x, y).
    static func marker(_ k: Int, x: Double, y: Double, fill: String, stroke: String, title: String = "") -> String {
        let t = title.isEmpty ? "" : "<title>\(e(title))</title>"
        let paint = "fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.5\""
        func polygon(_ points: [(Double, Double)]) -> String {
            "<polygon points=\"\(points.map { "\(fmt(x + $0.0, 1)),\(fmt(y + $0.1, 1))" }.joined(separator: " "))\" \(paint)>\(t)</polygon>"
        }
        switch k % 5 {
        case 0: return "<circle cx=\"\(fmt(x, 1))\" cy=\"\(fmt(y, 1))\" r=\"3.5\" \(paint)>\(t)</circle>"
        case 1: return "<rect x=\"\(fmt(x - 3.2, 1))\" y=\"\(fmt(y - 3.2, 1))\" width=\"6.4\" height=\"6.4\" \(paint)>\(t)</rect>"
        case 2: return polygon([(0, -4.5), (4.2, 3), (-4.2, 3)])
        case 3: return polygon([(0, -4.8), (4.8, 0), (0, 4.8), (-4.8, 0)])
        default: return polygon([(-4.2, -3), (4.2, -3), (0, 4.5)])
        }
    }

    /// Where each period sits on the charts' time axis: one step per period of the pipeline's
    /// kind (a week, a month, …), so a period without data leaves a gap instead of squeezing
    /// its neighbours together.
    struct PeriodAxis {
        var periods: [String]
        var ordinals: [String: Int]
        var first: Int
        var span: Int

        init(_ history: [ReportPageInput.HistoryPoint]) {
            var starts: [String: String] = [:]
            for p in history where starts[p.period] == nil || starts[p.period]!.isEmpty { starts[p.period] = p.periodStart }
            let labels = starts.keys.sorted()
            var ordinals: [String: Int] = [:]
            for (i, label) in labels.enumerated() { ordinals[label] = PeriodAxis.ordinal(label, start: starts[label] ?? "") ?? i }
            if Set(ordinals.values).count != labels.count {  // unreadable starts: in label order
                for (i, label) in labels.enumerated() { ordinals[label] = i }
            }
            periods = labels.sorted { ordinals[$0]! < ordinals[$1]! }
            self.ordinals = ordinals
            first = periods.first.map { ordinals[$0]! } ?? 0
            span = (periods.last.map { ordinals[$0]! } ?? 0) - first
        }

        /// The period's position among periods of its kind, from its label's shape and its first day.
        static func ordinal(_ label: String, start: String) -> Int? {
            let parts = start.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, let date = LocalDate(year: parts[0], month: parts[1], day: parts[2]) else { return nil }
            if label.contains("-W") { return Int((date.daysSinceEpoch - 4) / 7) }  // weeks start on Mondays; 1970-01-05 was one
            if label.contains("-Q") { return parts[0] * 4 + (parts[1] - 1) / 3 }
            if label.count == 7 { return parts[0] * 12 + parts[1] - 1 }
            return Int(date.daysSinceEpoch)
        }

        /// "W36", "Q1", "Mar", "03-02": the label without its year (shown below it).
        static func short(_ label: String) -> String {
            let parts = label.split(separator: "-", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return label }
            if parts[1].hasPrefix("W") || parts[1].hasPrefix("Q") { return parts[1] }
            if parts[1].count == 2, let m = Int(parts[1]), (1...12).contains(m) {
                return ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1]
            }
            return parts[1]
        }
    }

    /// One chart: what it shows, how to read its values and their samples, and its target lines.
    struct ChartSpec {
        var title: String
        var caption: String
        var unit: String
        var value: (ReportPageInput.HistoryPoint) -> Double?
        var n: (ReportPageInput.HistoryPoint) -> Int?
        var fixedMax: Double? = nil
        /// Horizontal lines (value, label), e.g. the SLA targets.
        var targets: [(Double, String)] = []
        /// False for counts: they rest on no sample, so no point is hollow.
        var sampled = true
        var decimals = 1
    }

    static func charts(_ input: ReportPageInput) -> String {
        let axis = PeriodAxis(input.history)
        guard !axis.periods.isEmpty else { return "" }
        var h = "<h2 id=\"trends\">Trends</h2>\n<div class=\"legend\">"
        for (i, p) in input.partners.enumerated() {
            let color = palette[i % palette.count]
            let dash = dashes[i % dashes.count].isEmpty ? "" : " stroke-dasharray=\"\(dashes[i % dashes.count])\""
            h += "<span><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"30\" height=\"12\" aria-hidden=\"true\">"
            h += "<line x1=\"1\" y1=\"6\" x2=\"29\" y2=\"6\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>" + marker(i, x: 15, y: 6, fill: color, stroke: color) + "</svg>"
            h += "\(e(p.id))</span>"
        }
        h += "<span class=\"muted\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"12\" height=\"12\" aria-hidden=\"true\">"
        h += marker(0, x: 6, y: 6, fill: "#fff", stroke: "#64748b") + "</svg>n under \(input.minSample): hollow, grey</span>"
        h += "</div>\n<div class=\"charts\">\n"
        let clock = input.businessClock ? "working hours" : "hours"
        let clockNote = input.businessClock
            ? "on the SLA clock: working time of each partner's calendar"
            : "on the SLA clock: calendar time"
        // The targets of later turns (first responses have their own, in the caption), one line per value.
        var byTarget: [Double: [String]] = [:]
        var firstTargets: [String] = []
        for p in input.partners {
            if let t = input.targets[p.id]?.response { byTarget[t / 3600, default: []].append(p.id) }
            if let f = input.targets[p.id]?.firstResponse { firstTargets.append("\(p.id) \(hours(f / 3600)) h") }
        }
        let targets = byTarget.keys.sorted().map { ($0, "target \(hours($0)) h: " + byTarget[$0]!.joined(separator: ", ")) }
        let targetNote = targets.isEmpty ? "" : " Dashed grey lines: each partner's response target (first responses: \(firstTargets.joined(separator: ", ")))."
        let specs = [
            ChartSpec(
                title: "Trust index", caption: "Trust index per partner and period (0-100); n is the period's turns.", unit: "",
                value: { $0.trustIndex }, n: { $0.turns }, fixedMax: 100),
            ChartSpec(
                title: "Response time p50 (\(clock))", caption: "Median time to a partner's answer, in \(clock), \(clockNote); n is the answered turns.\(targetNote)",
                unit: " h", value: { (input.businessClock ? $0.businessLatencyP50 : $0.latencyP50).map { $0 / 3600 } },
                n: { $0.samples[input.businessClock ? "business_latency" : "latency"] }, targets: targets),
            ChartSpec(
                title: "Response time p90 (\(clock))", caption: "90th percentile of the time to a partner's answer, in \(clock), \(clockNote); n is the answered turns.\(targetNote)",
                unit: " h", value: { (input.businessClock ? $0.businessLatencyP90 : $0.latencyP90).map { $0 / 3600 } },
                n: { $0.samples[input.businessClock ? "business_latency" : "latency"] }, targets: targets),
            ChartSpec(
                title: "Conversations (volume)", caption: "Conversations (mail threads, tickets, meetings) opened per partner and period.", unit: "",
                value: { $0.conversations.map(Double.init) }, n: { $0.conversations }, sampled: false, decimals: 0),
            ChartSpec(
                title: "Escalation rate (%)", caption: "Share of the partner's conversations that were escalated, in %; n is the conversations.", unit: " %",
                value: { $0.escalationRate.map { $0 * 100 } }, n: { $0.samples["escalation"] }),
            ChartSpec(
                title: "Transparency (0-100)", caption: "Unprompted updates and open tickets kept informed (0-100); n is the smaller sample of its parts.", unit: "",
                value: { $0.transparency }, n: { $0.samples["transparency"] }, fixedMax: 100),
            ChartSpec(
                title: "Partner politeness (0-100)", caption: "How polite the partner's messages read (politeness rules v1, 50 neutral); n is the scored messages.", unit: "",
                value: { $0.respect }, n: { $0.samples["respect"] }, fixedMax: 100),
            ChartSpec(
                title: "Client politeness to the partner (0-100)",
                caption: "How polite the client's own messages to the partner read (not in the partner's index); n is the scored messages.", unit: "",
                value: { $0.clientPoliteness }, n: { $0.samples["client_politeness"] }, fixedMax: 100),
        ]
        for (k, spec) in specs.enumerated() { h += chart(spec, number: k + 1, axis: axis, input: input) }
        return h + "</div>\n"
    }

    /// The smallest step of the form 1, 2 or 5 × 10^k that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw * (1 - 1e-9) { return factor * magnitude }
        return 10 * magnitude
    }

    /// A line chart in a figure with its caption and its values as a table: one line per
    /// partner over the time axis (broken where a period has no full point), a marker per
    /// period; a value resting on fewer than min_sample is a hollow grey marker, off the line.
    static func chart(_ spec: ChartSpec, number: Int, axis: PeriodAxis, input: ReportPageInput) -> String {
        let width = 340.0
        let height = 200.0
        let left = 40.0
        let right = 10.0
        let top = 26.0
        let bottom = 40.0
        let values = input.history.compactMap(spec.value)
        let dataMax = max(values.max() ?? 1, 0.001)
        // A target far above every value would flatten the lines: such a target is named in the caption instead.
        let shown = spec.targets.filter { spec.fixedMax != nil || $0.0 <= 2 * dataMax }
        let hidden = spec.targets.filter { t in !shown.contains { $0.0 == t.0 } }
        let ceiling = max(dataMax, shown.map(\.0).max() ?? 0)
        // Gridlines at a round step (1, 2 or 5 × 10^k) so the axis reads 0, 10, 20… rather than 0, 8.9, 18…
        let tickStep = spec.fixedMax.map { $0 / 4 } ?? niceStep(ceiling / 4)
        let ticks = spec.fixedMax != nil ? 4 : max(1, Int((ceiling / tickStep * (1 - 1e-9)).rounded(.up)))
        let maxValue = tickStep * Double(ticks)
        func x(_ period: String) -> Double {
            axis.span == 0 ? left + (width - left - right) / 2 : left + Double(axis.ordinals[period]! - axis.first) * (width - left - right) / Double(axis.span)
        }
        func y(_ v: Double) -> Double { top + (height - top - bottom) * (1 - min(max(v / maxValue, 0), 1)) }
        let id = "chart-\(number)"
        var s = "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"\(id)-title \(id)\">"
        s += "<text id=\"\(id)-title\" x=\"10\" y=\"17\" font-size=\"13\" font-weight=\"600\" fill=\"#1f2937\">\(e(spec.title))</text>"
        for k in 0...ticks {
            let v = tickStep * Double(k)
            s += "<line x1=\"\(left)\" y1=\"\(fmt(y(v), 1))\" x2=\"\(width - right)\" y2=\"\(fmt(y(v), 1))\" stroke=\"#e2e8f0\"/>"
            s += "<text x=\"\(left - 4)\" y=\"\(fmt(y(v) + 4, 1))\" font-size=\"10\" text-anchor=\"end\" fill=\"#475569\">\(fmt(v, tickStep < 1 ? 1 : 0))</text>"
        }
        // Period labels at least a sixth of the axis apart, each year under its first label.
        let step = max(1, (axis.span + 6) / 6)
        var lastLabelled: Int?
        var lastYear = ""
        for p in axis.periods {
            let o = axis.ordinals[p]!
            if let l = lastLabelled, o - l < step { continue }
            lastLabelled = o
            s += "<text x=\"\(fmt(x(p), 1))\" y=\"\(Int(height - 24))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#475569\">\(e(PeriodAxis.short(p)))</text>"
            let year = String(p.prefix(4))
            if year != lastYear {
                s += "<text x=\"\(fmt(x(p), 1))\" y=\"\(Int(height - 11))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#475569\">\(e(year))</text>"
                lastYear = year
            }
        }
        for (value, label) in shown {
            s += "<line x1=\"\(left)\" y1=\"\(fmt(y(value), 1))\" x2=\"\(width - right)\" y2=\"\(fmt(y(value), 1))\" stroke=\"#334155\" stroke-width=\"1\" stroke-dasharray=\"5 3\"/>"
            // A white halo keeps the label readable where a line crosses it.
            s += "<text x=\"\(width - right - 2)\" y=\"\(fmt(y(value) - 3, 1))\" font-size=\"9\" text-anchor=\"end\" fill=\"#334155\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">\(e(label))</text>"
        }
        var rows: [String: [String]] = [:]  // period -> the table's cells, one per partner
        for (pi, partner) in input.partners.enumerated() {
            let color = palette[pi % palette.count]
            let dash = dashes[pi % dashes.count].isEmpty ? "" : " stroke-dasharray=\"\(dashes[pi % dashes.count])\""
            var run: [(Double, Double)] = []
            var previous: Int?
            var lines = ""
            var markers = ""
            func flush() {
                if run.count > 1 {
                    lines += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash) points=\"\(run.map { "\(fmt($0.0, 1)),\(fmt($0.1, 1))" }.joined(separator: " "))\"/>"
                }
                run = []
            }
            for period in axis.periods {
                guard let point = input.history.first(where: { $0.period == period && $0.partner == partner.id }), let v = spec.value(point) else {
                    rows[period, default: []].append("<td class=\"num\"><span class=\"muted\">–</span></td>")
                    continue
                }
                let n = spec.n(point)
                let thin = spec.sampled && (n ?? 0) < input.minSample
                let text = fmt(v, spec.decimals) + spec.unit
                let nText = n.map { "n \($0)" } ?? ""
                rows[period, default: []].append(
                    "<td class=\"num\(thin ? " thin" : "")\">\(e(text))\(spec.sampled ? " <span class=\"n\">\(nText)</span>" : "")</td>")
                let o = axis.ordinals[period]!
                if thin || previous.map({ o != $0 + 1 }) ?? false { flush() }
                let tip = "\(partner.id) \(period): \(text)" + (spec.sampled ? " (\(nText)\(thin ? ", under min_sample \(input.minSample): not a full point" : ""))" : "")
                if thin {
                    markers += marker(pi, x: x(period), y: y(v), fill: "#fff", stroke: "#64748b", title: tip)
                    previous = nil
                } else {
                    run.append((x(period), y(v)))
                    markers += marker(pi, x: x(period), y: y(v), fill: color, stroke: color, title: tip)
                    previous = o
                }
            }
            flush()
            s += lines + markers
        }
        s += "</svg>\n"
        let hiddenNote = hidden.isEmpty ? "" : " Above the chart: " + hidden.map(\.1).joined(separator: "; ") + "."
        let thinNote = spec.sampled ? " Hollow grey markers rest on fewer than \(input.minSample) (min_sample)." : ""
        s += "<figcaption id=\"\(id)\">\(e(spec.caption))\(e(hiddenNote))\(e(thinNote))</figcaption>\n"
        s += "<details class=\"chart-data\"><summary>Values\(spec.sampled ? " and n" : "") as a table</summary><div class=\"scroll\"><table><thead><tr><th scope=\"col\">Period</th>"
        for p in input.partners { s += "<th scope=\"col\">\(e(p.id))</th>" }
        s += "</tr></thead><tbody>"
        for period in axis.periods { s += "<tr><th scope=\"row\">\(e(period))</th>" + (rows[period] ?? []).joined() + "</tr>" }
        s += "</tbody></table></div></details></figure>\n"
        return s
    }

    static func trustTable(_ input: ReportPageInput) -> String {
        var h = "<h2>Trust report</h2>\n<div class=\"scroll\"><table class=\"trust\"><thead><tr><th scope=\"col\">Period</th><th scope=\"col\">Partner</th>"
        h += "<th scope=\"col\">Index <span class=\"n\">(n turns)</span></th><th scope=\"col\">Δ</th><th scope=\"col\">Band</th><th scope=\"col\">Coverage</th>"
        for c in TrustRow.componentNames { h += "<th scope=\"col\">\(e(c))</th>" }
        h += "</tr></thead>\n<tbody>\n"
        for r in input.trust.sorted(by: { ($0.period, $0.partner) < ($1.period, $1.partner) }) {
            h += "<tr><td>\(e(r.period.label))\(r.complete ? "" : " <span class=\"muted\">partial</span>")</td><td>\(e(input.partners[r.partner].id))</td>"
            h += "<td class=\"num\">\(r.trustIndex.map { fmt($0, 1) } ?? "") <span class=\"n\">n \(r.turns)</span></td>"
            h += "<td class=\"num\">\(r.trustIndexDelta.map { fmt($0, 1) } ?? "")</td>"
            h += "<td>\(e(r.band ?? ""))</td><td class=\"num\">\(fmt(r.coverage * 100, 0)) %</td>"
            // Each figure with its n, as on the cards; one under min_sample greyed (it is not in the index).
            let figures = input.cardFigures[r.period.label + "|" + input.partners[r.partner].id] ?? [:]
            for c in TrustRow.componentNames {
                let n = figures[c].map { " <span class=\"n\">n \($0.n)</span>" } ?? ""
                if let v = r.components[c] {
                    h += "<td class=\"num\">\(fmt(v, 1))\(n)</td>"
                } else if let f = figures[c] {
                    h += "<td class=\"num thin\" title=\"n under min_sample \(input.minSample): not in the index\">\(fmt(f.value, 1))\(n)</td>"
                } else {
                    h += "<td class=\"num\"></td>"
                }
            }
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

    /// Hours for people: "8", "1.5".
    static func hours(_ h: Double) -> String { h == h.rounded() ? String(Int(h)) : fmt(h, 1) }

    static func fmt(_ v: Double, _ places: Int) -> String {
        let f = [1.0, 10, 100][min(places, 2)]
        let r = (v * f).rounded() / f
        var s = places == 0 ? String(Int64(r)) : String(r)
        if places > 0, !s.contains("."), !s.contains("e") { s += ".0" }
        return s
    }
}
