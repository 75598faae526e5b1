import Foundation
import RapportCore

/// Readability rules v1, exactly as METRICS.md states them: the text is NFC-normalised
/// once and read as Unicode scalars; white space is White_Space, alnum is L* or Nd; a
/// newline is U+000A only.
public enum Readability {
    static let closers: Set<Unicode.Scalar> = ["\"", "'", ")", "]", "}", "\u{2019}", "\u{201D}", "\u{BB}"]
    static let openers: Set<Unicode.Scalar> = ["\"", "'", "(", "[", "{", "\u{2018}", "\u{201C}", "\u{AB}"]
    static let enders: Set<Unicode.Scalar> = [".", "!", "?", "\u{2026}"]
    static let abbreviations: Set<String> = ["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "e.g", "i.e", "cf", "approx", "fig"]

    public static func counts(_ raw: String) -> ReadabilityCounts {
        var text = raw
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        // NFC once (ASCII is already NFC).
        if !text.utf8.allSatisfy({ $0 < 0x80 }) { text = text.precomposedStringWithCanonicalMapping }
        let scalars = Array(text.unicodeScalars)
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
        while let last = t.last, closers.contains(last) { t = t.dropLast() }
        guard let last = t.last, enders.contains(last) else { return false }
        if last == "." {
            let beforeDot = t.dropLast()
            if beforeDot.last != "." {
                var b = beforeDot
                while let first = b.first, openers.contains(first) { b = b.dropFirst() }
                let lowered = String(String.UnicodeScalarView(b)).lowercased()
                if abbreviations.contains(lowered) { return false }
                if b.count == 1, let only = b.first, isLetter(only) { return false }
            }
        }
        return true
    }

    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// The syllable rule of rules v1 for one word.
    public static func syllables(_ word: ArraySlice<Unicode.Scalar>) -> Int {
        // 1. NFD, ASCII letters only, lower-cased.
        var letters: [UInt8] = []
        let isASCII = word.allSatisfy { $0.value < 0x80 }
        let source: [Unicode.Scalar] = isASCII ? Array(word) : Array(String(String.UnicodeScalarView(word)).decomposedStringWithCanonicalMapping.unicodeScalars)
        for s in source where (s.value >= 0x41 && s.value <= 0x5A) || (s.value >= 0x61 && s.value <= 0x7A) {
            letters.append(UInt8(s.value) | 0x20)
        }
        if letters.isEmpty { return 1 }
        // 2. Suffixes.
        if letters.count > 3 {
            if ends(letters, "ed") {
                let before = letters[letters.count - 3]
                if before != UInt8(ascii: "t") && before != UInt8(ascii: "d") { letters.removeLast(2) }
            } else if ends(letters, "es") {
                let keep = ["ses", "xes", "zes", "ces", "ges", "shes", "ches"].contains { ends(letters, $0) }
                if !keep { letters.removeLast(2) }
            }
        }
        // 3. Runs of vowels.
        var count = 0
        var inRun = false
        for l in letters {
            let vowel = isVowel(l)
            if vowel && !inRun { count += 1 }
            inRun = vowel
        }
        // 4. A silent final e (but not consonant + "le").
        if count > 1, letters.last == UInt8(ascii: "e") {
            let consonantLE = letters.count >= 3 && ends(letters, "le") && !isVowel(letters[letters.count - 3])
            if !consonantLE { count -= 1 }
        }
        return max(1, count)
    }

    static func isVowel(_ l: UInt8) -> Bool {
        l == UInt8(ascii: "a") || l == UInt8(ascii: "e") || l == UInt8(ascii: "i") || l == UInt8(ascii: "o") || l == UInt8(ascii: "u")
            || l == UInt8(ascii: "y")
    }

    static func ends(_ letters: [UInt8], _ suffix: String) -> Bool {
        let s = Array(suffix.utf8)
        return letters.count >= s.count && Array(letters.suffix(s.count)) == s
    }
}
