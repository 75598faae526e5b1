import RapportCore

/// `zoom-chat`: a meeting's chat as Zoom saves it, in any of its layouts:
/// - the old one-line `08:58:13\t From Leah Wasser : Welcome everyone!!`;
/// - the cloud recording's `00:11:09\tDora Demszky:\thello`;
/// - the newer `10:01:23 From Jane Roe to Everyone:` with the text on the lines after it.
///
/// Chat lines are read as **messages** (kind email: the e-mail lane), not as meeting
/// utterances: a chat line is written, addressed to the room and answered in writing, so
/// turns, acknowledgements and clarity apply as to mail, while it has no duration to add
/// to a talk share. The conversation is the meeting's chat: the source's `meeting`, else the
/// Zoom folder's meeting ID and start (`2020-12-09 08.55.23 Topic 987654321/`), else the
/// file's path. People are display names as Zoom shows them, matched by the pipeline's
/// `people` globs. A line that does not start with a time continues the message before it.
///
/// Times are the local wall clock of whoever saved the chat, on the source's `date` (read in
/// the source's `timezone`) or the Zoom folder's date; a time earlier than the line before by
/// more than 12 hours is the next day. A cloud recording's chat counts from the recording's
/// start instead: give `meeting_start`. Without a date or a start the file is refused.
public enum ZoomChat: InputFormat {
    public static let name = "zoom-chat"
    public static let kind = SourceKind.email
    public static let summary = "Zoom saved chat (meeting_saved_chat.txt, cloud-recording chat)"
    public static let optionKeys = ["meeting", "meeting_start", "date"]

    /// How the lines' clock times become instants.
    enum Clock {
        /// Wall-clock times on a local day (midnight crossings move to the next day).
        case wallClock(LocalDate, TimestampParser)
        /// Times elapsed since the recording began.
        case elapsed(Instant)
    }

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let folder = ZoomRecordingFolder(path: context.displayPath)
        let clock: Clock
        if let start = context.options.meetingStart {
            clock = .elapsed(start)
        } else if let day = context.options.date ?? folder?.date {
            clock = .wallClock(day, TimestampParser(zone: context.zone))
        } else {
            throw InputError(
                .missingValue,
                "a saved Zoom chat has times but no date: set `date:` on the source (e.g. 2020-12-09, read in the source's timezone), or `meeting_start:` for a cloud recording's chat (whose times count from the recording's start), or keep the file in its Zoom folder (`2020-12-09 08.55.23 Topic 987654321/`)")
        }
        let conversation = context.options.meeting
            ?? folder.flatMap { f in f.meetingID.map { "\($0) \(f.date) \(two(f.hour)).\(two(f.minute)).\(two(f.second))" } } ?? context.displayPath
        var chat = Chat(clock: clock, conversation: conversation, emitter: EmailEmitter(context: context, sink: sink), context: context)
        let lines = LineReader(source: source)
        while try lines.next() {
            chat.add(line: lines.line, number: lines.number, cut: lines.isCut)
        }
        chat.flush()
        return chat.records
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// One message being gathered (its first line and any continuation lines).
    struct Pending {
        var line: Int
        var seconds: Int
        var sender: String
        var text: [String]
        var raw: [UInt8]
        var problem: ValueError?
    }

    /// The messages of one chat, emitted as each one ends.
    struct Chat {
        let clock: Clock
        let conversation: String
        let emitter: EmailEmitter
        let context: FormatContext
        private(set) var records = 0
        private var pending: Pending?
        private var dayOffset = 0
        private var lastSeconds: Int?

        init(clock: Clock, conversation: String, emitter: EmailEmitter, context: FormatContext) {
            self.clock = clock
            self.conversation = conversation
            self.emitter = emitter
            self.context = context
        }

        mutating func add(line: [UInt8], number: Int, cut: Bool) {
            if let (seconds, rest) = ZoomChat.clockTime(line) {
                flush()
                records += 1
                var p = Pending(line: number, seconds: seconds ?? 0, sender: "", text: [], raw: line, problem: nil)
                if cut { p.problem = ValueError(.recordTooLarge, "line \(number) is longer than 1 MiB") }
                if seconds == nil { p.problem = ValueError(.badTimestamp, "line \(number): the time `\(String(decoding: line.prefix(8), as: UTF8.self))` does not exist (HH:MM:SS, hours 00–23)") }
                guard let text = String(validating: rest, as: UTF8.self) else {
                    p.problem = p.problem ?? ValueError(.invalidUTF8, "line \(number) is not valid UTF-8")
                    pending = p
                    return
                }
                if let (sender, said) = ZoomChat.sender(text) {
                    p.sender = sender
                    p.text = [said]
                } else {
                    p.problem = p.problem ?? ValueError(.missingValue, "line \(number) names no sender (`From Name : text` or `Name:<tab>text`)")
                }
                pending = p
                return
            }
            guard pending != nil else {
                if line.contains(where: { $0 != 0x20 && $0 != 0x09 }) {
                    records += 1
                    emitter.reject(record: Int64(number), .badValue, "line \(number) is neither a message (it does not start with HH:MM:SS) nor the continuation of one", excerpt: String(decoding: line.prefix(200), as: UTF8.self))
                }
                return
            }
            pending!.raw += [0x0A] + line
            guard let text = String(validating: line, as: UTF8.self) else {
                pending!.problem = pending!.problem ?? ValueError(.invalidUTF8, "line \(number) is not valid UTF-8")
                return
            }
            // The newer layout indents the text under its header line.
            pending!.text.append(text.hasPrefix("\t") ? String(text.dropFirst()) : text)
        }

