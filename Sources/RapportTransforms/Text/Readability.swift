import Foundation
import RapportCore

/// Readability rules v1, exactly as METRICS.md states them: the text is NFC-normalised
/// once and read as Unicode scalars; white space is White_Space, alnum is L* or Nd; a
/// newline is U+000A only.
public enum Readability {
    // Switches, not Sets: hashing a scalar per token end was 2–3 % of a run.
    static func isCloser(_ s: Unicode.Scalar) -> Bool {
        switch s { case "\"", "'", ")", "]", "}", "\u{2019}", "\u{201D}", "\u{BB}": true; default: false }
    }
    static func isOpener(_ s: Unicode.Scalar) -> Bool {
        switch s { case "\"", "'", "(", "[", "{", "\u{2018}", "\u{201C}", "\u{AB}": true; default: false }
    }
    static func isEnder(_ s: Unicode.Scalar) -> Bool {
        switch s { case ".", "!", "?", "\u{2026}": true; default: false }
    }
    static let abbreviations: Set<String> = ["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "e.g", "i.e", "cf", "approx", "fig"]

    public static func counts(_ raw: String) -> ReadabilityCounts { counts(scalars(raw)) }

    /// The text as rules v1 read it: one leading U+FEFF dropped, NFC once (ASCII is already NFC), scalars.
    public static func scalars(_ raw: String) -> [Unicode.Scalar] {
        var text = raw
        // Most texts are ASCII: one pass over the bytes makes the scalars (and finds out).
        let ascii = text.withUTF8 { bytes -> [Unicode.Scalar]? in
            var out: [Unicode.Scalar] = []
            out.reserveCapacity(bytes.count)
            for b in bytes {
                guard b < 0x80 else { return nil }
                out.append(Unicode.Scalar(b))
            }
            return out
        }
        if let ascii { return ascii }
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        // Accents, no-break spaces, curly quotes, dashes and the euro sign are most non-ASCII
        // text, and NFC leaves them as they are: Foundation's NFC was 4 % of a run on them.
        let scalars = Array(text.unicodeScalars)
        if scalars.allSatisfy(isNFCStable) { return scalars }
        text = text.precomposedStringWithCanonicalMapping
        return Array(text.unicodeScalars)
    }

    /// Scalars that NFC neither changes nor composes with a neighbour, so that NFC of a text
    /// made only of them is the text itself: below U+0300 (Latin, IPA, spacing modifiers; the
    /// combining marks start there), General Punctuation from U+2002 (U+2000 and U+2001 are
    /// singletons) and the currency signs. Every scalar decomposing into only these is a
    /// singleton, which NFC never composes to (checked against Unicode's data; see the tests).
    @inline(__always)
    static func isNFCStable(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x300 || (s.value >= 0x2002 && s.value <= 0x206F) || (s.value >= 0x20A0 && s.value <= 0x20C0)
    }

    /// Counts over prepared scalars (see ``scalars(_:)``).
    public static func counts(_ scalars: [Unicode.Scalar]) -> ReadabilityCounts {
        var c = ReadabilityCounts()
        var sentenceHasWord = false
        var i = 0
        let n = scalars.count

        func closeSentence() {
            if sentenceHasWord { c.sentences += 1 }
            sentenceHasWord = false
        }

        while i < n {
            // White space between tokens; a paragraph break (newline, other white space, newline) closes a sentence.
            if UnicodeRules.isWhiteSpace(scalars[i]) {
                var newlines = 0
                while i < n, UnicodeRules.isWhiteSpace(scalars[i]) {
                    if scalars[i] == "\n" { newlines += 1 }
                    i += 1
                }
                if newlines >= 2 { closeSentence() }
                continue
            }
            let start = i
            while i < n, !UnicodeRules.isWhiteSpace(scalars[i]) { i += 1 }
            let token = scalars[start..<i]
            var alnum = 0
            for s in token where UnicodeRules.isAlnum(s) { alnum += 1 }
            if alnum > 0 {
                c.words += 1
                c.letters += alnum
                let y = syllables(token)
                c.syllables += y
                if y >= 3 { c.polysyllables += 1 }
                sentenceHasWord = true
            }
            if endsSentence(token) { closeSentence() }
        }
        closeSentence()
        return c
    }

    /// The sentence-end rule for one white-space-delimited token.
    static func endsSentence(_ token: ArraySlice<Unicode.Scalar>) -> Bool {
        var t = token
        while let last = t.last, isCloser(last) { t = t.dropLast() }
        guard let last = t.last, isEnder(last) else { return false }
        if last == "." {
            let beforeDot = t.dropLast()
            if beforeDot.last != "." {
                var b = beforeDot
                while let first = b.first, isOpener(first) { b = b.dropFirst() }
                if b.count == 1, let only = b.first, isLetter(only) { return false }
                // The longest abbreviation ("approx") has six scalars: only short tokens need the lookup.
                if b.count <= 6 && abbreviations.contains(String(String.UnicodeScalarView(b)).lowercased()) { return false }
            }
        }
        return true
    }

    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return (s.value | 0x20) >= 0x61 && (s.value | 0x20) <= 0x7A }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// The syllable rule of rules v1 for one word.
    public static func syllables(_ word: ArraySlice<Unicode.Scalar>) -> Int {
        // 1. NFD, ASCII letters only, lower-cased (into a small stack buffer; longer words are rare).
        if word.allSatisfy({ $0.value < 0x80 }) {
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: word.count) { buffer in
                var n = 0
                for s in word where (s.value | 0x20) >= 0x61 && (s.value | 0x20) <= 0x7A {
                    buffer[n] = UInt8(s.value) | 0x20
                    n += 1
                }
                return syllables(letters: UnsafeBufferPointer(rebasing: buffer[..<n]))
            }
        }
        var letters: [UInt8] = []
        if word.allSatisfy({ $0.value < 0x300 }) {
            // NFD decomposes scalar by scalar (reordering only combining marks, never letters):
            // the letters of each scalar's NFD, looked up, are the letters of the word's.
            for s in word { letters += decomposedLetters[Int(s.value)] }
            return letters.withUnsafeBufferPointer { syllables(letters: $0) }
        }
        let decomposed = String(String.UnicodeScalarView(word)).decomposedStringWithCanonicalMapping
        for s in decomposed.unicodeScalars where (s.value >= 0x41 && s.value <= 0x5A) || (s.value >= 0x61 && s.value <= 0x7A) {
            letters.append(UInt8(s.value) | 0x20)
        }
        return letters.withUnsafeBufferPointer { syllables(letters: $0) }
    }

    /// For each scalar below U+0300, the lower-cased ASCII letters of its NFD (Foundation's,
    /// as the general path computes them): `é` gives `e`, `ǅ` gives `dz`, `ß` nothing.
    static let decomposedLetters: [[UInt8]] = (0..<0x300).map { v in
        let decomposed = String(Character(Unicode.Scalar(UInt32(v))!)).decomposedStringWithCanonicalMapping
        return decomposed.unicodeScalars.filter { ($0.value >= 0x41 && $0.value <= 0x5A) || ($0.value >= 0x61 && $0.value <= 0x7A) }
            .map { UInt8($0.value) | 0x20 }
    }

    /// Steps 2–5 on the lower-cased ASCII letters of a word.
    static func syllables(letters all: UnsafeBufferPointer<UInt8>) -> Int {
        if all.isEmpty { return 1 }
        var count = all.count
        // 2. Suffixes.
        if count > 3 {
            if ends(all, count, "ed") {
                let before = all[count - 3]
                if before != UInt8(ascii: "t") && before != UInt8(ascii: "d") { count -= 2 }
            } else if ends(all, count, "es") {
                let keep = ends(all, count, "ses") || ends(all, count, "xes") || ends(all, count, "zes") || ends(all, count, "ces")
                    || ends(all, count, "ges") || ends(all, count, "shes") || ends(all, count, "ches")
                if !keep { count -= 2 }
            }
        }
        // 3. Runs of vowels.
        var runs = 0
        var inRun = false
        for k in 0..<count {
            let vowel = isVowel(all[k])
            if vowel && !inRun { runs += 1 }
            inRun = vowel
        }
        // 4. A silent final e (but not consonant + "le").
        if runs > 1, all[count - 1] == UInt8(ascii: "e") {
            let consonantLE = count >= 3 && all[count - 2] == UInt8(ascii: "l") && !isVowel(all[count - 3])
            if !consonantLE { runs -= 1 }
        }
        return max(1, runs)
    }

    @inline(__always)
    static func isVowel(_ l: UInt8) -> Bool {
        l == UInt8(ascii: "a") || l == UInt8(ascii: "e") || l == UInt8(ascii: "i") || l == UInt8(ascii: "o") || l == UInt8(ascii: "u")
            || l == UInt8(ascii: "y")
    }

    @inline(__always)
    static func ends(_ letters: UnsafeBufferPointer<UInt8>, _ count: Int, _ suffix: StaticString) -> Bool {
        let n = suffix.utf8CodeUnitCount
        guard count >= n else { return false }
        let p = suffix.utf8Start
        for k in 0..<n where letters[count - n + k] != p[k] { return false }
        return true
    }
}
