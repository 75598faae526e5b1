import RapportCore

/// An address parsed from a memoised field, with its party when that does not depend on
/// the date (nil for actors with dated memberships: resolved at each message's time).
struct KnownAddress {
    let address: String
    let party: Party?
}

/// Per-file memo of party resolution and address parsing: exports repeat the same
/// senders and recipient lists thousands of times, so each distinct value is worked
/// out once, its parties with it. Actors with dated memberships are resolved at every
/// message's time.
final class Lookups {
    private var partyMemo: PartyMemo
    private var lists: [String: Result<[KnownAddress], AddressParser.Failure>] = [:]
    private var singles: [String: Result<KnownAddress, AddressParser.Failure>] = [:]
    /// Memo sizes are capped so that a file of all-distinct values cannot grow them without bound.
    private static let cap = 200_000

    /// Recent message ids (and the parents replies name) and thread ids: equal strings share
    /// one storage, so a message kept for the run does not hold its own copy of its parent's
    /// id or of its thread's (about 140 of some 420 bytes a message). Capped like the memos;
    /// replies usually follow their parents closely.
    private var recentIDs: Set<String> = []
    private var recentThreads: Set<String> = []

    init(parties: PartyDirectory) { partyMemo = PartyMemo(parties) }

    /// `id` itself, or an equal string already held.
    func sharedID(_ id: String) -> String { Lookups.intern(id, in: &recentIDs) }

    /// `thread` itself, or an equal string already held.
    func sharedThread(_ thread: String) -> String { Lookups.intern(thread, in: &recentThreads) }

    private static func intern(_ s: String, in set: inout Set<String>) -> String {
        if s.utf8.count <= 15 { return s }  // short strings are stored inline: nothing to share
        // Sized once for the cap: growing by doubling rehashed every id again (2 % of a run).
        if set.capacity < Lookups.cap { set.reserveCapacity(Lookups.cap) }
        if set.count >= Lookups.cap { set.removeAll(keepingCapacity: true) }
        return set.insert(s).memberAfterInsert
    }

    func party(of actor: String, at: Instant) -> Party { partyMemo.party(of: actor, at: at) }

    /// The party of a memoised address at `at`: a second lookup only for dated memberships.
    func party(of known: KnownAddress, at: Instant) -> Party { known.party ?? partyMemo.party(of: known.address, at: at) }

    private func known(_ address: String) -> KnownAddress {
        let parties = partyMemo.parties
        return KnownAddress(address: address, party: parties.hasDatedMembership(address) ? nil : parties.party(of: address, at: nil))
    }

    func addressList(_ field: String) -> Result<[KnownAddress], AddressParser.Failure> {
        if field.isEmpty { return .success([]) }
        if let r = lists[field] { return r }
        let r = AddressParser.parseList(field).map { $0.map(known) }
        if lists.count >= Lookups.cap { lists.removeAll(keepingCapacity: true) }
        lists[field] = r
        return r
    }

    func address(_ field: String) -> Result<KnownAddress, AddressParser.Failure> {
        if let r = singles[field] { return r }
        let r = AddressParser.parseSingle(field).map(known)
        if singles.count >= Lookups.cap { singles.removeAll(keepingCapacity: true) }
        singles[field] = r
        return r
    }
}
