import RapportCore

/// `webvtt`: a meeting transcript in WebVTT, as Zoom's cloud recording writes it
/// (`WEBVTT`, cue ids, `00:00:01.790 --> 00:00:07.080`, `Speaker Name: text`); Teams'
/// `<v Speaker>` voice tags are read too.
///
/// Each cue is a record. A cue names its speaker before the first `: ` of its text; a cue
/// without one keeps the speaker of the cue before it (Zoom splits a long turn so), and a
/// first cue without one is rejected. Consecutive cues of one speaker are one utterance:
/// its seconds (the cues' durations) give the talk share, its text the clarity of what each
/// party said. Cue times count from the recording's start, which is never guessed: it is
/// the source's `meeting_start`, else the local time in the Zoom recording folder's name
/// (`2020-11-05 10.00.12 Topic 987654321/`, in the source's `timezone`); without either the
/// file is refused. The meeting's id is the source's `meeting`, else the folder's meeting
/// ID, else the file's path; with the same id and start as an attendance or minutes record,
/// the transcript's utterances join that meeting.
public enum WebVTT: InputFormat {
    public static let name = "webvtt"
    public static let kind = SourceKind.meeting
    public static let summary = "WebVTT transcript (Zoom cloud recording: cue times and `Speaker: text`)"
    public static let optionKeys = ["meeting", "meeting_start"]

