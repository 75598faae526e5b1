import RapportCore

/// One ticket event as the conversation stage needs it (its text already read into flags).
public struct TicketEvent: Sendable {
    public var id: String
    public var at: Instant
    public var actor: String
    public var party: Party
    public var kind: InteractionKind
    public var isPublic: Bool
    public var from: String
    public var to: String
    public var flags: MessageFlags
    public var text: TextStats?
    public var origin: Origin
    /// Position in the export: orders events stamped with the same instant.
    public var order: Int32

    public init(
        id: String, at: Instant, actor: String, party: Party, kind: InteractionKind, isPublic: Bool, from: String, to: String, flags: MessageFlags,
        text: TextStats?, origin: Origin, order: Int32
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.party = party
        self.kind = kind
        self.isPublic = isPublic
        self.from = from
        self.to = to
        self.flags = flags
        self.text = text
        self.origin = origin
        self.order = order
    }

    /// Descriptions and public comments are messages; status, priority, assign, label,
    /// resolved and reopened events never are, even with text.
    public var isMessage: Bool { (kind == .created || kind == .message) && isPublic }
}

/// A ticket's events and its final state, as read from one or more files.
public struct TicketBundle: Sendable {
    public var id: TicketID
    public var state: TicketState?
    public var events: [TicketEvent]
    public init(id: TicketID, state: TicketState? = nil, events: [TicketEvent] = []) {
        self.id = id
        self.state = state
        self.events = events
    }
    public var key: String { id.key }
    /// The ticket's link: the export's own, else empty.
    public var url: String { state?.url ?? "" }
    public var latestEvent: Instant? { events.map(\.at).max() }
}

/// Tickets with the same tracker and key in several files (weekly exports overlap) are one ticket:
/// events merged and de-duplicated by id (by kind, time and actor where ids are missing),
/// attributes from the copy whose latest event is latest (METRICS.md).
public enum TicketMerge {
    public struct Result: Sendable {
        public var tickets: [TicketBundle] = []
        /// Events seen again in another copy (counted as duplicates, used once).
        public var duplicates: [TicketEvent] = []
    }

    /// `files` in file order.
    public static func merge(_ files: [[TicketID: TicketBundle]]) -> Result {
        var result = Result()
        if files.count == 1 {
            // One file: nothing to merge, only the order to fix (as below: by key, then tracker, byte-wise).
            // Keys and positions are sorted, not bundles: a sort moves or reads its elements many
            // times, and each copy of a bundle retains and releases its strings and arrays.
            let bundles = files[0]
            let order = zip(bundles.keys, bundles.indices).sorted { TicketID.bytesLess($0.0, $1.0) }
            result.tickets = order.map { bundles.values[$0.1] }
            return result
        }
        var byID: [TicketID: [TicketBundle]] = [:]
        for f in files { for (k, b) in f { byID[k, default: []].append(b) } }
        for id in byID.keys.sorted(by: TicketID.bytesLess) {
            let copies = byID[id]!
            if copies.count == 1 {
                result.tickets.append(copies[0])
                continue
            }
            var merged = TicketBundle(id: id)
            var seen = Set<String>()
            for copy in copies {
                for e in copy.events {
                    let identity = e.id.isEmpty ? "\(e.kind.rawValue)|\(e.at.nanoseconds)|\(e.actor)" : "#" + e.id
                    if seen.insert(identity).inserted { merged.events.append(e) } else { result.duplicates.append(e) }
                }
            }
            // The state of the copy whose latest event is latest (later file on a tie).
            let newest = copies.enumerated().max { a, b in
                let x = a.element.latestEvent ?? Instant(nanoseconds: .min)
                let y = b.element.latestEvent ?? Instant(nanoseconds: .min)
                return x != y ? x < y : a.offset < b.offset
            }!
            merged.state = newest.element.state ?? copies.compactMap(\.state).last
            result.tickets.append(merged)
        }
        return result
    }
}
