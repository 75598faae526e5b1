/// Cleans a message body before anything is counted in it, exactly as METRICS.md
/// "Cleaning text" says, in this order:
/// 1. HTML (ticket text always; an e-mail body only when it looks like HTML):
///    tags dropped, entities decoded, `<br>`, `<p>`, `</p>`, `<div>`, `</div>`, `<li>` become line breaks;
/// 2. quoted history: lines starting with `>` dropped; everything from an
///    `On … wrote:` / `Am … schrieb:` / `-----Original Message-----` line, or from an
///    Outlook header block (`From:` followed within three lines by `Sent:`);
/// 3. signature: everything from a line that is exactly `-- `;
/// 4. URLs and e-mail addresses removed.
///
/// Choices where METRICS.md is silent (README, "Text rules"): markers are matched
/// case-sensitively as written, after trimming white space (a trailing CR included);
/// a URL runs from `http://`, `https://`, `ftp://`, `www.` or `mailto:` to the next
/// white space; an e-mail address is a run of characters other than white space and
/// `<>()[]"',;:` that holds an `@` with something on each side.
public enum TextCleaner {
    /// True when an e-mail body is HTML: starts with `<html` or `<!DOCTYPE html`, or holds a `<br`, `<p>` or `<div` tag.
    public static func looksLikeHTML(_ text: String) -> Bool {
        let lowered = text.utf8.prefix(64).drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let head = String(decoding: lowered, as: UTF8.self).lowercased()
        if head.hasPrefix("<html") || head.hasPrefix("<!doctype html") { return true }
        return containsCaseInsensitive(text, "<br") || containsCaseInsensitive(text, "<p>") || containsCaseInsensitive(text, "<div")
    }

    /// Runs all four steps. `isHTML` forces step 1 (ticket text); otherwise it runs when the text looks like HTML.
    public static func clean(_ text: String, isHTML: Bool = false) -> String {
        var t = text
        if isHTML || looksLikeHTML(t) { t = stripHTML(t) }
        t = removeQuotedHistoryAndSignature(t)
        t = removeURLsAndAddresses(t)
        return t
    }

    // MARK: 1. HTML

    private static let lineBreakTags: Set<String> = ["br", "p", "/p", "div", "/div", "li"]