        /// Emits (or rejects) the message being gathered.
        mutating func flush() {
            guard let p = pending.take() else { return }
            let excerpt = String(decoding: p.raw.prefix(200), as: UTF8.self)
            if let problem = p.problem {
                emitter.reject(record: Int64(p.line), problem.reason, problem.message, excerpt: excerpt)
                return
            }
            let at: Instant
            switch instant(p.seconds) {
            case .success(let t): at = t
            case .failure(let e):
                emitter.reject(record: Int64(p.line), e.reason, "line \(p.line): \(e.message)", excerpt: excerpt)
                return
            }
            var values = EmailEmitter.Values()
            values.id = "\(context.displayPath):\(p.line)"
            values.thread = conversation
            values.from = p.sender
            values.fromIsActor = true
            values.body = p.text.joined(separator: "\n").trimmingASCIIWhitespace()
            var fingerprint = FingerprintHasher()
            p.raw.withUnsafeBytes { fingerprint.add($0) }
            emitter.emit(values, at: at, record: Int64(p.line), excerpt: excerpt, fingerprint: fingerprint.finish())
        }

        private mutating func instant(_ seconds: Int) -> Result<Instant, ValueError> {
            switch clock {
            case .elapsed(let start):
                return context.plausible(start.adding(seconds: Int64(seconds)), column: "time")
            case .wallClock(let day, let parser):
                // Lines are in the order they were sent: far earlier than the last one is past midnight.
                if let last = lastSeconds, seconds < last - 12 * 3600 { dayOffset += 1 }
                lastSeconds = seconds
                let date = day.adding(days: dayOffset)
                let result = parser.assemble(
                    year: date.year, month: date.month, day: date.day, hour: seconds / 3600, minute: seconds / 60 % 60, second: seconds % 60,
                    nanos: 0, offset: nil)
                switch result {
                case .failure(let e): return .failure(ValueError(.badTimestamp, "\(date) \(e.message)"))
                case .success(let t): return context.plausible(t, column: "time")
                }
            }
        }
    }

    /// A line's leading `HH:MM:SS` and what follows its blank: nil when the line does not start
    /// with a clock time; seconds nil when it does but the time does not exist (hour 25).
    static func clockTime(_ line: [UInt8]) -> (Int?, ArraySlice<UInt8>)? {
        guard line.count >= 9, line[2] == 0x3A, line[5] == 0x3A, line[8] == 0x09 || line[8] == 0x20 else { return nil }
        var v = [0, 0, 0]
        for (k, at) in [0, 3, 6].enumerated() {
            let (a, b) = (line[at], line[at + 1])
            guard a >= 0x30 && a <= 0x39 && b >= 0x30 && b <= 0x39 else { return nil }
            v[k] = Int(a - 0x30) * 10 + Int(b - 0x30)
        }
        let valid = v[0] < 24 && v[1] < 60 && v[2] < 60
        return (valid ? v[0] * 3600 + v[1] * 60 + v[2] : nil, line[9...])
    }

    /// The sender and text of a message's first line (after its time).
    static func sender(_ rest: String) -> (String, String)? {
        let trimmed = rest.drop { $0 == " " || $0 == "\t" }
        if trimmed.hasPrefix("From ") {
            let header = trimmed.dropFirst(5)
            // Old layout: `From Name : text`; newer: `From Name to Everyone:` with the text below.
            if let sep = header.firstRange(of: " : ") {
                return named(header[..<sep.lowerBound], String(header[sep.upperBound...]))
            }
            if header.hasSuffix(":") { return named(header.dropLast(), "") }
            return nil
        }
        // Cloud recording: `Name:<tab>text`.
        guard let tab = trimmed.firstRange(of: ":\t") else { return nil }
        return named(trimmed[..<tab.lowerBound], String(trimmed[tab.upperBound...]))
    }

    /// The sender without the audience Zoom appends (` to Everyone`, ` to Name(Privately)`).
    static func named(_ raw: Substring, _ text: String) -> (String, String)? {
        var name = String(raw).trimmingASCIIWhitespace()
        let lower = name.lowercased()
        if lower.hasSuffix(" to everyone") {
            name = String(name.dropLast(" to everyone".count))
        } else if lower.hasSuffix("(privately)") || lower.hasSuffix("(direct message)"), let to = name.ranges(of: " to ").last {
            name = String(name[..<to.lowerBound])
        }
        name = name.trimmingASCIIWhitespace()
        return name.isEmpty ? nil : (name, text)
    }
}
