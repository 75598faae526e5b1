import RapportCore

/// Reads each message's text once, as it streams in, and keeps only what the
/// conversation stage needs (``EmailMessage``): automated or not, acknowledgement,
/// escalation phrase, recipients' partners, the subject-threading key.
///
/// One analyzer per file (it memoises per-actor answers); the settings are shared.
public final class MessageAnalyzer {
    public struct Settings: Sendable {
        public var ignoreActors: GlobSet
        public var acknowledgements: AcknowledgementRule
        public var escalationPhrases: PhraseMatcher?
        public var escalationContacts: GlobSet
        public var textRules: TextRules
        public init(
            ignoreActors: GlobSet = GlobSet([]), acknowledgements: AcknowledgementRule = AcknowledgementRule(),
            escalationPhrases: PhraseMatcher? = nil, escalationContacts: GlobSet = GlobSet([]),
            textRules: TextRules = TextRules(clarification: nil)
        ) {
            self.ignoreActors = ignoreActors
            self.acknowledgements = acknowledgements
            self.escalationPhrases = escalationPhrases
            self.escalationContacts = escalationContacts
            self.textRules = textRules
        }
    }

    /// Subjects of automatic replies (METRICS.md), compared case-insensitively.
    static let autoReplyPrefixes = ["automatic reply:", "out of office", "automatische antwort:", "abwesenheitsnotiz"]

    public let settings: Settings
    public let parties: PartyDirectory
    /// Every sender and recipient this analyzer saw (for the run's misconfiguration checks).
    public private(set) var actorsSeen: Set<String> = []
    private var ignored: [String: Bool] = [:]
    private var contact: [String: Bool] = [:]

    public init(settings: Settings, parties: PartyDirectory) {
        self.settings = settings
        self.parties = parties
    }

    private func isIgnored(_ actor: String) -> Bool {
        if settings.ignoreActors.isEmpty { return false }
        if let known = ignored[actor] { return known }
        let answer = settings.ignoreActors.matches(actor)
        if ignored.count > 100_000 { ignored.removeAll(keepingCapacity: true) }
        ignored[actor] = answer
        return answer
    }

    private func isContact(_ address: String) -> Bool {
        if settings.escalationContacts.isEmpty { return false }
        if let known = contact[address] { return known }
        let answer = settings.escalationContacts.matches(address)
        if contact.count > 100_000 { contact.removeAll(keepingCapacity: true) }
        contact[address] = answer
        return answer
    }

    public func isAutomated(_ m: Interaction) -> Bool {
        if m.attributes.autoSubmitted { return true }
        if isIgnored(m.actor) { return true }
        // Every auto-reply prefix starts with an A or an O: most subjects are decided by one byte.
        guard let first = m.attributes.subject.utf8.first, first | 0x20 == UInt8(ascii: "a") || first | 0x20 == UInt8(ascii: "o") else {
            return false
        }
        let head = m.attributes.subject.prefix(32).lowercased()
        return MessageAnalyzer.autoReplyPrefixes.contains { head.hasPrefix($0) }
    }

    /// Automated or not; for client messages, acknowledgement and escalation phrase; for client and
    /// partner messages, the clarity counts. The text is read here, once, and then dropped.
    public func read(_ m: Interaction) -> (flags: MessageFlags, stats: TextStats?) {
        if isAutomated(m) { return ([.automated], nil) }
        guard m.party.isClient || m.party.isPartner else { return ([], nil) }
        var flags: MessageFlags = []
        var text = m.text
        let cleaned = text.withUTF8 { TextCleaner.clean(bytes: $0, isHTML: m.textIsHTML) }
        if m.party.isClient {
            cleaned.withUnsafeBufferPointer { b in
                if settings.acknowledgements.isAcknowledgement(cleaned: b) { flags.insert(.acknowledgement) }
                if let phrases = settings.escalationPhrases, phrases.matches(bytes: b) { flags.insert(.escalationPhrase) }
            }
        }
        let stats = cleaned.withUnsafeBufferPointer { settings.textRules.stats(cleaned: $0, isClient: m.party.isClient) }
        return (flags, stats)
    }

    /// Notes the actor and recipients of `m` as seen.
    public func noteActors(_ m: Interaction) {
        actorsSeen.insert(m.actor)
        for r in m.attributes.recipients { actorsSeen.insert(r.address) }
    }

    /// The clarity counts of a plain text someone said or wrote outside a message (a meeting
    /// transcript's utterance); nil for speakers who are neither client nor partner.
    public func stats(ofPlainText text: String, party: Party) -> TextStats? {
        guard party.isClient || party.isPartner else { return nil }
        var text = text
        let cleaned = text.withUTF8 { TextCleaner.clean(bytes: $0, isHTML: false) }
        return cleaned.withUnsafeBufferPointer { settings.textRules.stats(cleaned: $0, isClient: party.isClient) }
    }

