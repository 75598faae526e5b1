import RapportCore

/// The clarity rules of ``TextRules`` (readability counts, acronyms, the English guess) in one
/// pass over the bytes of an ASCII text, the common case: no array of scalars (four bytes a
/// character), no word list, no String per token. For ASCII, NFC changes nothing and every
/// scalar is one byte, so each rule reads exactly what its scalar version reads; a
/// differential test and the `text` fuzz target hold the two paths to the same answers.
enum ASCIITextRules {
    /// Per byte: 1 letter, 2 alnum, 4 white space, 8 vowel (a e i o u y, either case; rules v1
    /// on ASCII). Read through a pointer so that the token loop adds and stores without
    /// branching on the class.
    static let classes: [UInt8] = (0..<256).map { c in
        let byte = UInt8(c)
        if isSpace(byte) { return 4 }
        if isLetter(byte) { return Readability.isVowel(byte | 0x20) ? 11 : 3 }
        return byte >= 0x30 && byte <= 0x39 ? 2 : 0
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { c | 0x20 >= 0x61 && c | 0x20 <= 0x7A }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { isLetter(c) || (c >= 0x30 && c <= 0x39) }

    /// Readability counts, acronyms and the English guess of an ASCII text (see
    /// `UnsafeRawBufferPointer.isASCII` in RapportCore).
    static func stats(_ b: UnsafeBufferPointer<UInt8>, acronymsKnown: Set<String>) -> (counts: ReadabilityCounts, acronyms: Int, isEnglish: Bool) {
        // Static arrays: their storage never moves.
        let table = classes.withUnsafeBufferPointer { $0.baseAddress! }
        let slots = functionWordSlots.withUnsafeBufferPointer { $0.baseAddress! }
        var c = ReadabilityCounts()
        var sentenceHasWord = false
        var acronyms = 0
        var words = 0  // trimmed words (tokens with an alnum byte), as the English guess counts them
        var englishHits = 0
        let n = b.count
        var i = 0
        while i < n {
            if isSpace(b[i]) {
                // A paragraph break (two newlines within one run of white space) closes a sentence.
                var newlines = 0
                while i < n, isSpace(b[i]) {
                    if b[i] == 0x0A { newlines += 1 }
                    i += 1
                }
                if newlines >= 2 {
                    if sentenceHasWord { c.sentences += 1 }
                    sentenceHasWord = false
                }
                continue
            }
            let start = i
            var alnum = 0
            // The syllable rule's inputs, gathered in the same pass: vowel runs over the letters
            // and the last eight letters (lower-cased, the newest in the low byte).
            var letterCount = 0
            var runs = 0
            var previousVowel = 0
            var last: UInt64 = 0
            while i < n {
                let byte = b[i]
                let k = Int(table[Int(byte)])
                if k & 4 != 0 { break }
                alnum &+= k >> 1 & 1
                if k & 1 != 0 {
                    let vowel = k >> 3
                    runs &+= vowel & (previousVowel ^ 1)
                    previousVowel = vowel
                    last = last << 8 | UInt64(byte | 0x20)
                    letterCount &+= 1
                }
                i += 1
            }
            if alnum > 0 {
                c.words += 1
                c.letters += alnum
                let y = syllables(runs: runs, last: last, count: letterCount)
                c.syllables += y
                if y >= 3 { c.polysyllables += 1 }
                sentenceHasWord = true
                // The token without its leading and trailing non-alnum bytes (not empty: it has an alnum).
                var lo = start
                var hi = i
                while !isAlnum(b[lo]) { lo += 1 }
                while !isAlnum(b[hi - 1]) { hi -= 1 }
                if isAcronym(b, lo, hi, known: acronymsKnown) { acronyms += 1 }
                if words < 200, hi - lo <= 6, isFunctionWord(b, lo, hi, slots: slots) { englishHits += 1 }
                words += 1
            }
            if endsSentence(b, start, i) {
                if sentenceHasWord { c.sentences += 1 }
                sentenceHasWord = false
            }
        }
        if sentenceHasWord { c.sentences += 1 }
        let considered = min(words, 200)
        let isEnglish = considered < 5 || Double(englishHits) / Double(considered) >= 0.10
        return (c, acronyms, isEnglish)
    }

    /// ``Readability/syllables(letters:)`` from what the token loop gathered instead of the
    /// letters themselves: `runs` vowel runs over all `count` letters, `last` the last eight.
    /// Dropping a final -ed or -es removes the run its `e` starts (when the letter before is
    /// no vowel); the silent-e step then reads the letters before the dropped two.
    @inline(__always)
    static func syllables(runs all: Int, last: UInt64, count: Int) -> Int {
        if count == 0 { return 1 }
        @inline(__always) func letter(_ k: Int) -> UInt8 { UInt8(truncatingIfNeeded: last >> (8 * k)) }  // 0: the last
        @inline(__always) func vowel(_ l: UInt8) -> Bool { Readability.isVowel(l) }
        var runs = all
        var dropped = 0
        if count > 3 && letter(1) == UInt8(ascii: "e") {
            let end = letter(0)
            let before = letter(2)
            if end == UInt8(ascii: "d") {
                if before != UInt8(ascii: "t") && before != UInt8(ascii: "d") { dropped = 2 }
            } else if end == UInt8(ascii: "s") {
                let keep = before == UInt8(ascii: "s") || before == UInt8(ascii: "x") || before == UInt8(ascii: "z")
                    || before == UInt8(ascii: "c") || before == UInt8(ascii: "g")
                    || (before == UInt8(ascii: "h") && (letter(3) == UInt8(ascii: "s") || letter(3) == UInt8(ascii: "c")))
                if !keep { dropped = 2 }
            }
            if dropped == 2 && !vowel(before) { runs -= 1 }
        }
        let kept = count - dropped
        if runs > 1, letter(dropped) == UInt8(ascii: "e") {
            let consonantLE = kept >= 3 && letter(dropped + 1) == UInt8(ascii: "l") && !vowel(letter(dropped + 2))
            if !consonantLE { runs -= 1 }
        }
        return max(1, runs)
    }

    /// 2–6 capital letters, optionally followed by `s`, not in `known`.
    @inline(__always)
    static func isAcronym(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, known: Set<String>) -> Bool {
        var end = hi
        if b[end - 1] == UInt8(ascii: "s") { end -= 1 }
        guard end - lo >= 2, end - lo <= 6 else { return false }
        for k in lo..<end where b[k] < 0x41 || b[k] > 0x5A { return false }
        return known.isEmpty || !known.contains(String(decoding: UnsafeBufferPointer(rebasing: b[lo..<end]), as: UTF8.self))
    }

    /// The function words' keys in an open-addressed table of 256 slots (0 is empty; no key is
    /// 0): one or two probes where a binary search mispredicted a branch at every step.
    static let functionWordSlots: [UInt64] = {
        var slots = [UInt64](repeating: 0, count: 256)
        for key in LanguageGuess.functionWordKeys {
            var i = slot(key)
            while slots[i] != 0 { i = (i + 1) & 255 }
            slots[i] = key
        }
        return slots
    }()

    @inline(__always) static func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 56) }

    /// Whether the word (at most 8 bytes) is one of the English function words.
    @inline(__always)
    static func isFunctionWord(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, slots: UnsafePointer<UInt64>) -> Bool {
        guard let key = key(b, lo, hi) else { return false }
        var i = slot(key)
        while slots[i] != 0 {
            if slots[i] == key { return true }
            i = (i + 1) & 255
        }
        return false
    }

    /// The bytes lower-cased into an integer, as ``LanguageGuess/asciiKey(_:)`` packs scalars;
    /// nil past 8 bytes or with a NUL (it would vanish from the key).
    @inline(__always)
    static func key(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> UInt64? {
        guard hi - lo <= 8 else { return nil }
        var key: UInt64 = 0
        for k in lo..<hi {
            let byte = b[k]
            if byte == 0 { return nil }
            key = key << 8 | UInt64(UTF8Text.lowerASCII(byte))
        }
        return key
    }

    static let abbreviationKeys: Set<UInt64> = Set(Readability.abbreviations.map { word in
        Array(word.utf8).withUnsafeBufferPointer { key($0, 0, $0.count)! }
    })

    /// The sentence-end rule of ``Readability/endsSentence(_:)`` on the token `b[start..<end]`.
    @inline(__always)
    static func endsSentence(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ tokenEnd: Int) -> Bool {
        var end = tokenEnd
        while end > start, isCloser(b[end - 1]) { end -= 1 }
        guard end > start else { return false }
        let last = b[end - 1]
        if last == UInt8(ascii: "!") || last == UInt8(ascii: "?") { return true }
        guard last == UInt8(ascii: ".") else { return false }
        let beforeDot = end - 1
        if beforeDot > start, b[beforeDot - 1] == UInt8(ascii: ".") { return true }
        var lo = start
        while lo < beforeDot, isOpener(b[lo]) { lo += 1 }
        let count = beforeDot - lo
        if count == 1, isLetter(b[lo]) { return false }
        if count <= 6, let k = key(b, lo, beforeDot), abbreviationKeys.contains(k) { return false }
        return true
    }

    @inline(__always) static func isCloser(_ c: UInt8) -> Bool {
        c == 0x22 || c == 0x27 || c == 0x29 || c == 0x5D || c == 0x7D
    }
    @inline(__always) static func isOpener(_ c: UInt8) -> Bool {
        c == 0x22 || c == 0x27 || c == 0x28 || c == 0x5B || c == 0x7B
    }
}
