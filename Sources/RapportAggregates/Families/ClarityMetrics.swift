import RapportCore

/// Language clarity (METRICS.md "Language clarity"): readability pooled over a partner's
/// English messages in the period (sum the counts, then apply the formula once), acronym
/// density, short messages, clarification requests from the client, and the share of
/// partner messages that are not English (left out of the English formulas).
public enum ClarityMetrics: MetricFamily {
    public static let sources: Set<SourceKind> = [.email, .ticket]

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

    /// The stats tallied per text fact, in `CellTallies` order: the partner's and the client's
    /// counts side by side (`c_` at `clientOffset` past `p_`).
    static let textStats = [
        "p_messages", "p_sentences", "p_words", "p_syllables", "p_letters", "p_polysyllables", "p_acronyms",
        "c_messages", "c_sentences", "c_words", "c_syllables", "c_letters", "c_polysyllables", "c_acronyms",
        "p_all_messages", "p_non_english", "p_short",
    ]
    static let clientOffset = 7
    static let partnerAllMessages = 14, partnerNonEnglish = 15, partnerShort = 16

    public static func observe(_ facts: Facts, context: AggregationContext, into cells: inout Cells) {
        var tallies = CellTallies(textStats)
        for t in facts.texts where t.partner >= 0 {
            tallies.update(context.key(t.at, partner: Int(t.partner))) { row in
                let base = t.isClient ? clientOffset : 0
                if !t.isClient {
                    row.tally(partnerAllMessages)
                    if !t.stats.isEnglish { row.tally(partnerNonEnglish) }
                }
                guard t.stats.isEnglish else { return }
                row.tally(base)  // messages, then sentences … acronyms
                row.tally(base + 1, by: Int(t.stats.sentences))
                row.tally(base + 2, by: Int(t.stats.words))
                row.tally(base + 3, by: Int(t.stats.syllables))
                row.tally(base + 4, by: Int(t.stats.letters))
                row.tally(base + 5, by: Int(t.stats.polysyllables))
                row.tally(base + 6, by: Int(t.stats.acronyms))
                if !t.isClient && t.stats.words < 100 { row.tally(partnerShort) }
            }
        }
        tallies.add(to: &cells)
        for e in facts.events where e.partner >= 0 {
            switch e.kind {
            case .clientReply: cells.tally("client_replies", context.key(e.at, partner: Int(e.partner)))
            case .clarificationRequest: cells.tally("clarifications", context.key(e.at, partner: Int(e.partner)))
            default: break
            }
        }
    }
}
