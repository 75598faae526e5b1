import RapportCore
import RapportTransforms
import Testing

/// Readability rules v1: METRICS.md's worked examples, then one case per rule.
@Suite struct ReadabilityTests {
    func c(_ text: String) -> [Int] {
        let r = Readability.counts(text)
        return [r.sentences, r.words, r.syllables, r.letters, r.polysyllables]
    }

    @Test(arguments: [
        ("Dr. Smith met Mr. Jones at 5 p.m. yesterday. They talked.", [3, 11, 13, 41, 1]),
        ("Use a cache, e.g. Redis, for speed. It works well.", [2, 10, 11, 35, 0]),
        ("Version 2.0.1 of Node.js fixes 3.5% of the bugs. Upgrade now.", [2, 11, 15, 44, 0]),
        ("Is it done? Yes! \"Great.\" We ship it.", [4, 8, 8, 24, 0]),
        ("Status update\n\nThe build is green\nand the release is tagged\n\nNext steps follow", [3, 14, 18, 63, 0]),
        ("The state-of-the-art e-mail tool — it's great — isn't cheap.", [1, 8, 11, 42, 1]),
        ("We escalated the ticket yesterday; the fixes were tested, and the queue is stable.", [1, 14, 23, 66, 2]),
    ])
    func workedExamples(text: String, expected: [Int]) {
        #expect(c(text) == expected)
    }

    @Test func workedExampleScores() throws {
        let s = try #require(Readability.counts("We escalated the ticket yesterday; the fixes were tested, and the queue is stable.").scores)
        #expect((s.fleschReadingEase * 10_000).rounded() / 10_000 == 53.6393)
        #expect((s.fleschKincaidGrade * 10_000).rounded() / 10_000 == 9.2557)
        #expect(s.smogReliable == false)
    }

    @Test func sentenceRules() {
        #expect(c("See fig. 3 for details.")[0] == 1)  // abbreviation
        #expect(c("J. R. R. Tolkien wrote it.")[0] == 1)  // initials
        #expect(c("Step 5. Done.")[0] == 2)  // a digit before the dot is no initial
        #expect(c("Wait... then go")[0] == 2)  // "..." ends a sentence
        #expect(c("He said (\"stop.\") and left")[0] == 2)  // closers are stripped first
        #expect(c("one\ntwo")[0] == 1)  // a single newline does not close
        #expect(c("one\n \t\ntwo")[0] == 2)  // newline, white space, newline does
        #expect(c("one\r\n\r\ntwo")[0] == 2)  // CR is ordinary white space
        #expect(c("— ... —")[0] == 0)  // no word, no sentence
        #expect(c("")[1] == 0)
    }

    @Test func wordsAndLettersUseUnicodeClasses() {
        #expect(c("naïve café")[1] == 2)
        #expect(c("naïve café")[3] == 9)
        #expect(c("na\u{0308}ive")[3] == 5)  // NFC first: n, ä, i, v, e
        #expect(c("Ⅻ ¼")[1] == 0)  // Nl and No are not alnum
        #expect(c("日本語 テキスト")[1] == 2)
        #expect(c("a\u{00A0}b")[1] == 2)  // U+00A0 is white space
    }

    @Test func syllableRule() {
        func y(_ w: String) -> Int { Readability.syllables(Array(w.unicodeScalars)[...]) }
        #expect(y("tested") == 2)  // -ed kept after t
        #expect(y("walked") == 1)  // -ed dropped
        #expect(y("boxes") == 2)  // -xes kept
        #expect(y("makes") == 1)  // -es dropped, then "mak"
        #expect(y("make") == 1)  // silent e
        #expect(y("table") == 2)  // consonant + le keeps its e
        #expect(y("the") == 1)
        #expect(y("rhythm") == 1)  // y is a vowel
        #expect(y("3.5%") == 1)  // no letters
        #expect(y("Straße") == 1)  // ß dropped: "strae" → one run after the silent e
        #expect(y("naïve") == 1)  // NFD: "naive" → "ai" … "e" silent
    }

    @Test func emptyTextHasNoScores() {
        #expect(Readability.counts("   ").scores == nil)
        #expect(Readability.counts("— *").scores == nil)
    }
}
