import RapportCore

/// Reads each message's text once, at extraction, into what the facts keep (see
/// ``extract(_:)``): auto-reply, acknowledgement and escalation-phrase flags, the clarity
/// counts and the politeness score; and the subject's threading key.
///
/// One analyzer per extraction lane; the settings are shared.
public final class MessageAnalyzer {
    /// The text settings of the pipeline (`ignore.actors` and escalation contacts are applied at analysis).
    public struct Settings: Sendable {
        public var acknowledgements: AcknowledgementRule
        public var escalationPhrases: PhraseMatcher?
        public var textRules: TextRules
        public init(
            acknowledgements: AcknowledgementRule = AcknowledgementRule(), escalationPhrases: PhraseMatcher? = nil,
            textRules: TextRules = TextRules(clarification: nil)
        ) {
            self.acknowledgements = acknowledgements
            self.escalationPhrases = escalationPhrases
            self.textRules = textRules
        }
    }

    /// Subjects of automatic replies (METRICS.md), compared case-insensitively.
    static let autoReplyPrefixes = ["automatic reply:", "out of office", "automatische antwort:", "abwesenheitsnotiz"]

    public let settings: Settings
    public let parties: PartyDirectory

    public init(settings: Settings, parties: PartyDirectory) {
        self.settings = settings
        self.parties = parties
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
