/// Parses e-mail address fields as exports write them (FORMATS.md):
/// `Name <addr>`, `"Last, First" <addr>`, a bare `addr`, and lists of those
/// separated by `,` or `;` (separators inside quotes, angle brackets or
/// comments do not split). RFC 5322 groups (`Team: a@x, b@y;`,
/// `undisclosed-recipients:;`) give their members. Addresses come back lower-cased.
///
/// Names as Outlook and Teams write them, `Last, First <addr>` without quotes: a field
/// holding one person takes the address in its last `<…>` and everything before as the
/// name; in a list, items without an address that come right before a `Name <addr>` item
/// are that person's name (`Reyes, Ben <ben@x>, Ana <ana@y>` is two people).
public enum AddressParser {
    /// Why an address field was refused.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Every address in a list field; empty for an empty field.
    public static func parseList(_ bytes: UnsafeRawBufferPointer) -> Result<[String], Failure> {
        var items: [Range<Int>] = []
        if let failure = splitItems(bytes, into: &items) { return .failure(failure) }
        var out: [String] = []
        for (k, range) in items.enumerated() {
            let item = UnsafeRawBufferPointer(rebasing: bytes[range])
            // `Last, First <addr>`: the name's pieces before the item with the address.
            if isNameOnly(item), items[(k + 1)...].first(where: { !isNameOnly(UnsafeRawBufferPointer(rebasing: bytes[$0])) }).map({
                hasAngleAddress(UnsafeRawBufferPointer(rebasing: bytes[$0]))
            }) == true {
                continue
            }
            switch parseItem(item) {
            case .success(let address?): out.append(address)
            case .success(nil): break
            case .failure(let f): return .failure(f)
            }
        }
        return .success(out)
    }

    /// The items of a list, split at `,` and `;` outside quotes, angle brackets and comments.
    private static func splitItems(_ bytes: UnsafeRawBufferPointer, into items: inout [Range<Int>]) -> Failure? {
        var itemStart = 0
        var inQuote = false
        var angle = 0
        var comment = 0
        var i = 0
        let n = bytes.count
        while i <= n {
            let c: UInt8 = i < n ? bytes[i] : UInt8(ascii: ",")
            if inQuote {
                if c == UInt8(ascii: "\\") {
                    i += 2
                    continue
                }
                if c == UInt8(ascii: "\"") { inQuote = false }
                if i == n { return Failure(message: "unbalanced quote in address list") }
            } else if c == UInt8(ascii: "\"") {
                inQuote = true
            } else if c == UInt8(ascii: "(") {
                comment += 1
            } else if c == UInt8(ascii: ")") && comment > 0 {
                comment -= 1
            } else if c == UInt8(ascii: "<") && comment == 0 {
                angle += 1
            } else if c == UInt8(ascii: ">") && comment == 0 && angle > 0 {
                angle -= 1
            } else if (c == UInt8(ascii: ",") || c == UInt8(ascii: ";")) && angle == 0 && comment == 0 {
                items.append(itemStart..<min(i, n))
                itemStart = i + 1
            }
            i += 1
        }
        if angle != 0 { return Failure(message: "unbalanced < > in address list") }
        return nil
    }

    /// An item that can only be part of a name: no `@`, no `<`, no group colon, not empty.
    private static func isNameOnly(_ item: UnsafeRawBufferPointer) -> Bool {
        var sawText = false
        for c in item {
            if c == UInt8(ascii: "@") || c == UInt8(ascii: "<") || c == UInt8(ascii: ":") { return false }
            if c != 0x20 && c != 0x09 && c != 0x0A && c != 0x0D { sawText = true }
        }
        return sawText
    }

    private static func hasAngleAddress(_ item: UnsafeRawBufferPointer) -> Bool {
        lastIndexOutsideQuotes(stripComments(Array(item)), of: UInt8(ascii: "<")) != nil
    }

    /// Exactly one person (the `from` field, a meeting participant, a ticket author): the
    /// address in the last `<…>` with everything before it the name, commas included; else
    /// the whole value as a bare address.
    public static func parseSingle(_ bytes: UnsafeRawBufferPointer) -> Result<String, Failure> {
        let value = stripComments(Array(bytes))
        if let open = lastIndexOutsideQuotes(value, of: UInt8(ascii: "<")) { return angleAddress(value, open: open) }
        switch parseList(bytes) {
        case .failure(let f): return .failure(f)
        case .success(let list):
            if list.count == 1 { return .success(list[0]) }
            if list.isEmpty { return .failure(Failure(message: "no address")) }
            return .failure(Failure(message: "\(list.count) addresses where one is expected"))
        }
    }

    public static func parseList(_ text: String) -> Result<[String], Failure> {
        var copy = text
        return copy.withUTF8 { parseList(UnsafeRawBufferPointer($0)) }
    }

