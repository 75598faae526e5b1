import Foundation

/// Message bodies for generated e-mail: greetings, sign-offs and signatures around
/// sentences drawn from ``Sentences`` (dozens of shapes) filled from ``Vocabulary``
/// (thousands of words), so that exact repeats of a body or a sentence are rare. Partners
/// differ in style (0 plain, 1 jargon-heavy, 2 acronym-heavy, 3 short) and tone (how often
/// they are very polite or curt), and some write in another language; some bodies are HTML.
enum Text {
    /// How often a writer adds very polite or curt sentences, or writes in another language.
    struct Tone: Sendable {
        var polite: Double
        var curt: Double
        var foreign: Double
        /// How often a message has a greeting and a sign-off.
        var greeting = 0.85
        var signOff = 0.85
        /// The other language's sentences, greeting word and sign-off.
        var language: [Template] = []
        var hello = ""
        var bye = ""
    }

    static let clientTone = Tone(
        polite: 0.25, curt: 0.25, foreign: 0.03, greeting: 0.75, signOff: 0.8, language: Sentences.german, hello: "Hallo", bye: "Viele Grüße")

    static func tone(style: Int) -> Tone {
        switch style {
        case 1: return Tone(polite: 0.4, curt: 0.04, foreign: 0.06, greeting: 0.9, signOff: 0.9, language: Sentences.spanish, hello: "Hola", bye: "Saludos,")
        case 2: return Tone(polite: 0.08, curt: 0.25, foreign: 0, greeting: 0.6, signOff: 0.7)
        case 3: return Tone(polite: 0.03, curt: 0.55, foreign: 0.015, greeting: 0.35, signOff: 0.45, language: Sentences.french, hello: "Bonjour", bye: "Cordialement,")
        default: return Tone(polite: 0.75, curt: 0.02, foreign: 0, greeting: 0.95, signOff: 0.95)
        }
    }

    static func sentences(_ pool: [Template], _ count: Int, rng: inout SeededRandom, separator: String = " ") -> String {
        var s = ""
        for k in 0..<count {
            if k > 0 { s += separator }
            rng.pick(pool).fill(into: &s, rng: &rng)
        }
        return s
    }

    /// Greeting, core, sign-off and (sometimes) a signature; now and then as HTML.
    static func wrap(_ core: String, rng: inout SeededRandom, signature: Bool = true, greeting: Double = 0.8, signOff: Double = 0.85) -> String {
        var s = ""
        if rng.chance(greeting) { s += rng.pick(Sentences.greetings).filled(rng: &rng) + "\n\n" }
        s += core
        if rng.chance(signOff) {
            s += "\n\n" + rng.pick(Sentences.signOffs) + "\n" + (rng.chance(0.6) ? rng.pick(Vocabulary.firstNames) : Template.value(.full, rng: &rng))
        }
        if signature && rng.chance(0.3) {
            s += "\n-- \n" + Template.value(.full, rng: &rng) + " | " + rng.pick(Vocabulary.roles) + " | +"
                + ["49 30", "63 2", "57 1", "91 33", "353 1"][rng.int(0...4)] + " \(rng.int(1_000_000...9_999_999))"
        }
        return rng.chance(0.04) ? html(s) : s
    }

    /// The same text as a simple HTML mail: paragraphs, line breaks, entities.
    static func html(_ text: String) -> String {
        var s = "<html><body>"
        for paragraph in text.split(separator: "\n\n", omittingEmptySubsequences: false) {
            let escaped = paragraph.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\n", with: "<br>")
            s += "<p>" + escaped + "</p>"
        }
        return s + "</body></html>"
    }

    /// A text in the writer's other language, with a greeting and sign-off of that language.
    static func foreign(_ tone: Tone, rng: inout SeededRandom) -> String {
        let core = sentences(tone.language, rng.int(2...3), rng: &rng)
        return tone.hello + " " + rng.pick(Vocabulary.firstNames) + ",\n\n" + core + "\n\n" + tone.bye + "\n" + rng.pick(Vocabulary.firstNames)
    }

    /// Tone sentences before or after the core, by the writer's tone.
    static func toned(_ core: String, _ tone: Tone, polite: [Template], curt: [Template], rng: inout SeededRandom) -> String {
        var s = core
        if rng.chance(tone.polite) {
            let line = rng.pick(polite).filled(rng: &rng)
            s = rng.chance(0.5) ? line + " " + s : s + "\n\n" + line
        }
        if rng.chance(tone.curt) { s += (rng.chance(0.5) ? " " : "\n\n") + rng.pick(curt).filled(rng: &rng) }
        return s
    }

