import Glibc
import RapportCore

/// `mbox`: a Unix mailbox (mboxo or mboxrd), as mail clients, Google Takeout, `formail`,
/// Mailman's pipermail and most list archives write it; `.mbox.gz` through the gzip layer.
///
/// A message starts at a `From ` separator line that is the first line of the file or follows
/// a blank line, and has the separator's shape (`From sender date`, the date with a clock time
/// and a year): a body line such as `From the top of my head…` is not one. `>From ` lines are
/// unescaped one level (mboxrd; in an mboxo file this also restores the lines it escaped).
/// Messages are read one at a time: memory holds one message, never the file.
public enum Mbox: InputFormat {
    public static let name = "mbox"
    public static let kind = SourceKind.email
    public static let summary = "Unix mbox mail archive (mboxo/mboxrd; .mbox.gz too): Thunderbird, Google Takeout, pipermail"

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let splitter = MboxSplitter(source: source, maxMessageBytes: context.csv.maxRecordBytes)
        let reader = MailReader(context: context, sink: sink)
        var records = 0
        while let message = try splitter.next() {
            records += 1
            switch message {
            case .message(let line):
                splitter.message.withUnsafeBytes { reader.read($0, record: line) }
            case .tooLarge(let line, let bytes):
                reader.emitter.reject(
                    record: line, .recordTooLarge,
                    "the message is over \(bytes) bytes (limits.max_record_bytes); raise the limit if such messages are expected",
                    excerpt: String(decoding: splitter.message.prefix(200), as: UTF8.self))
            }
        }
        return records
    }
}

/// Splits an mbox byte stream into messages, whatever the chunk boundaries.
final class MboxSplitter {
    enum Event: Equatable {
        /// A message starting at this line (its `From ` separator's) is in ``message``.
        case message(line: Int64)
        /// The message starting at this line is over the size limit; ``message`` holds its start.
        case tooLarge(line: Int64, limit: Int)
    }

    private let source: any ByteSource
    private let maxMessageBytes: Int
    /// Owned memory (not an Array): lines are handed out as pointers into it.
    private var buffer: UnsafeMutableRawBufferPointer
    /// Unread bytes are `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var lineNumber: Int64 = 0
    private var previousLineWasBlank = true
    /// The last piece handed out was cut from a line longer than the limit: the next one continues it.
    private var midLine = false
    private var lastWasContinuation = false
    /// The message being gathered (separator removed, `>From` unescaped).
    private(set) var message: [UInt8] = []
    private var pending: Event?
    private var messageLine: Int64 = 0
    private var overLimit = false

    init(source: any ByteSource, maxMessageBytes: Int, chunkSize: Int = 1 << 16) {
        self.source = source
        self.maxMessageBytes = maxMessageBytes
        buffer = .allocate(byteCount: max(chunkSize, 16), alignment: 8)
    }

    deinit { buffer.deallocate() }

    /// The next message, or nil at the end. Text before the first separator is refused: the file is not an mbox.
    func next() throws(InputError) -> Event? {
        message.removeAll(keepingCapacity: true)
        overLimit = false
        if let p = pending {
            pending = nil
            guard case .message(let line) = p else { return p }
            messageLine = line
        }
        while let line = try nextLine() {
            let isSeparator = !lastWasContinuation && previousLineWasBlank && MboxSplitter.isSeparator(line)
            let blank = !lastWasContinuation && (line.count == 0 || (line.count == 1 && line[line.startIndex] == 0x0D))
            defer { previousLineWasBlank = blank }
            if isSeparator {
                if messageLine == 0 {
                    messageLine = lineNumber
                    continue
                }
                let finished = finish()
                messageLine = lineNumber
                return finished
            }
            if messageLine == 0 {
                if blank { continue }
                throw InputError(.badHeader, "line \(lineNumber) comes before any `From ` separator line: this is not an mbox file (check the source's format)")
            }
            append(line)
        }
        guard messageLine != 0 else { return nil }
        let finished = finish()
        messageLine = 0
        return finished
    }