    public static func parseSingle(_ text: String) -> Result<String, Failure> {
        var copy = text
        return copy.withUTF8 { parseSingle(UnsafeRawBufferPointer($0)) }
    }

    /// One list item: nil for an empty item or an empty group.
    private static func parseItem(_ raw: UnsafeRawBufferPointer) -> Result<String?, Failure> {
        var item = Array(raw)
        // Strip comments outside quotes: "jdoe@x.example (John Doe)".
        item = stripComments(item)
        trim(&item)
        if item.isEmpty { return .success(nil) }
        // Group syntax: "Display name: member" keeps the member part; "name:" alone is an empty group.
        if let colon = indexOutsideQuotes(item, of: UInt8(ascii: ":")), !item[..<colon].contains(UInt8(ascii: "@")),
            !item[..<colon].contains(UInt8(ascii: "<"))
        {
            item = Array(item[(colon + 1)...])
            trim(&item)
            if item.isEmpty { return .success(nil) }
        }
        if let open = lastIndexOutsideQuotes(item, of: UInt8(ascii: "<")) { return angleAddress(item, open: open).map { $0 } }
        var address = item
        trim(&address)
        guard isPlausibleAddress(address) else {
            return .failure(Failure(message: "\(quoted(item)) is not an e-mail address"))
        }
        return .success(lowercased(address))
    }

    /// The address between the `<` at `open` and the next `>`, with nothing but white space after it.
    private static func angleAddress(_ item: [UInt8], open: Int) -> Result<String, Failure> {
        guard let close = item[open...].firstIndex(of: UInt8(ascii: ">")) else {
            return .failure(Failure(message: "missing > in \(quoted(item))"))
        }
        var address = Array(item[(open + 1)..<close])
        let after = item[(close + 1)...].filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        if !after.isEmpty { return .failure(Failure(message: "text after > in \(quoted(item))")) }
        trim(&address)
        guard isPlausibleAddress(address) else {
            return .failure(Failure(message: "\(quoted(item)) is not an e-mail address"))
        }
        return .success(lowercased(address))
    }

    /// `local@domain` with a non-empty local part and a domain of letters, digits, `-`, `.` (or non-ASCII).
    static func isPlausibleAddress(_ a: [UInt8]) -> Bool {
        guard let at = a.lastIndex(of: UInt8(ascii: "@")), at > 0, at < a.count - 1 else { return false }
        for c in a[..<at] where c <= 0x20 || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") || c == UInt8(ascii: ",") || c == 0x7F {
            return false
        }
        let domain = a[(at + 1)...]
        if domain.first == UInt8(ascii: ".") || domain.last == UInt8(ascii: ".") { return false }
        for c in domain {
            let ok =
                (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == UInt8(ascii: "-")
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c >= 0x80
                || c == UInt8(ascii: "[") || c == UInt8(ascii: "]")
            if !ok { return false }
        }
        return true
    }

    private static func lowercased(_ a: [UInt8]) -> String {
        if a.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: a.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }, as: UTF8.self)
        }
        return String(decoding: a, as: UTF8.self).lowercased()
    }

    private static func trim(_ a: inout [UInt8]) {
        while let f = a.first, f == 0x20 || f == 0x09 || f == 0x0A || f == 0x0D { a.removeFirst() }
        while let l = a.last, l == 0x20 || l == 0x09 || l == 0x0A || l == 0x0D { a.removeLast() }
    }

    private static func stripComments(_ a: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(a.count)
        var depth = 0
        var inQuote = false
        for c in a {
            if !inQuote && c == UInt8(ascii: "(") {
                depth += 1
                continue
            }
            if !inQuote && c == UInt8(ascii: ")") && depth > 0 {
                depth -= 1
                continue
            }
            if depth > 0 { continue }
            if c == UInt8(ascii: "\"") { inQuote.toggle() }
            out.append(c)
        }
        return out
    }

    private static func indexOutsideQuotes(_ a: [UInt8], of target: UInt8) -> Int? {
        var inQuote = false
        for (i, c) in a.enumerated() {
            if c == UInt8(ascii: "\"") { inQuote.toggle() } else if !inQuote && c == target { return i }
        }
        return nil
    }

    private static func lastIndexOutsideQuotes(_ a: [UInt8], of target: UInt8) -> Int? {
        var inQuote = false
        var found: Int?
        for (i, c) in a.enumerated() {
            if c == UInt8(ascii: "\"") { inQuote.toggle() } else if !inQuote && c == target { found = i }
        }
        return found
    }

    private static func quoted(_ a: [UInt8]) -> String {
        let s = String(decoding: a.prefix(80), as: UTF8.self)
        return "'\(s)'"
    }
}
