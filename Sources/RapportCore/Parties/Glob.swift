/// A case-insensitive shell-style pattern (`*` any run, `?` one scalar), as used by
/// `people`, `ignore.actors` and `escalation.contacts`.
public struct Glob: Hashable, Sendable, CustomStringConvertible {
    public let pattern: String
    private let scalars: [Unicode.Scalar]
    private let isLiteral: Bool

    public init(_ pattern: String) {
        self.pattern = pattern
        let lowered = pattern.lowercased()
        self.scalars = Array(lowered.unicodeScalars)
        self.isLiteral = !lowered.contains("*") && !lowered.contains("?")
    }

    /// True when `text` (compared case-insensitively) matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        let lowered = text.lowercased()
        if isLiteral { return lowered.unicodeScalars.elementsEqual(scalars) }
        return Glob.match(scalars[...], Array(lowered.unicodeScalars)[...])
    }

    /// Iterative wildcard match with single backtracking point (linear for one `*`, never exponential).
    private static func match(_ p: ArraySlice<Unicode.Scalar>, _ s: ArraySlice<Unicode.Scalar>) -> Bool {
        var pi = p.startIndex
        var si = s.startIndex
        var starP = -1
        var starS = -1
        while si < s.endIndex {
            if pi < p.endIndex, p[pi] == "?" || p[pi] == s[si] {
                pi += 1
                si += 1
            } else if pi < p.endIndex, p[pi] == "*" {
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
        while pi < p.endIndex, p[pi] == "*" { pi += 1 }
        return pi == p.endIndex
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
