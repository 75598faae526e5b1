import RapportCore
import RapportSynthetic
@testable import RapportTransforms
import Testing

@Suite struct TextCleaningTests {
    @Test func quotedHistoryAndSignaturesAreRemoved() {
        let text = "Thanks, that works!\n\nOn Mon, 2 Mar 2026 at 12:30, Ana wrote:\n> escalate\n> more"
        #expect(TextCleaner.clean(text) == "Thanks, that works!\n")
        #expect(TextCleaner.clean("Yes.\n> quoted\nNo.") == "Yes.\nNo.")
        #expect(TextCleaner.clean("Hi\n-----Original Message-----\nFrom: x") == "Hi")
        #expect(TextCleaner.clean("Ok\nAm 2. März 2026 um 12:30 schrieb:\nalt") == "Ok")
        // Read literally (README): a German attribution with the name after "schrieb" is not a marker; its quoted lines still go.
        #expect(TextCleaner.clean("Ok\nAm 2. März 2026 schrieb Ana:\n> alt") == "Ok\nAm 2. März 2026 schrieb Ana:")
        #expect(TextCleaner.clean("Fine.\nFrom: Ana Cruz\nTo: Jane\nSent: Monday\nSubject: x") == "Fine.")
        #expect(TextCleaner.clean("Fine.\nFrom: the start we knew.\nIt works.") == "Fine.\nFrom: the start we knew.\nIt works.")
        #expect(TextCleaner.clean("Body\n-- \nJane Roe\n+49 30 1") == "Body")
        #expect(TextCleaner.clean("Body\r\n-- \r\nJane") == "Body\r")
    }

    @Test func htmlOnlyWhenItIsHTML() {
        #expect(TextCleaner.clean("<p>Hello&nbsp;team,</p><p>It&#39;s <b>fixed</b>.</p>") == "\nHello\u{A0}team,\n\nIt's fixed.\n")
        #expect(TextCleaner.clean("if a < b and c > d") == "if a < b and c > d")
        #expect(TextCleaner.looksLikeHTML("<div>x</div>"))
        #expect(TextCleaner.looksLikeHTML("line<br/>line"))
        #expect(!TextCleaner.looksLikeHTML("use <b> for bold"))
        #expect(TextCleaner.clean("x <b>y</b>", isHTML: true) == "x y")
    }

    @Test func urlsAndAddressesAreRemoved() {
        #expect(TextCleaner.clean("See https://example.com/a?b=c for details") == "See  for details")
        #expect(TextCleaner.clean("Mail jane.roe@acme.example today") == "Mail  today")
        #expect(TextCleaner.clean("Write to <jane@acme.example>.") == "Write to <>.")
        #expect(TextCleaner.clean("Visit www.acme.example now") == "Visit  now")
        #expect(TextCleaner.clean("a @ b") == "a @ b")
    }

    /// The ranges-and-memchr removal against the byte-by-byte rule, on texts made of URL
    /// prefixes (any case), near misses, addresses, address stops and non-ASCII white space.
    @Test func urlAndAddressRemovalAgreesWithTheByteRule() {
        let pieces = [
            "http://", "HTTPS://x.y/z", "https:/", "www.", "WWW.a", "ww.", "ftp://", "mailto:", "MailTo:x", "jane@acme.example", "@", "a@b",
            "@@", "x@", "<", ">", "(", ")", "[", "]", "\"", "'", ",", ";", ":", ".", " ", "\n", "\u{A0}", "\u{2003}", "é", "x", "http",
            "://", "see", "1", "_", "-",
        ]
        var rng = SeededRandom(seed: 5)
        var changed = 0
        for _ in 0..<20_000 {
            let text = Array((0..<rng.int(0...24)).map { _ in rng.pick(pieces) }.joined().utf8)
            let fast = TextCleaner.removeURLsAndAddresses(text)
            #expect(fast == TextCleaner.removeURLsAndAddressesByteByByte(text), "\(String(decoding: text, as: UTF8.self))")
            if fast != text { changed += 1 }
        }
        #expect(changed > 5_000 && changed < 19_000)  // both kinds of text occur often
    }

