import RapportCore

/// Decides whether a client message is an acknowledgement that opens no turn
/// (METRICS.md, "Response latency"): after dropping a greeting line and
/// everything from a sign-off line, the body has at most 12 words, no `?`,
/// and either no words or a whole-word match for an acknowledgement phrase.
///
/// Greetings, sign-offs and phrases are compared case-insensitively; words are
/// rules-v1 words (white-space-separated tokens with an alnum scalar); for phrase
/// matching a word's leading and trailing non-alnum scalars are ignored
/// ("thanks!" is "thanks").
public struct AcknowledgementRule: Sendable {
    public static let defaultPhrases = [
        "thanks", "thank you", "thx", "cheers", "got it", "noted", "perfect", "great", "that works", "all good",
        "resolved", "appreciate", "appreciated",
    ]
    static let greetings: Set<String> = ["hi", "hello", "dear", "good"]
    static let signOffs: Set<String> = [
        "thanks", "thank you", "many thanks", "cheers", "best", "best regards", "kind regards", "regards",
    ]

    /// Phrases as lower-cased words.
    private let phrases: [[String]]

    public init(phrases: [String] = AcknowledgementRule.defaultPhrases) {
        self.phrases = phrases.map { $0.lowercased().unicodeScalars.split(whereSeparator: UnicodeRules.isWhiteSpace).map { String($0) } }
            .filter { !$0.isEmpty }
    }

    /// `cleaned` is the message text after ``TextCleaner/clean(_:isHTML:)``.
    public func isAcknowledgement(cleaned: String) -> Bool {
        var copy = cleaned
        return copy.withUTF8 { isAcknowledgement(cleaned: $0) }
    }

    public func isAcknowledgement(cleaned b: UnsafeBufferPointer<UInt8>) -> Bool {
        let body = Self.bodyLines(b)
        // No '?' anywhere in the body.
        for r in body where UnsafeBufferPointer(rebasing: b[r]).contains(UInt8(ascii: "?")) { return false }
        // Words, edge-trimmed; more than 12 means no. Found as ranges first, so that the
        // Strings (lower-cased) are made only for the short bodies that can still say yes.
        var ranges: [Range<Int>] = []
        for r in body {
            var i = r.lowerBound
            while i < r.upperBound {
                while i < r.upperBound, UTF8Text.whiteSpace(b, i) > 0 { i += UTF8Text.whiteSpace(b, i) }
                let start = i
                var firstAlnum = -1
                var lastAlnumEnd = -1
                while i < r.upperBound {
                    if UTF8Text.whiteSpace(b, i) > 0 { break }
                    let a = UTF8Text.alnum(b, i)
                    if a > 0 {
                        if firstAlnum < 0 { firstAlnum = i }
                        lastAlnumEnd = i + a
                        i += a
                    } else {
                        i += max(1, UTF8Text.scalar(b, i).1)
                    }
                }
                if i > start, firstAlnum >= 0 {
                    if ranges.count == 12 { return false }
                    ranges.append(firstAlnum..<lastAlnumEnd)
                }
            }
        }
        if ranges.isEmpty { return true }
        let words = ranges.map { Self.lower(b, $0) }
        return phrases.contains { Self.containsWholeWords(words, $0) }
    }

    /// The text without a leading greeting line and without everything from the first sign-off line.
    public static func body(of text: String) -> String {
        var copy = text
        return copy.withUTF8 { b in
            bodyLines(b).map { String(decoding: UnsafeBufferPointer(rebasing: b[$0]), as: UTF8.self) }.joined(separator: "\n")
        }
    }

    /// Line ranges of the body (see ``body(of:)``).
    static func bodyLines(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var lines = UTF8Text.lines(b)
        if let first = lines.firstIndex(where: { !UTF8Text.trim(b, $0.lowerBound, $0.upperBound).isEmpty }) {
            let t = UTF8Text.trim(b, lines[first].lowerBound, lines[first].upperBound)
            if b[t.upperBound - 1] == UInt8(ascii: ","), let word = firstWord(b, t), greetings.contains(word) {
                lines.remove(at: first)
            }
        }
        if let signOff = lines.firstIndex(where: { isSignOff(b, UTF8Text.trim(b, $0.lowerBound, $0.upperBound)) }) {
            lines.removeSubrange(signOff...)
        }
        return lines
    }

    /// Every line of every client message is checked: most are decided by their first byte or
    /// by growing longer than the longest sign-off, and the rest are compared as bytes in a
    /// buffer on the stack, not gathered into a list and a String per line.
    static let signOffInitials: [UInt8] = Array(Set(signOffs.map { $0.utf8.first! }))
    static let signOffBytes: [[UInt8]] = signOffs.map { Array($0.utf8) }
    static let longestSignOff = signOffs.map(\.utf8.count).max()!

    /// A trimmed line that is only a sign-off, optionally followed by one `,`, `!` or `.`.
    static func isSignOff(_ b: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        guard !line.isEmpty, line.count <= 200, signOffInitials.contains(UTF8Text.lowerASCII(b[line.lowerBound])) else { return false }
        var end = line.upperBound
        let last = b[end - 1]
        if last == UInt8(ascii: ",") || last == UInt8(ascii: "!") || last == UInt8(ascii: ".") { end -= 1 }
        // Inner white space compares as single spaces ("Kind  regards").
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: longestSignOff + 1) { normalised in
            var count = 0
            var i = line.lowerBound
            var pendingSpace = false
            while i < end {
                let w = UTF8Text.whiteSpace(b, i)
                if w > 0 {
                    pendingSpace = true
                    i += w
                    continue
                }
                if count + (pendingSpace && count > 0 ? 1 : 0) + 1 > longestSignOff { return false }
                if pendingSpace && count > 0 {
                    normalised[count] = 0x20
                    count += 1
                }
                pendingSpace = false
                normalised[count] = UTF8Text.lowerASCII(b[i])
                count += 1
                i += 1
            }
            let text = UnsafeBufferPointer(rebasing: normalised[..<count])
            return signOffBytes.contains { $0.withUnsafeBufferPointer { bytesEqual($0, text) } }
        }
    }

    /// The leading run of alnum scalars, lower-cased ("Hi," and "Hello team," give "hi" and "hello").
    static func firstWord(_ b: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> String? {
        var i = line.lowerBound
        while i < line.upperBound {
            let a = UTF8Text.alnum(b, i)
            if a == 0 { break }
            i += a
        }
        return i == line.lowerBound ? nil : lower(b, line.lowerBound..<i)
    }

    static func lower(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> String {
        let slice = UnsafeBufferPointer(rebasing: b[r])
        if slice.allSatisfy({ $0 < 0x80 }) { return String(decoding: slice.map(UTF8Text.lowerASCII), as: UTF8.self) }
        return String(decoding: slice, as: UTF8.self).lowercased()
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
