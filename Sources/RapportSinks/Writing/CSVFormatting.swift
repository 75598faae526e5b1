import RapportCore

/// One cell of an output CSV, typed so that the conventions of OUTPUTS.md apply:
/// text is neutralised against formula injection, numbers never are.
public enum Cell: Sendable {
    case text(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case instant(Instant)
    case date(LocalDate)
    case empty

    public static func optional(_ v: Double?) -> Cell { v.map(Cell.number) ?? .empty }
    public static func optional(_ v: Instant?) -> Cell { v.map(Cell.instant) ?? .empty }
    public static func optional(_ v: Bool?) -> Cell { v.map(Cell.bool) ?? .empty }
    public static func optional(_ v: String?) -> Cell { v.map(Cell.text) ?? .empty }

    /// Appends the cell as it appears in the file (RFC 4180 quoting applied).
    public func render(into out: inout [UInt8]) {
        switch self {
        case .text(let s): CSVFormatting.appendText(s, to: &out)
        case .integer(let i): CSVFormatting.appendInteger(Int64(i), to: &out)
        // Whole numbers (most latencies) as integers, as `NumberFormatting.plain` writes them.
        case .number(let d) where NumberFormatting.isWhole(d): CSVFormatting.appendInteger(Int64(d), to: &out)
        case .number(let d): out.append(contentsOf: NumberFormatting.plain(d).utf8)
        case .instant(let t): t.appendRFC3339(to: &out)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .date(let d): out.append(contentsOf: d.description.utf8)
        case .empty: break
        }
    }

    /// The cell as it appears in the file (RFC 4180 quoting applied): what `render` appends.
    public var rendered: String {
        var out: [UInt8] = []
        render(into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// CSV conventions shared by every output (OUTPUTS.md).
public enum CSVFormatting {
    /// Appends text as RFC 4180 has it (quoted when it holds `,`, `"`, CR or LF, inner quotes
    /// doubled), with `'` before text that a spreadsheet would execute (`=`, `+`, `-`, `@`,
    /// tab or CR first), without building intermediate strings.
    static func appendText(_ s: String, to out: inout [UInt8]) {
        // On the string's bytes in place: iterating `utf8` and appending it cost about 700
        // instructions a cell, where this is a scan and a copy.
        s.withUTF8Bytes { bytes in
            guard let first = bytes.first else { return }
            var needsQuote = false
            for b in bytes where b <= UInt8(ascii: "\"") || b == UInt8(ascii: ",") || b == 0x7F {
                if isControl(b) {
                    // NUL and the like are never written raw (PRODUCT.md): the escaped text instead.
                    appendText(escapingControls(s), to: &out)
                    return
                }
                if b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 0x0A || b == 0x0D { needsQuote = true }
            }
            let neutralise: Bool
            switch first {
            case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: neutralise = true
            default: neutralise = false
            }
            if needsQuote { out.append(UInt8(ascii: "\"")) }
            if neutralise { out.append(UInt8(ascii: "'")) }
            if needsQuote {
                for b in bytes {
                    out.append(b)
                    if b == UInt8(ascii: "\"") { out.append(b) }
                }
                out.append(UInt8(ascii: "\""))
            } else {
                out.append(contentsOf: bytes)
            }
        }
    }

    /// A control character other than tab, LF and CR (C0 and DEL).
    @inline(__always)
    static func isControl(_ b: UInt8) -> Bool { (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0x7F }

    /// `s` with each control character other than tab, LF and CR written `\u00XX` (as JSON
    /// spells it), so that ids and names holding NUL or escape codes reach no output raw.
    public static func escapingControls(_ s: String) -> String {
        guard s.utf8.contains(where: isControl) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 8)
        let hex = Array("0123456789abcdef".utf8)
        for b in s.utf8 {
            if isControl(b) {
                out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends an integer's decimal digits (what `String(i)` spells, without making it).
    static func appendInteger(_ i: Int64, to out: inout [UInt8]) {
        if i < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = i.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 20 digits, last first
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for k in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[k]) }
        }
    }

    /// Appends one line: the cells joined by `,`, ended by LF.
    static func appendLine(_ cells: [Cell], to out: inout [UInt8]) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            cell.render(into: &out)
        }
        out.append(0x0A)
    }

    /// One line: the cells joined by `,`, ended by LF.
    public static func line(_ cells: [Cell]) -> String {
        var out: [UInt8] = []
        appendLine(cells, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func header(_ names: [String]) -> String { names.joined(separator: ",") + "\n" }
}

/// Decimal numbers without exponents or thousands separators, in the shortest
/// form that reads back to the same double.
public enum NumberFormatting {
    /// A whole number an `Int64` holds exactly: written as an integer. (The limit was 1e15,
    /// and 1e15 itself came out as "1000000000000000.0", Swift's spelling of it.)
    static func isWhole(_ d: Double) -> Bool { d == d.rounded() && abs(d) < 9e18 }

    public static func plain(_ d: Double) -> String {
        if d.isNaN || d.isInfinite { return "" }
        if isWhole(d) { return String(Int64(d)) }
        let s = "\(d)"
        guard let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return s }
        // Expand "d.ddde±x" into plain decimal digits.
        let mantissa = s[..<e]
        let exponent = Int(s[s.index(after: e)...])!
        let negative = mantissa.hasPrefix("-")
        let unsigned = negative ? mantissa.dropFirst() : mantissa
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        var frac = parts.count > 1 ? String(parts[1]) : ""
        if frac == "0" { frac = "" }
        var digits = intPart + frac
        var point = intPart.count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: -point + 1) + digits
            point = 1
        } else if point > digits.count {
            digits += String(repeating: "0", count: point - digits.count)
        }
        var result = String(digits.prefix(point))
        let rest = String(digits.dropFirst(point))
        if !rest.isEmpty { result += "." + rest }
        while result.count > 1 && result.hasPrefix("0") && !result.hasPrefix("0.") { result.removeFirst() }
        return (negative ? "-" : "") + result
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