    @Test func htmlStrippedInRunsAgreesWithByteByByte() {
        let pieces = [
            "<p>", "</p>", "<br>", "<br/>", "<BR />", "<div class=\"x\">", "</div>", "<!-- c -->", "<!--", "-->", "<", ">", "< p>", "<3", "&amp;",
            "&lt;", "&#233;", "&#x1F600;", "&nbsp;", "&bogus;", "&", "&#", ";", "a", "Hello", " ", "\n", "é", "\u{2003}", "<li>", "</tr>", "x&y",
        ]
        var rng = SeededRandom(seed: 11)
        var changed = 0
        for _ in 0..<20_000 {
            let text = Array((0..<rng.int(0...24)).map { _ in rng.pick(pieces) }.joined().utf8)
            let (runs, bytes) = text.withUnsafeBufferPointer { (TextCleaner.stripHTML($0), TextCleaner.stripHTML($0, bytewise: true)) }
            #expect(runs == bytes, "\(String(decoding: text, as: UTF8.self))")
            if runs != text { changed += 1 }
        }
        #expect(changed > 5_000 && changed < 19_900)  // tags and entities occur often, plain texts too
    }
}

@Suite struct AcknowledgementTests {
    let rule = AcknowledgementRule()

    func ack(_ s: String) -> Bool { rule.isAcknowledgement(cleaned: TextCleaner.clean(s)) }

    @Test func closingThanksOpenNoTurn() {
        #expect(ack("Thanks, that works"))
        #expect(ack("Thanks, that fixed it!"))
        #expect(ack("Hi Luis,\n\nGreat, thanks!\n\nJane"))
        #expect(ack("Hello team,\n\nThanks!\n\nJane"))  // nothing left but the sign-off: no words
        #expect(ack("Got it."))
        #expect(ack("Perfect, appreciated.\n\nBest regards,\nJane Roe\nAcme Operations"))
        #expect(ack(""))
    }

    /// Twelve words may still be a thank-you; thirteen never are. A token without a letter or
    /// digit ("—") is no word; a question mark after the sign-off is not in the body.
    @Test func twelveWordsAtMost() {
        #expect(ack("Thanks a lot team, this is all fine now for us today"))
        #expect(ack("Thanks a lot team — this is all fine now for us today"))
        #expect(!ack("Thanks a lot team, this is really all fine now for us today"))
        #expect(ack("Thanks a lot team, this is all fine now for us today\nBest regards,\nJane (why?)"))
    }

    /// METRICS.md: whole-word is about the characters around the phrase, not white space.
    @Test func phrasesNextToPunctuationAndEmojiMatch() {
        #expect(ack("Hi&amp;thanks for the help"))
        #expect(ack("Hi&amp;thanks for your kindness"))
        #expect(ack("Thank you💖you rock"))
        #expect(ack("Thank you💖you are awesome💖"))
        #expect(ack("(thanks)"))
        #expect(ack("ok,thx"))
        #expect(ack("noted_ok") == false)  // `_` touches it
        #expect(ack("THANK\tYOU so much"))
        #expect(ack("thank\n  you team"))  // a space in the phrase matches any run of white space, newlines too
        #expect(!ack("thankyou"))
        #expect(!ack("thanksgiving"))
        #expect(!ack("ungreat"))
        #expect(!ack("great2"))
        #expect(!ack("２great"))  // a full-width digit is a number (Nd)
        #expect(!ack("ⅷgreat"))  // so is a Roman numeral (Nl)
        #expect(!ack("²great"))  // and a superscript two (No)
        #expect(ack("—great—"))
    }

    /// A configured phrase with non-ASCII letters matches case-insensitively by Unicode's rules.
    @Test func nonASCIIPhrasesFoldCase() {
        let german = AcknowledgementRule(phrases: ["danke schön", "erledigt"])
        #expect(german.isAcknowledgement(cleaned: "DANKE SCHÖN!"))
        #expect(german.isAcknowledgement(cleaned: "Danke   schön, das war's"))
        #expect(!german.isAcknowledgement(cleaned: "Dankeschön"))
        #expect(!german.isAcknowledgement(cleaned: "unerledigt"))
    }

    @Test func questionsAndRealRequestsDo() {
        #expect(!ack("Thanks. Could you also send the PDF?"))
        #expect(!ack("Please send the April rota."))
        #expect(!ack("Thanks for the update, but the export is still missing about two hundred rows since Monday."))
        #expect(!ack("Highlights: thanksgiving rota pending"))  // "Highlights" is no greeting; no whole-word phrase
        #expect(!ack("It works now"))
    }

