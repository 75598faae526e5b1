/// ``PolitenessLexicon`` compiled once: an open-addressed table from word keys (at most 16
/// bytes, packed into two integers) to entries, flags per entry, and the rules sorted by
/// their first word, longest first, so that matching a word tries only its own rules.
final class CompiledPolitenessLexicon: Sendable {
    static let shared = CompiledPolitenessLexicon()

    static let slotCount = 2048  // a power of two, over twice the entries
    static let negatorFlag: UInt8 = 1
    static let functionWordFlag: UInt8 = 2

    let slotKeys: [UInt64]  // two per slot
    let slotLengths: [UInt8]  // 0: empty
    let slotEntries: [Int16]
    let entryFlags: [UInt8]
    let profanityEntry: Int16
    /// Rules in matching order; `firstRule[e]..<firstRule[e + 1]` are those whose first word is entry `e`.
    let rules: [CompiledRule]
    let firstRule: [Int32]

    struct CompiledRule: Sendable {
        var words: [Int16]
        var cue: PolitenessCue?
        var position: PolitenessLexicon.Position
        var negatable: Bool
    }

    init() {
        precondition(PolitenessCue.allCases.count <= 32, "PolitenessCueCounts holds 32 cues")
        var entries: [[UInt8]: Int16] = [:]
        var flags: [UInt8] = []
        func entry(_ word: String) -> Int16 {
            let bytes = Array(word.utf8)
            if let e = entries[bytes] { return e }
            let e = Int16(flags.count)
            entries[bytes] = e
            flags.append(0)
            return e
        }
        var compiled = PolitenessLexicon.all.map { r in CompiledRule(words: r.words.map(entry), cue: r.cue, position: r.position, negatable: r.negatable) }
        for w in PolitenessLexicon.negators { flags[Int(entry(w))] |= Self.negatorFlag }
        for w in LanguageGuess.functionWords { flags[Int(entry(w))] |= Self.functionWordFlag }
        profanityEntry = entry("shit")
        // Longest first, then the rules bound to a position, then table order (the sort is stable).
        func rank(_ p: PolitenessLexicon.Position) -> Int { p == .anywhere ? 1 : 0 }
        compiled = compiled.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.words[0] != y.words[0] { return x.words[0] < y.words[0] }
            if x.words.count != y.words.count { return x.words.count > y.words.count }
            if rank(x.position) != rank(y.position) { return rank(x.position) < rank(y.position) }
            return a.offset < b.offset
        }.map(\.element)
        var first = [Int32](repeating: Int32(compiled.count), count: flags.count + 1)
        for (k, r) in compiled.enumerated().reversed() { first[Int(r.words[0])] = Int32(k) }
        for e in stride(from: flags.count - 1, through: 0, by: -1) where first[e] > first[e + 1] { first[e] = first[e + 1] }
        rules = compiled
        firstRule = first
        entryFlags = flags

