import RapportCore

/// The per-message clarity rules (METRICS.md "Language clarity") on cleaned text:
/// readability counts, acronyms, the English guess and clarification patterns, and the
/// politeness score of English texts (politeness rules v1, METRICS.md "mutual respect").
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
        var copy = cleaned
        return copy.withUTF8 { stats(cleaned: $0, isClient: isClient) }
    }

    /// The stats of cleaned UTF-8 text: ASCII texts (most) in one pass over their bytes
    /// (``ASCIITextRules``), others as Unicode scalars after NFC. `scoresPoliteness: false`
    /// skips the politeness scan (spoken text, which METRICS.md does not score).
    public func stats(cleaned bytes: UnsafeBufferPointer<UInt8>, isClient: Bool, scoresPoliteness: Bool = true) -> TextStats {
        guard UnsafeRawBufferPointer(bytes).isASCII else {
            return statsByScalars(cleaned: String(decoding: bytes, as: UTF8.self), isClient: isClient, scoresPoliteness: scoresPoliteness)
        }
        let (counts, acronyms, isEnglish) = ASCIITextRules.stats(bytes, acronymsKnown: acronymsKnown)
        return TextStats(
            counts: counts, acronyms: acronyms, isEnglish: isEnglish,
            asksClarification: isClient && (clarification?.matches(bytes: bytes) ?? false),
            politeness: isEnglish && scoresPoliteness ? Politeness.read(cleaned: bytes).score : nil)
    }

    /// The rules as METRICS.md states them, on the text's scalars after NFC: the reference the
    /// ASCII pass is tested against, and the path for every other text.
    func statsByScalars(cleaned: String, isClient: Bool, scoresPoliteness: Bool = true) -> TextStats {
        let scalars = Readability.scalars(cleaned)
        let counts = Readability.counts(scalars)
        let words = Tokens.trimmedWords(scalars)  // read once for both rules
        let isEnglish = LanguageGuess.isEnglish(scalars, words: words)
        return TextStats(
            counts: counts, acronyms: acronyms(scalars, words: words), isEnglish: isEnglish,
            asksClarification: isClient && (clarification?.matches(cleaned) ?? false),
            politeness: isEnglish && scoresPoliteness ? Politeness.read(cleaned).score : nil)
    }

    public func acronyms(_ text: String) -> Int { acronyms(Array(text.unicodeScalars)) }

    /// Tokens of 2–6 ASCII capital letters, optionally followed by `s`, once their leading and
    /// trailing punctuation is removed, and not in `acronyms_known`.
    public func acronyms(_ scalars: [Unicode.Scalar]) -> Int { acronyms(scalars, words: Tokens.trimmedWords(scalars)) }

    func acronyms(_ scalars: [Unicode.Scalar], words: [Range<Int>]) -> Int {
        var n = 0
        for r in words {
            var end = r.upperBound
            if scalars[end - 1] == "s" { end -= 1 }
            let count = end - r.lowerBound
            guard (2...6).contains(count), scalars[r.lowerBound..<end].allSatisfy({ $0.value >= 0x41 && $0.value <= 0x5A }) else { continue }
            if acronymsKnown.isEmpty || !acronymsKnown.contains(String(String.UnicodeScalarView(scalars[r.lowerBound..<end]))) { n += 1 }
        }
        return n
    }
}

/// White-space-separated tokens with their leading and trailing non-alnum scalars removed
/// (tokens with no alnum scalar are skipped), as index ranges.
enum Tokens {
    static func trimmedWords(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        let n = s.count
        out.reserveCapacity(n / 4 + 1)  // words average more than four scalars with their space: one allocation
        while i < n {
            while i < n, UnicodeRules.isWhiteSpace(s[i]) { i += 1 }
            let start = i
            while i < n, !UnicodeRules.isWhiteSpace(s[i]) { i += 1 }
            var lo = start
            var hi = i
            while lo < hi, !UnicodeRules.isAlnum(s[lo]) { lo += 1 }
            while hi > lo, !UnicodeRules.isAlnum(s[hi - 1]) { hi -= 1 }
            if hi > lo { out.append(lo..<hi) }
        }
        return out
    }
}

/// A small, documented English detector: the share of English function words among the
/// first 200 words. Texts of 5 or more words with less than 10 % of them are not English;
/// shorter texts are taken as English (too short to tell).
public enum LanguageGuess {
    static let functionWords: [String] = [
        "the", "and", "of", "to", "is", "are", "was", "were", "be", "been", "have", "has", "had", "that", "this", "these", "those",
        "with", "for", "from", "you", "your", "we", "our", "they", "their", "it", "its", "not", "but", "or", "if", "will", "would",
        "can", "could", "should", "there", "what", "which", "who", "when", "where", "how", "please", "thanks", "thank", "about",
        "into", "than", "then", "i", "my", "me", "he", "she", "his", "her", "them", "an", "at", "by", "on", "as", "do", "does", "did",
    ]

    /// The function words packed as `asciiKey` does, sorted: a binary search per word instead
    /// of building and hashing a String (this runs on every message).
    static let functionWordKeys: [UInt64] = functionWords.map { asciiKey(Array($0.unicodeScalars)[...])! }.sorted()

    /// A word of at most 8 ASCII scalars, lowercased, as the bytes of an integer; nil otherwise.
    static func asciiKey(_ word: ArraySlice<Unicode.Scalar>) -> UInt64? {
        guard word.count <= 8 else { return nil }
        var key: UInt64 = 0
        for s in word {
            guard s.value < 0x80, s.value != 0 else { return nil }  // (a NUL would vanish from the key)
            key = key << 8 | UInt64(s.value >= 0x41 && s.value <= 0x5A ? s.value | 0x20 : s.value)
        }
        return key
    }

    public static func isEnglish(_ text: String) -> Bool { isEnglish(Array(text.unicodeScalars)) }

    public static func isEnglish(_ scalars: [Unicode.Scalar]) -> Bool { isEnglish(scalars, words: Tokens.trimmedWords(scalars)) }

    static func isEnglish(_ scalars: [Unicode.Scalar], words all: [Range<Int>]) -> Bool {
        let words = all.prefix(200)
        if words.count < 5 { return true }
        var hits = 0
        for r in words where r.count <= 6 {
            guard let key = asciiKey(scalars[r]) else { continue }
            var low = 0
            var high = functionWordKeys.count
            while low < high {
                let middle = (low + high) / 2
                if functionWordKeys[middle] < key { low = middle + 1 } else { high = middle }
            }
            if low < functionWordKeys.count && functionWordKeys[low] == key { hits += 1 }
        }
        return Double(hits) / Double(words.count) >= 0.10
    }
}
