import RapportCore

/// Shared by e-mail formats: turns one message's values into an Interaction (addresses
/// parsed, parties resolved at the message's time) or a reject naming what was wrong.
final class EmailEmitter {
    let context: FormatContext
    let sink: any IngestSink
    let lookups: Lookups

    init(context: FormatContext, sink: any IngestSink) {
        self.context = context
        self.sink = sink
        self.lookups = Lookups(parties: context.parties)
    }

    struct Values {
        var id = ""
        var thread = ""
        var inReplyTo = ""
        var from = ""
        var to = ""
        var cc = ""
        var subject = ""
        var body = ""
        /// The body is HTML (a mail whose only text part is text/html): the cleaner strips it.
        var bodyIsHTML = false
        var autoSubmitted = false
        /// Sender given as a plain actor (user name or handle) rather than an address field.
        var fromIsActor = false
        /// The sender's party when the export says it (a `parties:` column), overriding the rules.
        var party: Party?
        /// Where the raw record lies in the decoded input.
        var raw: RawRange?
    }

    func reject(record: Int64, _ reason: RejectReason, _ message: String, excerpt: String) {
        sink.reject(Reject(file: context.fileIndex, record: record, reason: reason, message: message, excerpt: excerpt))
    }

    /// Emits the message, or rejects it (missing or unreadable sender or recipients).
    func emit(_ v: Values, at: Instant, record: Int64, excerpt: @autoclosure () -> String, fingerprint: Fingerprint) {
        let fromField = v.from.trimmingASCIIWhitespace()
        if fromField.isEmpty {
            reject(record: record, .missingValue, "from is empty", excerpt: excerpt())
            return
        }
        let from: String
        var sender: KnownAddress?
        if v.fromIsActor {
            from = TicketEmitter.person(fromField)
        } else {
            switch lookups.address(fromField) {
            case .success(let a):
                from = a.address
                sender = a
            case .failure(let f):
                reject(record: record, .badAddress, "from: \(f.message)", excerpt: excerpt())
                return
            }
        }
        var recipients: [Recipient] = []
        // A function called twice, not a loop over [(to, .to), (cc, .cc)]: that array was built per message.
        func addRecipients(_ field: String, _ kind: Recipient.Field) -> Bool {
            switch lookups.addressList(field) {
            case .success(let list):
                for a in list { recipients.append(Recipient(address: a.address, party: lookups.party(of: a, at: at), field: kind)) }
                return true
            case .failure(let f):
                reject(record: record, .badAddress, "\(kind == .to ? "to" : "cc"): \(f.message)", excerpt: excerpt())
                return false
            }
        }
        guard addRecipients(v.to, .to), addRecipients(v.cc, .cc) else { return }
        var id = lookups.sharedID(v.id.trimmingASCIIWhitespace())
        if id.isEmpty { id = "\(context.displayPath):\(record)" }
        var attributes = Attributes()
        attributes.inReplyTo = lookups.sharedID(v.inReplyTo.trimmingASCIIWhitespace())
        attributes.subject = v.subject
        attributes.recipients = recipients
        attributes.autoSubmitted = v.autoSubmitted
        attributes.raw = v.raw
        attributes.partyIsStated = v.party != nil
        sink.emit(
            Interaction(
                source: .email, conversation: lookups.sharedThread(v.thread.trimmingASCIIWhitespace()), id: id, at: at, actor: from,
                party: v.party ?? (sender.map { lookups.party(of: $0, at: at) } ?? lookups.party(of: from, at: at)), kind: .message, text: v.body, textIsHTML: v.bodyIsHTML, attributes: attributes,
                origin: Origin(file: context.fileIndex, record: record), fingerprint: fingerprint))
    }
}
