import Glibc
import RapportCore

/// A byte-level RFC 4180 reader over chunks from a ``ByteSource``.
///
/// - Never holds the whole file: one buffer of at least `chunkSize` bytes, grown
///   only while a single record is larger (up to `maxRecordBytes`).
/// - Fields are byte ranges into that buffer; no `String` is made unless asked.
/// - A leading UTF-8 BOM is skipped; CRLF and LF end records (a lone CR is data: real
///   exports carry bare CRs inside unquoted text, and naive readers split records there);
///   quoted fields may hold delimiters, doubled quotes and line breaks.
/// - A malformed record (bare quote, text after a closing quote, an unterminated
///   quote, a record past the size cap) is reported with the line where it
///   starts, and reading continues at the next record.
/// - Blank lines are not records.
public final class CSVReader {
    public struct Options: Sendable {
        public var delimiter: UInt8 = UInt8(ascii: ",")
        public var chunkSize: Int = 256 << 10
        public var maxRecordBytes: Int = 16 << 20
        public init(delimiter: UInt8 = UInt8(ascii: ","), chunkSize: Int = 256 << 10, maxRecordBytes: Int = 16 << 20) {
            self.delimiter = delimiter
            self.chunkSize = chunkSize
            self.maxRecordBytes = maxRecordBytes
        }
    }

    /// What `next()` found.
    public enum Event: Equatable {
        /// A well-formed record; read it with `fieldCount`, `field(_:)`, `line`.
        case record
        /// A record that cannot be framed; `line` is where it starts, `rawExcerpt` holds its first bytes.
        case malformed(RejectReason, String)
    }

    private let source: any ByteSource
    private let options: Options
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Valid bytes are `[position, end)`.
    private var position = 0
    private var end = 0
    private var sourceEnded = false
    private var atFileStart = true
    /// Line number of the byte at `position`.
    private var nextLine: Int64 = 1

    private var fieldStarts: [Int] = []
    private var fieldEnds: [Int] = []
    /// Fields holding doubled quotes; once the record is complete they are unescaped into `arena`.
    private var fieldNeedsUnescape: [Bool] = []
    private var arena: UnsafeMutablePointer<UInt8> = .allocate(capacity: 256)
    private var arenaCapacity = 256
    private var recordStart = 0
    private var recordEnd = 0
    /// Bytes of the stream dropped from the front of the buffer so far.
    private var dropped: Int64 = 0

    /// The line on which the current record (or malformed record) starts.
    public private(set) var line: Int64 = 0

    public init(source: any ByteSource, options: Options = Options()) {
        self.source = source
        self.options = options
        self.capacity = max(options.chunkSize, 64)
        self.buffer = .allocate(capacity: capacity)
    }

    deinit {
        buffer.deallocate()
        arena.deallocate()
    }

    public var fieldCount: Int { fieldStarts.count }

    /// Where the current record's raw bytes lie in the (decoded) stream: a conflicting
    /// duplicate is settled by reading them again.
    public var rawRange: RawRange { RawRange(offset: dropped + Int64(recordStart), length: Int32(clamping: recordEnd - recordStart)) }