    /// A cue's speaker prefix is at most this long (longer text before a colon is speech).
    static let maxSpeakerBytes = 80

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        let lines = LineReader(source: source)
        guard try lines.next(), isHeader(lines.line) else {
            throw InputError(.unsupportedFormat, "does not start with `WEBVTT`: not a WebVTT transcript; choose the format that matches this file")
        }
        let folder = ZoomRecordingFolder(path: context.displayPath)
        guard let start = context.options.meetingStart ?? folder?.start(in: context.zone) else {
            throw InputError(
                .missingValue,
                "the transcript's times count from the recording's start, which the file does not say: set `meeting_start:` on the source (e.g. 2026-03-02T09:00:00+01:00), or keep the file in its Zoom recording folder (`2020-11-05 10.00.12 Topic 987654321/`)")
        }
        let builder = MeetingBuilder(context: context, sink: sink)
        var transcript = Transcript(start: start, builder: builder)
        // The header block ends at the first blank line.
        while try lines.next(), !lines.line.isEmpty {}
        var block: [(line: Int, text: [UInt8], cut: Bool)] = []
        while true {
            let more = try lines.next()
            if more && !lines.line.isEmpty {
                block.append((lines.number, lines.line, lines.isCut))
                continue
            }
            if !block.isEmpty { transcript.add(block) }
            block.removeAll(keepingCapacity: true)
            if !more { break }
        }
        let id = context.options.meeting ?? folder?.meetingID ?? context.displayPath
        if let record = transcript.meeting(id: id, title: folder?.topic ?? "", origin: Origin(file: context.fileIndex, record: 1)) {
            sink.meeting(record)
        }
        return transcript.records
    }

    static func isHeader(_ line: [UInt8]) -> Bool {
        let magic = Array("WEBVTT".utf8)
        guard line.starts(with: magic) else { return false }
        return line.count == magic.count || line[magic.count] == 0x20 || line[magic.count] == 0x09
    }

    /// The cues read so far, as utterances (consecutive cues of one speaker merged).
    struct Transcript {
        let start: Instant
        let builder: MeetingBuilder
        private(set) var records = 0
        private(set) var used = 0
        private var utterances: [MeetingRecord.Utterance] = []
        private var lastSpeaker: String?
        private var end: Int64 = 0

        init(start: Instant, builder: MeetingBuilder) {
            self.start = start
            self.builder = builder
        }

        /// One block: a cue (optional id line, timing line, text), a NOTE/STYLE/REGION block, or a reject.
        mutating func add(_ block: [(line: Int, text: [UInt8], cut: Bool)]) {
            let head = String(decoding: block[0].text.prefix(7), as: UTF8.self)
            for keyword in ["NOTE", "STYLE", "REGION"] where head.hasPrefix(keyword) {
                let rest = head.dropFirst(keyword.count)
                if rest.isEmpty || rest.first == " " || rest.first == "\t" { return }  // a comment or style block, not a cue
            }
            records += 1
            // The timing line is the first, or the second after a cue id.
            let timingAt = hasArrow(block[0].text) ? 0 : 1
            let excerpt = String(decoding: block[0].text.prefix(200), as: UTF8.self)
            guard timingAt < block.count, let (from, until) = WebVTT.timingLine(block[timingAt].text) else {
                let line = block[min(timingAt, block.count - 1)]
                if timingAt < block.count, hasArrow(line.text) {
                    builder.reject(record: Int64(line.line), .badTimestamp, "cue at line \(line.line): the cue times are not `hh:mm:ss.ttt --> hh:mm:ss.ttt` (hours optional, minutes and seconds below 60)", excerpt: excerpt)
                } else {
                    builder.reject(record: Int64(block[0].line), .badValue, "block at line \(block[0].line) has no timing line (`00:00:01.000 --> 00:00:02.500`); a cue needs one", excerpt: excerpt)
                }
                return
            }
            let line = block[timingAt].line
            guard until >= from else {
                builder.reject(record: Int64(line), .badValue, "cue at line \(line) ends before it starts", excerpt: excerpt)
                return
            }
            var payload: [String] = []
            for l in block[(timingAt + 1)...] {
                if l.cut {
                    builder.reject(record: Int64(line), .recordTooLarge, "cue at line \(line): line \(l.line) is longer than 1 MiB", excerpt: excerpt)
                    return
                }
                guard let text = String(validating: l.text, as: UTF8.self) else {
                    builder.reject(record: Int64(line), .invalidUTF8, "cue at line \(line): line \(l.line) is not valid UTF-8", excerpt: excerpt)
                    return
                }
                payload.append(text)
            }
            var said = payload.joined(separator: " ")
            var speaker = lastSpeaker
            if let (name, rest) = WebVTT.speaker(said) {
                speaker = name
                said = rest
            }
            said = WebVTT.plainText(said)
            guard let who = speaker else {
                builder.reject(record: Int64(line), .missingValue, "cue at line \(line) names no speaker (`Name: text`) and no cue before it does", excerpt: excerpt)
                return
            }
            used += 1
            lastSpeaker = who
            end = max(end, until)
            let seconds = Double(until - from) / 1000
            if let last = utterances.last, last.actor == who {
                utterances[utterances.count - 1].seconds += seconds
                if !said.isEmpty { utterances[utterances.count - 1].text += (last.text.isEmpty ? "" : " ") + said }
            } else {
                let at = start.adding(seconds: from / 1000)
                utterances.append(MeetingRecord.Utterance(actor: who, party: builder.lookups.party(of: who, at: at), seconds: seconds, text: said))
            }
        }

        private func hasArrow(_ line: [UInt8]) -> Bool { WebVTT.arrow(in: line) != nil }

        /// The meeting the transcript tells of, nil when no cue was usable.
        func meeting(id: String, title: String, origin: Origin) -> MeetingRecord? {
            guard used > 0 else { return nil }
            var m = MeetingRecord(
                id: id, title: title, scheduledStart: start, scheduledEnd: nil, actualStart: start,
                actualEnd: Instant(nanoseconds: start.nanoseconds + end * 1_000_000), status: .held, utterances: utterances, origin: origin)
            m.records = used
            return m
        }
    }

    /// Where `-->` starts in a line, nil when it has none.
    static func arrow(in line: [UInt8]) -> Int? {
        guard line.count >= 3 else { return nil }
        for i in 0...(line.count - 3) where line[i] == 0x2D && line[i + 1] == 0x2D && line[i + 2] == 0x3E { return i }
        return nil
    }

    /// `start --> end [settings]` in milliseconds.
    static func timingLine(_ line: [UInt8]) -> (Int64, Int64)? {
        guard let at = arrow(in: line) else { return nil }
        let left = line[..<at].trimmingBlanks()
        var right = line[(at + 3)...].trimmingBlanks()
        if let blank = right.firstIndex(where: { $0 == 0x20 || $0 == 0x09 }) { right = right[..<blank] }  // cue settings follow
        guard let a = timestamp(left), let b = timestamp(right) else { return nil }
        return (a, b)
    }

    /// `[hh:]mm:ss.ttt` in milliseconds (hours may have more than two digits).
    static func timestamp(_ bytes: ArraySlice<UInt8>) -> Int64? {
        let fields = bytes.split(separator: 0x3A, omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3 else { return nil }
        let last = fields[fields.count - 1].split(separator: 0x2E, omittingEmptySubsequences: false)
        guard last.count == 2, last[1].count == 3, last[0].count == 2 else { return nil }
        func digits(_ s: ArraySlice<UInt8>, max count: Int) -> Int64? {
            guard !s.isEmpty, s.count <= count, s.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return s.reduce(0) { $0 * 10 + Int64($1 - 0x30) }
        }
        let hours = fields.count == 3 ? digits(fields[0], max: 6) : 0
        guard let h = hours, fields.count == 2 || fields[0].count >= 2, let m = digits(fields[fields.count - 2], max: 2),
            fields[fields.count - 2].count == 2, let s = digits(last[0], max: 2), let ms = digits(last[1], max: 3), m < 60, s < 60
        else { return nil }
        return ((h * 60 + m) * 60 + s) * 1000 + ms
    }

    /// The speaker a cue names and the rest of its text: a `<v Name>` voice tag, or text
    /// before the first `: ` that reads as a name (at most 80 bytes and 8 words, no `?`, `!`
    /// or `"`, not a number: `10:30` is a time, `Yes: and` would be read as a speaker).
    static func speaker(_ text: String) -> (String, String)? {
        if text.hasPrefix("<v ") || text.hasPrefix("<v."), let close = text.firstIndex(of: ">") {
            let tag = text[text.index(text.startIndex, offsetBy: 2)..<close]
            let name = tag.drop { $0 != " " }.trimmingASCIIBlanks()
            if !name.isEmpty { return (name, String(text[text.index(after: close)...])) }
        }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let after = text.index(after: colon)
        guard after == text.endIndex || text[after] == " " else { return nil }
        let name = text[..<colon]
        guard !name.isEmpty, name.utf8.count <= maxSpeakerBytes, name.first != " ", !name.contains(where: { "?!\"".contains($0) }),
            name.split(separator: " ").count <= 8, !name.allSatisfy({ $0.isNumber })
        else { return nil }
        return (String(name), String(text[after...]).trimmingASCIIWhitespace())
    }

    static let entities: [(String, String)] = [("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", " "), ("&lrm;", ""), ("&rlm;", ""), ("&amp;", "&")]

    /// The cue text without markup (`<i>`, `<c.x>`, inline timestamps) and with WebVTT's entities decoded.
    static func plainText(_ text: String) -> String {
        guard text.contains("<") || text.contains("&") else { return text.trimmingASCIIWhitespace() }
        var out = ""
        var rest = Substring(text)
        while let c = rest.first {
            if c == "<", let close = rest.firstIndex(of: ">") {
                rest = rest[rest.index(after: close)...]
            } else if c == "&", let (entity, value) = entities.first(where: { rest.hasPrefix($0.0) }) {
                out += value
                rest = rest.dropFirst(entity.count)
            } else {
                out.append(c)
                rest = rest.dropFirst()
            }
        }
        return out.trimmingASCIIWhitespace()
    }
}

extension ArraySlice<UInt8> {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingBlanks() -> ArraySlice<UInt8> {
        var s = self
        while let f = s.first, f == 0x20 || f == 0x09 { s = s.dropFirst() }
        while let l = s.last, l == 0x20 || l == 0x09 { s = s.dropLast() }
        return s
    }
}

extension Substring {
    fileprivate func trimmingASCIIBlanks() -> String { String(self).trimmingASCIIWhitespace() }
}
