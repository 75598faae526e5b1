import RapportCore

/// What the conversation stage needs to know about one e-mail, after its text has
/// been read once and dropped: kept for every message of the run, so it stays small.
/// What only threading reads is kept beside it (``ThreadingKeys``).
public struct EmailMessage: Sendable {
    public var id: String
    public var at: Instant
    /// The sender (lower-cased address or user name).
    public var actor: String
    public var party: Party
    public var flags: MessageFlags
    /// The first partner among the recipients (`to`, then `cc`), if any.
    public var firstRecipientPartner: Int16
    /// Client recipients matching `escalation.contacts`.
    public var contacts: [String]
    public var origin: Origin
    public var fingerprint: Fingerprint
    /// What the clarity rules read in the text (client and partner messages).
    public var text: TextStats?

    public init(
        id: String, at: Instant, actor: String = "", party: Party, flags: MessageFlags,
        firstRecipientPartner: Int16, contacts: [String], origin: Origin, fingerprint: Fingerprint, text: TextStats? = nil
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.party = party
        self.flags = flags
        self.firstRecipientPartner = firstRecipientPartner
        self.contacts = contacts
        self.origin = origin
        self.fingerprint = fingerprint
        self.text = text
    }
}

/// What only threading reads of a message: held in a list beside the run's messages, in
/// the same order, and dropped once they are threaded, so that the conversation stage's
/// peak does not carry three Strings a message (about 100 MB at 2 M messages).
public struct ThreadingKeys: Sendable {
    /// `thread_id` as exported; empty when absent.
    public var threadID: String
    /// The parent's id (`in_reply_to`); empty when absent. Matched with or without angle brackets.
    public var parentID: String
    /// Normalised subject plus the sorted organisations (used only when neither thread id nor a known parent applies).
    public var subjectKey: String

    public init(threadID: String, parentID: String, subjectKey: String) {
        self.threadID = threadID
        self.parentID = parentID
        self.subjectKey = subjectKey
    }
}