    /// The message as the conversation stage keeps it, and what threading reads of it.
    public func analyze(_ m: Interaction) -> (message: EmailMessage, keys: ThreadingKeys) {
        noteActors(m)
        let (flags, stats) = read(m)
        var firstPartner: Int16 = -1
        var contacts: [String] = []
        for r in m.attributes.recipients {
            if firstPartner < 0, let p = r.party.partnerIndex { firstPartner = Int16(p) }
            if r.party.isClient, isContact(r.address) {
                contacts.append(r.address)
            }
        }
        var subjectKey = ""
        if m.conversation.isEmpty {
            var orgs = Set([parties.organisationKey(of: m.actor, party: m.party)])
            for r in m.attributes.recipients { orgs.insert(parties.organisationKey(of: r.address, party: r.party)) }
            let subject = MessageAnalyzer.normalisedSubject(m.attributes.subject)
            // An empty subject joins nothing: the message starts its own conversation.
            subjectKey = subject.isEmpty ? "\u{0}" + m.id : subject + "\u{1F}" + orgs.sorted().joined(separator: ",")
        }
        let message = EmailMessage(
            id: m.id, at: m.at, actor: m.actor, party: m.party, flags: flags, firstRecipientPartner: firstPartner,
            contacts: contacts, origin: m.origin, fingerprint: m.fingerprint.addingBody(m.text), text: stats)
        return (message, ThreadingKeys(threadID: m.conversation, parentID: m.attributes.inReplyTo, subjectKey: subjectKey))
    }

    static let replyPrefixes = ["re", "fw", "fwd", "aw", "wg", "sv"]

    /// Strips any number of leading `Re:`, `Fw:`, `Fwd:`, `AW:`, `WG:`, `SV:` (case-insensitive),
    /// collapses white space and case-folds (FORMATS.md, threading).
    public static func normalisedSubject(_ subject: String) -> String {
        asciiNormalisedSubject(subject) ?? normalisedSubjectByCharacters(subject)
    }

    /// The same rule on the bytes of an ASCII subject (most are): walking Characters costs
    /// grapheme breaking, 8 % of a run whose messages lack thread ids. Nil for other subjects.
    static func asciiNormalisedSubject(_ subject: String) -> String? {
        var copy = subject
        return copy.withUTF8 { b -> String? in
            func isSpace(_ c: UInt8) -> Bool { UnicodeRules.isWhiteSpace(Unicode.Scalar(c)) }
            var lower = [UInt8](repeating: 0, count: b.count)
            for (i, c) in b.enumerated() {
                guard c < 0x80 else { return nil }
                lower[i] = UTF8Text.lowerASCII(c)
            }
            var start = 0
            while true {
                while start < lower.count, isSpace(lower[start]) { start += 1 }
                guard let colon = lower[start...].firstIndex(of: UInt8(ascii: ":")) else { break }
                var headEnd = colon
                while headEnd > start, isSpace(lower[headEnd - 1]) { headEnd -= 1 }
                let head = lower[start..<headEnd]
                guard replyPrefixBytes.contains(where: { $0.elementsEqual(head) }) else { break }
                start = colon + 1
            }
            var out: [UInt8] = []
            out.reserveCapacity(lower.count - start)
            var i = start
            while i < lower.count {
                while i < lower.count, isSpace(lower[i]) { i += 1 }
                guard i < lower.count else { break }
                if !out.isEmpty { out.append(0x20) }
                while i < lower.count, !isSpace(lower[i]) {
                    out.append(lower[i])
                    i += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    static let replyPrefixBytes = replyPrefixes.map { Array($0.utf8) }

    /// The rule on Characters, for any subject.
    static func normalisedSubjectByCharacters(_ subject: String) -> String {
        var s = Substring(subject.lowercased())
        while true {
            s = s.drop { $0.unicodeScalars.allSatisfy(UnicodeRules.isWhiteSpace) }
            guard let colon = s.firstIndex(of: ":") else { break }
            let head = s[..<colon].trimmingCharacters()
            if replyPrefixes.contains(head) { s = s[s.index(after: colon)...] } else { break }
        }
        return s.split(whereSeparator: { $0.unicodeScalars.allSatisfy(UnicodeRules.isWhiteSpace) }).joined(separator: " ")
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        var t = self
        while let l = t.unicodeScalars.last, UnicodeRules.isWhiteSpace(l) { t = t.dropLast() }
        return String(t)
    }
}