    /// The gathered message as an event; the blank line before the next separator is dropped.
    private func finish() -> Event {
        if !overLimit {
            if message.last == 0x0A { message.removeLast() }
            if message.last == 0x0D { message.removeLast() }
        }
        return overLimit ? .tooLarge(line: messageLine, limit: maxMessageBytes) : .message(line: messageLine)
    }

    private func append(_ line: UnsafeRawBufferPointer) {
        if overLimit { return }
        var body = line
        // mboxrd: `>From `, `>>From ` … lose one `>`.
        if line.count >= 6, line[0] == UInt8(ascii: ">") {
            var i = 0
            while i < line.count, line[i] == UInt8(ascii: ">") { i += 1 }
            if MboxSplitter.startsWithFrom(UnsafeRawBufferPointer(rebasing: line[i...])) { body = UnsafeRawBufferPointer(rebasing: line[1...]) }
        }
        if message.count + body.count + 1 > maxMessageBytes {
            overLimit = true
            return
        }
        message.append(contentsOf: body)
        message.append(0x0A)
    }

    /// The next line without its LF (a CR stays), valid until the next call; nil at the end.
    /// A line longer than the limit is cut into pieces (the message is then over the limit anyway).
    private func nextLine() throws(InputError) -> UnsafeRawBufferPointer? {
        while true {
            let base = buffer.baseAddress!
            if end > start, let p = memchr(base + start, 0x0A, end - start) {
                let newline = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(p))
                let lineStart = start
                start = newline + 1
                lastWasContinuation = midLine
                if !midLine { lineNumber += 1 }
                midLine = false
                return UnsafeRawBufferPointer(start: base + lineStart, count: newline - lineStart)
            }
            if atEOF || (end - start >= maxMessageBytes && end - start > 0) {
                guard end > start else { return nil }
                let lineStart = start
                let lineEnd = end
                start = end
                lastWasContinuation = midLine
                if !midLine { lineNumber += 1 }
                midLine = !atEOF
                return UnsafeRawBufferPointer(start: base + lineStart, count: lineEnd - lineStart)
            }
            try fill()
        }
    }

    /// Reads more bytes after the unread ones (moved to the front, the buffer grown when full).
    private func fill() throws(InputError) {
        if start > 0 {
            let n = end - start
            if n > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + start, n) }
            start = 0
            end = n
        }
        if end == buffer.count {
            let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 8)
            grown.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
            buffer.deallocate()
            buffer = grown
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        if n == 0 { atEOF = true }
        end += n
    }

    static func startsWithFrom(_ b: UnsafeRawBufferPointer) -> Bool {
        b.count >= 5 && b[0] == UInt8(ascii: "F") && b[1] == UInt8(ascii: "r") && b[2] == UInt8(ascii: "o") && b[3] == UInt8(ascii: "m") && b[4] == 0x20
    }

    /// `From sender date`: the date holds a clock time (`hh:mm`) and, after it, a four-digit year.
    static func isSeparator(_ line: UnsafeRawBufferPointer) -> Bool {
        guard startsWithFrom(line), line.count < 1024 else { return false }
        func digit(_ i: Int) -> Bool { i < line.count && line[i] >= 0x30 && line[i] <= 0x39 }
        var i = 5
        var clock = -1
        while i + 4 < line.count {
            if digit(i), digit(i + 1), line[i + 2] == UInt8(ascii: ":"), digit(i + 3), digit(i + 4) {
                clock = i + 5
                break
            }
            i += 1
        }
        guard clock > 0 else { return false }
        i = clock
        while i + 3 < line.count {
            let before = line[i - 1]
            if before == 0x20, digit(i), digit(i + 1), digit(i + 2), digit(i + 3), i + 4 == line.count || line[i + 4] == 0x20 || line[i + 4] == 0x0D {
                return true
            }
            i += 1
        }
        return false
    }
}