    /// The raw bytes of the current record as they appear in the file (no line terminator).
    public var rawRecord: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: buffer + recordStart, count: recordEnd - recordStart)
    }

    /// The unescaped bytes of field `i` of the current record; valid until the next call to `next()`.
    public func field(_ i: Int) -> UnsafeRawBufferPointer {
        let base = fieldNeedsUnescape[i] ? arena : buffer
        return UnsafeRawBufferPointer(start: base + fieldStarts[i], count: fieldEnds[i] - fieldStarts[i])
    }

    /// Copies fields with doubled quotes into the arena, unescaped, and points them there.
    private func unescapeFields() {
        var total = 0
        for i in fieldStarts.indices where fieldNeedsUnescape[i] { total += fieldEnds[i] - fieldStarts[i] }
        if total == 0 { return }
        if total > arenaCapacity {
            arena.deallocate()
            arenaCapacity = max(total, arenaCapacity * 2)
            arena = .allocate(capacity: arenaCapacity)
        }
        var out = 0
        for i in fieldStarts.indices where fieldNeedsUnescape[i] {
            let begin = out
            var j = fieldStarts[i]
            let e = fieldEnds[i]
            while j < e {
                let c = buffer[j]
                arena[out] = c
                out += 1
                j += (c == UInt8(ascii: "\"")) ? 2 : 1
            }
            fieldStarts[i] = begin
            fieldEnds[i] = out
        }
    }

    /// Field `i` as a String when it is valid UTF-8, else nil.
    public func string(_ i: Int) -> String? {
        String(validUTF8: field(i))
    }

    /// A short excerpt of the current (or malformed) raw record for rejects (invalid UTF-8 shown as U+FFFD).
    public var excerpt: String {
        if let bytes = oversizedExcerpt { return String(decoding: bytes, as: UTF8.self) }
        let raw = rawRecord
        return String(decoding: UnsafeRawBufferPointer(rebasing: raw[..<min(raw.count, 800)]), as: UTF8.self)
    }

    // MARK: - Framing

    private enum Scan {
        case complete(next: Int, lines: Int64)
        case needMore
        case malformed(RejectReason, resumeAt: Int)
    }

    /// Reads the next record; nil at the end of the input.
    public func next() throws(InputError) -> Event? {
        while true {
            oversizedExcerpt = nil
            if atFileStart {
                _ = try ensure(3)
                if end - position >= 3, buffer[position] == 0xEF, buffer[position + 1] == 0xBB, buffer[position + 2] == 0xBF {
                    position += 3
                }
                atFileStart = false
            }
            // Skip blank lines (they are not records).
            while true {
                if position == end {
                    if sourceEnded { return nil }
                    try refill()
                    continue
                }
                let c = buffer[position]
                if c == 0x0A {
                    position += 1
                    nextLine += 1
                } else if c == 0x0D {
                    if position + 1 == end && !sourceEnded {
                        try refill()
                        continue
                    }
                    guard position + 1 < end, buffer[position + 1] == 0x0A else { break }
                    position += 2
                    nextLine += 1
                } else {
                    break
                }
            }
            line = nextLine
            switch scanRecord(from: position) {
            case .complete(let next, let lines):
                position = next
                nextLine += lines
                if fieldNeedsUnescape.contains(true) { unescapeFields() }
                return .record
            case .malformed(let reason, let resumeAt):
                recordStart = position
                // The excerpt ends before the line break that ended the malformed record.
                var excerptEnd = min(resumeAt, end)
                while excerptEnd > recordStart, buffer[excerptEnd - 1] == 0x0A || buffer[excerptEnd - 1] == 0x0D { excerptEnd -= 1 }
                recordEnd = excerptEnd
                nextLine += lineBreaks(from: position, to: resumeAt)
                position = resumeAt
                return .malformed(reason, message(for: reason))
            case .needMore:
                if end - position >= options.maxRecordBytes {
                    return try skipOversizedRecord()
                }
                try refill()
            }
        }
    }

    private func message(for reason: RejectReason) -> String {
        switch reason {
        case .bareQuote: return "a quote inside an unquoted field; quote the whole field and double the quote"
        case .textAfterQuote: return "text after a closing quote; a quoted field must end at a delimiter or line end"
        case .unterminatedQuote: return "a quoted field is never closed; reading resumed on the next line"
        case .recordTooLarge: return "record larger than \(options.maxRecordBytes) bytes (limits.max_record_bytes)"
        default: return reason.rawValue
        }
    }

    /// Frames one record starting at `start` (a non-blank line). Fills the field arrays on success.
    private func scanRecord(from start: Int) -> Scan {
        // The field lists and the buffer bounds are worked on as locals (the lists moved out
        // and back, keeping their capacity): every access to a class's stored property is
        // checked for exclusivity at run time, which was 1.5 % of a run here.
        var fieldStarts = self.fieldStarts.take()
        var fieldEnds = self.fieldEnds.take()
        var fieldNeedsUnescape = self.fieldNeedsUnescape.take()
        defer {
            self.fieldStarts = fieldStarts
            self.fieldEnds = fieldEnds
            self.fieldNeedsUnescape = fieldNeedsUnescape
        }
        fieldStarts.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        fieldNeedsUnescape.removeAll(keepingCapacity: true)
        let buffer = self.buffer
        let end = self.end
        let sourceEnded = self.sourceEnded
        let delimiter = options.delimiter
        let quote = UInt8(ascii: "\"")
        var i = start
        var lines: Int64 = 0
        while true {
            // One field starts at i.
            if i < end && buffer[i] == quote {
                var j = i + 1
                var doubled = false
                var closing = -1
                while true {
                    guard let q = memchr(buffer + j, Int32(quote), end - j) else {
                        lines += countNewlines(j, end)
                        if sourceEnded {
                            return .malformed(.unterminatedQuote, resumeAt: lineEnd(after: start) ?? end)
                        }
                        return .needMore
                    }
                    let qi = buffer.distance(to: q.assumingMemoryBound(to: UInt8.self))
                    lines += countNewlines(j, qi)
                    if qi + 1 < end && buffer[qi + 1] == quote {
                        doubled = true
                        j = qi + 2
                        continue
                    }
                    if qi + 1 == end && !sourceEnded { return .needMore }
                    closing = qi
                    break
                }
                fieldStarts.append(i + 1)
                fieldEnds.append(closing)
                fieldNeedsUnescape.append(doubled)
                i = closing + 1
                if i < end {
                    let c = buffer[i]
                    if c == 0x0D && i + 1 == end && !sourceEnded { return .needMore }
                    let crlf = c == 0x0D && i + 1 < end && buffer[i + 1] == 0x0A
                    if c != delimiter && c != 0x0A && !crlf {
                        guard let resume = lineEnd(after: i) else { return .needMore }
                        return .malformed(.textAfterQuote, resumeAt: resume)
                    }
                }
            } else {
                var j = i
                while j < end {
                    let c = buffer[j]
                    if c == delimiter || c == 0x0A { break }
                    if c == 0x0D {
                        // Only CRLF ends the record; a lone CR is data.
                        if j + 1 == end && !sourceEnded { return .needMore }
                        if j + 1 < end && buffer[j + 1] == 0x0A { break }
                    }
                    if c == quote {
                        guard let resume = lineEnd(after: j) else { return .needMore }
                        return .malformed(.bareQuote, resumeAt: resume)
                    }
                    j += 1
                }
                if j == end && !sourceEnded { return .needMore }
                fieldStarts.append(i)
                fieldEnds.append(j)
                fieldNeedsUnescape.append(false)
                i = j
            }
            // After a field: delimiter, record end, or end of input.
            if i == end {
                recordStart = start
                recordEnd = i
                return .complete(next: i, lines: 0)
            }
            let c = buffer[i]
            if c == delimiter {
                i += 1
                continue
            }
            recordStart = start
            recordEnd = i
            if c == 0x0A { return .complete(next: i + 1, lines: lines + 1) }
            // CRLF (a lone CR never gets here).
            return .complete(next: i + 2, lines: lines + 1)
        }
    }

    private func countNewlines(_ from: Int, _ to: Int) -> Int64 {
        var n: Int64 = 0
        var p = from
        while p < to {
            guard let hit = memchr(buffer + p, 0x0A, to - p) else { break }
            n += 1
            p = buffer.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return n
    }

    /// Line breaks (LF; CRLF counts once) in `[from, to)`.
    private func lineBreaks(from: Int, to: Int) -> Int64 { countNewlines(from, to) }

    /// The index just after the line break that ends the physical line containing `index`;
    /// nil when that line is not wholly buffered yet (the end of the input ends it).
    private func lineEnd(after index: Int) -> Int? {
        var p = index
        while p < end {
            if buffer[p] == 0x0A { return p + 1 }
            p += 1
        }
        return sourceEnded ? end : nil
    }

    /// A record past the size cap: discard bytes (tracking quotes) until the record ends.
    private func skipOversizedRecord() throws(InputError) -> Event {
        var inQuote = false
        var p = position
        var lines: Int64 = 0
        let quote = UInt8(ascii: "\"")
        recordStart = position
        recordEnd = min(position + 200, end)
        oversizedExcerpt = Array(UnsafeRawBufferPointer(start: buffer + recordStart, count: recordEnd - recordStart))
        while true {
            if p == end {
                if sourceEnded {
                    position = end
                    nextLine += lines
                    return .malformed(
                        inQuote ? .unterminatedQuote : .recordTooLarge,
                        inQuote
                            ? "a quoted field is never closed before the end of the file; the rest of the file could not be read"
                            : message(for: .recordTooLarge))
                }
                // Drop everything scanned so far; keep nothing of the oversized record.
                position = end
                try refill()
                p = position
                continue
            }
            let c = buffer[p]
            if c == quote {
                inQuote.toggle()
            } else if c == 0x0A {
                lines += 1
                if !inQuote {
                    position = p + 1
                    nextLine += lines
                    return .malformed(.recordTooLarge, message(for: .recordTooLarge))
                }
            }
            p += 1
        }
    }

    /// The first bytes of an oversized record, kept because its bytes are no longer buffered.
    private var oversizedExcerpt: [UInt8]?

    // MARK: - Buffer

    /// True when at least `count` bytes are buffered (reading more if needed).
    private func ensure(_ count: Int) throws(InputError) -> Bool {
        while end - position < count && !sourceEnded { try refill() }
        return end - position >= count
    }

    /// Moves unread bytes to the front, grows the buffer when one record fills most of it, and reads more.
    private func refill() throws(InputError) {
        if sourceEnded { return }
        let pending = end - position
        if position > 0 {
            if pending > 0 { memmove(buffer, buffer + position, pending) }
            dropped += Int64(position)
            position = 0
            end = pending
        }
        if capacity - end < capacity / 2 {
            // A record longer than half the buffer: double it so re-scans stay linear overall.
            let newCapacity = capacity * 2
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity = newCapacity
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
        if n == 0 { sourceEnded = true } else { end += n }
    }
}
