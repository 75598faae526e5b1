import RapportCore

/// Threads e-mails into conversations (FORMATS.md, rapport-email-csv):
/// `thread_id` when present; otherwise the thread of the `in_reply_to` parent,
/// recursively; otherwise the normalised subject plus organisations.
/// The result never depends on the order of messages: replies may come before
/// their parents, in any file. Chains of any length are walked without recursion;
/// a reply cycle is broken at its member with the smallest id (byte order).
public struct EmailThreads: Sendable {
    /// Conversation index of each message.
    public var conversation: [Int32]
    /// Hops from the root along known parents (for ordering ties: a reply after its parent).
    public var hops: [Int32]
    /// Index of each message's known parent, or -1.
    public var parent: [Int32]
    /// Number of conversations.
    public var count: Int { threadIDs.count }
    /// The `thread_id` a conversation is keyed by, or "" for one threaded by subject.
    public var threadIDs: [String]
    /// Reply cycles found and broken (each is reported).
    public var brokenCycles: [String]

    /// `keys` are the messages' threading keys, in the same order.
    public init(messages: [EmailMessage], keys: [ThreadingKeys]) {
        precondition(keys.count == messages.count, "one set of threading keys per message")
        let n = messages.count
        // Ids compared without their angle brackets; with one id twice (de-duplication lets
        // none through), the later message is the one found, as a dictionary's last write was.
        var byID = IDIndex(expectedCount: n)
        func sameID(_ core: UnsafeBufferPointer<UInt8>) -> (Int32) -> Bool {
            { p in withIDCore(messages[Int(p)].id) { bytesEqual($0, core) } }
        }
        var latest: [Int32: Int32] = [:]  // first position of an id -> its last (only for repeats)
        // By index and field, not `for m in messages`: binding a whole message retains every field.
        for i in messages.indices {
            withIDCore(messages[i].id) { core in
                if let first = byID.firstOrInsert(core, position: Int32(i), isEqual: sameID(core)) {
                    latest[first] = Int32(i)
                }
            }
        }
        var parent = [Int32](repeating: -1, count: n)
        for i in messages.indices where !keys[i].parentID.isEmpty {
            let found = withIDCore(keys[i].parentID) { core in byID.find(core, isEqual: sameID(core)) }
            if let first = found {
                let p = latest[first] ?? first
                if p != Int32(i) { parent[i] = p }
            }
        }

        // Parents are found: the id table's pages go before the walk's arrays are made.
        byID = IDIndex(expectedCount: 0)
        latest = [:]

        var state = [UInt8](repeating: 0, count: n)  // 0 new, 1 on the current path, 2 resolved
        var pathPosition = [Int32](repeating: -1, count: n)
        var hops = [Int32](repeating: 0, count: n)
        var key = [Int32](repeating: -1, count: n)
        var byThreadID: [String: Int32] = [:]
        var bySubject: [String: Int32] = [:]
        var threadIDs: [String] = []
        var cycles: [String] = []
        var path: [Int32] = []

        func intern(threadID: String) -> Int32 {
            if let v = byThreadID[threadID] { return v }
            let v = Int32(threadIDs.count)
            byThreadID[threadID] = v
            threadIDs.append(threadID)
            return v
        }
        func intern(subject: String) -> Int32 {
            if let v = bySubject[subject] { return v }
            let v = Int32(threadIDs.count)
            bySubject[subject] = v
            threadIDs.append("")
            return v
        }

        for start in 0..<n where state[start] == 0 {
            path.removeAll(keepingCapacity: true)
            var j = Int32(start)
            while true {
                if state[Int(j)] == 2 { break }
                if state[Int(j)] == 1 {
                    // A cycle: from j's position on the path to the end.
                    let cycle = path[Int(pathPosition[Int(j)])...]
                    let breaker = cycle.min { bytesLess(messages[Int($0)].id, messages[Int($1)].id) }!
                    parent[Int(breaker)] = -1
                    let ids = cycle.prefix(5).map { messages[Int($0)].id }
                    cycles.append(ids.joined(separator: " -> ") + (cycle.count > 5 ? " -> … (\(cycle.count) messages)" : ""))
                    for p in path {
                        state[Int(p)] = 0
                        pathPosition[Int(p)] = -1
                    }
                    path.removeAll(keepingCapacity: true)
                    j = Int32(start)
                    continue
                }
                state[Int(j)] = 1
                pathPosition[Int(j)] = Int32(path.count)
                path.append(j)
                let up = parent[Int(j)]
                if up < 0 { break }
                j = up
            }
            for p in path.reversed() {
                let i = Int(p)
                let up = parent[i]
                hops[i] = up >= 0 ? hops[Int(up)] + 1 : 0
                if !keys[i].threadID.isEmpty {
                    key[i] = intern(threadID: keys[i].threadID)
                } else if up >= 0 {
                    key[i] = key[Int(up)]
                } else {
                    key[i] = intern(subject: keys[i].subjectKey)
                }
                state[i] = 2
                pathPosition[i] = -1
            }
        }
        self.conversation = key
        self.hops = hops
        self.parent = parent
        self.threadIDs = threadIDs
        self.brokenCycles = cycles
    }
}