    @Test func greetingNeedsAWordAndAComma() {
        // "Hi there" without a comma is not a greeting line, so it stays; a lone "thanks" line is a sign-off.
        #expect(AcknowledgementRule.body(of: "Hi there\nplease check") == "Hi there\nplease check")
        #expect(AcknowledgementRule.body(of: "Hi there\nthanks") == "Hi there")
        #expect(AcknowledgementRule.body(of: "Hiya all,\nplease check") == "Hiya all,\nplease check")
        #expect(AcknowledgementRule.body(of: "Good morning all,\nplease check") == "please check")
        #expect(AcknowledgementRule.body(of: "\n\nDear Ana,\nplease check") == "\n\nplease check")
        #expect(AcknowledgementRule.body(of: "x\nKind  regards.\nJane") == "x")
        #expect(AcknowledgementRule.body(of: "x\nThanks Jane\ny") == "x\nThanks Jane\ny")
    }

    /// Each sign-off in any case, with its inner white space widened and one closing mark, ends
    /// the body; the same words with one more letter, or without their first, do not.
    @Test func everySignOffAndItsNearMisses() {
        for signOff in AcknowledgementRule.signOffs {
            let variant = signOff.uppercased().split(separator: " ").joined(separator: " \t ") + "!"
            #expect(AcknowledgementRule.body(of: "x\n  \(variant)\nJane") == "x", "\(variant)")
            #expect(AcknowledgementRule.body(of: "x\n\(signOff)s\nJane") == "x\n\(signOff)s\nJane")
            #expect(AcknowledgementRule.body(of: "x\n\(signOff.dropFirst())\nJane") == "x\n\(signOff.dropFirst())\nJane")
        }
    }
}

@Suite struct PhraseMatcherTests {
    @Test func posixExtendedWithWordBoundariesCaseInsensitive() throws {
        let m = try PhraseMatcher(patterns: ["\\bescalat(e|ed|ing|ion)\\b", "speak (to|with) (a|your) (manager|supervisor)", "ticket #\\d+"])
        #expect(m.matches("We will ESCALATE this."))
        #expect(m.matches("I need to speak with your manager"))
        #expect(m.matches("see ticket #123"))
        #expect(!m.matches("the escalator is broken"))
        #expect(!m.matches("de-escalations"))
        #expect(!m.matches("ticket #x"))
    }

    @Test func theRequiredLiteralIsTheLongestPlainRunOutsideGroups() {
        func literal(_ p: String) -> String? { PhraseMatcher.requiredLiteral(p).map { String(decoding: $0, as: UTF8.self) } }
        #expect(literal("\\bescalat(e|ed|ing|ion)\\b") == "escalat")
        #expect(literal("speak (to|with) (a|your) (manager|supervisor)") == "speak ")
        #expect(literal("ticket #\\d+") == "ticket #")
        #expect(literal("not sure (I|we) understand") == " understand")
        #expect(literal("ESCALATE") == "escalate")
        #expect(literal("colou?r") == "colo")
        #expect(literal("[Ee]scalate") == "scalate")
        #expect(literal("[]x]yzw") == "yzw")
        #expect(literal("urgent.*now") == "urgent")
        #expect(literal("re{2,3}port") == "port")
        #expect(literal("escalate|urgent") == nil)  // an alternative at the top: no literal is required
        #expect(literal("ab") == nil)
        #expect(literal("[[:digit:]]abc") == nil)  // the class's own `]` would otherwise be read as a literal
    }

    @Test func thePrefilterNeverChangesAnAnswer() throws {
        let patterns = TextRules.defaultClarificationPatterns + ["\\bescalat(e|ed|ing|ion)\\b", "speak (to|with) (a|your) (manager|supervisor)", "ticket #\\d+", "urgent|asap", "[[:digit:]]+ tickets"]
        let fast = try PhraseMatcher(patterns: patterns)
        let plain = try PhraseMatcher(patterns: patterns, prefilter: false)
        let words = [
            "escalate", "ESCALATED", "escalator", "Speak", "with", "your", "manager", "what", "do", "you", "mean", "Not", "sure", "we",
            "understand", "ticket", "tickets", "3", "#12", "#", "unclear", "clarify", "please", "could", "URGENT", "the", ".", "\n", "é", "ſ", "",
        ]
        var rng = SeededRandom(seed: 7)
        var matched = 0
        for _ in 0..<3_000 {
            let text = (0..<rng.int(0...12)).map { _ in rng.pick(words) }.joined(separator: rng.pick([" ", " ", "  "]))
            #expect(fast.matches(text) == plain.matches(text), "\(text)")
            if plain.matches(text) { matched += 1 }
        }
        #expect(matched > 300 && matched < 2_700)  // both answers occur often
    }

