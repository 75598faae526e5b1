import RapportAggregates
import RapportCore
import RapportSinks

/// A misconfiguration or data condition worth a person's attention (PRODUCT.md,
/// "Misconfiguration is reported"): on stderr, in report.json `warnings`, as a banner on
/// the page. The codes are stable (README, "Warnings").
public struct RunWarning: Sendable, Hashable {
    public enum Code: String, Sendable, CaseIterable {
        /// A configured partner matches no actor in any input and has no data at all.
        case partnerMatchesNoActor = "partner_matches_no_actor"
        /// A configured partner has no figure in the report window.
        case partnerWithoutData = "partner_without_data"
        /// A `domains` or `people` entry of the client or a partner matches nobody.
        case ruleMatchesNobody = "rule_matches_nobody"
        /// A `people` glob matches more than half of all actors.
        case ruleMatchesMostActors = "rule_matches_most_actors"
        /// More than 20 % of the window's messages come from actors of no organisation.
        case manyUnknownActors = "many_unknown_actors"
        /// An input file gave no record inside the window.
        case fileOutsideWindow = "file_outside_window"
        /// An input file changed while it was read; it was refused.
        case inputChanged = "input_changed"
        /// The window holds no conversation; the report is empty.
        case emptyWindow = "empty_window"
        /// A cached fact file was damaged (truncated, a flipped byte, another version): extracted again.
        case cacheEntryDamaged = "cache_entry_damaged"
        /// What a reader noticed about an export (e.g. a truncated Jira page).
        case inputNote = "input_note"
    }

    public var code: Code
    public var message: String
    public var partner: String?
    public var file: String?

    public init(_ code: Code, _ message: String, partner: String? = nil, file: String? = nil) {
        self.code = code
        self.message = message
        self.partner = partner
        self.file = file
    }
}

extension Misconfiguration.Observations {
    /// What the facts and figures tell: partners with facts, partners with figures in the
    /// window, the window's messages and how many came from unknown actors.
    mutating func observe(_ facts: Facts, aggregates: Aggregates, context: ReportContext) {
        observeFacts(facts, context: context)
        observeTrust(aggregates)
    }

    /// Partners with figures in the window (from the trust rows).
    mutating func observeTrust(_ aggregates: Aggregates) {
        for r in aggregates.trust { partnersInWindow.insert(r.partner) }
    }

    /// What one batch of facts shows (partitions are observed one after the other).
    mutating func observeFacts(_ facts: Facts, context: ReportContext) {
        for c in facts.conversations {
            if let p = c.partner { partnersWithFacts.insert(p) }
            if context.windowIndex(of: c.openedAt) != nil { conversationsInWindow += 1 }
        }
        for m in facts.meetings { partnersWithFacts.insert(m.partner) }
        for e in facts.events where context.windowIndex(of: e.at) != nil {
            if e.kind == .message { messagesInWindow += 1 }
            if e.kind == .unknownPartyMessage { unknownMessagesInWindow += 1 }
        }
    }
}

/// Finds the warnings a run's configuration and data call for.
enum Misconfiguration {
    /// What the run saw, gathered as it read and built its facts.
    struct Observations {
        /// Every distinct actor (senders, recipients, ticket people, meeting invitees).
        var actors: Set<String> = []
        /// Partners that have any fact (a conversation, turn or meeting), in or out of the window.
        var partnersWithFacts: Set<Int> = []
        /// Partners with a figure in the window.
        var partnersInWindow: Set<Int> = []
        /// Messages in the window, and those of unknown actors.
        var messagesInWindow = 0
        var unknownMessagesInWindow = 0
        /// Records per file inside the window (by file index).
        var recordsInWindow: [Int: Int] = [:]
        var conversationsInWindow = 0
    }

    static func warnings(_ config: PipelineConfig, _ seen: Observations, files: [FileReport]) -> [RunWarning] {
        warnings(config, seen, files: files, directory: config.directoryOfParties)
    }

