import RapportCore

/// Finds messages that share an id (FORMATS.md): equal content counts once; different
/// content keeps the record whose raw bytes sort first and rejects the others as
/// `duplicate_conflict`. Deciding a conflict needs the raw records, which the caller
/// fetches (only for conflicting ids, so the common case reads nothing twice).
public struct Deduplicator {
    /// A set of records with one id and more than one content.
    public struct Conflict: Sendable {
        public var id: String
        /// One representative per distinct content (the earliest origin), plus every copy.
        public var candidates: [Int]
    }

    public var kept: [Int] = []
    public var duplicates: [Int] = []
    public var conflicts: [Conflict] = []

    /// Indexes into `messages`: which to keep, which are plain duplicates, which ids conflict.
    public init(messages: [EmailMessage]) {
        var first = IDIndex(expectedCount: messages.count)
        var groups: [Int: [Int]] = [:]  // first index -> all indexes (only for repeated ids)
        // By index and field, not `for m in messages`: binding a whole message retains every field.
        for i in messages.indices {
            var id = messages[i].id
            let repeated = id.withUTF8 { bytes in
                first.firstOrInsert(bytes, position: Int32(i)) { p in
                    var other = messages[Int(p)].id
                    return other.withUTF8 { bytesEqual($0, bytes) }
                }
            }
            if let f = repeated { groups[Int(f), default: [Int(f)]].append(i) }
        }
        var isRepeated = [Bool](repeating: false, count: messages.count)
        for (_, members) in groups { for i in members { isRepeated[i] = true } }
        for i in messages.indices where !isRepeated[i] { kept.append(i) }
        for f in groups.keys.sorted() {
            let members = groups[f]!
            let fingerprints = Set(members.map { messages[$0].fingerprint })
            let ordered = members.sorted { Deduplicator.originOrder(messages[$0].origin, messages[$1].origin) }
            if fingerprints.count == 1 {
                kept.append(ordered[0])
                duplicates.append(contentsOf: ordered.dropFirst())
            } else {
                conflicts.append(Conflict(id: messages[f].id, candidates: ordered))
            }
        }
    }

    public static func originOrder(_ a: Origin, _ b: Origin) -> Bool { (a.file, a.record) < (b.file, b.record) }
}
