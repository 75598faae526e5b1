/// Rules that say which organisation an actor belongs to (FORMATS.md, "Party resolution").
public struct PartyRules: Sendable {
    public var domains: [String]
    public var people: [String]
    /// Dated memberships: this actor counts for this organisation within `[from, to)`.
    public var members: [Membership]

    public init(domains: [String] = [], people: [String] = [], members: [Membership] = []) {
        self.domains = domains
        self.people = people
        self.members = members
    }
}

/// A person who counts for an organisation only between two instants.
public struct Membership: Sendable {
    public var who: Glob
    public var from: Instant?
    public var to: Instant?
    public init(who: String, from: Instant?, to: Instant?) {
        self.who = Glob(who)
        self.from = from
        self.to = to
    }
}

/// Resolves actors (e-mail addresses or user names) to parties.
///
/// An address matches by domain (the domain or any subdomain, case-insensitive);
/// any actor matches the `people` globs; the client is tried first, then partners by
/// `priority` (higher first) and file order; dated `members` take precedence in their
/// date range.
public struct PartyDirectory: Sendable {
    public let partners: [PartnerInfo]
    /// Index 0 is the client, then partners in order.
    private let rules: [PartyRules]
    private let domainIndex: [String: Int]
    private let peopleGlobs: [(Int, Glob)]
    private let memberships: [(Int, Membership)]
    /// Each rule index's place in the order rules are tried (the lower wins).
    private let rank: [Int]

    /// `priorities` (one per partner, default 0): a higher one is tried first; equal ones in file order.
    public init(client: PartyRules, partners: [(PartnerInfo, PartyRules)], priorities: [Int] = []) {
        self.partners = partners.map(\.0)
        let rules = [client] + partners.map(\.1)
        self.rules = rules
        // Rule indexes in the order they are tried: the client, then partners by priority.
        let order = [0] + partners.indices.sorted { a, b in
            let (pa, pb) = (a < priorities.count ? priorities[a] : 0, b < priorities.count ? priorities[b] : 0)
            return pa != pb ? pa > pb : a < b
        }.map { $0 + 1 }
        var index: [String: Int] = [:]
        var globs: [(Int, Glob)] = []
        var members: [(Int, Membership)] = []
        for i in order {
            let r = rules[i]
            for d in r.domains {
                let key = d.lowercased().trimmingDots()
                if index[key] == nil { index[key] = i }
            }
            for p in r.people { globs.append((i, Glob(p))) }
            for m in r.members { members.append((i, m)) }
        }
        var rank = [Int](repeating: 0, count: rules.count)
        for (position, i) in order.enumerated() { rank[i] = position }
        self.rank = rank
        self.domainIndex = index
        self.peopleGlobs = globs
        self.memberships = members
    }

    /// True when some dated membership could apply to `actor` (its party depends on time).
    public func hasDatedMembership(_ actor: String) -> Bool {
        memberships.contains { $0.1.who.matches(actor) }
    }

    /// The party of `actor` at `at` (lower-cased addresses expected; matching is case-insensitive anyway).
    public func party(of actor: String, at: Instant?) -> Party {
        if !memberships.isEmpty, let at {
            for (i, m) in memberships where m.who.matches(actor) {
                if let f = m.from, at < f { continue }
                if let t = m.to, at >= t { continue }
                return Self.party(forRuleIndex: i)
            }
        }
        var best = -1
        func better(_ i: Int) -> Bool { best < 0 || rank[i] < rank[best] }
        if let at = actor.lastIndex(of: "@") {
            var domain = actor[actor.index(after: at)...].lowercased()[...]
            while true {
                if let i = domainIndex[String(domain)], better(i) { best = i }
                guard let dot = domain.firstIndex(of: ".") else { break }
                domain = domain[domain.index(after: dot)...]
            }
        }
        for (i, g) in peopleGlobs where better(i) && g.matches(actor) { best = i }
        return best < 0 ? .unknown : Self.party(forRuleIndex: best)
    }

    private static func party(forRuleIndex i: Int) -> Party { i == 0 ? .client : .partner(i - 1) }

    /// The party named `client`, `unknown` or a partner id; nil for any other name.
    public func party(named name: String) -> Party? {
        if name == "client" { return .client }
        if name == "unknown" { return .unknown }
        return partners.firstIndex { $0.id == name }.map { .partner($0) }
    }

    /// The partner's id, `client`, or `unknown`.
    public func name(of party: Party) -> String {
        if let i = party.partnerIndex { return partners[i].id }
        return party.isClient ? "client" : "unknown"
    }

    /// The organisation key used by subject threading: the party id, or the domain for unknown actors.
    public func organisationKey(of actor: String, party: Party) -> String {
        if !party.isUnknown { return name(of: party) }
        if let at = actor.lastIndex(of: "@") { return "@" + actor[actor.index(after: at)...].lowercased() }
        return "?" + actor.lowercased()
    }
}

extension String {
    fileprivate func trimmingDots() -> String {
        var s = self[...]
        while s.hasPrefix(".") { s = s.dropFirst() }
        while s.hasSuffix(".") { s = s.dropLast() }
        return String(s)
    }
}
