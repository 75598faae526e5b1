import Glibc

/// Case-insensitive regular expressions in "the common subset" METRICS.md names:
/// POSIX extended syntax plus `\b`, `\s`, `\d`, `\w` (glibc's regex engine; `\d` is
/// rewritten to `[0-9]`, the others are glibc extensions it understands natively).
/// Used for `escalation.phrases` and clarification patterns.
public final class PhraseMatcher: @unchecked Sendable {
    // regexec on a compiled pattern is thread-safe in glibc; the patterns never change after init.
    private var compiled: [UnsafeMutablePointer<regex_t>] = []
    public let patterns: [String]

    /// Why a pattern was refused, with its position in the list.
    public struct PatternError: Error, CustomStringConvertible {
        public var index: Int
        public var pattern: String
        public var message: String
        public var description: String { "pattern \(index + 1) `\(pattern)`: \(message)" }
    }

    public init(patterns: [String]) throws(PatternError) {
        self.patterns = patterns
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
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buffer in
            bytes.withMemoryRebound(to: CChar.self) { _ = buffer.initialize(fromContentsOf: $0) }
            buffer[bytes.count] = 0
            var bounds = regmatch_t(rm_so: 0, rm_eo: regoff_t(bytes.count))
            return compiled.contains { regexec($0, buffer.baseAddress!, 1, &bounds, REG_STARTEND) == 0 }
        }
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
