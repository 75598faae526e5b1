import Foundation
import RapportCore
import RapportSynthetic
@testable import RapportTransforms
import Testing

/// The shortcuts of the text rules (issue 18) against the plain statement of the rules, on
/// the varied generator's texts and on texts made of the pieces each shortcut turns on.
@Suite struct TextFastPathTests {
    let rules = TextRules(acronymsKnown: ["SLA"], clarification: try! PhraseMatcher(patterns: TextRules.defaultClarificationPatterns))

    /// The rules' scalars as METRICS.md states them: one leading U+FEFF dropped, then NFC.
    static func referenceScalars(_ text: String) -> [Unicode.Scalar] {
        var t = text
        if t.unicodeScalars.first == "\u{FEFF}" { t.unicodeScalars.removeFirst() }
        return Array(t.precomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// The syllable rule as stated: NFD of the word, its ASCII letters lower-cased.
    static func referenceSyllables(_ word: [Unicode.Scalar]) -> Int {
        let decomposed = String(String.UnicodeScalarView(word)).decomposedStringWithCanonicalMapping
        let letters = decomposed.unicodeScalars.filter { ($0.value >= 0x41 && $0.value <= 0x5A) || ($0.value >= 0x61 && $0.value <= 0x7A) }
            .map { UInt8($0.value) | 0x20 }
        return letters.withUnsafeBufferPointer { Readability.syllables(letters: $0) }
    }

    static let stableRanges: [ClosedRange<UInt32>] = [0x0...0x2FF, 0x2002...0x206F, 0x20A0...0x20C0]

    @Test func nfcLeavesEveryStableScalarAlone() {
        for range in Self.stableRanges {
            for v in range {
                guard let s = Unicode.Scalar(v) else { continue }
                #expect(Readability.isNFCStable(s))
                #expect(Array(String(Character(s)).precomposedStringWithCanonicalMapping.unicodeScalars) == [s], "U+\(String(v, radix: 16))")
            }
        }
        #expect(!Readability.isNFCStable("\u{301}") && !Readability.isNFCStable("\u{2000}") && !Readability.isNFCStable("\u{212B}"))
    }

    /// Texts of stable scalars (pairs included: NFC must compose none of them), and texts that
    /// hold a combining mark or a singleton, which take Foundation's NFC.
    @Test func scalarsAreNFCWithOrWithoutTheShortcut() {
        let stable = Self.stableRanges.flatMap { $0.compactMap(Unicode.Scalar.init) }
        let others: [Unicode.Scalar] = ["\u{301}", "\u{308}", "\u{2000}", "\u{212B}", "\u{1100}", "\u{1161}", "\u{FEFF}", "é", "e", "A"]
        var rng = SeededRandom(seed: 18)
        for round in 0..<20_000 {
            var view = String.UnicodeScalarView()
            for _ in 0..<rng.int(1...6) { view.append(round % 4 == 3 && rng.chance(0.3) ? rng.pick(others) : rng.pick(stable)) }
            let text = String(view)
            #expect(Readability.scalars(text) == Self.referenceScalars(text), "\(text.unicodeScalars.map { $0.value })")
        }
    }

    @Test func syllablesOfLatinWordsMatchTheirNFD() {
        let latin = (0x20...0x2FF).compactMap(Unicode.Scalar.init).filter { !UnicodeRules.isWhiteSpace($0) }
        let ascii = Array("aeiouyedsltchxzgb").compactMap(\.unicodeScalars.first)
        var rng = SeededRandom(seed: 19)
        for _ in 0..<20_000 {
            let word = (0..<rng.int(1...9)).map { _ in rng.chance(0.3) ? rng.pick(latin) : rng.pick(ascii) }
            #expect(Readability.syllables(word[...]) == Self.referenceSyllables(word), "\(word.map { $0.value })")
        }
    }

    /// Words over the letters the suffix and silent-e steps read, in both cases, with
    /// punctuation and digits inside: the one-pass syllables against the letter rule.
    @Test func onePassSyllablesMatchTheLetterRule() {
        let alphabet = Array("aeiouyEDSLTCHdstlchxzgbr'-.1")
        var rng = SeededRandom(seed: 20)
        for _ in 0..<50_000 {
            let word = String((0..<rng.int(0...10)).map { _ in rng.pick(alphabet) })
            #expect(rules.stats(cleaned: word, isClient: true) == rules.statsByScalars(cleaned: word, isClient: true), "\(word)")
        }
    }

    /// The generator's bodies, cleaned: every path gives the scalar rules' answers.
    @Test func variedTextsGiveTheScalarRulesAnswers() {
        var nonASCII = 0
        for body in GeneratedTextTests.bodies(6_000) {
            let cleaned = TextCleaner.clean(body)
            #expect(rules.stats(cleaned: cleaned, isClient: true) == rules.statsByScalars(cleaned: cleaned, isClient: true))
            #expect(Readability.scalars(cleaned) == Self.referenceScalars(cleaned))
            if cleaned.utf8.contains(where: { $0 >= 0x80 }) { nonASCII += 1 }
        }
        #expect(nonASCII > 100)  // the generator writes accents, euro signs and no-break spaces
    }
}
