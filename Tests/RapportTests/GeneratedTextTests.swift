import Foundation
import RapportCore
@testable import RapportSynthetic
@testable import RapportTransforms
import Testing

/// The varied text of `rapport generate` (issue 18): bodies rarely repeat, the rules read
/// what the generator means (acknowledgements, escalations, clarification requests), and
/// partners differ in tone. `RAPPORT_TEXT_SAMPLE=100000` measures on more messages.
@Suite struct GeneratedTextTests {
    /// Sender domain and body of the messages of `threads` generated threads.
    static func sample(threads: Int, seed: UInt64 = 42) -> [(domain: String, body: String)] {
        var rng = SeededRandom(seed: seed)
        var counter = 0
        var out: [(String, String)] = []
        let start = Instant(seconds: 1_780_000_000)!
        for number in 0..<threads {
            for m in EmailGenerator.makeThread(number: number, start: start, rng: &rng, counter: &counter) {
                let domain = m.from.split(separator: "@").last.map { String($0.prefix { $0 != ">" }) } ?? ""
                out.append((domain, m.body))
            }
        }
        return out
    }

    /// Bodies of the generator (for differential tests of the text rules), `count` at most.
    static func bodies(_ count: Int, seed: UInt64 = 42) -> [String] {
        Array(sample(threads: count / 4 + 1, seed: seed).map(\.body).prefix(count))
    }

    static var sampleSize: Int { ProcessInfo.processInfo.environment["RAPPORT_TEXT_SAMPLE"].flatMap { Int($0) } ?? 20_000 }

    @Test func bodiesAndSentencesRarelyRepeat() {
        let messages = Self.sample(threads: Self.sampleSize / 4).prefix(Self.sampleSize)
        let bodies = messages.map(\.body)
        let cleaned = bodies.map { TextCleaner.clean($0) }
        var sentences: [Substring] = []
        for c in cleaned {
            for s in c.split(whereSeparator: { $0 == "." || $0 == "!" || $0 == "?" || $0 == "\n" }) where s.split(separator: " ").count >= 3 {
                sentences.append(s)
            }
        }
        let distinctBodies = Double(Set(bodies).count) / Double(bodies.count)
        let distinctCleaned = Double(Set(cleaned).count) / Double(cleaned.count)
        let distinctSentences = Double(Set(sentences).count) / Double(sentences.count)
        let length = Double(bodies.map(\.utf8.count).reduce(0, +)) / Double(bodies.count)
        print("generated text: \(bodies.count) messages, body \(Int(length)) bytes, distinct bodies \(distinctBodies), cleaned \(distinctCleaned), sentences \(distinctSentences)")
        #expect(distinctBodies > 0.95)
        #expect(distinctCleaned > 0.9)
        #expect(length > 330 && length < 480)
    }

    @Test func theSameSeedGivesTheSameText() {
        #expect(Self.sample(threads: 200, seed: 9).map(\.body) == Self.sample(threads: 200, seed: 9).map(\.body))
        #expect(Self.sample(threads: 200, seed: 9).map(\.body) != Self.sample(threads: 200, seed: 10).map(\.body))
    }

    @Test func theRulesReadWhatTheGeneratorMeans() throws {
        var rng = SeededRandom(seed: 3)
        let acks = AcknowledgementRule()
        let escalation = try PhraseMatcher(patterns: ["\\bescalat(e|ed|ing|ion)\\b", "speak (to|with) (a|your) (manager|supervisor)"])
        let clarification = try PhraseMatcher(patterns: TextRules.defaultClarificationPatterns)
        for _ in 0..<2_000 {
            let ack = TextCleaner.clean(Text.acknowledgement(rng: &rng))
            #expect(acks.isAcknowledgement(cleaned: ack), "\(ack)")
            let bump = TextCleaner.clean(Text.bump(rng: &rng))
            #expect(!acks.isAcknowledgement(cleaned: bump), "\(bump)")
            #expect(escalation.matches(Text.escalation(rng: &rng)))
            #expect(clarification.matches(rng.pick(Sentences.clarifications).filled(rng: &rng)))
        }
    }

    /// Mean politeness (rules v1) per sender organisation, and the share under 25.
    @Test func partnersAndClientDifferInTone() {
        var sum: [String: (score: Int, count: Int, impolite: Int)] = [:]
        let rules = TextRules(clarification: nil)
        for (domain, body) in Self.sample(threads: 3_000) {
            let cleaned = TextCleaner.clean(body)
            guard rules.stats(cleaned: cleaned, isClient: false).isEnglish, let score = Politeness.read(cleaned).score else { continue }
            var s = sum[domain, default: (0, 0, 0)]
            s.score += score
            s.count += 1
            if score < 25 { s.impolite += 1 }
            sum[domain] = s
        }
        func mean(_ d: String) -> Double { Double(sum[d]!.score) / Double(sum[d]!.count) }
        func impolite(_ d: String) -> Double { Double(sum[d]!.impolite) / Double(sum[d]!.count) }
        for d in sum.keys.sorted() { print("politeness \(d): mean \(mean(d)), impolite \(impolite(d)), \(sum[d]!.count) messages") }
        #expect(mean("globex-bpo.example") > mean("hooli.example") + 5)
        #expect(mean("globex-bpo.example") > mean("acme.example") + 2)
        #expect(mean("acme.example") > mean("hooli.example"))
        #expect(impolite("hooli.example") > impolite("globex-bpo.example"))
    }
}
