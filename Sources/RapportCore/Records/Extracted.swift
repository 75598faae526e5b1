/// What extraction keeps of one e-mail (or chat message): no body and no subject, only what
/// analysis needs. Actors are indexes into the file's actor table; the party is resolved at
/// analysis, so that editing partners never invalidates a cached fact file.
public struct ExtractedEmail: Sendable, Equatable {
    /// The message id as exported (for outputs: `opened_by`, `answered_by`, subject-thread names).
    public var id: String
    /// `thread_id` as exported; empty when absent.
    public var threadID: String
    /// The parent's id (`in_reply_to`); empty when absent.
    public var parentID: String
    /// A 64-bit hash of the normalised subject (0: the subject is empty, the message stands alone).
    public var subjectHash: UInt64
    public var at: Instant
    /// The sender: an index into the file's actor table.
    public var actor: UInt32
    /// Recipients in export order: `to` (the first `toCount`), then `cc`.
    public var recipients: [UInt32]
    public var toCount: UInt16
    /// The sender's party as the export states it (a `parties:` column): `client`, a partner id
    /// or `unknown`; nil when the rules decide.
    public var statedParty: String?
    /// Read from the text and headers: an auto-reply, an acknowledgement, an escalation phrase.
    public var flags: MessageFlags
    public var text: TextStats?
    /// Tells duplicates (equal) from conflicting records that share an id.
    public var fingerprint: Fingerprint
    public var origin: Origin
    /// Where the raw record lies in the decoded input (conflicting duplicates keep the record
    /// whose raw bytes sort first); nil for formats that cannot say.
    public var raw: RawRange?

    public init(
        id: String, threadID: String = "", parentID: String = "", subjectHash: UInt64 = 0, at: Instant, actor: UInt32,
        recipients: [UInt32] = [], toCount: UInt16 = 0, statedParty: String? = nil, flags: MessageFlags = [], text: TextStats? = nil,
        fingerprint: Fingerprint = Fingerprint(), origin: Origin, raw: RawRange? = nil
    ) {
        self.id = id
        self.threadID = threadID
        self.parentID = parentID
        self.subjectHash = subjectHash
        self.at = at
        self.actor = actor
        self.recipients = recipients
        self.toCount = toCount
        self.statedParty = statedParty
        self.flags = flags
        self.text = text
        self.fingerprint = fingerprint
        self.origin = origin
        self.raw = raw
    }
}

/// A byte range of the decoded input (offset from its start, length).
public struct RawRange: Sendable, Hashable {
    public var offset: Int64
    public var length: Int32
    public init(offset: Int64, length: Int32) {
        self.offset = offset
        self.length = length
    }
}

/// What extraction keeps of one ticket event.
public struct ExtractedTicketEvent: Sendable, Equatable {
    public var ticket: TicketID
    public var id: String
    public var at: Instant
    public var actor: UInt32
    public var kind: InteractionKind
    public var isPublic: Bool
    /// The value before and after a change (status, priority, assignee, label).
    public var from: String
    public var to: String
    public var flags: MessageFlags
    public var text: TextStats?
    public var origin: Origin
    /// Position in the export: orders events stamped with the same instant.
    public var order: Int32

    public init(
        ticket: TicketID, id: String, at: Instant, actor: UInt32, kind: InteractionKind, isPublic: Bool, from: String = "", to: String = "",
        flags: MessageFlags = [], text: TextStats? = nil, origin: Origin, order: Int32
    ) {
        self.ticket = ticket
        self.id = id
        self.at = at
        self.actor = actor
        self.kind = kind
        self.isPublic = isPublic
        self.from = from
        self.to = to
        self.flags = flags
        self.text = text
        self.origin = origin
        self.order = order
    }
}

/// What reading a message's text once decided (kept instead of the text).
public struct MessageFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// An automatic message: at extraction, an auto-reply subject or `Auto-Submitted`; at
    /// analysis also `ignore.actors`. Never opens or answers a turn.
    public static let automated = MessageFlags(rawValue: 1)
    /// A client acknowledgement: opens no turn (decided from the text; it counts only for the client's messages).
    public static let acknowledgement = MessageFlags(rawValue: 2)
    /// Text matching `escalation.phrases` (counts only for the client's messages).
    public static let escalationPhrase = MessageFlags(rawValue: 4)
    /// Set at analysis beside `automated` for a sender `ignore.actors` matches (never in a fact file).
    public static let ignored = MessageFlags(rawValue: 8)
}
