import RapportCore
import RapportIngest
import Yams

/// A node of the pipeline file with its key path and line, so that every
/// error names the key and the line it is on.
struct YAMLNode {
    let node: Node
    let path: String
    let file: String

    var line: Int? { node.mark?.line }

    func error(_ message: String) -> RapportError {
        RapportError(.usage, file: file, line: line, path.isEmpty ? message : "`\(path)`: \(message)")
    }

    /// The mapping's values by key; an unknown or repeated key is an error naming it.
    func mapping(allowed: [String]) throws(RapportError) -> [String: YAMLNode] {
        guard let mapping = node.mapping else { throw error("expected a mapping of keys (\(allowed.joined(separator: ", ")))") }
        var out: [String: YAMLNode] = [:]
        for (k, v) in mapping {
            guard let key = k.scalar?.string else { throw error("keys must be plain names") }
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            let child = YAMLNode(node: v, path: childPath, file: file)
            guard allowed.contains(key) else {
                let keyNode = YAMLNode(node: k, path: childPath, file: file)
                let hint = allowed.min { editDistance($0, key) < editDistance($1, key) }.flatMap { editDistance($0, key) <= 3 ? $0 : nil }
                throw keyNode.error("unknown key" + (hint.map { "; did you mean `\($0)`?" } ?? "; known keys here: \(allowed.joined(separator: ", "))"))
            }
            if out[key] != nil { throw YAMLNode(node: k, path: childPath, file: file).error("key appears twice") }
            out[key] = child
        }
        return out
    }

    func sequence() throws(RapportError) -> [YAMLNode] {
        guard let seq = node.sequence else { throw error("expected a list") }
        return seq.enumerated().map { YAMLNode(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    func string() throws(RapportError) -> String {
        guard let s = node.scalar?.string else { throw error("expected a single value") }
        return s
    }

    func nonEmptyString() throws(RapportError) -> String {
        let s = try string()
        if s.isEmpty { throw error("must not be empty") }
        return s
    }

    /// A list of strings; a single string is accepted as a one-item list.
    func strings() throws(RapportError) -> [String] {
        if node.scalar != nil { return [try string()] }
        var out: [String] = []
        for item in try sequence() { out.append(try item.string()) }
        return out
    }

    func double() throws(RapportError) -> Double {
        guard let d = Double(try string()), d.isFinite else { throw error("expected a number") }
        return d
    }

    func int() throws(RapportError) -> Int {
        guard let i = Int(try string()) else { throw error("expected a whole number") }
        return i
    }

    func bool() throws(RapportError) -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false")
        }
    }

    func date() throws(RapportError) -> LocalDate {
        let s = try string()
        guard let d = LocalDate(parsing: s) else { throw error("expected a date YYYY-MM-DD, got `\(s)`") }
        guard d >= CommandValues.earliestDate && d <= CommandValues.latestDate else {
            throw error("\(s) is outside the dates Rapport reports on (\(CommandValues.rangeText))")
        }
        return d
    }

    /// A size such as `256MB`, `2GB`, `512KiB` or a number of bytes.
    func size() throws(RapportError) -> Int64 {
        let s = try string().trimmingASCIIWhitespace()
        let units: [(String, Double)] = [
            ("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1024), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3), ("G", 1e9), ("M", 1e6), ("K", 1e3), ("B", 1),
        ]
        for (u, f) in units where s.uppercased().hasSuffix(u.uppercased()) {
            if let v = Double(String(s.dropLast(u.count)).trimmingASCIIWhitespace()), v >= 0, v * f < 9e18 { return Int64(v * f) }
            break
        }
        if let v = Int64(s), v >= 0 { return v }
        throw error("expected a size such as 256MB or 2GB, got `\(s)`")
    }

    /// A duration such as `4h`, `90m`, `2d`, `45s` or `1h30m`, in seconds.
    func duration() throws(RapportError) -> Double {
        let s = try string()
        guard let seconds = parseDuration(s) else { throw error("expected a duration such as 4h, 90m, 2d or 1h30m, got `\(s)`") }
        return seconds
    }

    func oneOf(_ options: [String]) throws(RapportError) -> String {
        let s = try string()
        guard options.contains(s) else { throw error("`\(s)` is not one of: \(options.joined(separator: ", "))") }
        return s
    }
}

/// `4h`, `90m`, `2d`, `45s`, `1h30m`, `1w` → seconds; nil when malformed.
func parseDuration(_ text: String) -> Double? {
    var total = 0.0
    var number = ""
    var sawUnit = false
    for ch in text.trimmingCharacters() {
        if ch.isASCII && (ch.isNumber || ch == ".") {
            number.append(ch)
            continue
        }
        guard let value = Double(number) else { return nil }
        switch ch {
        case "s": total += value
        case "m": total += value * 60
        case "h": total += value * 3600
        case "d": total += value * 86_400
        case "w": total += value * 604_800
        default: return nil
        }
        number = ""
        sawUnit = true
    }
    return number.isEmpty && sawUnit ? total : nil
}

extension String {
    func trimmingCharacters() -> Substring {
        var s = self[...]
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return s
    }
}

/// "Did you mean" hints for misspelt keys, commands and formats.
public enum Suggestion {
    /// The candidate a user most likely meant by `typed`: one it starts (`jira` → `jira-xml`),
    /// else the nearest within 3 edits; nil when none is close.
    public static func closest(to typed: String, among candidates: [String]) -> String? {
        let t = typed.lowercased()
        if let prefixed = candidates.first(where: { $0.hasPrefix(t) && !t.isEmpty }) { return prefixed }
        guard let best = candidates.min(by: { editDistance($0, t) < editDistance($1, t) }), editDistance(best, t) <= 3 else { return nil }
        return best
    }

    /// "unknown format `jira`; did you mean `jira-xml`? supported: …" (pipeline files and `rapport inspect`).
    public static func unknownFormat(_ name: String) -> String {
        let hint = closest(to: name, among: FormatRegistry.names).map { "did you mean `\($0)`? " } ?? ""
        return "unknown format `\(name)`; \(hint)supported: \(FormatRegistry.names.joined(separator: ", "))"
    }
}

/// Levenshtein distance, for "did you mean" hints on misspelt keys.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a)
    let y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    for i in 1...x.count {
        var current = [i] + [Int](repeating: 0, count: y.count)
        for j in 1...y.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[y.count]
}
