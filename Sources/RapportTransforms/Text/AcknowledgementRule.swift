/// Decides whether a client message is an acknowledgement that opens no turn
/// (METRICS.md, "Response latency"): after dropping a greeting line and
/// everything from a sign-off line, the body has at most 12 words, no `?`,
/// and either no words or a whole-word match for an acknowledgement phrase.
public struct AcknowledgementRule: Sendable {
    public static let defaultPhrases = [
        "thanks", "thank you", "thx", "cheers", "got it", "noted", "perfect", "great", "that works", "all good",
        "resolved", "appreciate", "appreciated",
    ]
    static let greetings = ["hi", "hello", "dear", "good"]
    static let signOffs: Set<String> = [
        "thanks", "thank you", "many thanks", "cheers", "best", "best regards", "kind regards", "regards",
    ]

    /// Phrases as lower-cased words.
    private let phrases: [[String]]

    public init(phrases: [String] = AcknowledgementRule.defaultPhrases) {
        self.phrases = phrases.map { $0.lowercased().split(whereSeparator: { $0.unicodeScalars.allSatisfy(UnicodeRules.isWhiteSpace) }).map(String.init) }
            .filter { !$0.isEmpty }
    }

    /// `cleaned` is the message text after ``TextCleaner/clean(_:isHTML:)``.
    public func isAcknowledgement(cleaned: String) -> Bool {
        let body = Self.body(of: cleaned)
        if body.unicodeScalars.contains("?") { return false }
        let words = Self.lowerWords(body)
        if words.count > 12 { return false }
        if words.isEmpty { return true }
        return phrases.contains { phrase in Self.containsWholeWords(words, phrase) }
    }

    /// The text without a leading greeting line and without everything from the first sign-off line.
    public static func body(of text: String) -> String {
        var lines = UnicodeRules.lines(text)
        if let first = lines.firstIndex(where: { !UnicodeRules.trimmed($0).isEmpty }) {
            let line = UnicodeRules.trimmed(lines[first]).lowercased()
            if line.unicodeScalars.last == ",", let word = firstWord(line), greetings.contains(word) {
                lines.remove(at: first)
            }
        }
        if let signOff = lines.firstIndex(where: { isSignOff(UnicodeRules.trimmed($0).lowercased()) }) {
            lines.removeSubrange(signOff...)
        }
        return lines.joined(separator: "\n")
    }

    static func isSignOff(_ line: String) -> Bool {
        var scalars = Substring(line).unicodeScalars
        if let last = scalars.last, last == "," || last == "!" || last == "." { scalars.removeLast() }
        // Inner white space is compared as single spaces ("Kind  regards").
        let normalised = String(scalars).unicodeScalars.split(whereSeparator: UnicodeRules.isWhiteSpace).map { String($0) }.joined(separator: " ")
        return signOffs.contains(normalised)
    }

    /// The leading run of alnum scalars (so "hi," and "hello team," give "hi" and "hello").
    static func firstWord(_ line: String) -> String? {
        var scalars = String.UnicodeScalarView()
        for s in line.unicodeScalars {
            if UnicodeRules.isAlnum(s) { scalars.append(s) } else { break }
        }
        return scalars.isEmpty ? nil : String(scalars)
    }

    /// Rules-v1 words, lower-cased, with leading and trailing non-alnum scalars removed for phrase matching.
    static func lowerWords(_ text: String) -> [String] {
        UnicodeRules.words(in: text.lowercased()).map { token in
            var s = Substring.UnicodeScalarView(token)
            while let f = s.first, !UnicodeRules.isAlnum(f) { s.removeFirst() }
            while let l = s.last, !UnicodeRules.isAlnum(l) { s.removeLast() }
            return String(String.UnicodeScalarView(s))
        }
    }

    /// True when `phrase` occurs as consecutive whole words in `words`.
    static func containsWholeWords(_ words: [String], _ phrase: [String]) -> Bool {
        guard phrase.count <= words.count else { return false }
        for start in 0...(words.count - phrase.count) where words[start] == phrase[0] {
            if (1..<phrase.count).allSatisfy({ words[start + $0] == phrase[$0] }) { return true }
        }
        return false
    }
}
