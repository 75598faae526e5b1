import Glibc

/// Address fields as mailing-list archivers rewrite them against address harvesters, read
/// back as the archiver intends, or, when its rewriting cannot be undone, replaced by the
/// sender's display name (so that `people` globs name the party). An address is never
/// guessed: a wrong domain would put a sender in the wrong party.
///
/// - pipermail (Mailman 2) writes `andy at example.com (Andy Grunwald)`: the ` at ` between
///   an address's two halves is an `@` again.
/// - The R lists at stat.ethz.ch write `obr|@o||@u @end|ng |rom gm@||@com (obrl soil)`:
///   `@end|ng |rom` is "sending from" with look-alike characters (`@` for a, s and `.`, `|`
///   for i, l and f), which has many readings; the sender is the name, `obrl soil`. The same
///   archive's older spelling, `m@iii@g oii`, is read the same way.
public enum ArchivedAddress {
    /// What a `From` field stands for.
    public enum Sender: Equatable, Sendable {
        /// An address field to parse (pipermail's rewriting undone, or the field unchanged).
        case field(String)
        /// No address can be recovered: the sender is this name.
        case name(String)
    }

    /// Whether the field holds a lossy rewriting (a look-alike spelling of "sending from":
    /// ` @end|ng |rom ` or ` m@iii@g oii `).
    public static func isLossy(_ field: String) -> Bool { field.containsBytes(" @end|ng |rom ") || field.containsBytes(" m@iii@g oii ") }

    /// Reads a `From` field.
    public static func sender(_ field: String) -> Sender {
        if isLossy(field) {
            // Without a display name the rewritten text itself is the name: stable, and never an address.
            return .name(displayName(field) ?? field.trimmingASCIIWhitespace())
        }
        return .field(restoringAt(field))
    }

    /// Reads a `To` or `Cc` list: pipermail's ` at ` undone; items rewritten beyond recovery dropped.
    public static func recipients(_ field: String) -> String {
        guard isLossy(field) else { return restoringAt(field) }
        return field.split(separator: ",").filter { !isLossy(" " + $0 + " ") }.map { restoringAt(String($0)) }.joined(separator: ",")
    }

    /// `local at domain.tld` → `local@domain.tld` wherever both sides look like an address's halves.
    public static func restoringAt(_ field: String) -> String {
        guard field.containsBytes(" at ") else { return field }
        let b = Array(field.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if i + 4 <= b.count, b[i] == 0x20, b[i + 1] == UInt8(ascii: "a"), b[i + 2] == UInt8(ascii: "t"), b[i + 3] == 0x20,
                i > 0, isLocalByte(b[i - 1]), isDomain(b, from: i + 4)
            {
                out.append(UInt8(ascii: "@"))
                i += 4
                continue
            }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The name in a field: the last `(comment)`, else the phrase before `<`, quotes removed
    /// and RFC 2047 words decoded; nil when there is none.
    public static func displayName(_ field: String) -> String? {
        var name: Substring?
        if let close = field.lastIndex(of: ")"), let open = field[..<close].lastIndex(of: "(") {
            name = field[field.index(after: open)..<close]
        } else if let angle = field.firstIndex(of: "<") {
            name = field[..<angle]
        }
        guard let name else { return nil }
        let trimmed = String(name).trimmingASCIIWhitespace().trimmingQuotes()
        if trimmed.isEmpty { return nil }
        return MailMessage.decodeWords(trimmed)
    }

    private static func isLocalByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
            || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: "%") || c >= 0x80
    }

    /// A domain of at least two labels starts at `start` and ends at white space, `>`, `)`, `,`, `;` or the end.
    private static func isDomain(_ b: [UInt8], from start: Int) -> Bool {
        var j = start
        var dots = 0
        while j < b.count {
            let c = b[j]
            if c == 0x20 || c == 0x09 || c == UInt8(ascii: ">") || c == UInt8(ascii: ")") || c == UInt8(ascii: ",") || c == UInt8(ascii: ";") { break }
            let ok = (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == UInt8(ascii: "-") || c >= 0x80
            if c == UInt8(ascii: ".") {
                if j == start || b[j - 1] == UInt8(ascii: ".") { return false }
                dots += 1
            } else if !ok {
                return false
            }
            j += 1
        }
        return j > start && dots > 0 && b[j - 1] != UInt8(ascii: ".")
    }
}

extension String {
    fileprivate func trimmingQuotes() -> String {
        guard count >= 2, first == "\"", last == "\"" else { return self }
        return String(dropFirst().dropLast())
    }
}

extension String {
    /// Whether the UTF-8 bytes hold `needle` (memchr for its first byte, then memcmp):
    /// `String.contains(_:)` of a string built a searcher per call and cost a third of an mbox
    /// run's reading time.
    func containsBytes(_ needle: StaticString) -> Bool {
        let n = needle.utf8CodeUnitCount
        var copy = self
        return copy.withUTF8 { hay in
            guard let base = hay.baseAddress, n > 0, hay.count >= n else { return false }
            let first = Int32(needle.utf8Start.pointee)
            var at = 0
            while at + n <= hay.count, let p = memchr(base + at, first, hay.count - n + 1 - at) {
                let i = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(p))
                if memcmp(base + i, needle.utf8Start, n) == 0 { return true }
                at = i + 1
            }
            return false
        }
    }
}
