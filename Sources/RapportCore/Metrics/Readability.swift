/// The counts of "readability rules v1" (METRICS.md): sentences, words, syllables,
/// letters, polysyllables. Sums of counts pool exactly (add them, then apply a formula).
public struct ReadabilityCounts: Sendable, Hashable {
    public var sentences = 0
    public var words = 0
    public var syllables = 0
    public var letters = 0
    public var polysyllables = 0

    public init(sentences: Int = 0, words: Int = 0, syllables: Int = 0, letters: Int = 0, polysyllables: Int = 0) {
        self.sentences = sentences
        self.words = words
        self.syllables = syllables
        self.letters = letters
        self.polysyllables = polysyllables
    }

    public static func + (a: Self, b: Self) -> Self {
        Self(
            sentences: a.sentences + b.sentences, words: a.words + b.words, syllables: a.syllables + b.syllables,
            letters: a.letters + b.letters, polysyllables: a.polysyllables + b.polysyllables)
    }

    /// The six scores in double precision, evaluated as written; nil when there are no words.
    public var scores: ReadabilityScores? {
        guard words > 0 else { return nil }
        let w = Double(words)
        let s = Double(sentences)
        let y = Double(syllables)
        let l = Double(letters)
        let p = Double(polysyllables)
        return ReadabilityScores(
            fleschReadingEase: 206.835 - 1.015 * (w / s) - 84.6 * (y / w),
            fleschKincaidGrade: 0.39 * (w / s) + 11.8 * (y / w) - 15.59,
            gunningFog: 0.4 * (w / s + 100 * p / w),
            smog: 1.0430 * (30 * p / s).squareRoot() + 3.1291,
            colemanLiau: 0.0588 * (100 * l / w) - 0.296 * (100 * s / w) - 15.8,
            ari: 4.71 * (l / w) + 0.5 * (w / s) - 21.43,
            smogReliable: sentences >= 30)
    }
}

public struct ReadabilityScores: Sendable, Hashable {
    public var fleschReadingEase: Double
    public var fleschKincaidGrade: Double
    public var gunningFog: Double
    public var smog: Double
    public var colemanLiau: Double
    public var ari: Double
    public var smogReliable: Bool
}

/// What the clarity rules read from one message's cleaned text, kept instead of the text.
public struct TextStats: Sendable, Hashable {
    public var sentences: Int32
    public var words: Int32
    public var syllables: Int32
    public var letters: Int32
    public var polysyllables: Int32
    /// Tokens of 2–6 capital letters (optional trailing s) not in `acronyms_known`.
    public var acronyms: Int32
    /// False when the language guess says the text is not English (left out of the English formulas).
    public var isEnglish: Bool
    /// Client text matching a clarification pattern ("what do you mean", …).
    public var asksClarification: Bool
    /// Politeness rules v1's score, 0–100 (50 neutral); -1 when not scored (under 3 words,
    /// not English, or not a written message).
    public var politeness: Int8 = -1

    public init(counts: ReadabilityCounts, acronyms: Int, isEnglish: Bool, asksClarification: Bool, politeness: Int? = nil) {
        sentences = Int32(clamping: counts.sentences)
        words = Int32(clamping: counts.words)
        syllables = Int32(clamping: counts.syllables)
        letters = Int32(clamping: counts.letters)
        polysyllables = Int32(clamping: counts.polysyllables)
        self.acronyms = Int32(clamping: acronyms)
        self.isEnglish = isEnglish
        self.asksClarification = asksClarification
        self.politeness = Int8(clamping: politeness ?? -1)
    }

    /// The politeness score, when the message was scored.
    public var politenessScore: Int? { politeness >= 0 ? Int(politeness) : nil }

    public var counts: ReadabilityCounts {
        ReadabilityCounts(sentences: Int(sentences), words: Int(words), syllables: Int(syllables), letters: Int(letters), polysyllables: Int(polysyllables))
    }
}
