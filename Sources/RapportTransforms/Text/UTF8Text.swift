import Glibc

/// Byte-level helpers for the text rules: the same classes as ``UnicodeRules`` (White_Space,
/// L*/Nd) decided on UTF-8 bytes, with an ASCII fast path. Text rules run on every client
/// message, so they avoid building `String`s scalar by scalar.
public enum UTF8Text {
    /// Decodes the scalar starting at `i` (invalid UTF-8 decodes to U+FFFD, one byte).
    @inline(__always)
    public static func scalar(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Unicode.Scalar, Int) {
        let c0 = b[i]
        if c0 < 0x80 { return (Unicode.Scalar(c0), 1) }
        let n = b.count
        if c0 & 0xE0 == 0xC0, i + 1 < n, b[i + 1] & 0xC0 == 0x80 {
            let v = UInt32(c0 & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F)
            if v >= 0x80, let s = Unicode.Scalar(v) { return (s, 2) }
        } else if c0 & 0xF0 == 0xE0, i + 2 < n, b[i + 1] & 0xC0 == 0x80, b[i + 2] & 0xC0 == 0x80 {
            let v = UInt32(c0 & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F)
            if v >= 0x800, let s = Unicode.Scalar(v) { return (s, 3) }
        } else if c0 & 0xF8 == 0xF0, i + 3 < n, b[i + 1] & 0xC0 == 0x80, b[i + 2] & 0xC0 == 0x80, b[i + 3] & 0xC0 == 0x80 {
            let v = UInt32(c0 & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12 | UInt32(b[i + 2] & 0x3F) << 6 | UInt32(b[i + 3] & 0x3F)
            if v >= 0x10000, let s = Unicode.Scalar(v) { return (s, 4) }
        }
        return ("\u{FFFD}", 1)
    }

    /// Length of the white-space scalar at `i`, or 0.
    @inline(__always)
    public static func whiteSpace(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let c = b[i]
        if c < 0x80 { return (c == 0x20 || (c >= 0x09 && c <= 0x0D)) ? 1 : 0 }
        let (s, len) = scalar(b, i)
        return UnicodeRules.isWhiteSpace(s) ? len : 0
    }

    /// Length of the alnum scalar at `i`, or 0.
    @inline(__always)
    public static func alnum(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let c = b[i]
        if c < 0x80 { return ((c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A)) ? 1 : 0 }
        let (s, len) = scalar(b, i)
        return UnicodeRules.isAlnum(s) ? len : 0
    }

    /// `[start, end)` without leading and trailing white space.
    @inline(__always)
    public static func trim(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Range<Int> {
        var s = start
        while s < end {
            let w = whiteSpace(b, s)
            if w == 0 { break }
            s += w
        }
        var e = end
        while e > s {
            // Step back over one scalar (continuation bytes first).
            var k = e - 1
            while k > s, b[k] & 0xC0 == 0x80 { k -= 1 }
            if whiteSpace(b, k) == e - k { e = k } else { break }
        }
        return s..<e
    }

    /// Line ranges split at LF (a CR before it stays with its line).
    public static func lines(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        // Counted first (memchr), so that the list is allocated once rather than grown.
        let n = b.count
        guard let base = b.baseAddress else { return [0..<0] }
        func nextBreak(from p: Int) -> Int? {
            guard p < n, let hit = memchr(base + p, 0x0A, n - p) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        var count = 1
        var p = 0
        while let i = nextBreak(from: p) {
            count += 1
            p = i + 1
        }
        var out: [Range<Int>] = []
        out.reserveCapacity(count)
        var start = 0
        while let i = nextBreak(from: start) {
            out.append(start..<i)
            start = i + 1
        }
        out.append(start..<n)
        return out
    }

    /// True when `b[range]` begins with `prefix` (ASCII, exact case).
    @inline(__always)
    public static func hasPrefix(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ prefix: StaticString) -> Bool {
        let p = prefix.utf8Start
        let n = prefix.utf8CodeUnitCount
        guard range.count >= n else { return false }
        for k in 0..<n where b[range.lowerBound + k] != p[k] { return false }
        return true
    }

    @inline(__always)
    public static func hasSuffix(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ suffix: StaticString) -> Bool {
        let p = suffix.utf8Start
        let n = suffix.utf8CodeUnitCount
        guard range.count >= n else { return false }
        let base = range.upperBound - n
        for k in 0..<n where b[base + k] != p[k] { return false }
        return true
    }

    @inline(__always)
    public static func equals(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        range.count == literal.utf8CodeUnitCount && hasPrefix(b, range, literal)
    }

    /// Whether `needle` (not empty) occurs in `haystack`: memchr to each candidate first byte,
    /// then memcmp (memmem is a GNU extension Swift's Glibc does not declare).
    public static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let base = haystack.baseAddress, needle.count <= haystack.count else { return false }
        return needle.withUnsafeBufferPointer { n in
            let last = haystack.count - n.count  // last start position that fits
            var start = 0
            while start <= last {
                guard let hit = memchr(base + start, Int32(n[0]), last - start + 1) else { return false }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + at, n.baseAddress!, n.count) == 0 { return true }
                start = at + 1
            }
            return false
        }
    }

    /// Whether `needle` (not empty) occurs in `haystack`, found by memchr to each occurrence
    /// of its byte at `anchor` (pick a rare one: ``rarestByte(of:)``), then memcmp. Searching
    /// for the first byte instead stopped at every `c` or space of a text.
    public static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], anchor: Int) -> Bool {
        guard let base = haystack.baseAddress, needle.count <= haystack.count else { return false }
        return needle.withUnsafeBufferPointer { n in
            let last = haystack.count - n.count  // last start position that fits
            let byte = Int32(n[anchor])
            var start = 0
            while start <= last {
                guard let hit = memchr(base + start + anchor, byte, last - start + 1) else { return false }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) - anchor
                if memcmp(base + at, n.baseAddress!, n.count) == 0 { return true }
                start = at + 1
            }
            return false
        }
    }

    /// The index of the needle's byte that is rarest in English text (letter frequencies;
    /// white space, vowels and common letters last), the first such on a tie.
    public static func rarestByte(of needle: [UInt8]) -> Int {
        let common = Array("etaoinshrdlcumwfgypbvkjxqz".utf8)
        func rank(_ c: UInt8) -> Int {
            if let k = common.firstIndex(of: lowerASCII(c)) { return k + 1 }
            return c == 0x20 || (c >= 0x09 && c <= 0x0D) ? 0 : common.count + 1  // digits and punctuation are rare
        }
        var best = 0
        for k in needle.indices where rank(needle[k]) > rank(needle[best]) { best = k }
        return best
    }

    @inline(__always)
    public static func lowerASCII(_ c: UInt8) -> UInt8 { (c >= 0x41 && c <= 0x5A) ? c | 0x20 : c }
}
