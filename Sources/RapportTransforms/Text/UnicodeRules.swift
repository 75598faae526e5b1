/// The character classes of "readability rules v1" (METRICS.md), shared by every text rule:
/// white space is the Unicode White_Space property, alnum is General_Category L* or Nd.
public enum UnicodeRules {
    @inline(__always)
    public static func isWhiteSpace(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value == 0x20 || (s.value >= 0x09 && s.value <= 0x0D) }
        return s.properties.isWhitespace
    }

    @inline(__always)
    public static func isAlnum(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v >= 0x30 && v <= 0x39) || (v | 0x20 >= 0x61 && v | 0x20 <= 0x7A) }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return true
        default:
            return false
        }
    }

    /// Words (rules v1): white-space-separated tokens holding at least one alnum scalar.
    public static func words(in text: String) -> [Substring.UnicodeScalarView] {
        var out: [Substring.UnicodeScalarView] = []
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        while i < scalars.endIndex {
            while i < scalars.endIndex, isWhiteSpace(scalars[i]) { i = scalars.index(after: i) }
            let start = i
            var hasAlnum = false
            while i < scalars.endIndex, !isWhiteSpace(scalars[i]) {
                if !hasAlnum && isAlnum(scalars[i]) { hasAlnum = true }
                i = scalars.index(after: i)
            }
            if hasAlnum { out.append(scalars[start..<i]) }
        }
        return out
    }

    /// Lines split at U+000A only (a CR before it stays with the line, as rules v1 treat CR as white space).
    /// Works on scalars, so "\r\n" (one `Character`) still splits.
    public static func lines(_ text: String) -> [String] {
        var out: [String] = []
        var current = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s == "\n" {
                out.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(s)
            }
        }
        out.append(String(current))
        return out
    }

    /// `text` without leading and trailing white space (rules v1 white space, scalar by scalar).
    public static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhiteSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isWhiteSpace($0) })!
        return String(scalars[first...last])
    }

    /// The number of words (rules v1) in `text`.
    public static func wordCount(_ text: some StringProtocol) -> Int {
        var count = 0
        var inToken = false
        var hasAlnum = false
        for s in text.unicodeScalars {
            if isWhiteSpace(s) {
                if inToken && hasAlnum { count += 1 }
                inToken = false
                hasAlnum = false
            } else {
                inToken = true
                if !hasAlnum && isAlnum(s) { hasAlnum = true }
            }
        }
        if inToken && hasAlnum { count += 1 }
        return count
    }
}
