/// A sentence shape with slots (`{thing}`, `{name}`, `{date}` …), parsed once and filled from
/// ``Vocabulary`` with a seeded generator: dozens of shapes times thousands of words make
/// exact repeats of a sentence rare. `[a|b|c]` picks one of its alternatives (each may hold
/// slots; no nesting).
struct Template: Sendable {
    enum Slot: String, Sendable {
        case name, full, team, role, city, day, month, date, time, n, big, pct, amount, ref, ver, week, p, ord
        case product, customer, thing, things, sys, problem, cause, fix, adj, ved, v, deadline, metric
        case jn, jv, jadv, acro, apair
        case de, deday, demonth, es, esday, esmonth, fr, frday, frmonth
    }

    enum Piece: Sendable {
        case text(String)
        case slot(Slot)
        case choice([Template])
    }

    let pieces: [Piece]

    init(_ source: String) {
        var pieces: [Piece] = []
        var rest = Substring(source)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "[" }) {
            let closer: Character = rest[open] == "{" ? "}" : "]"
            guard let close = rest[open...].firstIndex(of: closer) else { preconditionFailure("unclosed \(rest[open]) in \(source)") }
            if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
            let inner = rest[rest.index(after: open)..<close]
            if closer == "]" {
                pieces.append(.choice(inner.split(separator: "|", omittingEmptySubsequences: false).map { Template(String($0)) }))
            } else {
                guard let slot = Slot(rawValue: String(inner)) else { preconditionFailure("unknown slot {\(inner)} in \(source)") }
                pieces.append(.slot(slot))
            }
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
    }

    static func all(_ sources: [String]) -> [Template] { sources.map(Template.init) }

    /// Appends the template with every slot drawn afresh; the first letter is capitalised.
    func fill(into out: inout String, rng: inout SeededRandom) {
        let start = out.endIndex
        append(into: &out, rng: &rng)
        if start < out.endIndex, let first = out[start...].first, first.isLowercase {
            out.replaceSubrange(start..<out.index(after: start), with: first.uppercased())
        }
    }

    private func append(into out: inout String, rng: inout SeededRandom) {
        for piece in pieces {
            switch piece {
            case .text(let s): out += s
            case .slot(let slot): Template.value(slot, into: &out, rng: &rng)
            case .choice(let alternatives): rng.pick(alternatives).append(into: &out, rng: &rng)
            }
        }
    }

    func filled(rng: inout SeededRandom) -> String {
        var s = ""
        fill(into: &s, rng: &rng)
        return s
    }

    static let ordinals = ["second", "third", "fourth", "fifth"]
    static let germanDays = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"]
    static let germanMonths = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"]
    static let spanishDays = ["lunes", "martes", "miércoles", "jueves", "viernes"]
    static let spanishMonths = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"]
    static let frenchDays = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
    static let frenchMonths = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]

    static func value(_ slot: Slot, into out: inout String, rng: inout SeededRandom) {
        typealias V = Vocabulary
        switch slot {
        case .name: out += rng.pick(V.firstNames)
        case .full: out += rng.pick(V.firstNames) + " " + rng.pick(V.lastNames)
        case .team: out += rng.pick(V.teams)
        case .role: out += rng.pick(V.roles)
        case .city: out += rng.pick(V.cities)
        case .day: out += rng.pick(V.weekdays)
        case .month: out += rng.pick(V.months)
        case .date: out += "\(rng.int(1...28)) " + rng.pick(V.months)
        case .time: out += "\(rng.int(6...21)):" + ["00", "05", "10", "15", "20", "30", "40", "45", "50"][rng.int(0...8)]
        case .n: out += "\(rng.int(2...60))"
        case .big: out += grouped(rng.int(100...19_999))
        case .pct: out += "\(rng.int(1...99)) %"
        case .amount: out += ["EUR ", "USD ", "€", "$", "GBP "][rng.int(0...4)] + grouped(rng.int(12...48_000)) + (rng.chance(0.5) ? ".\(rng.int(10...99))" : "")
        case .ref: out += ["#", "INC-", "CASE-", "REQ-", "CHG-", "#"][rng.int(0...5)] + "\(rng.int(1000...999_999))"
        case .ver: out += "\(rng.int(1...9)).\(rng.int(0...30)).\(rng.int(0...12))"
        case .week: out += "\(rng.int(1...52))"
        case .p: out += "\(rng.int(1...4))"
        case .ord: out += rng.pick(ordinals)
        case .product: out += rng.pick(V.productHeads) + " " + rng.pick(V.productTails)
        case .customer: out += rng.pick(V.companyHeads) + " " + rng.pick(V.companyTails)
        case .thing: out += rng.pick(V.things)
        case .things: out += rng.pick(V.plural)
        case .sys: out += rng.pick(V.systems)
        case .problem: out += rng.pick(V.problems)
        case .cause: out += rng.pick(V.causes)
        case .fix: out += rng.pick(V.fixes)
        case .adj: out += rng.pick(V.adjectives)
        case .ved: out += rng.pick(V.verbsPast)
        case .v: out += rng.pick(V.verbsBase)
        case .deadline: out += rng.pick(V.deadlines)
        case .metric: out += rng.pick(V.metrics)
        case .jn: out += rng.pick(V.jargonNouns)
        case .jv: out += rng.pick(V.jargonVerbs)
        case .jadv: out += rng.pick(V.jargonAdverbs)
        case .acro: out += rng.pick(V.acronyms)
        case .apair: out += rng.pick(V.acronymPairs)
        case .de: out += rng.pick(V.germanThings)
        case .deday: out += rng.pick(germanDays)
        case .demonth: out += rng.pick(germanMonths)
        case .es: out += rng.pick(V.spanishThings)
        case .esday: out += rng.pick(spanishDays)
        case .esmonth: out += rng.pick(spanishMonths)
        case .fr: out += rng.pick(V.frenchThings)
        case .frday: out += rng.pick(frenchDays)
        case .frmonth: out += rng.pick(frenchMonths)
        }
    }

    /// 12345 as "12,345".
    static func grouped(_ v: Int) -> String { v >= 1000 ? "\(v / 1000),\(String(v % 1000 + 1000).dropFirst())" : "\(v)" }
}