    static func warnings(_ config: PipelineConfig, _ seen: Observations, files: [FileReport], directory: PartyDirectory) -> [RunWarning] {
        var out: [RunWarning] = []
        var partyOfActor: [Int: Int] = [:]  // partner index -> actors resolved to it
        var unknownDomains: [String: Int] = [:]
        for actor in seen.actors {
            let party = directory.party(of: actor, at: nil)
            if let p = party.partnerIndex { partyOfActor[p, default: 0] += 1 }
            if party.isUnknown, let at = actor.lastIndex(of: "@") { unknownDomains[String(actor[actor.index(after: at)...]), default: 0] += 1 }
        }
        for (i, p) in config.partners.enumerated() {
            if partyOfActor[i] == nil && !seen.partnersWithFacts.contains(i) {
                out.append(
                    RunWarning(
                        .partnerMatchesNoActor,
                        "partner \(p.id) matches no actor in any input (domains: \(p.rules.domains.joined(separator: ", ")); people: \(p.rules.people.joined(separator: ", "))); check its domains and people, or the sources",
                        partner: p.id))
            } else if !seen.partnersInWindow.contains(i) {
                out.append(RunWarning(.partnerWithoutData, "partner \(p.id) has no data in the report window; it is shown as \"no data\"", partner: p.id))
            }
        }
        out += ruleWarnings(config, actors: seen.actors)
        if seen.messagesInWindow > 0, Double(seen.unknownMessagesInWindow) > 0.2 * Double(seen.messagesInWindow) {
            let top = unknownDomains.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
            let share = Double(seen.unknownMessagesInWindow) / Double(seen.messagesInWindow) * 100
            out.append(
                RunWarning(
                    .manyUnknownActors,
                    "\(formatPercent(share)) of the window's messages (\(seen.unknownMessagesInWindow) of \(seen.messagesInWindow)) come from actors of no organisation"
                        + (top.isEmpty ? "" : "; the commonest unknown domains: " + top.map { "\($0.key) (\($0.value) people)" }.joined(separator: ", "))
                        + "; add them to a partner's or the client's domains, or to ignore.actors"))
        }
        for (k, f) in files.enumerated() where f.failure == nil && seen.recordsInWindow[k, default: 0] == 0 {
            out.append(
                RunWarning(.fileOutsideWindow, "\(f.file) gives no record inside the report window (\(f.read) records read); check the window or the file", file: f.file))
        }
        if seen.conversationsInWindow == 0 {
            out.append(RunWarning(.emptyWindow, "the report window holds no conversation: every figure is empty"))
        }
        return out
    }

    /// Each `domains` and `people` entry must match someone; a glob matching more than half
    /// of all actors (`*`, `a*`) is most likely a slip. (A domain is exact: it cannot be
    /// over-broad by accident the way a glob can, so only globs get the second check.)
    static func ruleWarnings(_ config: PipelineConfig, actors: Set<String>) -> [RunWarning] {
        var out: [RunWarning] = []
        let organisations = [(config.client.id, config.client.rules)] + config.partners.map { ($0.id, $0.rules) }
        let lowered = actors.map { $0.lowercased() }
        for (id, rules) in organisations {
            let who = id == "client" ? "the client" : "partner \(id)"
            for domain in rules.domains {
                let d = domain.lowercased()
                let matches = lowered.contains { a in
                    guard let at = a.lastIndex(of: "@") else { return false }
                    let host = a[a.index(after: at)...]
                    return host == d || host.hasSuffix("." + d)
                }
                if !matches {
                    out.append(RunWarning(.ruleMatchesNobody, "\(who): domain \(domain) matches no actor in the inputs", partner: id == "client" ? nil : id))
                }
            }
            for person in rules.people {
                let glob = Glob(person)
                let count = actors.reduce(0) { $0 + (glob.matches($1) ? 1 : 0) }
                if count == 0 {
                    out.append(RunWarning(.ruleMatchesNobody, "\(who): people glob \(person) matches no actor in the inputs", partner: id == "client" ? nil : id))
                } else if actors.count >= 4 && 2 * count > actors.count {
                    out.append(
                        RunWarning(
                            .ruleMatchesMostActors, "\(who): people glob \(person) matches \(count) of the \(actors.count) actors; is it too broad?",
                            partner: id == "client" ? nil : id))
                }
            }
        }
        return out
    }

    static func formatPercent(_ v: Double) -> String {
        let tenths = (v * 10).rounded() / 10
        return (tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)) + " %"
    }
}
