import RapportCore

/// Language clarity (METRICS.md "Language clarity"): readability pooled over a partner's
/// English messages in the period (sum the counts, then apply the formula once), acronym
/// density, short messages, clarification requests from the client, and the share of
/// partner messages that are not English (left out of the English formulas). Meeting
/// transcripts count too: what each party said (an utterance is a message here).
public enum ClarityMetrics: MetricFamily {
    public static let sources: Set<SourceKind> = [.email, .ticket, .meeting]

    public static let metrics: [MetricSpec] = [
        MetricSpec("clarity.partner.flesch_reading_ease", unit: "score", .readability(prefix: "p_", .fleschReadingEase), "Flesch Reading Ease of the partner's English messages, pooled: 206.835 − 1.015·(W/S) − 84.6·(Y/W) (readability rules v1)."),
        MetricSpec("clarity.partner.fk_grade", unit: "grade", .readability(prefix: "p_", .fleschKincaidGrade), "Flesch–Kincaid grade, pooled: 0.39·(W/S) + 11.8·(Y/W) − 15.59."),
        MetricSpec("clarity.partner.words_per_sentence", unit: "words", .readability(prefix: "p_", .wordsPerSentence), "Words per sentence (W/S), pooled over the partner's English messages."),
        MetricSpec("clarity.partner.complex_word_ratio", unit: "ratio", .readability(prefix: "p_", .complexWordRatio), "Words of three or more syllables / words (P/W), pooled."),
        MetricSpec("clarity.partner.acronyms_per_100_words", unit: "per 100 words", .readability(prefix: "p_", .acronymsPer100Words), "Tokens of 2–6 capital letters (optional trailing s) not in acronyms_known, per 100 words."),
        MetricSpec("clarity.partner.short_message_share", unit: "ratio", .rate(numerator: "p_short", denominator: "p_messages"), "Share of the partner's English messages under 100 words (their scores are noisy)."),
        MetricSpec("clarity.partner.gunning_fog", unit: "grade", .readability(prefix: "p_", .gunningFog), "Gunning Fog, pooled: 0.4·(W/S + 100·P/W)."),
        MetricSpec("clarity.partner.smog", unit: "grade", .readability(prefix: "p_", .smog), "SMOG, pooled: 1.0430·√(30·P/S) + 3.1291 (reliable from 30 sentences)."),
        MetricSpec("clarity.partner.coleman_liau", unit: "grade", .readability(prefix: "p_", .colemanLiau), "Coleman–Liau, pooled: 0.0588·(100·L/W) − 0.296·(100·S/W) − 15.8."),
        MetricSpec("clarity.partner.ari", unit: "grade", .readability(prefix: "p_", .ari), "Automated Readability Index, pooled: 4.71·(L/W) + 0.5·(W/S) − 21.43."),
        MetricSpec("clarity.client.flesch_reading_ease", unit: "score", .readability(prefix: "c_", .fleschReadingEase), "Flesch Reading Ease of the client's English messages in the partner's conversations, pooled."),
        MetricSpec("clarity.clarification_request_rate", unit: "ratio", .rate(numerator: "clarifications", denominator: "client_replies"), "Client replies to the partner that ask for clarification / client replies to the partner."),
        MetricSpec("clarity.non_english_share", unit: "ratio", .rate(numerator: "p_non_english", denominator: "p_all_messages"), "Share of the partner's messages the language guess takes as not English."),
    ]

    public static func observe(_ facts: Facts, context: AggregationContext, into cells: inout Cells) {
        // The totals are already summed per day: a count is created where its messages exist,
        // as tallying message by message would.
        for (key, t) in facts.texts where key.partner >= 0 {
            let cell = context.key(key.day, partner: Int(key.partner))
            let prefix = key.isClient ? "c_" : "p_"
            if !key.isClient {
                cells.tally("p_all_messages", cell, by: t.messages)
                if t.nonEnglish > 0 { cells.tally("p_non_english", cell, by: t.nonEnglish) }
                if t.shortEnglish > 0 { cells.tally("p_short", cell, by: t.shortEnglish) }
            }
            guard t.english > 0 else { continue }
            cells.tally(prefix + "messages", cell, by: t.english)
            cells.tally(prefix + "sentences", cell, by: t.counts.sentences)
            cells.tally(prefix + "words", cell, by: t.counts.words)
            cells.tally(prefix + "syllables", cell, by: t.counts.syllables)
            cells.tally(prefix + "letters", cell, by: t.counts.letters)
            cells.tally(prefix + "polysyllables", cell, by: t.counts.polysyllables)
            cells.tally(prefix + "acronyms", cell, by: t.acronyms)
        }
        var replies = CellTallies(["client_replies", "clarifications"])
        for e in facts.events where e.partner >= 0 {
            switch e.kind {
            case .clientReply: replies.update(at: e.at, partner: Int(e.partner), context) { $0.tally(0) }
            case .clarificationRequest: replies.update(at: e.at, partner: Int(e.partner), context) { $0.tally(1) }
            default: break
            }
        }
        replies.add(to: &cells)
    }
}
