/// A case-insensitive shell-style pattern (`*` any run, `?` one scalar), as used by
/// `people`, `ignore.actors` and `escalation.contacts`.
public struct Glob: Hashable, Sendable, CustomStringConvertible {
    public let pattern: String
    private let scalars: [Unicode.Scalar]
    /// The lower-cased pattern as bytes when it is ASCII (the fast path).
    private let asciiPattern: [UInt8]?

    public init(_ pattern: String) {
        self.pattern = pattern
        let lowered = pattern.lowercased()
        self.scalars = Array(lowered.unicodeScalars)
        self.asciiPattern = lowered.utf8.allSatisfy { $0 < 0x80 } ? Array(lowered.utf8) : nil
    }

    /// True when `text` (compared case-insensitively) matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        if let asciiPattern {
            var copy = text
            let ascii: Bool? = copy.withUTF8 { b in
                guard b.allSatisfy({ $0 < 0x80 }) else { return nil }
                return asciiPattern.withUnsafeBufferPointer { p in
                    Glob.match(p, b, star: UInt8(ascii: "*"), any: UInt8(ascii: "?")) { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }
                }
            }
            if let ascii { return ascii }
        }
        let lowered = Array(text.lowercased().unicodeScalars)
        return scalars.withUnsafeBufferPointer { p in
            lowered.withUnsafeBufferPointer { s in Glob.match(p, s, star: "*", any: "?") { $0 } }
        }
    }

    /// True when some text matches both patterns (two partners' `people` globs that could
    /// claim the same person). Walks pairs of pattern positions: a `*` may match nothing or
    /// take a character; two positions take a character together when both accept one.
    public func overlaps(_ other: Glob) -> Bool {
        let a = scalars
        let b = other.scalars
        var seen = Set<Int>()
        var pending = [(0, 0)]
        while let (i, j) = pending.popLast() {
            guard seen.insert(i * (b.count + 1) + j).inserted else { continue }
            if i == a.count && j == b.count { return true }
            if i < a.count && a[i] == "*" { pending.append((i + 1, j)) }
            if j < b.count && b[j] == "*" { pending.append((i, j + 1)) }
            guard i < a.count, j < b.count else { continue }
            let x = a[i]
            let y = b[j]
            if x == "*" && y == "*" { continue }  // both stay: no progress
            let wild: Set<Unicode.Scalar> = ["*", "?"]
            guard wild.contains(x) || wild.contains(y) || x == y else { continue }
            pending.append((x == "*" ? i : i + 1, y == "*" ? j : j + 1))
        }
        return false
    }

    /// Iterative wildcard match with one backtracking point: linear for one `*`, never exponential.
    @inline(__always)
    private static func match<T: Equatable>(
        _ p: UnsafeBufferPointer<T>, _ s: UnsafeBufferPointer<T>, star: T, any: T, normalise: (T) -> T
    ) -> Bool {
        var pi = 0
        var si = 0
        var starP = -1
        var starS = -1
        while si < s.count {
            let c = normalise(s[si])
            if pi < p.count, p[pi] == any || p[pi] == c {
                pi += 1
                si += 1
            } else if pi < p.count, p[pi] == star {
                starP = pi
                starS = si
                pi += 1
            } else if starP >= 0 {
                pi = starP + 1
                starS += 1
                si = starS
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == star { pi += 1 }
        return pi == p.count
    }

    public var description: String { pattern }
}

/// Several globs; matches when any does.
public struct GlobSet: Sendable {
    public let globs: [Glob]
    public init(_ patterns: [String]) { globs = patterns.map(Glob.init) }
    public var isEmpty: Bool { globs.isEmpty }
    public func matches(_ text: String) -> Bool { globs.contains { $0.matches(text) } }
}
