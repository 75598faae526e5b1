import Foundation
import RapportCore
import RapportFacts
import RapportIngest
import RapportTransforms

/// Where a format's records go during extraction: each text is read once (on the analysis
/// lanes when cores would otherwise idle) and reduced to its facts, which go to the fact
/// file in reading order; bodies and subjects go no further.
final class FactSink: IngestSink {
    private let writer: FactFileWriter
    private let analyzer: MessageAnalyzer
    private let lanes: AnalysisLanes<Analysed>?
    /// The first error the writer met (a full disk): reading stops being useful after it.
    private(set) var failure: FactFileError?

    /// One record after its text was read.
    struct Analysed {
        var interaction: Interaction
        var reading: TextReading
        var fingerprint: Fingerprint
        var subjectHash: UInt64
    }

    init(writer: FactFileWriter, analyzer: MessageAnalyzer, analysisThreads: Int, makeAnalyzer: () -> MessageAnalyzer) {
        self.writer = writer
        self.analyzer = analyzer
        lanes = analysisThreads > 0 ? AnalysisLanes(count: analysisThreads, makeAnalyzer: makeAnalyzer, work: FactSink.analyse) : nil
    }

    /// Reads one record's text (on a lane, or on the reader's thread).
    static func analyse(_ analyzer: MessageAnalyzer, _ interaction: consuming Interaction) -> Analysed {
        var m = interaction
        let isText = m.kind == .created || m.kind == .message
        var reading = TextReading(flags: analyzer.isAutoReply(m) ? [.automated] : [], stats: nil)
        if m.source == .email || (isText && m.isPublic) { reading = analyzer.extract(m) }
        let fingerprint = m.source == .email ? m.fingerprint.addingBody(m.text) : m.fingerprint
        let subject = m.source == .email && m.conversation.isEmpty ? MessageAnalyzer.subjectHash(m.attributes.subject) : 0
        m.text = ""  // read: the body goes now, not when the batch is freed
        m.attributes.subject = ""
        return Analysed(interaction: m, reading: reading, fingerprint: fingerprint, subjectHash: subject)
    }

    /// Waits for the lanes; call once reading has ended.
    func finish() { lanes?.finish { $0.moveEach(store) } }

    func emit(_ interaction: consuming Interaction) {
        if let lanes {
            lanes.add(consume interaction) { $0.moveEach(store) }
        } else {
            store(FactSink.analyse(analyzer, interaction))
        }
    }

    private func store(_ a: consuming Analysed) {
        guard failure == nil else { return }
        let m = a.interaction
        do throws(FactFileError) {
            switch m.source {
            case .email, .meeting:
                var recipients: [UInt32] = []
                recipients.reserveCapacity(m.attributes.recipients.count)
                var toCount: UInt16 = 0
                for r in m.attributes.recipients {
                    recipients.append(writer.actor(r.address))
                    if r.field == .to { toCount += 1 }
                }
                try writer.add(
                    ExtractedEmail(
                        id: m.id, threadID: m.conversation, parentID: m.attributes.inReplyTo, subjectHash: a.subjectHash, at: m.at,
                        actor: writer.actor(m.actor), recipients: recipients, toCount: toCount,
                        statedParty: m.attributes.partyIsStated ? analyzer.parties.name(of: m.party) : nil, flags: a.reading.flags,
                        text: a.reading.stats, fingerprint: a.fingerprint, origin: m.origin, raw: m.attributes.raw))
            case .ticket:
                try writer.add(
                    ExtractedTicketEvent(
                        ticket: TicketID(tracker: m.attributes.tracker, key: m.conversation), id: m.id, at: m.at, actor: writer.actor(m.actor),
                        kind: m.kind, isPublic: m.isPublic, from: m.attributes.from, to: m.attributes.to, flags: a.reading.flags,
                        text: a.reading.stats, origin: m.origin, order: m.attributes.documentOrder))
            }
        } catch {
            failure = error
        }
    }

    func reject(_ reject: Reject) { record { () throws(FactFileError) in try writer.add(reject) } }
    /// The source's `links:` template: a ticket whose export gives no link gets it, `{key}` filled.
    var ticketLinks: String?

    func ticket(_ state: TicketState) {
        var t = state
        if t.url.isEmpty, let template = ticketLinks { t.url = TicketLinks.fill(template, key: t.key) }
        record { () throws(FactFileError) in try writer.add(t) }
    }
    func warn(_ message: String) { record { () throws(FactFileError) in try writer.addWarning(message) } }

    func meeting(_ record: MeetingRecord) {
        var m = record
        for i in m.utterances.indices where !m.utterances[i].text.isEmpty {
            m.utterances[i].stats = analyzer.extractPlainText(m.utterances[i].text)
            m.utterances[i].text = ""
        }
        self.record { () throws(FactFileError) in try writer.add(m) }
    }

    private func record(_ body: () throws(FactFileError) -> Void) {
        guard failure == nil else { return }
        do throws(FactFileError) { try body() } catch { failure = error }
    }
}

/// A source's `links:` template (docs/pipeline.md): `{key}` becomes the ticket's key, percent-encoded.
public enum TicketLinks {
    public static func fill(_ template: String, key: String) -> String { fill(template, "{key}", with: key) }

    /// An e-mail source's `links` with the message's id (without its angle brackets).
    public static func fill(_ template: String, messageID: String) -> String {
        var id = Substring(messageID)
        if id.hasPrefix("<") && id.hasSuffix(">") && id.count >= 2 { id = id.dropFirst().dropLast() }
        return fill(template, "{message_id}", with: String(id))
    }

    /// The value percent-encoded (unreserved characters kept), so any id is one path or query part.
    static func fill(_ template: String, _ placeholder: String, with value: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return template.replacingOccurrences(of: placeholder, with: value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
    }
}
