import CFuzzDriver
import Foundation
import RapportCore
@testable import RapportIngest
@testable import RapportTransforms

/// `rapport-fuzz TARGET [libFuzzer options and corpus folders]`: feeds libFuzzer's inputs to
/// one of Rapport's parsers. A parser may refuse any input (that is its job); it must never
/// crash, hang, read out of bounds or leak. Targets:
///   csv        the RFC 4180 record reader, over several chunk sizes (results must agree)
///   timestamp  the RFC 3339 / RFC 2822 parser and a strftime-layout parser
///   address    the address-list parser
///   xml        the ticket XML formats (Jira, Bugzilla, Rapport's) through the libxml2 reader
///   gzip       the strict gzip reader, on zlib and on ISA-L (compared)
///   text       the text cleaner and clarity rules; the one-pass ASCII rules against the scalar ones,
///              the URL and address removal and the HTML stripping against their byte-by-byte statements
///   vtt        the WebVTT transcript reader, over several chunk sizes (results must agree)
///   chat       the Zoom saved-chat reader, both clocks, over several chunk sizes (results must agree)
///   mime       the mbox splitter and GMime over several chunk sizes (results must agree), the
///              bytes as one `.eml` message, and its byte reading against GMime's (must agree)
///   zip        libarchive's reader with Rapport's bounds, entry by entry, and the Slack export format
///   json       the strict streaming JSON reader over several chunk sizes (events must agree), and
///              its element trees
enum Target: String, CaseIterable {
    case csv, timestamp, address, xml, gzip, text, vtt, chat, mime, zip, json
}

nonisolated(unsafe) var target = Target.csv

let parties = PartyDirectory(
    client: PartyRules(domains: ["acme.example"]),
    partners: [(PartnerInfo(id: "globex", name: "Globex"), PartyRules(domains: ["globex.example"]))])
let now = Instant(seconds: 1_790_000_000)!
let berlin = ZoneRules(identifier: "Europe/Berlin")!
let pattern = try! PatternTimestampParser(format: "%d.%m.%Y %H:%M:%S", zone: .utc)
let textRules = TextRules(acronymsKnown: ["SLA"], clarification: try! PhraseMatcher(patterns: TextRules.defaultClarificationPatterns))

/// Discards what a reader produces.
final class NullSink: IngestSink {
    func emit(_ interaction: consuming Interaction) {}
    func reject(_ reject: Reject) {}
    func ticket(_ state: TicketState) {}
    func meeting(_ record: MeetingRecord) {}
    func warn(_ message: String) {}
}

/// Keeps what a reader produced as comparable text (for the chunk-size checks).
final class DigestSink: IngestSink {
    var lines: [String] = []
    func emit(_ interaction: consuming Interaction) { lines.append("\(interaction.id) \(interaction.at) \(interaction.actor) \(interaction.text)") }
    func reject(_ reject: Reject) { lines.append("reject \(reject.record ?? -1) \(reject.reason.rawValue)") }
    func ticket(_ state: TicketState) { lines.append("ticket \(state.key)") }
    func meeting(_ record: MeetingRecord) {
        lines.append("meeting \(record.id) \(record.records)")
        for u in record.utterances { lines.append("  \(u.actor) \(u.seconds) \(u.text)") }
    }
    func warn(_ message: String) { lines.append("warn \(message)") }
}

/// What a line-based reader makes of `bytes` read `chunk` bytes at a time.
func digest(_ format: any InputFormat.Type, _ bytes: [UInt8], chunk: Int, options: SourceOptions) -> [String] {
    let sink = DigestSink()
    let context = FormatContext(fileIndex: 0, displayPath: "fuzz", zone: berlin, parties: parties, now: now, options: options)
    do {
        sink.lines.append("records \(try format.read(MemoryByteSource(bytes, chunkSize: chunk), context: context, into: sink))")
    } catch {
        sink.lines.append("refused \(error.reason.rawValue)")
    }
    return sink.lines
}

/// Chunk boundaries must never change what a line-based reader reads.
func checkChunkings(_ format: any InputFormat.Type, _ bytes: [UInt8], options: SourceOptions) {
    let whole = digest(format, bytes, chunk: 1 << 16, options: options)
    for chunk in [1, 7] where digest(format, bytes, chunk: chunk, options: options) != whole { fatalError("\(format.name) depends on the chunk size") }
}

/// The records the CSV reader frames, as comparable text.
func frames(_ bytes: [UInt8], chunk: Int) -> [String] {
    let reader = CSVReader(source: MemoryByteSource(bytes, chunkSize: chunk), options: CSVReader.Options(chunkSize: 64, maxRecordBytes: 1 << 16))
    var out: [String] = []
    do {
        while let event = try reader.next() {
            switch event {
            case .record: out.append("\(reader.line):" + (0..<reader.fieldCount).map { reader.string($0) ?? "<invalid>" }.joined(separator: "|"))
            case .malformed(let reason, _): out.append("\(reader.line):!\(reason.rawValue)")
            }
        }
    } catch {
        out.append("error \(error.reason.rawValue)")
    }
    return out
}

