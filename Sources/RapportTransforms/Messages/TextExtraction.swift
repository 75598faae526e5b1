import RapportCore

/// What extraction reads from a message's text and headers, once, before the text is
/// dropped: the party is not known yet (it is resolved at analysis, so that editing the
/// partners never invalidates a fact file), so every message that is no auto-reply is read
/// in full, and analysis uses the acknowledgement and escalation flags for client messages only.
public struct TextReading: Sendable {
    public var flags: MessageFlags
    public var stats: TextStats?
    public init(flags: MessageFlags, stats: TextStats?) {
        self.flags = flags
        self.stats = stats
    }
}

extension MessageAnalyzer {
    /// An auto-reply by its headers or subject (METRICS.md); `ignore.actors` is applied at analysis.
    public func isAutoReply(_ m: Interaction) -> Bool {
        if m.attributes.autoSubmitted { return true }
        // Every auto-reply prefix starts with an A or an O: most subjects are decided by one byte.
        guard let first = m.attributes.subject.utf8.first, first | 0x20 == UInt8(ascii: "a") || first | 0x20 == UInt8(ascii: "o") else {
            return false
        }
        let head = m.attributes.subject.prefix(32).lowercased()
        return MessageAnalyzer.autoReplyPrefixes.contains { head.hasPrefix($0) }
    }

    /// The flags and clarity counts of a message, whoever wrote it.
    public func extract(_ m: Interaction) -> TextReading {
        if isAutoReply(m) { return TextReading(flags: [.automated], stats: nil) }
        var flags: MessageFlags = []
        var text = m.text
        let cleaned = text.withUTF8 { TextCleaner.clean(bytes: $0, isHTML: m.textIsHTML) }
        let stats = cleaned.withUnsafeBufferPointer { b -> TextStats in
            if settings.acknowledgements.isAcknowledgement(cleaned: b) { flags.insert(.acknowledgement) }
            if let phrases = settings.escalationPhrases, phrases.matches(bytes: b) { flags.insert(.escalationPhrase) }
            return settings.textRules.stats(cleaned: b, isClient: true)
        }
        return TextReading(flags: flags, stats: stats)
    }

    /// The clarity counts of a plain text said outside a message (a transcript's utterance).
    /// Not scored for politeness: METRICS.md reads the tone of what each side wrote.
    public func extractPlainText(_ text: String) -> TextStats? {
        var text = text
        let cleaned = text.withUTF8 { TextCleaner.clean(bytes: $0, isHTML: false) }
        return cleaned.withUnsafeBufferPointer { settings.textRules.stats(cleaned: $0, isClient: true, scoresPoliteness: false) }
    }

    /// A 64-bit digest of the normalised subject; 0 for an empty one (such a message starts
    /// its own conversation).
    public static func subjectHash(_ subject: String) -> UInt64 {
        let normalised = normalisedSubject(subject)
        if normalised.isEmpty { return 0 }
        var h = FingerprintHasher()
        normalised.withUTF8Bytes { h.add(UnsafeRawBufferPointer($0)) }
        let low = h.finish().low
        return low == 0 ? 1 : low
    }
}
