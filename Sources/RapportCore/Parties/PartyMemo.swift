/// ``PartyDirectory/party(of:at:)`` remembered per actor: resolving one takes domain
/// suffixes and globs (some 17,000 instructions), and the same few hundred actors recur in
/// every file. Actors with dated memberships are resolved at each instant, never remembered.
/// Capped so that a file of all-distinct actors cannot grow it without bound.
public struct PartyMemo {
    public let parties: PartyDirectory
    private var known: [String: Party] = [:]
    private var dated: Set<String> = []
    private static let cap = 200_000

    public init(_ parties: PartyDirectory) { self.parties = parties }

    public mutating func party(of actor: String, at: Instant) -> Party {
        if let p = known[actor] { return p }
        if dated.contains(actor) { return parties.party(of: actor, at: at) }
        if parties.hasDatedMembership(actor) {
            dated.insert(actor)
            return parties.party(of: actor, at: at)
        }
        let p = parties.party(of: actor, at: at)
        if known.count >= Self.cap { known.removeAll(keepingCapacity: true) }
        known[actor] = p
        return p
    }
}