/// What the gzip reader makes of `bytes`: a digest of the output, or the reason it refused.
func inflate(_ bytes: [UInt8], with inflater: GzipByteSource.Inflater) -> String {
    do {
        let source = try GzipByteSource(MemoryByteSource(bytes, chunkSize: 512), inputChunk: 512, inflater: inflater)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var total = 0
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            for byte in buffer[..<n] { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            total += n
        }
        return "\(total) bytes, FNV-1a \(hash)"
    } catch let error as InputError {
        return "refused: \(error.reason.rawValue)"
    } catch {
        return "failed: \(error)"
    }
}

/// What the mbox format makes of `bytes`, read `chunk` bytes at a time: ids and reject reasons in order.
func mailbox(_ bytes: [UInt8], chunk: Int) -> [String] {
    let sink = KeepingSink()
    let context = FormatContext(fileIndex: 0, displayPath: "fuzz.mbox", zone: .utc, parties: parties, now: now)
    do {
        _ = try Mbox.read(MemoryByteSource(bytes, chunkSize: chunk), context: context, into: sink)
    } catch {
        sink.seen.append("error \(error.reason.rawValue)")
    }
    return sink.seen
}

/// Records what a reader produces, as comparable text.
final class KeepingSink: IngestSink {
    var seen: [String] = []
    func emit(_ interaction: consuming Interaction) { seen.append("\(interaction.id) \(interaction.actor) \(interaction.text.utf8.count)") }
    func reject(_ reject: Reject) { seen.append("\(reject.record ?? -1) \(reject.reason.rawValue)") }
    func ticket(_ state: TicketState) {}
    func meeting(_ record: MeetingRecord) {}
    func warn(_ message: String) {}
}

/// The JSON reader's events over `bytes`, read `chunk` bytes at a time.
func jsonEvents(_ bytes: [UInt8], chunk: Int) -> [String] {
    var limits = JSONReader.Limits()
    limits.maxStringBytes = 1 << 16
    let reader = JSONReader(source: MemoryByteSource(bytes, chunkSize: chunk), limits: limits, chunkSize: 64)
    var out: [String] = []
    do {
        while let e = try reader.next() { out.append("\(e) \(reader.text)") }
    } catch {
        out.append("error \(error.reason.rawValue)")
    }
    return out
}

/// Every entry of an archive read to its end (or the reason it was refused).
func archiveEntries(_ bytes: [UInt8]) -> String {
    var limits = EntryLimits()
    limits.ratioFloor = 1 << 20
    limits.maxTotalBytes = 64 << 20
    do {
        let source = try ArchiveEntrySource(MemoryByteSource(bytes, chunkSize: 4096), limits: limits)
        var buffer = [UInt8](repeating: 0, count: 1 << 14)
        var names: [String] = []
        while let entry = try source.next() {
            names.append(entry.name)
            while try buffer.withUnsafeMutableBytes({ try entry.bytes.read(into: $0) }) > 0 {}
        }
        return names.joined(separator: ",")
    } catch let error as InputError {
        return "refused: \(error.reason.rawValue)"
    } catch {
        return "failed: \(error)"
    }
}

func runOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch target {
    case .csv:
        // Chunk boundaries must never change what is read.
        let whole = frames(bytes, chunk: 1 << 16)
        for chunk in [1, 7] where frames(bytes, chunk: chunk) != whole { fatalError("CSV framing depends on the chunk size") }
    case .timestamp:
        let text = String(decoding: bytes, as: UTF8.self)
        _ = TimestampParser(zone: .utc).parse(text)
        bytes.withUnsafeBytes { _ = TimestampParser(zone: berlin).parse($0) }
        _ = pattern.parse(text)
    case .address:
        bytes.withUnsafeBytes { _ = AddressParser.parseList($0) }
    case .xml:
        let context = FormatContext(fileIndex: 0, displayPath: "fuzz.xml", zone: .utc, parties: parties, now: now)
        for format in [RapportTicketsXML.self, JiraXML.self, BugzillaXML.self] as [any InputFormat.Type] {
            _ = try? format.read(MemoryByteSource(bytes, chunkSize: 4096), context: context, into: NullSink())
        }
    case .text:
        // Any bytes through the cleaner and the rules; the same bytes made ASCII (the high bit
        // dropped) must give the byte pass the answers of the scalar rules.
        let cleaned = bytes.withUnsafeBufferPointer { TextCleaner.clean(bytes: $0, isHTML: false) }
        if TextCleaner.removeURLsAndAddresses(bytes) != TextCleaner.removeURLsAndAddressesByteByByte(bytes) {
            fatalError("the URL and address removal disagrees with the byte-by-byte rule")
        }
        if bytes.withUnsafeBufferPointer({ TextCleaner.stripHTML($0) != TextCleaner.stripHTML($0, bytewise: true) }) {
            fatalError("the HTML stripped in runs disagrees with the byte-by-byte statement")
        }
        _ = cleaned.withUnsafeBufferPointer { textRules.stats(cleaned: $0, isClient: true) }
        let ascii = bytes.map { $0 & 0x7F }
        let fast = ascii.withUnsafeBufferPointer { textRules.stats(cleaned: $0, isClient: true) }
        let reference = textRules.statsByScalars(cleaned: String(decoding: ascii, as: UTF8.self), isClient: true)
        if fast != reference { fatalError("the ASCII text rules disagree with the scalar rules: \(fast) vs \(reference)") }
    case .vtt:
        var options = SourceOptions()
        options.meetingStart = now
        checkChunkings(WebVTT.self, bytes, options: options)
    case .chat:
        var wallClock = SourceOptions()
        wallClock.date = LocalDate(year: 2026, month: 3, day: 29)  // a daylight-saving change in Berlin
        checkChunkings(ZoomChat.self, bytes, options: wallClock)
        var elapsed = SourceOptions()
        elapsed.meetingStart = now
        checkChunkings(ZoomChat.self, bytes, options: elapsed)
    case .mime:
        // Chunk boundaries must never change which messages are read, nor how.
        let whole = mailbox(bytes, chunk: 1 << 16)
        for chunk in [1, 7] where mailbox(bytes, chunk: chunk) != whole { fatalError("mbox reading depends on the chunk size") }
        // A message read by bytes must read as GMime reads it (where GMime finds one).
        bytes.withUnsafeBytes { b in
            if let plain = MailMessage(plain: b), let gmime = MailMessage(gmime: b), plain != gmime {
                fatalError("the byte reading disagrees with GMime: \(plain) vs \(gmime)")
            }
        }
        let context = FormatContext(fileIndex: 0, displayPath: "fuzz.eml", zone: .utc, parties: parties, now: now)
        _ = try? EmlFiles.read(MemoryByteSource(bytes, chunkSize: 4096), context: context, into: NullSink())
    case .zip:
        _ = archiveEntries(bytes)
        let context = FormatContext(fileIndex: 0, displayPath: "fuzz.zip", zone: .utc, parties: parties, now: now)
        _ = try? SlackExport.read(MemoryByteSource(bytes, chunkSize: 4096), context: context, into: NullSink())
    case .json:
        let whole = jsonEvents(bytes, chunk: 1 << 16)
        for chunk in [1, 7] where jsonEvents(bytes, chunk: chunk) != whole { fatalError("JSON events depend on the chunk size") }
        let reader = JSONReader(source: MemoryByteSource(bytes, chunkSize: 4096))
        if (try? reader.next()) == .startArray {
            while let element = try? reader.readElement() { _ = element["ts"]?.text }
        }
    case .gzip:
        // Where ISA-L is installed: what zlib reads, ISA-L must read to the same bytes; what
        // Rapport's own checks refuse (not gzip, a bomb) both refuse alike. Where zlib finds the
        // deflate data damaged, ISA-L may name it differently (it checks code lengths lazily) or
        // even read a member whose CRC and length then check out (it accepts incomplete code sets).
        if GzipByteSource.Inflater.isal.isAvailable {
            let viaZlib = inflate(bytes, with: .zlib)
            let viaISAL = inflate(bytes, with: .isal)
            let decidedByRapport = viaZlib.hasPrefix("refused: not_gzip") || viaZlib.hasPrefix("refused: compression_bomb")
            if (!viaZlib.hasPrefix("refused") || decidedByRapport) && viaZlib != viaISAL {
                fatalError("the inflaters disagree: zlib \(viaZlib), ISA-L \(viaISAL)")
            }
        } else {
            _ = inflate(bytes, with: .zlib)
        }
    }
    return 0
}

/// libFuzzer's runtime references this symbol even when the driver is given a callback.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { runOne(data, size) }

var arguments = CommandLine.arguments
guard arguments.count >= 2, let chosen = Target(rawValue: arguments[1]) else {
    FileHandle.standardError.write(Data("usage: rapport-fuzz \(Target.allCases.map(\.rawValue).joined(separator: "|")) [libFuzzer options] [corpus...]\n".utf8))
    exit(2)
}
target = chosen
arguments.remove(at: 1)
var argc = Int32(arguments.count)
var cStrings = arguments.map { strdup($0) }
cStrings.append(nil)
let status = cStrings.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var argv = buffer.baseAddress
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in runOne(data, size) }
}
exit(status)