    static func question(style: Int, rng: inout SeededRandom) -> String {
        if rng.chance(clientTone.foreign) { return foreign(clientTone, rng: &rng) }
        var core = rng.pick(Sentences.questions).filled(rng: &rng)
        core += " " + sentences(Sentences.details, rng.int(1...2), rng: &rng)
        if rng.chance(0.45) { core += "\n\n" + rng.pick(Sentences.questions).filled(rng: &rng) }
        if rng.chance(0.1) {
            core += "\n\n" + rng.pick(["Affected so far:", "Cases we know of:", "Examples:", "The ones we found:"])
            for _ in 0..<rng.int(2...4) { core += "\n- " + Template.value(.ref, rng: &rng) + " (" + Template.value(.customer, rng: &rng) + ")" }
        }
        return wrap(toned(core, clientTone, polite: Sentences.clientPolite, curt: Sentences.clientCurt, rng: &rng), rng: &rng, greeting: clientTone.greeting, signOff: clientTone.signOff)
    }

    static func answer(style: Int, rng: inout SeededRandom) -> String {
        let tone = tone(style: style)
        if rng.chance(tone.foreign) { return foreign(tone, rng: &rng) }
        let pool: [Template]
        switch style {
        case 1: pool = Sentences.jargonAnswers
        case 2: pool = Sentences.acronymAnswers
        case 3: pool = Sentences.mediumAnswers
        default: pool = Sentences.plainAnswers
        }
        var core = sentences(pool, rng.int(1...3), rng: &rng)
        if rng.chance(0.55) { core += "\n\n" + sentences(pool, rng.int(1...2), rng: &rng) }
        return wrap(toned(core, tone, polite: Sentences.partnerPolite, curt: Sentences.partnerCurt, rng: &rng), rng: &rng, greeting: tone.greeting, signOff: tone.signOff)
    }

    static func bump(rng: inout SeededRandom) -> String {
        let curt = rng.chance(0.35)
        let core = rng.pick(curt ? Sentences.curtBumps : Sentences.politeBumps).filled(rng: &rng)
        return wrap(core, rng: &rng, signature: false, greeting: curt ? 0.3 : 0.8)
    }

    /// A client's next question; after jargon or acronyms (styles 1 and 2) often a request to clarify.
    static func followUp(style: Int = 0, rng: inout SeededRandom) -> String {
        let clarify = style == 1 ? 0.45 : style == 2 ? 0.3 : 0.05
        var core = rng.pick(rng.chance(clarify) ? Sentences.clarifications : Sentences.followUps).filled(rng: &rng)
        if rng.chance(0.5) { core += " " + rng.pick(Sentences.details).filled(rng: &rng) }
        let toned = toned(core, clientTone, polite: Sentences.clientPolite, curt: Sentences.clientCurt, rng: &rng)
        return wrap(toned, rng: &rng, greeting: clientTone.greeting, signOff: clientTone.signOff)
    }

    static func acknowledgement(rng: inout SeededRandom) -> String {
        var core = rng.pick(Sentences.acknowledgements).filled(rng: &rng)
        if rng.chance(0.4) { core += " " + rng.pick(Sentences.acknowledgementTails).filled(rng: &rng) }
        guard rng.chance(0.5) else { return core }
        return rng.pick(["Hi", "Hello", "Dear"]) + " " + rng.pick(Vocabulary.firstNames) + ",\n\n" + core + "\n\n" + rng.pick(Vocabulary.firstNames)
    }

    static func proactive(style: Int, rng: inout SeededRandom) -> String {
        let pool = style == 1 ? Sentences.jargonProactive : style == 2 ? Sentences.acronymProactive : Sentences.proactive
        var core = rng.pick(pool).filled(rng: &rng)
        if rng.chance(0.4) { core += " " + rng.pick(Sentences.proactive).filled(rng: &rng) }
        let tone = tone(style: style)
        return wrap(core, rng: &rng, greeting: tone.greeting, signOff: tone.signOff)
    }

    /// A client's escalation sentence (it matches the generated pipeline's `escalation.phrases`).
    static func escalation(rng: inout SeededRandom) -> String { rng.pick(Sentences.escalations).filled(rng: &rng) }

    static func outOfOffice(rng: inout SeededRandom) -> String { rng.pick(Sentences.outOfOffice).filled(rng: &rng) }

    static func digest(rng: inout SeededRandom) -> String { rng.pick(Sentences.digests).filled(rng: &rng) }
}

extension Template {
    static func value(_ slot: Slot, rng: inout SeededRandom) -> String {
        var s = ""
        value(slot, into: &s, rng: &rng)
        return s
    }
}
