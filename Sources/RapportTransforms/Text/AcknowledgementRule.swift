import Glibc
import RapportCore

/// Decides whether a client message is an acknowledgement that opens no turn
/// (METRICS.md, "Response latency"): after dropping a greeting line and
/// everything from a sign-off line, the body has at most 12 words, no `?`,
/// and either no words or a whole-word match for an acknowledgement phrase.
///
/// Greetings, sign-offs and phrases are compared case-insensitively; words are
/// rules-v1 words (white-space-separated tokens with an alnum scalar). A phrase matches
/// wherever its text occurs in the body, each space in it matching one or more white-space
/// scalars, with no letter (L*), number (N*) or `_` right before or after it: so
/// `Hi&amp;thanks`, `Thank you💖you rock` and `(thanks)` match; `thanksgiving`, `ungreat`
/// and `great2` do not.
public struct AcknowledgementRule: Sendable {
    public static let defaultPhrases = [
        "thanks", "thank you", "thx", "cheers", "got it", "noted", "perfect", "great", "that works", "all good",
        "resolved", "appreciate", "appreciated",
    ]
    static let greetings: Set<String> = ["hi", "hello", "dear", "good"]
    static let signOffs: Set<String> = [
        "thanks", "thank you", "many thanks", "cheers", "best", "best regards", "kind regards", "regards",
    ]

    /// Phrases as lower-cased words (UTF-8 bytes each).
    private let phrases: [[[UInt8]]]
    /// True when a phrase holds a non-ASCII scalar: the body is then lower-cased by Unicode's
    /// rules before matching (ASCII phrases match on bytes, upper-case ASCII folded).
    private let unicodePhrases: Bool

    public init(phrases: [String] = AcknowledgementRule.defaultPhrases) {
        self.phrases = phrases.map { $0.lowercased().unicodeScalars.split(whereSeparator: UnicodeRules.isWhiteSpace).map { Array(String($0).utf8) } }
            .filter { !$0.isEmpty }
        self.unicodePhrases = phrases.contains { $0.utf8.contains { $0 >= 0x80 } }
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
        return Self.segments(body).contains { containsPhrase(UnsafeBufferPointer(rebasing: b[$0])) }
    }

    /// The body as contiguous runs of lines (a removed greeting line splits it): a phrase may
    /// run over a line break inside one run, never across the removed line.
    static func segments(_ lines: [Range<Int>]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for line in lines {
            // Lines are split at one newline byte: the next line starts one byte after this one ends.
            if let last = out.last, line.lowerBound == last.upperBound + 1 {
                out[out.count - 1] = last.lowerBound..<line.upperBound
            } else {
                out.append(line)
            }
        }
        return out
    }

    /// True when some phrase occurs in `text` with a word boundary on each side.
    func containsPhrase(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard unicodePhrases else { return phrases.contains { Self.occurs($0, in: text, foldASCII: true) } }
        var lowered = Array(String(decoding: text, as: UTF8.self).lowercased().utf8)
        return lowered.withUnsafeMutableBufferPointer { l in phrases.contains { Self.occurs($0, in: UnsafeBufferPointer(l), foldASCII: false) } }
    }

    /// Whether the phrase's words occur in `text` in order, separated by runs of white space,
    /// with no letter, number or `_` right before the first or right after the last. Only
    /// positions whose byte is the phrase's first are tried (one `memchr` each).
    static func occurs(_ phrase: [[UInt8]], in text: UnsafeBufferPointer<UInt8>, foldASCII: Bool) -> Bool {
        let first = phrase[0]
        guard let base = text.baseAddress, text.count >= first.count else { return false }
        let lead = first[0]
        let upper = foldASCII && lead >= 0x61 && lead <= 0x7A ? lead - 0x20 : lead
        for candidate in upper == lead ? [lead] : [lead, upper] {
            var start = 0
            while start + first.count <= text.count {
                guard let hit = memchr(base + start, Int32(candidate), text.count - start) else { break }
                let i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if let end = match(phrase, in: text, at: i, foldASCII: foldASCII), !isWordScalar(before: i, in: text), !isWordScalar(at: end, in: text) {
                    return true
                }
                start = i + 1
            }
        }
        return false
    }

    /// The end of the phrase when it occurs at `start`, else nil.
    static func match(_ phrase: [[UInt8]], in text: UnsafeBufferPointer<UInt8>, at start: Int, foldASCII: Bool) -> Int? {
        var i = start
        for (k, word) in phrase.enumerated() {
            if k > 0 {
                let run = i
                while i < text.count, UTF8Text.whiteSpace(text, i) > 0 { i += UTF8Text.whiteSpace(text, i) }
                if i == run { return nil }
            }
            guard i + word.count <= text.count else { return nil }
            for (j, byte) in word.enumerated() {
                let c = text[i + j]
                if (foldASCII ? UTF8Text.lowerASCII(c) : c) != byte { return nil }
            }
            i += word.count
        }
        return i
    }

    /// A letter (L*), number (N*) or `_`: what may not touch a phrase.
    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 {
            let v = s.value
            return v == 0x5F || (v >= 0x30 && v <= 0x39) || (v | 0x20 >= 0x61 && v | 0x20 <= 0x7A)
        }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    static func isWordScalar(at i: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        i < text.count && isWordScalar(UTF8Text.scalar(text, i).0)
    }

    /// The scalar ending just before `i` (UTF-8 continuation bytes stepped over).
    static func isWordScalar(before i: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard i > 0 else { return false }
        var s = i - 1
        while s > 0, text[s] & 0xC0 == 0x80 { s -= 1 }
        return isWordScalar(UTF8Text.scalar(text, s).0)
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

}
