/// "Politeness rules v1" (docs/politeness.md; METRICS.md, "mutual respect"): a transparent,
/// rule-based reading of politeness strategies in one message's cleaned English text.
///
/// `score = clamp(50 + Σ weight(cue) · min(count(cue), cap(cue)), 0, 100)`, an integer; 50 is
/// neutral (a text with no cue). Texts of fewer than 3 words (readability rules v1's W) are
/// not scored. The caller cleans the text with ``TextCleaner`` and leaves out texts the
/// language guess calls non-English (``TextStats/isEnglish``): the rules read English only.
public enum Politeness {
    public static let version = "politeness rules v1"
    /// Texts with fewer words have no score.
    public static let minimumWords = 3

    /// Words, cue counts and score of cleaned text.
    public static func read(_ cleaned: String) -> PolitenessReading {
        var copy = cleaned
        return copy.withUTF8 { read(cleaned: $0) }
    }

    /// The same on UTF-8 bytes (invalid sequences read as U+FFFD, as ``UTF8Text`` does).
    public static func read(cleaned bytes: UnsafeBufferPointer<UInt8>) -> PolitenessReading {
        let (words, counts) = PolitenessScanner.scan(bytes)
        return PolitenessReading(words: words, counts: counts, score: score(counts, words: words))
    }

    /// The formula: nil under ``minimumWords`` words, else `clamp(50 + Σ weight · min(count, cap), 0, 100)`.
    public static func score(_ counts: PolitenessCueCounts, words: Int) -> Int? {
        guard words >= minimumWords else { return nil }
        var total = 50
        for cue in PolitenessCue.allCases { total += cue.weight * min(counts[cue], cue.cap) }
        return min(100, max(0, total))
    }
}

/// What ``Politeness`` read in one text.
public struct PolitenessReading: Sendable, Hashable {
    /// Words as readability rules v1 count them (W).
    public var words: Int
    /// Raw counts (the caps apply only in the score).
    public var counts: PolitenessCueCounts
    /// 0–100, 50 neutral; nil for texts under 3 words.
    public var score: Int?
}

/// One count per ``PolitenessCue``, stored inline (no allocation per message): room for 32 cues.
public struct PolitenessCueCounts: Sendable, Hashable {
    private var storage = SIMD32<Int32>()

    public init() {}

    public subscript(cue: PolitenessCue) -> Int {
        get { Int(storage[cue.rawValue]) }
        set { storage[cue.rawValue] = Int32(clamping: newValue) }
    }
}

/// The cues of politeness rules v1, polite ones first. Each has a weight (score points per
/// occurrence, up to its cap); the matching rules are in ``PolitenessLexicon``.
public enum PolitenessCue: Int, CaseIterable, Sendable {
    // For politeness.
    case gratitude, greeting, apology, please, hedge, indirectRequest, modalRequest, deference, positiveWord,
        inclusive, goodWishes
    // Against.
    case pleaseStart, imperativeStart, youStart, directQuestion, conjunctionStart, factuality, negativeWord,
        blame, obligation, profanity, shouting, repeatedMarks

    /// The CSV column name.
    public var column: String {
        switch self {
        case .gratitude: "gratitude"
        case .greeting: "greeting"
        case .apology: "apology"
        case .please: "please"
        case .hedge: "hedge"
        case .indirectRequest: "indirect_request"
        case .modalRequest: "modal_request"
        case .deference: "deference"
        case .positiveWord: "positive_word"
        case .inclusive: "inclusive"
        case .goodWishes: "good_wishes"
        case .pleaseStart: "please_start"
        case .imperativeStart: "imperative_start"
        case .youStart: "you_start"
        case .directQuestion: "direct_question"
        case .conjunctionStart: "conjunction_start"
        case .factuality: "factuality"
        case .negativeWord: "negative_word"
        case .blame: "blame"
        case .obligation: "obligation"
        case .profanity: "profanity"
        case .shouting: "shouting"
        case .repeatedMarks: "repeated_marks"
        }
    }

    /// Score points per counted occurrence (docs/politeness.md says which were fitted and how).
    public var weight: Int {
        switch self {
        case .gratitude: 20
        case .greeting: 10
        case .apology: 10
        case .please: 5
        case .hedge: 0
        case .indirectRequest: 10
        case .modalRequest: 5
        case .deference: 10
        case .positiveWord: 10
        case .inclusive: 0
        case .goodWishes: 5
        case .pleaseStart: -5
        case .imperativeStart: -10
        case .youStart: -10
        case .directQuestion: -10
        case .conjunctionStart: -10
        case .factuality: -10
        case .negativeWord: -10
        case .blame: -15
        case .obligation: -5
        case .profanity: -20
        case .shouting: -15
        case .repeatedMarks: -15
        }
    }

    /// At most this many occurrences count in the score: a cue said five times is not five times as polite.
    public var cap: Int {
        switch self {
        case .greeting, .goodWishes, .please, .pleaseStart, .modalRequest, .shouting: 1
        case .negativeWord: 3
        default: 2
        }
    }
}
