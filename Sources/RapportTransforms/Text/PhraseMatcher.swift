import Glibc

/// Case-insensitive regular expressions in "the common subset" METRICS.md names:
/// POSIX extended syntax plus `\b`, `\s`, `\d`, `\w` (glibc's regex engine; `\d` is
/// rewritten to `[0-9]`, the others are glibc extensions it understands natively).
/// Used for `escalation.phrases` and clarification patterns.
public final class PhraseMatcher: @unchecked Sendable {
    // regexec on a compiled pattern is thread-safe in glibc; the patterns never change after init.
    private var compiled: [UnsafeMutablePointer<regex_t>] = []
    public let patterns: [String]
    /// Per pattern, lower-case ASCII bytes every match must contain, or nil when none could be
    /// read off the pattern: texts without them skip that regexec (most texts match nothing).
    let requiredLiterals: [(bytes: [UInt8], anchor: Int)?]

    /// Why a pattern was refused, with its position in the list.
    public struct PatternError: Error, CustomStringConvertible {
        public var index: Int
        public var pattern: String
        public var message: String
        public var description: String { "pattern \(index + 1) `\(pattern)`: \(message)" }
    }

    /// `prefilter` false runs every regexec (to check the prefilter against).
    public init(patterns: [String], prefilter: Bool = true) throws(PatternError) {
        self.patterns = patterns
        requiredLiterals = patterns.map { p in
            (prefilter ? PhraseMatcher.requiredLiteral(p) : nil).map { ($0, UTF8Text.rarestByte(of: $0)) }
        }
        for (i, p) in patterns.enumerated() {
            let rx = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
            let translated = PhraseMatcher.translate(p)
            let rc = regcomp(rx, translated, REG_EXTENDED | REG_ICASE | REG_NOSUB)
            if rc != 0 {
                var buffer = [CChar](repeating: 0, count: 256)
                regerror(rc, rx, &buffer, buffer.count)
                rx.deallocate()
                let message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                for c in compiled { regfree(c); c.deallocate() }
                compiled = []
                throw PatternError(index: i, pattern: p, message: message)
            }
            compiled.append(rx)
        }
    }

    deinit {
        for c in compiled {
            regfree(c)
            c.deallocate()
        }
    }

    public var isEmpty: Bool { compiled.isEmpty }

    /// True when any pattern matches somewhere in `text`.
    public func matches(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { matches(bytes: $0) }
    }

    /// True when any pattern matches somewhere in the UTF-8 bytes. The bytes are copied with a
    /// NUL after them: glibc's REG_STARTEND would bound the match without one, but regexec's
    /// contract (and AddressSanitizer's interceptor) reads a C string.
    public func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if compiled.isEmpty || bytes.isEmpty { return false }
        // Two copies: lower-cased for the literal checks, and as given with a NUL for regexec
        // (made only when some pattern's literal is there).
        let n = bytes.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * n + 1) { buffer in
            // Through raw pointers, so that the loop has no bounds checks and is vectorised
            // (lowering byte by byte through the buffers was most of a call).
            let source = bytes.baseAddress!
            let lowered = buffer.baseAddress!
            for i in 0..<n {
                let c = source[i]
                lowered[i] = c &- 0x41 < 26 ? c | 0x20 : c
            }
            let loweredText = UnsafeBufferPointer(rebasing: buffer[..<n])
            var copied = false
            for (i, rx) in compiled.enumerated() {
                if let literal = requiredLiterals[i], !UTF8Text.contains(loweredText, literal.bytes, anchor: literal.anchor) { continue }
                if !copied {
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[n..<(2 * n)]).update(fromContentsOf: bytes)
                    buffer[2 * n] = 0
                    copied = true
                }
                var bounds = regmatch_t(rm_so: 0, rm_eo: regoff_t(n))
                let matched = buffer.withMemoryRebound(to: CChar.self) { regexec(rx, $0.baseAddress! + n, 1, &bounds, REG_STARTEND) == 0 }
                if matched { return true }
            }
            return false
        }
    }

    /// The longest run of plain ASCII characters (at least 3) that every match of `pattern`
    /// must contain, lower-cased; nil when the pattern has an alternative at its top level or
    /// no such run. Conservative: groups, brackets, escapes, `.` and anchors end a run, and a
    /// character made optional by `?`, `*` or `{` is dropped from it.
    static func requiredLiteral(_ pattern: String) -> [UInt8]? {
        let p = Array(pattern.utf8)
        // Classes, equivalence classes and collating elements inside brackets (`[[:digit:]]`)
        // hold a `]` of their own: such patterns are not read, only matched.
        for k in p.indices.dropLast() where p[k] == UInt8(ascii: "[") && [UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: ".")].contains(p[k + 1]) {
            return nil
        }
        var runs: [[UInt8]] = []
        var run: [UInt8] = []
        var depth = 0
        var i = 0
        func endRun() {
            if run.count >= 3 { runs.append(run) }
            run = []
        }
        while i < p.count {
            let c = p[i]
            switch c {
            case UInt8(ascii: "\\"):
                endRun()
                i += 2
                continue
            case UInt8(ascii: "["):
                endRun()
                // Skip the bracket expression: `]` first (or after `^`) is a member, not its end.
                i += 1
                if i < p.count, p[i] == UInt8(ascii: "^") { i += 1 }
                if i < p.count, p[i] == UInt8(ascii: "]") { i += 1 }
                while i < p.count, p[i] != UInt8(ascii: "]") { i += 1 }
            case UInt8(ascii: "("):
                endRun()
                depth += 1
            case UInt8(ascii: ")"):
                endRun()
                depth = max(0, depth - 1)
            case UInt8(ascii: "|"):
                if depth == 0 { return nil }
                endRun()
            case UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "{"):
                // The character before is optional (or repeated any number of times).
                if !run.isEmpty { run.removeLast() }
                endRun()
                if c == UInt8(ascii: "{") { while i < p.count, p[i] != UInt8(ascii: "}") { i += 1 } }
            case UInt8(ascii: "+"):
                endRun()
            case UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"):
                endRun()
            default:
                if depth == 0 && c < 0x80 { run.append(UTF8Text.lowerASCII(c)) } else { endRun() }
            }
            i += 1
        }
        endRun()
        return runs.max { $0.count < $1.count }
    }

    /// `\d` becomes `[0-9]` (glibc has no `\d`); everything else is passed through.
    static func translate(_ pattern: String) -> String {
        var out = ""
        var escaped = false
        for ch in pattern {
            if escaped {
                if ch == "d" { out += "[0-9]" } else if ch == "D" { out += "[^0-9]" } else { out += "\\" + String(ch) }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                out.append(ch)
            }
        }
        if escaped { out += "\\\\" }
        return out
    }
}
