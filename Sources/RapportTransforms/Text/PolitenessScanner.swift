/// One pass over a message's bytes for politeness rules v1: words (readability rules v1's W),
/// clauses and their starts, word keys looked up in the lexicon; then the phrase rules over
/// the looked-up words. No String, no regular expression, no allocation beyond one stack
/// buffer per message.
///
/// A *clause* is a sentence of readability rules v1 (a sentence-ending token, a paragraph
/// break or the end of the text closes it), also closed by the line break after a line of one
/// to three words (a greeting or salutation line: "Hi Ana," or a short list item). Its first
/// word is a *start*. It is a *question* when its last token, trailing closers removed, ends
/// in a run of `. ! ? …` that holds a `?`.
enum PolitenessScanner {
    struct Word {
        var entry: Int16  // -1: not in the lexicon
        var flags: UInt8
        var clause: Int32
    }
    static let startFlag: UInt8 = 1
    static let questionFlag: UInt8 = 2

    static func scan(_ b: UnsafeBufferPointer<UInt8>) -> (words: Int, counts: PolitenessCueCounts) {
        let lexicon = CompiledPolitenessLexicon.shared
        // Every word takes at least one byte and one separator.
        return withUnsafeTemporaryAllocation(of: Word.self, capacity: b.count / 2 + 1) { buffer in
            var reader = ClauseReader(words: buffer.baseAddress!, lexicon: lexicon)
            reader.read(b)
            var counts = reader.counts
            PhraseMatch.run(UnsafeBufferPointer(start: buffer.baseAddress!, count: reader.count), lexicon: lexicon, into: &counts)
            return (reader.count, counts)
        }
    }
}

/// Pass 1: tokens, words, clauses, shouting and repeated marks.
struct ClauseReader {
    let words: UnsafeMutablePointer<PolitenessScanner.Word>
    let lexicon: CompiledPolitenessLexicon
    var count = 0
    var counts = PolitenessCueCounts()
    var clause: Int32 = 0
    var clauseFirstWord = 0
    var atStart = true
    var wordsOnLine = 0
    var capitalRun = 0
    var capitalRunHasFunctionWord = false

    init(words: UnsafeMutablePointer<PolitenessScanner.Word>, lexicon: CompiledPolitenessLexicon) {
        self.words = words
        self.lexicon = lexicon
    }

    mutating func read(_ b: UnsafeBufferPointer<UInt8>) {
        let n = b.count
        var i = 0
        while i < n {
            if UTF8Text.whiteSpace(b, i) > 0 {
                var newlines = 0
                while i < n {
                    let w = UTF8Text.whiteSpace(b, i)
                    if w == 0 { break }
                    if b[i] == 0x0A {
                        newlines += 1
                        if newlines == 1 && wordsOnLine >= 1 && wordsOnLine <= 3 { closeClause(question: false) }
                        wordsOnLine = 0
                    }
                    i += w
                }
                if newlines >= 2 { closeClause(question: false) }
                continue
            }
            let start = i
            let shape = TokenShape(b, from: start)
            i = shape.end
            if shape.repeatedMarks { counts[.repeatedMarks] += 1 }
            if shape.hasAlnum { addWord(b, shape, isMention: b[start] == 0x40) }
            if let question = SentenceEnd.closes(b, start, i) { closeClause(question: question) }
        }
        closeClause(question: false)
        endCapitalRun()
    }

    /// A mention (`@ana`) leaves the start to the word after it: "@ana you never ..." starts with "you".
    mutating func addWord(_ b: UnsafeBufferPointer<UInt8>, _ shape: TokenShape, isMention: Bool) {
        let entry = lexicon.entry(b, shape.alnumStart, shape.alnumEnd)
        let takesStart = atStart && !isMention
        words[count] = PolitenessScanner.Word(entry: entry, flags: takesStart ? PolitenessScanner.startFlag : 0, clause: clause)
        count += 1
        wordsOnLine += 1
        if !isMention { atStart = false }
        // Shouting: three or more capital words in a row, one of them a function word (so
        // that a row of acronyms is not shouting); words without letters neither count nor break.
        guard shape.hasLetter else { return }
        if shape.hasUpper && !shape.hasLower {
            capitalRun += 1
            if lexicon.isFunctionWord(entry) { capitalRunHasFunctionWord = true }
        } else {
            endCapitalRun()
        }
    }

    mutating func endCapitalRun() {
        if capitalRun >= 3 && capitalRunHasFunctionWord { counts[.shouting] += 1 }
        capitalRun = 0
        capitalRunHasFunctionWord = false
    }

    mutating func closeClause(question: Bool) {
        if question {
            for k in clauseFirstWord..<count { words[k].flags |= PolitenessScanner.questionFlag }
        }
        if count > clauseFirstWord { clause += 1 }
        clauseFirstWord = count
        atStart = true
    }
}

