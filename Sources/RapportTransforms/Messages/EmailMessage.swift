import RapportCore

/// What the conversation stage needs to know about one e-mail, after its text has
/// been read once and dropped: kept for every message of the run, so it stays small.
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