        var keys = [UInt64](repeating: 0, count: 2 * Self.slotCount)
        var lengths = [UInt8](repeating: 0, count: Self.slotCount)
        var slots = [Int16](repeating: -1, count: Self.slotCount)
        for (bytes, e) in entries {
            precondition(bytes.count <= 16 && !bytes.isEmpty, "lexicon word too long: \(bytes)")
            let (k0, k1) = bytes.withUnsafeBufferPointer { Self.pack($0, 0, $0.count) }
            var s = Self.slot(k0, k1, bytes.count)
            while lengths[s] != 0 { s = (s + 1) & (Self.slotCount - 1) }
            (keys[2 * s], keys[2 * s + 1], lengths[s], slots[s]) = (k0, k1, UInt8(bytes.count), e)
        }
        slotKeys = keys
        slotLengths = lengths
        slotEntries = slots
    }

    /// Bytes `lo..<hi` (at most 16, already a key) packed little-endian into two integers.
    @inline(__always)
    static func pack(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> (UInt64, UInt64) {
        var k0: UInt64 = 0
        var k1: UInt64 = 0
        for k in lo..<hi {
            let shift = UInt64(8 * ((k - lo) & 7))
            if k - lo < 8 { k0 |= UInt64(b[k]) << shift } else { k1 |= UInt64(b[k]) << shift }
        }
        return (k0, k1)
    }

    @inline(__always)
    static func slot(_ k0: UInt64, _ k1: UInt64, _ length: Int) -> Int {
        let h = (k0 ^ (k1 &* 0xFF51_AFD7_ED55_8CCD) ^ UInt64(length)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h >> 53)  // 11 bits: slotCount
    }

    /// The entry of the word whose alnum span is `lo..<hi`, or -1. The key lower-cases ASCII
    /// letters and reads `’` (U+2019) as `'`; keys over 16 bytes are in no rule.
    func entry(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Int16 {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { key in
            var n = 0
            var i = lo
            while i < hi {
                guard n < 16 else { return -1 }
                if b[i] == 0xE2, i + 2 < hi, b[i + 1] == 0x80, b[i + 2] == 0x99 {
                    key[n] = 0x27
                    i += 3
                } else {
                    key[n] = UTF8Text.lowerASCII(b[i])
                    i += 1
                }
                n += 1
            }
            let k = UnsafeBufferPointer(rebasing: key[..<n])
            if Self.containsProfaneInfix(k) { return profanityEntry }
            return lookup(k)
        }
    }

    @inline(__always)
    func lookup(_ key: UnsafeBufferPointer<UInt8>) -> Int16 {
        let (k0, k1) = Self.pack(key, 0, key.count)
        var s = Self.slot(k0, k1, key.count)
        while slotLengths[s] != 0 {
            if Int(slotLengths[s]) == key.count && slotKeys[2 * s] == k0 && slotKeys[2 * s + 1] == k1 { return slotEntries[s] }
            s = (s + 1) & (Self.slotCount - 1)
        }
        return -1
    }

    /// `fuck` or `shit` anywhere in the key.
    static func containsProfaneInfix(_ k: UnsafeBufferPointer<UInt8>) -> Bool {
        guard k.count >= 4 else { return false }
        for i in 0...(k.count - 4) {
            let (a, b, c, d) = (k[i], k[i + 1], k[i + 2], k[i + 3])
            if (a, b, c, d) == (0x66, 0x75, 0x63, 0x6B) || (a, b, c, d) == (0x73, 0x68, 0x69, 0x74) { return true }
        }
        return false
    }

    @inline(__always)
    func isFunctionWord(_ entry: Int16) -> Bool { entry >= 0 && entryFlags[Int(entry)] & Self.functionWordFlag != 0 }

    @inline(__always)
    func isNegator(_ entry: Int16) -> Bool { entry >= 0 && entryFlags[Int(entry)] & Self.negatorFlag != 0 }
}

/// Pass 2: at each word, the first rule (in matching order) whose words follow in the same
/// clause and whose position holds counts for its cue; the match's words are then skipped.
enum PhraseMatch {
    static func run(_ words: UnsafeBufferPointer<PolitenessScanner.Word>, lexicon: CompiledPolitenessLexicon, into counts: inout PolitenessCueCounts) {
        var i = 0
        while i < words.count {
            let e = words[i].entry
            guard e >= 0 else {
                i += 1
                continue
            }
            var advance = 1
            for r in Int(lexicon.firstRule[Int(e)])..<Int(lexicon.firstRule[Int(e) + 1]) {
                let rule = lexicon.rules[r]
                guard applies(rule, at: i, words) else { continue }
                if let cue = cue(of: rule, negated: rule.negatable && isNegated(i, words, lexicon)) { counts[cue] += 1 }
                advance = rule.words.count
                break
            }
            i += advance
        }
    }

    @inline(__always)
    static func applies(_ rule: CompiledPolitenessLexicon.CompiledRule, at i: Int, _ words: UnsafeBufferPointer<PolitenessScanner.Word>) -> Bool {
        let w = words[i]
        switch rule.position {
        case .anywhere: break
        case .start: if w.flags & PolitenessScanner.startFlag == 0 { return false }
        case .startOfQuestion:
            if w.flags & (PolitenessScanner.startFlag | PolitenessScanner.questionFlag) != PolitenessScanner.startFlag | PolitenessScanner.questionFlag { return false }
        }
        let n = rule.words.count
        guard i + n <= words.count else { return false }
        for k in 1..<max(1, n) where words[i + k].entry != rule.words[k] || words[i + k].clause != w.clause { return false }
        return true
    }

    /// One of the two words before `i` in its clause is a negator.
    @inline(__always)
    static func isNegated(_ i: Int, _ words: UnsafeBufferPointer<PolitenessScanner.Word>, _ lexicon: CompiledPolitenessLexicon) -> Bool {
        let clause = words[i].clause
        if i >= 1 && words[i - 1].clause == clause && lexicon.isNegator(words[i - 1].entry) { return true }
        return i >= 2 && words[i - 2].clause == clause && lexicon.isNegator(words[i - 2].entry)
    }

    /// Negated, a polite match reads as a negative word and a negative word as nothing.
    static func cue(of rule: CompiledPolitenessLexicon.CompiledRule, negated: Bool) -> PolitenessCue? {
        guard negated, let cue = rule.cue else { return rule.cue }
        return cue == .negativeWord ? nil : .negativeWord
    }
}