/// What pass 1 needs to know about one white-space-delimited token.
struct TokenShape {
    var end = 0
    var hasAlnum = false
    /// The token without its leading and trailing non-alnum scalars: the word's key.
    var alnumStart = 0
    var alnumEnd = 0
    var hasLetter = false
    var hasUpper = false
    var hasLower = false
    /// `!!`, `??`, `?!`, `!?` (two ASCII marks in a row) or one of `‼ ⁇ ⁈ ⁉`.
    var repeatedMarks = false

    init(_ b: UnsafeBufferPointer<UInt8>, from start: Int) {
        let n = b.count
        var i = start
        var previousWasMark = false
        while i < n {
            let c = b[i]
            if c < 0x80 {
                if c == 0x20 || (c >= 0x09 && c <= 0x0D) { break }
                let isLetter = c | 0x20 >= 0x61 && c | 0x20 <= 0x7A
                if isLetter || (c >= 0x30 && c <= 0x39) { noteAlnum(i, i + 1) }
                if isLetter {
                    hasLetter = true
                    if c < 0x61 { hasUpper = true } else { hasLower = true }
                }
                let isMark = c == 0x21 || c == 0x3F
                if isMark && previousWasMark { repeatedMarks = true }
                previousWasMark = isMark
                i += 1
                continue
            }
            let (s, length) = UTF8Text.scalar(b, i)
            if UnicodeRules.isWhiteSpace(s) { break }
            noteScalar(s, i, i + length)
            previousWasMark = false
            i += length
        }
        end = i
    }

    mutating func noteAlnum(_ from: Int, _ to: Int) {
        if !hasAlnum {
            hasAlnum = true
            alnumStart = from
        }
        alnumEnd = to
    }

    mutating func noteScalar(_ s: Unicode.Scalar, _ from: Int, _ to: Int) {
        switch s.value {
        case 0x203C, 0x2047, 0x2048, 0x2049: repeatedMarks = true
        default: break
        }
        guard UnicodeRules.isAlnum(s) else { return }
        noteAlnum(from, to)
        switch s.properties.generalCategory {
        case .uppercaseLetter, .titlecaseLetter: hasLetter = true; hasUpper = true
        case .lowercaseLetter: hasLetter = true; hasLower = true
        case .modifierLetter, .otherLetter: hasLetter = true
        default: break
        }
    }
}

/// The sentence-end rule of readability rules v1 (``Readability/endsSentence(_:)``) on the bytes
/// of one token, and whether that end is a question.
enum SentenceEnd {
    /// nil when the token does not end a sentence, else whether it ends a question.
    static func closes(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ tokenEnd: Int) -> Bool? {
        var e = tokenEnd
        while e > start, let k = closerLength(b, start, e) { e -= k }
        guard e > start else { return nil }
        let last = b[e - 1]
        if last == 0x2E {
            if !endsAtDot(b, start, e - 1) { return nil }
        } else if !(last == 0x21 || last == 0x3F || isEllipsis(b, start, e)) {
            return nil
        }
        // A question when the trailing run of enders holds a `?`.
        while e > start {
            let c = b[e - 1]
            if c == 0x3F { return true }
            if c == 0x2E || c == 0x21 { e -= 1 } else if isEllipsis(b, start, e) { e -= 3 } else { break }
        }
        return false
    }

    /// `"` `'` `)` `]` `}` `’` `”` `»` before `end`: its length in bytes.
    static func closerLength(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        switch b[end - 1] {
        case 0x22, 0x27, 0x29, 0x5D, 0x7D: return 1
        case 0x99, 0x9D: return end - start >= 3 && b[end - 3] == 0xE2 && b[end - 2] == 0x80 ? 3 : nil  // ’ ”
        case 0xBB where end - start >= 2 && b[end - 2] == 0xC2: return 2  // »
        default: return nil
        }
    }

    /// `"` `'` `(` `[` `{` `‘` `“` `«` at `i`: its length in bytes.
    static func openerLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int? {
        switch b[i] {
        case 0x22, 0x27, 0x28, 0x5B, 0x7B: return 1
        case 0xE2 where end - i >= 3 && b[i + 1] == 0x80 && (b[i + 2] == 0x98 || b[i + 2] == 0x9C): return 3
        case 0xC2 where end - i >= 2 && b[i + 1] == 0xAB: return 2
        default: return nil
        }
    }

    static func isEllipsis(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        end - start >= 3 && b[end - 3] == 0xE2 && b[end - 2] == 0x80 && b[end - 1] == 0xA6
    }

    /// A final `.` at `dot` ends a sentence unless it closes an initial or an abbreviation.
    static func endsAtDot(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ dot: Int) -> Bool {
        if dot > start && b[dot - 1] == 0x2E { return true }
        var lo = start
        while lo < dot, let k = openerLength(b, lo, dot) { lo += k }
        guard lo < dot else { return true }
        let (s, length) = UTF8Text.scalar(b, lo)
        if lo + length == dot && Readability.isLetter(s) { return false }
        if let k = ASCIITextRules.key(b, lo, dot), ASCIITextRules.abbreviationKeys.contains(k) { return false }
        return true
    }
}
