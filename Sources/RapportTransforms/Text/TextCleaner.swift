import Glibc

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
///
/// Works on UTF-8 bytes (every client message passes through here); the `String`
/// functions are conveniences over the byte ones.
public enum TextCleaner {
    public static func clean(_ text: String, isHTML: Bool = false) -> String {
        var copy = text
        let bytes = copy.withUTF8 { clean(bytes: $0, isHTML: isHTML) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// All four steps on UTF-8 bytes.
    public static func clean(bytes: UnsafeBufferPointer<UInt8>, isHTML: Bool) -> [UInt8] {
        if isHTML || looksLikeHTML(bytes) {
            let html = stripHTML(bytes)
            return html.withUnsafeBufferPointer { removeURLsAndAddresses(removeQuotedHistoryAndSignature($0)) }
        }
        return removeURLsAndAddresses(removeQuotedHistoryAndSignature(bytes))
    }

    /// True when an e-mail body is HTML: starts with `<html` or `<!DOCTYPE html`, or holds a `<br`, `<p>` or `<div` tag.
    public static func looksLikeHTML(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { looksLikeHTML($0) }
    }

    public static func looksLikeHTML(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0
        while start < b.count, b[start] == 0x20 || b[start] == 0x09 || b[start] == 0x0A || b[start] == 0x0D { start += 1 }
        if startsWithLower(b, start, "<html") || startsWithLower(b, start, "<!doctype html") { return true }
        var i = 0
        guard let base = b.baseAddress else { return false }
        while i < b.count {
            guard let hit = memchr(base + i, 0x3C, b.count - i) else { return false }
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if startsWithLower(b, at, "<br") || startsWithLower(b, at, "<p>") || startsWithLower(b, at, "<div") { return true }
            i = at + 1
        }
        return false
    }

    private static func startsWithLower(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ lowered: StaticString) -> Bool {
        let n = lowered.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        let p = lowered.utf8Start
        for k in 0..<n where UTF8Text.lowerASCII(b[i + k]) != p[k] { return false }
        return true
    }

    // MARK: 1. HTML

    private static let lineBreakTags: Set<String> = ["br", "p", "/p", "div", "/div", "li"]

    public static func stripHTML(_ text: String) -> String {
        var copy = text
        return String(decoding: copy.withUTF8 { stripHTML($0) }, as: UTF8.self)
    }

    /// Drops tags (and comments), decodes entities, turns block tags into line breaks.
    /// The text between one `<` or `&` and the next is copied as one run (`bytewise` copies it
    /// byte by byte instead: the statement the tests and the fuzz target hold the runs to).
    public static func stripHTML(_ b: UnsafeBufferPointer<UInt8>, bytewise: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        guard let base = b.baseAddress else { return out }
        func next(_ byte: UInt8, from i: Int) -> Int {
            guard i < b.count, let hit = memchr(base + i, Int32(byte), b.count - i) else { return b.count }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        var nextTag = next(UInt8(ascii: "<"), from: 0)
        var nextEntity = next(UInt8(ascii: "&"), from: 0)
        var i = 0
        while i < b.count {
            if !bytewise {
                if nextTag < i { nextTag = next(UInt8(ascii: "<"), from: i) }
                if nextEntity < i { nextEntity = next(UInt8(ascii: "&"), from: i) }
                let special = min(nextTag, nextEntity)
                if special > i {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<special]))
                    i = special
                    continue
                }
            }
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
                let name = String(decoding: UnsafeBufferPointer(rebasing: b[(i + 1)..<nameEnd]), as: UTF8.self).lowercased()
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
        return out
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
    private static func decodeEntity(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> ([UInt8], Int)? {
        var j = i + 1
        while j < b.count, j - i <= 32, b[j] != UInt8(ascii: ";") {
            if b[j] == 0x20 || b[j] == UInt8(ascii: "&") || b[j] == UInt8(ascii: "<") { return nil }
            j += 1
        }
        guard j < b.count, b[j] == UInt8(ascii: ";"), j > i + 1 else { return nil }
        let body = String(decoding: UnsafeBufferPointer(rebasing: b[(i + 1)..<j]), as: UTF8.self)
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
        var copy = text
        return String(decoding: copy.withUTF8 { removeQuotedHistoryAndSignature($0) }, as: UTF8.self)
    }

    public static func removeQuotedHistoryAndSignature(_ b: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let lines = UTF8Text.lines(b)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var first = true
        var index = 0
        lineLoop: while index < lines.count {
            let line = lines[index]
            let trimmed = UTF8Text.trim(b, line.lowerBound, line.upperBound)
            if !trimmed.isEmpty, b[trimmed.lowerBound] == UInt8(ascii: ">") {
                index += 1
                continue
            }
            if isAttribution(b, trimmed) || UTF8Text.equals(b, trimmed, "-----Original Message-----") { break }
            if UTF8Text.hasPrefix(b, trimmed, "From:") {
                for k in 1...3 where index + k < lines.count {
                    let next = lines[index + k]
                    if UTF8Text.hasPrefix(b, UTF8Text.trim(b, next.lowerBound, next.upperBound), "Sent:") { break lineLoop }
                }
            }
            // Signature: a line that is exactly "-- " (a trailing CR from CRLF text aside).
            if UTF8Text.equals(b, line, "-- ") || UTF8Text.equals(b, line, "-- \r") { break }
            if !first { out.append(0x0A) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[line]))
            first = false
            index += 1
        }
        return out
    }

    /// `On … wrote:` or `Am … schrieb:` as a whole trimmed line.
    private static func isAttribution(_ b: UnsafeBufferPointer<UInt8>, _ s: Range<Int>) -> Bool {
        (UTF8Text.hasPrefix(b, s, "On ") && UTF8Text.hasSuffix(b, s, "wrote:"))
            || (UTF8Text.hasPrefix(b, s, "Am ") && UTF8Text.hasSuffix(b, s, "schrieb:"))
    }

    // MARK: 4. URLs and addresses

    private static let urlPrefixes: [[UInt8]] = ["http://", "https://", "ftp://", "www.", "mailto:"].map { Array($0.utf8) }

    public static func removeURLsAndAddresses(_ text: String) -> String {
        let bytes = Array(text.utf8)
        return String(decoding: removeURLsAndAddresses(bytes), as: UTF8.self)
    }

    /// Finds what to remove as ranges (memchr to each `:`, `.` and `@`) and copies what is
    /// left; ``removeURLsAndAddressesByteByByte(_:)`` states the same rule one byte at a time.
    public static func removeURLsAndAddresses(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, b.count > 0 else { return bytes }
            let n = b.count
            func next(_ byte: UInt8, from p: Int) -> Int {
                guard p < n, let hit = memchr(base + p, Int32(byte), n - p) else { return n }
                return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            var removed: [Range<Int>] = []
            // URLs: every prefix has a `:` or `.` three to six bytes after its start, so a start
            // at or after `i` either has the next such byte `q` (at or after i + 3) as its own,
            // and lies in q-6...q-3, or lies after q-3.
            var nextColon = next(0x3A, from: 3)
            var nextDot = next(0x2E, from: 3)
            var i = 0
            while i < n {
                if nextColon < i + 3 { nextColon = next(0x3A, from: i + 3) }
                if nextDot < i + 3 { nextDot = next(0x2E, from: i + 3) }
                let q = min(nextColon, nextDot)
                guard q < n else { break }
                var found: Int?
                for start in max(i, q - 6)...(q - 3) where (start == 0 || !isWordByte(b[start - 1])) && startsURL(b, at: start) {
                    found = start
                    break
                }
                guard let start = found else {
                    i = q - 2
                    continue
                }
                var end = start
                while end < n, UTF8Text.whiteSpace(b, end) == 0 { end += 1 }
                removed.append(start..<end)
                i = end
            }
            // Addresses: each `@` outside a URL, widened to the address stops on either side;
            // the scan goes on after the widened run whether or not it was an address.
            let urls = removed.count
            var url = 0
            i = next(0x40, from: 0)
            while i < n {
                while url < urls, removed[url].upperBound <= i { url += 1 }
                if url < urls, removed[url].contains(i) {
                    i = next(0x40, from: i + 1)
                    continue
                }
                var s = i
                while s > 0, !isAddressStop(b, s - 1) { s -= 1 }
                var e = i + 1
                while e < n, !isAddressStop(b, e) { e += 1 }
                if s < i && e > i + 1 { removed.append(s..<e) }
                i = next(0x40, from: e)
            }
            if removed.isEmpty { return bytes }
            // URL ranges and address ranges are each in order; together they may overlap.
            removed.sort { $0.lowerBound < $1.lowerBound }
            var out: [UInt8] = []
            out.reserveCapacity(n)
            var kept = 0
            for r in removed {
                if r.lowerBound > kept { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[kept..<r.lowerBound])) }
                kept = max(kept, r.upperBound)
            }
            if kept < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[kept..<n])) }
            return out
        }
    }

    /// The rule of ``removeURLsAndAddresses(_:)-([UInt8])`` one byte at a time: the reference it is tested against.
    static func removeURLsAndAddressesByteByByte(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { b in
            // Only texts with '@' or a URL prefix (':' or '.') can change.
            guard let base = b.baseAddress, b.count > 0 else { return bytes }
            let hasAt = memchr(base, 0x40, b.count) != nil
            let hasColon = memchr(base, 0x3A, b.count) != nil
            let hasDot = memchr(base, 0x2E, b.count) != nil
            guard hasAt || hasColon || hasDot else { return bytes }
            var remove = [Bool](repeating: false, count: b.count)
            var any = false
            var i = 0
            if hasColon || hasDot {
                while i < b.count {
                    if (i == 0 || !isWordByte(b[i - 1])) && startsURL(b, at: i) {
                        var j = i
                        while j < b.count, UTF8Text.whiteSpace(b, j) == 0 { j += 1 }
                        for k in i..<j { remove[k] = true }
                        any = true
                        i = j
                    } else {
                        i += 1
                    }
                }
            }
            if hasAt {
                i = 0
                while i < b.count {
                    if b[i] == UInt8(ascii: "@") && !remove[i] {
                        var s = i
                        while s > 0, !isAddressStop(b, s - 1) { s -= 1 }
                        var e = i + 1
                        while e < b.count, !isAddressStop(b, e) { e += 1 }
                        if s < i && e > i + 1 {
                            for k in s..<e { remove[k] = true }
                            any = true
                        }
                        i = e
                    } else {
                        i += 1
                    }
                }
            }
            if !any { return bytes }
            var out: [UInt8] = []
            out.reserveCapacity(b.count)
            for k in 0..<b.count where !remove[k] { out.append(b[k]) }
            return out
        }
    }

    /// White space (any scalar that starts there) or one of `<>()[]"',;:` ends an address.
    @inline(__always)
    private static func isAddressStop(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        switch b[i] {
        case 0x3C, 0x3E, 0x28, 0x29, 0x5B, 0x5D, 0x22, 0x27, 0x2C, 0x3B, 0x3A: return true
        default:
            if b[i] & 0xC0 == 0x80 { return false }  // continuation bytes belong to the scalar before
            return UTF8Text.whiteSpace(b, i) > 0
        }
    }

    private static func startsURL(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        let c = UTF8Text.lowerASCII(b[i])
        guard c == UInt8(ascii: "h") || c == UInt8(ascii: "f") || c == UInt8(ascii: "w") || c == UInt8(ascii: "m") else { return false }
        for p in urlPrefixes where i + p.count <= b.count {
            var ok = true
            for k in 0..<p.count where UTF8Text.lowerASCII(b[i + k]) != p[k] {
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
}
