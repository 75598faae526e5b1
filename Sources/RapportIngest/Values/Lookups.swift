import RapportCore

/// Per-file memo of party resolution and address parsing: exports repeat the same
/// senders and recipient lists thousands of times, so each distinct value is worked
/// out once. Actors with dated memberships are resolved at every message's time.
final class Lookups {
    private let parties: PartyDirectory
    private var partyOf: [String: Party] = [:]
    private var dated: Set<String> = []
    private var lists: [String: Result<[String], AddressParser.Failure>] = [:]
    private var singles: [String: Result<String, AddressParser.Failure>] = [:]
    /// Memo sizes are capped so that a file of all-distinct values cannot grow them without bound.
    private static let cap = 200_000

    init(parties: PartyDirectory) { self.parties = parties }

    func party(of actor: String, at: Instant) -> Party {
        if let p = partyOf[actor] { return p }
        if dated.contains(actor) { return parties.party(of: actor, at: at) }
        if parties.hasDatedMembership(actor) {
            dated.insert(actor)
            return parties.party(of: actor, at: at)
        }
        let p = parties.party(of: actor, at: at)
        if partyOf.count >= Lookups.cap { partyOf.removeAll(keepingCapacity: true) }
        partyOf[actor] = p
        return p
    }

    func addressList(_ field: String) -> Result<[String], AddressParser.Failure> {
        if field.isEmpty { return .success([]) }
        if let r = lists[field] { return r }
        let r = AddressParser.parseList(field)
        if lists.count >= Lookups.cap { lists.removeAll(keepingCapacity: true) }
        lists[field] = r
        return r
    }

    func address(_ field: String) -> Result<String, AddressParser.Failure> {
        if let r = singles[field] { return r }
        let r = AddressParser.parseSingle(field)
        if singles.count >= Lookups.cap { singles.removeAll(keepingCapacity: true) }
        singles[field] = r
        return r
    }
}
