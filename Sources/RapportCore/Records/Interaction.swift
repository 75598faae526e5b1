/// The three kinds of log Rapport reads.
public enum SourceKind: String, Sendable, Hashable, CaseIterable, Codable {
    case email, ticket, meeting
}

/// What an interaction is (FORMATS.md, the canonical record).
public enum InteractionKind: String, Sendable, Hashable, CaseIterable {
    case message, internalNote = "internal_note", created, status, priority, assign, label, resolved, reopened, meeting, attendance
}

/// Where a record came from: which input file (by index in the run's file list) and
/// which line (CSV, the record's first line) or element index (XML).
public struct Origin: Hashable, Sendable {
    public var file: Int32
    public var record: Int64
    public init(file: Int32, record: Int64) {
        self.file = file
        self.record = record
    }
}

/// A recipient of a message, with the party resolved at the message's time.
public struct Recipient: Hashable, Sendable {
    public enum Field: UInt8, Sendable { case to, cc }
    public var address: String
    public var party: Party
    public var field: Field
    public init(address: String, party: Party, field: Field) {
        self.address = address
        self.party = party
        self.field = field
    }
}

/// The canonical record every reader produces (FORMATS.md).
///
/// `text` is the body as exported (`textIsHTML` says whether it is ticket HTML);
/// the transforms clean it exactly as METRICS.md "Cleaning text" says, so that
/// cleaning lives in one place and `rapport clarity` can share it.
public struct Interaction: Sendable {
    public var source: SourceKind
    /// Thread id, ticket key or meeting id; empty when the format leaves threading to the transform.
    public var conversation: String
    public var id: String
    public var at: Instant
    /// Lower-cased e-mail address, or a user name as exported.
    public var actor: String
    public var party: Party
    public var kind: InteractionKind
    public var isPublic: Bool
    public var text: String
    public var textIsHTML: Bool
    public var attributes: Attributes
    public var origin: Origin
    /// A 128-bit digest of the record's canonical field values: equal records are duplicates.
    /// For e-mail it may leave the body out: the analysis adds it (``Fingerprint/addingBody(_:)``).
    public var fingerprint: Fingerprint

    public init(
        source: SourceKind, conversation: String, id: String, at: Instant, actor: String, party: Party,
        kind: InteractionKind, isPublic: Bool = true, text: String = "", textIsHTML: Bool = false,
        attributes: Attributes = Attributes(), origin: Origin, fingerprint: Fingerprint = Fingerprint()
    ) {
        self.source = source
        self.conversation = conversation
        self.id = id
        self.at = at
        self.actor = actor
        self.party = party
        self.kind = kind
        self.isPublic = isPublic
        self.text = text
        self.textIsHTML = textIsHTML
        self.attributes = attributes
        self.origin = origin
        self.fingerprint = fingerprint
    }
}

/// The few format-specific values a transform needs.
public struct Attributes: Sendable {
    /// E-mail: the parent message id (`in_reply_to`), without angle brackets stripped.
    public var inReplyTo: String = ""
    /// E-mail and tickets: the subject line as exported.
    public var subject: String = ""
    /// E-mail: recipients, `to` before `cc`, in export order.
    public var recipients: [Recipient] = []
    /// E-mail: the export says this is an automatic message (`Auto-Submitted` other than `no`).
    public var autoSubmitted: Bool = false
    /// Ticket change events: the value before and after (status, priority, assignee, label).
    public var from: String = ""
    public var to: String = ""
    /// Ticket events: the tracker of the ticket (FORMATS.md, "Ticket identity").
    public var tracker: String = ""
    /// E-mail: where the raw record lies in the decoded input (for conflicting duplicates).
    public var raw: RawRange?
    /// E-mail: the sender's party was stated by the export (a `parties:` column), not found by the rules.
    public var partyIsStated = false
    /// Ticket events: position in the export, which orders events stamped with the same instant.
    public var documentOrder: Int32 = 0
    public init() {}
}
