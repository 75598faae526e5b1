import RapportCore

/// The per-message clarity rules (METRICS.md "Language clarity") on cleaned text:
/// readability counts, acronyms, the English guess and clarification patterns.
public struct TextRules: Sendable {
    public static let defaultClarificationPatterns = [
        "could you clarify", "please clarify", "what do you mean", "not sure (I|we) understand", "can you explain", "unclear",
        "confus(ed|ing)",
    ]

    public let acronymsKnown: Set<String>
    public let clarification: PhraseMatcher?

    public init(acronymsKnown: [String] = [], clarification: PhraseMatcher?) {
        self.acronymsKnown = Set(acronymsKnown.map { $0.uppercased() })
        self.clarification = clarification
    }

    public func stats(cleaned: String, isClient: Bool) -> TextStats {
        let counts = Readability.counts(cleaned)
        return TextStats(
            counts: counts, acronyms: acronyms(cleaned), isEnglish: LanguageGuess.isEnglish(cleaned),
            asksClarification: isClient && (clarification?.matches(cleaned) ?? false))
    }

    /// Tokens of 2–6 ASCII capital letters, optionally followed by `s`, once their leading and
    /// trailing punctuation is removed, and not in `acronyms_known`.
    public func acronyms(_ text: String) -> Int {
        var n = 0
        for token in text.unicodeScalars.split(whereSeparator: UnicodeRules.isWhiteSpace) {
            var t = Substring.UnicodeScalarView(token)
            while let f = t.first, !UnicodeRules.isAlnum(f) { t.removeFirst() }
            while let l = t.last, !UnicodeRules.isAlnum(l) { t.removeLast() }
            var core = t
            if core.last == "s" { core.removeLast() }
            guard (2...6).contains(core.count), core.allSatisfy({ $0.value >= 0x41 && $0.value <= 0x5A }) else { continue }
            if !acronymsKnown.contains(String(String.UnicodeScalarView(core))) { n += 1 }
        }
        return n
    }
}

/// A small, documented English detector: the share of English function words among the
/// first 200 words. Texts of 5 or more words with less than 10 % of them are not English;
/// shorter texts are taken as English (too short to tell).
public enum LanguageGuess {
    static let functionWords: Set<String> = [
        "the", "and", "of", "to", "is", "are", "was", "were", "be", "been", "have", "has", "had", "that", "this", "these", "those",
        "with", "for", "from", "you", "your", "we", "our", "they", "their", "it", "its", "not", "but", "or", "if", "will", "would",
        "can", "could", "should", "there", "what", "which", "who", "when", "where", "how", "please", "thanks", "thank", "about",
        "into", "than", "then", "i", "my", "me", "he", "she", "his", "her", "them", "an", "at", "by", "on", "as", "do", "does", "did",
    ]

    public static func isEnglish(_ text: String) -> Bool {
        var words = 0
        var hits = 0
        for token in text.unicodeScalars.split(whereSeparator: UnicodeRules.isWhiteSpace) {
            var t = Substring.UnicodeScalarView(token)
            while let f = t.first, !UnicodeRules.isAlnum(f) { t.removeFirst() }
            while let l = t.last, !UnicodeRules.isAlnum(l) { t.removeLast() }
            if t.isEmpty { continue }
            words += 1
            if functionWords.contains(String(String.UnicodeScalarView(t)).lowercased()) { hits += 1 }
            if words == 200 { break }
        }
        if words < 5 { return true }
        return Double(hits) / Double(words) >= 0.10
    }
}