    @Test func badPatternsAreReportedWithTheirIndex() {
        #expect(throws: PhraseMatcher.PatternError.self) { try PhraseMatcher(patterns: ["ok", "(unclosed"]) }
        do {
            _ = try PhraseMatcher(patterns: ["ok", "(unclosed"])
        } catch {
            #expect(error.index == 1)
        }
    }
}

/// The one-pass byte rules for ASCII text (``ASCIITextRules``) against the scalar rules they
/// stand in for.
@Suite struct ASCIITextRulesTests {
    let rules = TextRules(acronymsKnown: ["SLA"], clarification: try! PhraseMatcher(patterns: TextRules.defaultClarificationPatterns))

    /// Worked by hand (README "Text rules"): Mr. and e.g. end no sentence; "uses" keeps its
    /// -es after s (2 syllables), "are" loses its silent e (1), "API" has 2; API and KPIs are
    /// acronyms, SLAs is known; the, Our and are are 3 function words of 11.
    @Test func aWorkedExample() {
        let text = "Mr. Smith uses the API. Our SLAs, e.g. KPIs, are fine!"
        let stats = rules.stats(cleaned: text, isClient: true)
        #expect([stats.sentences, stats.words, stats.syllables, stats.letters, stats.polysyllables] == [2, 11, 13, 37, 0])
        #expect(stats.acronyms == 2)
        #expect(stats.isEnglish)
        #expect(!stats.asksClarification)
        #expect(!rules.stats(cleaned: "Bitte senden Sie uns die Unterlagen bis Freitag zu", isClient: true).isEnglish)
        #expect(rules.stats(cleaned: "Sorry, what do you mean by tier 2?", isClient: true).asksClarification)
    }

    @Test func asciiIsDecidedByEveryByte() {
        for length in 0..<20 {
            var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            #expect(bytes.withUnsafeBytes { $0.isASCII })
            for k in 0..<length {
                bytes[k] = 0xC3
                #expect(!bytes.withUnsafeBytes { $0.isASCII }, "byte \(k) of \(length)")
                bytes[k] = UInt8(ascii: "a")
            }
        }
    }

    /// Texts made of the pieces the rules turn on (abbreviations, openers and closers,
    /// ellipses, acronyms with and without s, suffixes, paragraph breaks, NUL), and texts of
    /// random ASCII bytes: the byte pass must give the scalar rules' answers every time.
    @Test func theBytePassAgreesWithTheScalarRules() {
        let pieces = [
            "Mr.", "mrs.", "e.g.", "E.G.", "i.e.", "approx.", "Approx.)", "A.", "(A.", "\"Dr.\"", "U.S.", "wait...", "done!", "why?", "ok?)",
            "'quote.'", "[fig.]", "{x.}", "API", "APIs", "SLAs", "KPI", "ABCDEFG", "AB", "As", "s", "the", "THE", "and", "Of", "you",
            "please", "beautiful", "created", "wanted", "needed", "boxes", "classes", "wishes", "table", "free", "the\u{0}e", "12",
            "3.5", "--", "...", ".", "(", ")", "x", "rhythm", "ed", "es", "queued", "\n", "\n\n", "\r\n", "\t", "\u{0B}", "\u{0C}",
            " \n \n", "what do you mean", "unclear", "@", "#", "'", "\"", "abcdefghi",
        ]
        var rng = SeededRandom(seed: 11)
        var englishAnswers = Set<Bool>()
        var sentenceCounts = Set<Int32>()
        var acronymCounts = Set<Int32>()
        for round in 0..<6_000 {
            let text: String
            if round % 3 == 2 {
                text = String(decoding: (0..<rng.int(0...60)).map { _ in UInt8(rng.int(0...127)) }, as: UTF8.self)
            } else {
                // Some texts run past the 200 words the English guess reads.
                let count = round % 40 == 0 ? rng.int(150...500) : rng.int(0...40)
                text = (0..<count).map { _ in rng.pick(pieces) }.joined(separator: rng.pick([" ", "", "  ", "\n"]))
            }
            let fast = rules.stats(cleaned: text, isClient: true)
            #expect(fast == rules.statsByScalars(cleaned: text, isClient: true), "\(Array(text.utf8))")
            englishAnswers.insert(fast.isEnglish)
            sentenceCounts.insert(fast.sentences)
            acronymCounts.insert(fast.acronyms)
        }
        // The texts reach both English answers and many sentence and acronym counts.
        #expect(englishAnswers.count == 2 && sentenceCounts.count > 10 && acronymCounts.count > 5)
    }
}
