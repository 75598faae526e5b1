import Foundation
import RapportCore
import RapportIngest

/// `rapport inspect FILE [--format F]` (PRODUCT.md): which format a file is, or why it is none
/// of them, and its first records as Rapport reads them. Every format is tried on the file
/// (on its first ``sampleBytes`` for a large file); the one that reads the most records with
/// fewer rejects than records wins. The mapped `csv` format needs its column map, so it is
/// tried only when named.
public enum Inspect {
    /// How much of a large file each format reads.
    public static let sampleBytes = 8 << 20

    /// What one format made of the file.
    public struct Attempt: Sendable {
        public var format: String
        public var records = 0
        /// Messages and events, ticket states, meetings.
        public var interactions = 0
        public var tickets = 0
        public var meetings = 0
        public var rejects = 0
        /// The first reject's reason, or why the whole file was refused.
        public var problem: String?
        public var sample: [Interaction] = []
        /// The records' actors' domains, by count (`rapport init` proposes parties from them).
        public var domains: [String: Int] = [:]

        var produced: Int { interactions + tickets + meetings }
        /// Reads the file: something came out, and fewer rejects than records.
        public var fits: Bool { produced > 0 && rejects < max(1, records) }
    }

    /// Every attempt, the best first (only the named format's when `format` is given).
    public static func attempts(path: String, format: String?, zone: ZoneRules, now: Instant) throws(RapportError) -> [Attempt] {
        guard FileManager.default.fileExists(atPath: path) else { throw RapportError(.usage, file: path, "no such file or folder") }
        let formats: [any InputFormat.Type]
        if let format {
            guard let f = FormatRegistry.format(named: format) else { throw RapportError(.usage, Suggestion.unknownFormat(format)) }
            formats = [f]
        } else {
            formats = FormatRegistry.all.filter { !$0.readsAnyKind }
        }
        let results = formats.map { attempt($0, path: path, zone: zone, now: now) }
        // The most records read with fewer rejects than records; ties keep the registry's order.
        return results.enumerated().sorted { a, b in
            if a.element.fits != b.element.fits { return a.element.fits }
            if a.element.produced != b.element.produced { return a.element.produced > b.element.produced }
            return a.offset < b.offset
        }.map(\.element)
    }

    static func attempt(_ format: any InputFormat.Type, path: String, zone: ZoneRules, now: Instant) -> Attempt {
        let sink = InspectSink()
        var result = Attempt(format: format.name)
        let display = (path as NSString).lastPathComponent
        var ctx = FormatContext(
            fileIndex: 0, displayPath: display, zone: zone, parties: PartyDirectory(client: PartyRules(), partners: []), now: now,
            csv: CSVReader.Options(), options: SourceOptions())
        ctx.kind = format.kind
        do throws(InputError) {
            if let entryFormat = format as? any EntryFormat.Type {
                let source = try EntrySources.open(path: path, display: display, followSymlinks: false, opened: { _ in })
                result.records = try entryFormat.read(entries: source, context: ctx, into: sink)
            } else {
                let source = PipelineConfig.Source(
                    kind: format.kind, format: format, pattern: path, zone: zone, followSymlinks: false, options: SourceOptions(), line: nil)
                let file = InputFile(index: 0, path: path, display: display, source: source)
                let peekable = PeekableByteSource(try Ingestion.open(file))
                try Ingestion.refuseUnsupported(peekable, file: file)
                result.records = try format.read(FirstBytes(peekable, limit: sampleBytes), context: ctx, into: sink)
            }
        } catch {
            result.problem = error.message
        }
        result.interactions = sink.interactions
        result.tickets = sink.tickets
        result.meetings = sink.meetings
        result.rejects = sink.rejects
        result.problem = result.problem ?? sink.firstReject
        result.sample = sink.sample
        result.domains = sink.domains
        return result
    }

    /// A few lines for people: the verdict, the other formats' reasons, the first records.
    public static func report(_ attempts: [Attempt], path: String) -> String {
        guard let best = attempts.first else { return "" }
        var out = ""
        if best.fits {
            out += "\(path): \(best.format) (\(best.records) record\(best.records == 1 ? "" : "s") read"
            out += best.rejects > 0 ? ", \(best.rejects) rejected: \(best.problem ?? "")" : ", none rejected"
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            out += size > sampleBytes ? " in its first \(sampleBytes >> 20) MB)\n" : ")\n"
        } else {
            out += "\(path): no format reads this file\n"
        }
        for a in attempts.dropFirst(best.fits ? 1 : 0).prefix(6) where !a.fits {
            out += "  not \(a.format): \(a.problem ?? "no record found")\n"
        }
        if best.fits {
            out += "first records (at, kind, id, conversation, actor, text):\n"
            for m in best.sample {
                let text = m.text.prefix(60).map { $0.isNewline ? " " : $0 }
                out += "  \(m.at.rfc3339)  \(m.kind.rawValue)  \(m.id)  \(m.conversation)  \(m.actor)  \(String(text))\n"
            }
        }
        return out
    }
}

/// Counts what a format produced and keeps its first few interactions.
final class InspectSink: IngestSink {
    var interactions = 0, tickets = 0, meetings = 0, rejects = 0
    var firstReject: String?
    var sample: [Interaction] = []
    var domains: [String: Int] = [:]

    func emit(_ interaction: consuming Interaction) {
        interactions += 1
        if let at = interaction.actor.lastIndex(of: "@") {
            let domain = interaction.actor[interaction.actor.index(after: at)...].lowercased()
            if domain.contains("."), !domain.contains(">") { domains[domain, default: 0] += 1 }
        }
        if sample.count < 5 { sample.append(interaction) }
    }

    func reject(_ reject: Reject) {
        rejects += 1
        if firstReject == nil { firstReject = (reject.record.map { "record \($0): " } ?? "") + reject.message }
    }

    func ticket(_ state: TicketState) { tickets += 1 }
    func meeting(_ record: MeetingRecord) { meetings += 1 }
    func warn(_ message: String) {}
}

/// The first `limit` bytes of a source (then end of input).
final class FirstBytes: ByteSource {
    let inner: any ByteSource
    private var left: Int
    init(_ inner: any ByteSource, limit: Int) {
        self.inner = inner
        left = limit
    }
    var bytesFromDisk: Int64 { inner.bytesFromDisk }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard left > 0 else { return 0 }
        let n = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(buffer.count, left)]))
        left -= n
        return n
    }
}