    /// Drops tags (and comments), decodes entities, turns block tags into line breaks.
    public static func stripHTML(_ text: String) -> String {
        let b = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "<"), i + 1 < b.count, isTagStart(b[i + 1]) {
                if b[i + 1] == UInt8(ascii: "!"), i + 3 < b.count, b[i + 2] == UInt8(ascii: "-"), b[i + 3] == UInt8(ascii: "-") {
                    // Comment: up to "-->".
                    var j = i + 4
                    while j + 2 < b.count, !(b[j] == UInt8(ascii: "-") && b[j + 1] == UInt8(ascii: "-") && b[j + 2] == UInt8(ascii: ">")) { j += 1 }
                    i = min(b.count, j + 3)
                    continue
                }
                guard let close = b[i...].firstIndex(of: UInt8(ascii: ">")) else {
                    out.append(c)
                    i += 1
                    continue
                }
                var nameEnd = i + 1
                if b[nameEnd] == UInt8(ascii: "/") { nameEnd += 1 }
                while nameEnd < close, isNameByte(b[nameEnd]) { nameEnd += 1 }
                let name = String(decoding: b[(i + 1)..<nameEnd], as: UTF8.self).lowercased()
                if lineBreakTags.contains(name) { out.append(0x0A) }
                i = close + 1
            } else if c == UInt8(ascii: "&") {
                if let (scalars, length) = decodeEntity(b, at: i) {
                    out.append(contentsOf: scalars)
                    i += length
                } else {
                    out.append(c)
                    i += 1
                }
            } else {
                out.append(c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isTagStart(_ c: UInt8) -> Bool {
        (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == UInt8(ascii: "/") || c == UInt8(ascii: "!") || c == UInt8(ascii: "?")
    }

    private static func isNameByte(_ c: UInt8) -> Bool {
        (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || (c >= 0x30 && c <= 0x39)
    }

    private static let namedEntities: [String: UInt32] = [
        "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27, "nbsp": 0xA0, "ndash": 0x2013,
        "mdash": 0x2014, "hellip": 0x2026, "lsquo": 0x2018, "rsquo": 0x2019, "ldquo": 0x201C, "rdquo": 0x201D,
        "laquo": 0xAB, "raquo": 0xBB, "copy": 0xA9, "reg": 0xAE, "trade": 0x2122, "euro": 0x20AC, "bull": 0x2022,
        "middot": 0xB7, "shy": 0xAD, "zwj": 0x200D, "zwnj": 0x200C, "times": 0xD7, "deg": 0xB0,
        "auml": 0xE4, "ouml": 0xF6, "uuml": 0xFC, "Auml": 0xC4, "Ouml": 0xD6, "Uuml": 0xDC, "szlig": 0xDF,
        "eacute": 0xE9, "egrave": 0xE8, "agrave": 0xE0, "aacute": 0xE1, "ccedil": 0xE7, "ntilde": 0xF1,
        "iacute": 0xED, "oacute": 0xF3, "uacute": 0xFA, "Eacute": 0xC9,
    ]

    /// Decodes `&name;`, `&#123;` or `&#x1F600;` at `i`; returns UTF-8 bytes and the entity's length.
    private static func decodeEntity(_ b: [UInt8], at i: Int) -> ([UInt8], Int)? {
        var j = i + 1
        while j < b.count, j - i <= 32, b[j] != UInt8(ascii: ";") {
            if b[j] == 0x20 || b[j] == UInt8(ascii: "&") || b[j] == UInt8(ascii: "<") { return nil }
            j += 1
        }
        guard j < b.count, b[j] == UInt8(ascii: ";"), j > i + 1 else { return nil }
        let body = String(decoding: b[(i + 1)..<j], as: UTF8.self)
        var value: UInt32?
        if body.hasPrefix("#x") || body.hasPrefix("#X") {
            value = UInt32(body.dropFirst(2), radix: 16)
        } else if body.hasPrefix("#") {
            value = UInt32(body.dropFirst(), radix: 10)
        } else {
            value = namedEntities[body]
        }
        guard let v = value, let scalar = Unicode.Scalar(v), v != 0 else { return nil }
        return (Array(String(Character(scalar)).utf8), j - i + 1)
    }

    // MARK: 2–3. Quoted history and signature

    public static func removeQuotedHistoryAndSignature(_ text: String) -> String {
        let lines = UnicodeRules.lines(text)
        var kept: [String] = []
        kept.reserveCapacity(lines.count)
        var index = 0
        lineLoop: while index < lines.count {
            let line = lines[index]
            let trimmed = UnicodeRules.trimmed(line)
            if trimmed.unicodeScalars.first == ">" {
                index += 1
                continue
            }
            if isAttribution(trimmed) || trimmed == "-----Original Message-----" { break }
            if trimmed.hasPrefix("From:") {
                for k in 1...3 where index + k < lines.count {
                    if UnicodeRules.trimmed(lines[index + k]).hasPrefix("Sent:") { break lineLoop }
                }
            }
            // Signature: a line that is exactly "-- " (a trailing CR from CRLF text aside).
            if line == "-- " || line == "-- \r" { break }
            kept.append(line)
            index += 1
        }
        return kept.joined(separator: "\n")
    }

    /// `On … wrote:` or `Am … schrieb:` as a whole trimmed line.
    private static func isAttribution(_ s: String) -> Bool {
        (s.hasPrefix("On ") && s.hasSuffix("wrote:")) || (s.hasPrefix("Am ") && s.hasSuffix("schrieb:"))
    }

    // MARK: 4. URLs and addresses

    private static let urlPrefixes: [[UInt8]] = ["http://", "https://", "ftp://", "www.", "mailto:"].map { Array($0.utf8) }
    private static let addressStops: Set<UInt8> = Set("<>()[]\"',;:".utf8)

    public static func removeURLsAndAddresses(_ text: String) -> String {
        let b = Array(text.utf8)
        guard b.contains(UInt8(ascii: "@")) || b.contains(UInt8(ascii: ":")) || b.contains(UInt8(ascii: ".")) else { return text }
        var remove = [Bool](repeating: false, count: b.count)
        var any = false
        // URLs: from a prefix (at a token start or after punctuation) to the next white space.
        var i = 0
        while i < b.count {
            if startsURL(b, at: i) && (i == 0 || !isWordByte(b[i - 1])) {
                var j = i
                while j < b.count, !isSpaceByte(b, j) { j += 1 }
                for k in i..<j { remove[k] = true }
                any = true
                i = j
            } else {
                i += 1
            }
        }
        // Addresses: runs of non-space, non-stop bytes holding '@' with something on both sides.
        i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "@") && !remove[i] {
                var s = i
                while s > 0, !isSpaceByte(b, s - 1), !addressStops.contains(b[s - 1]) { s -= 1 }
                var e = i + 1
                while e < b.count, !isSpaceByte(b, e), !addressStops.contains(b[e]) { e += 1 }
                if s < i && e > i + 1 {
                    for k in s..<e { remove[k] = true }
                    any = true
                }
                i = e
            } else {
                i += 1
            }
        }
        if !any { return text }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        for k in 0..<b.count where !remove[k] { out.append(b[k]) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func startsURL(_ b: [UInt8], at i: Int) -> Bool {
        for p in urlPrefixes where i + p.count <= b.count {
            var ok = true
            for k in 0..<p.count where (b[i + k] | (p[k] >= 0x61 ? 0x20 : 0)) != p[k] {
                ok = false
                break
            }
            if ok { return true }
        }
        return false
    }

    private static func isWordByte(_ c: UInt8) -> Bool {
        (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || (c >= 0x30 && c <= 0x39) || c >= 0x80
    }

    /// ASCII white space, or U+00A0 / other multi-byte white space starting at `i` (checked by decoding).
    private static func isSpaceByte(_ b: [UInt8], _ i: Int) -> Bool {
        let c = b[i]
        if c < 0x80 { return c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        // Lead bytes of multi-byte white space (U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028/9, U+202F, U+205F, U+3000).
        if c == 0xC2, i + 1 < b.count { return b[i + 1] == 0x85 || b[i + 1] == 0xA0 }
        if c == 0xE1, i + 2 < b.count { return b[i + 1] == 0x9A && b[i + 2] == 0x80 }
        if c == 0xE2, i + 2 < b.count {
            if b[i + 1] == 0x80 { return (b[i + 2] >= 0x80 && b[i + 2] <= 0x8A) || b[i + 2] == 0xA8 || b[i + 2] == 0xA9 || b[i + 2] == 0xAF }
            if b[i + 1] == 0x81 { return b[i + 2] == 0x9F }
        }
        if c == 0xE3, i + 2 < b.count { return b[i + 1] == 0x80 && b[i + 2] == 0x80 }
        return false
    }

    private static func containsCaseInsensitive(_ text: String, _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        let b = text.utf8
        guard b.count >= n.count else { return false }
        var matched = 0
        // Needles here start with '<', which never occurs inside a partial match, so a simple scan is exact.
        for c in b {
            let lc = (c >= 0x41 && c <= 0x5A) ? c | 0x20 : c
            if lc == n[matched] {
                matched += 1
                if matched == n.count { return true }
            } else {
                matched = lc == n[0] ? 1 : 0
            }
        }
        return false
    }
}
