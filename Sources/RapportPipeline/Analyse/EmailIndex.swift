import RapportCore
import RapportFacts
import RapportIngest
import RapportTransforms

/// The part of the e-mail analysis that needs every message at once: duplicates settled
/// and threads found across all files (FORMATS.md, rapport-email-csv), in memory that holds
/// a few integers per message. Ids and parents travel as 64-bit hashes through partitions
/// on disk; what stays is, per message, its conversation key, its hops from the root and
/// a few bits.
struct EmailIndex {
    /// The number of messages of the run (future ones included; they are marked).
    let count: Int
    /// Where each file's messages start in the run's numbering.
    let base: [Int]
    /// The conversation key of each message (once `thread()` has run).
    private(set) var key: [UInt64]
    private(set) var hops: [UInt16]
    private var parent: [UInt32]
    /// Marks: after as-of (ignored), dropped (a duplicate or a conflict's loser), a reply
    /// stamped before its parent, a message keyed by its own thread id.
    private(set) var future: BitSet
    private(set) var dropped: BitSet
    private(set) var duplicate: BitSet
    private(set) var skew: BitSet
    private var ownThread: BitSet
    /// Set in a shard of the analysis: the messages another shard handles.
    private var foreign: BitSet?
    /// Rejected losers of conflicting duplicates, and notes (reply cycles broken).
    private(set) var rejects: [Reject] = []
    private(set) var notes: [String] = []

    static let none = UInt32.max

    init(files: [ExtractedFile]) {
        var base: [Int] = []
        var n = 0
        for f in files {
            base.append(n)
            n += f.summary.counts[.emails] ?? 0
        }
        count = n
        self.base = base
        key = Array(repeating: 0, count: n)
        hops = Array(repeating: 0, count: n)
        parent = Array(repeating: EmailIndex.none, count: n)
        future = BitSet(count: n)
        dropped = BitSet(count: n)
        duplicate = BitSet(count: n)
        skew = BitSet(count: n)
        ownThread = BitSet(count: n)
    }


    /// The messages of one shard threaded elsewhere (by the Spark job): every other message
    /// of the run is foreign to it.
    init(files: [ExtractedFile], assigned: [ShardAssignment]) throws(RapportError) {
        self.init(files: files)
        var foreign = BitSet(count: count)
        for k in 0..<count { foreign.insert(k) }
        for a in assigned {
            guard a.file < base.count, a.position >= 0, base[a.file] + a.position < (a.file + 1 < base.count ? base[a.file + 1] : count) else {
                throw RapportError(.failed, "the shard's threads name message \(a.position) of file \(a.file), which the facts do not have; extract again")
            }
            let k = base[a.file] + a.position
            foreign.remove(k)
            key[k] = a.key
            hops[k] = a.hops
            if a.flags.contains(.future) { future.insert(k) }
            if a.flags.contains(.dropped) { dropped.insert(k) }
            if a.flags.contains(.duplicate) { duplicate.insert(k) }
            if a.flags.contains(.skew) { skew.insert(k) }
        }
        self.foreign = foreign
        parent = []
    }

    func isForeign(_ k: Int) -> Bool { foreign?.contains(k) ?? false }

    /// A message's own conversation key: its thread id; else the subject with the
    /// organisations taking part; a message with an empty subject stands alone.
    static func ownKey(_ m: EmailKeys, actors: Actors, file: Int) throws(FactFileError) -> UInt64 {
        if m.threadHash != 0 { return m.threadHash }
        if m.subjectHash == 0 { return m.idLocalHash }
        var orgs: [String] = []
        orgs.reserveCapacity(1 + m.recipients.count)
        for a in [m.actor] + m.recipients {
            let g = try actors.global(a, file: file)
            orgs.append(actors.organisation(g, at: m.at))
        }
        var h = FingerprintHasher()
        withUnsafeBytes(of: m.subjectHash) { h.add($0) }
        for o in Set(orgs).sorted(by: bytesLess) {
            h.add(o)
            withUnsafeBytes(of: UInt8(0x1F)) { h.add($0) }  // the organisations' separator
        }
        return h.finish().low | 1
    }

    /// Pass A: every message's id and parent into partitions; each message's own key.
    mutating func index(_ files: [ExtractedFile], actors: Actors, asOf: Instant, partitions: Int, scratch: ScratchFolder?, memory: Int) throws(RapportError) {
        let ids = Spill(name: "ids", count: partitions, folder: scratch, memoryLimit: memory * 2 / 3)
        let parents = Spill(name: "parents", count: partitions, folder: scratch, memoryLimit: memory / 3)
        struct Pass: FactVisitor {
            var index: EmailIndex
            let actors: Actors
            let file: Int
            let asOf: Instant
            let ids: Spill
            let parents: Spill
            var seq: Int
            var failure: RapportError?
            var wants: Set<FactFile.BlockKind> { [.emails] }
            var wantsEmailKeys: Bool { true }

            mutating func emailKeys(_ m: EmailKeys) throws(FactFileError) {
                let k = seq
                seq += 1
                guard m.at <= asOf else { return index.future.insert(k) }
                let p = Int(m.idHash % UInt64(ids.count))
                do throws(RapportError) {
                    try ids.append(to: p) { w in
                        w.fixed(m.idHash)
                        w.varint(UInt64(k))
                        w.fixed(m.fingerprint.high)
                        w.fixed(m.fingerprint.low)
                        w.int(m.at.nanoseconds)
                    }
                    if m.parentHash != 0 {
                        try parents.append(to: Int(m.parentHash % UInt64(parents.count))) { w in
                            w.fixed(m.parentHash)
                            w.varint(UInt64(k))
                            w.int(m.at.nanoseconds)
                        }
                    }
                } catch {
                    failure = failure ?? error
                }
                index.key[k] = try EmailIndex.ownKey(m, actors: actors, file: file)
                if m.threadHash != 0 { index.ownThread.insert(k) }
            }
        }
        for (i, f) in files.enumerated() {
            var pass = Pass(index: self, actors: actors, file: i, asOf: asOf, ids: ids, parents: parents, seq: base[i])
            self = EmailIndex(empty: ())  // the arrays move into the pass, not copied
            do {
                try f.reader.scan(&pass, file: f.file.index)
            } catch {
                throw RapportError(.failed, file: f.reader.path, "the facts of \(f.file.display) cannot be read: \(error.message)")
            }
            self = pass.index
            if let e = pass.failure { throw e }
        }
        for p in 0..<partitions { try settle(ids: ids, parents: parents, partition: p, files: files) }
    }

    /// A placeholder while the real index is lent out.
    private init(empty: Void) {
        count = 0
        base = []
        key = []
        hops = []
        parent = []
        future = BitSet(count: 0)
        dropped = BitSet(count: 0)
        duplicate = BitSet(count: 0)
        skew = BitSet(count: 0)
        ownThread = BitSet(count: 0)
    }

    /// One partition: records sharing an id settled (equal content counts once; different
    /// content keeps the raw record that sorts first), then the parents asked for there found.
    private mutating func settle(ids: Spill, parents: Spill, partition p: Int, files: [ExtractedFile]) throws(RapportError) {
        struct IDRecord {
            var id: UInt64
            var seq: UInt32
            var fingerprint: Fingerprint
            var at: Int64
        }
        var records: [IDRecord] = []
        var r = try ids.drain(p)
        do throws(FactFileError) {
            while !r.isAtEnd {
                records.append(
                    IDRecord(id: try r.fixed(), seq: UInt32(try r.varint()), fingerprint: Fingerprint(high: try r.fixed(), low: try r.fixed()), at: try r.int()))
            }
        } catch {
            throw RapportError(.failed, "scratch data is damaged: \(error.message)")
        }
        records.sort { ($0.id, $0.seq) < ($1.id, $1.seq) }
        var kept: [(id: UInt64, seq: UInt32, at: Int64)] = []
        kept.reserveCapacity(records.count)
        var conflicts: [[UInt32]] = []
        var start = 0
        while start < records.count {
            var end = start + 1
            while end < records.count && records[end].id == records[start].id { end += 1 }
            let group = records[start..<end]
            if group.count == 1 || group.allSatisfy({ $0.fingerprint == records[start].fingerprint }) {
                kept.append((records[start].id, records[start].seq, records[start].at))
                for g in group.dropFirst() {
                    dropped.insert(Int(g.seq))
                    duplicate.insert(Int(g.seq))
                }
            } else {
                conflicts.append(group.map(\.seq))
            }
            start = end
        }
        if !conflicts.isEmpty {
            for winner in try Conflicts.settle(conflicts, index: self, files: files, fingerprints: Dictionary(records.map { ($0.seq, $0.fingerprint) }, uniquingKeysWith: { a, _ in a })) {
                let w = records.first { $0.seq == winner.seq }!
                kept.append((w.id, w.seq, w.at))
                for d in winner.duplicates {
                    dropped.insert(Int(d))
                    duplicate.insert(Int(d))
                }
                for (loser, reject) in winner.rejected {
                    dropped.insert(Int(loser))
                    rejects.append(reject)
                }
            }
            kept.sort { ($0.id, $0.seq) < ($1.id, $1.seq) }
        }
        records = []
        var q = try parents.drain(p)
        do throws(FactFileError) {
            while !q.isAtEnd {
                let wanted = try q.fixed()
                let child = Int(try q.varint())
                let childAt = try q.int()
                var lo = 0
                var hi = kept.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if kept[mid].id < wanted { lo = mid + 1 } else { hi = mid }
                }
                guard lo < kept.count, kept[lo].id == wanted, Int(kept[lo].seq) != child else { continue }
                parent[child] = kept[lo].seq
                if kept[lo].at > childAt { skew.insert(child) }
            }
        } catch {
            throw RapportError(.failed, "scratch data is damaged: \(error.message)")
        }
    }

    /// The seq's file and its position in that file.
    func locate(_ seq: Int) -> (file: Int, position: Int) { EmailIndex.locate(seq, base: base) }

    static func locate(_ seq: Int, base: [Int]) -> (file: Int, position: Int) {
        var lo = 0
        var hi = base.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if base[mid] <= seq { lo = mid } else { hi = mid - 1 }
        }
        return (lo, seq - base[lo])
    }

    /// Threads: each message takes its own thread id, else its parent's conversation
    /// (recursively), else its own subject key; hops count known parents. A reply cycle is
    /// broken at its member with the smallest id. Then the parent pointers go.
    mutating func thread(ids: (Set<Int>) throws(RapportError) -> [Int: String]) throws(RapportError) {
        var state = [UInt8](repeating: 0, count: count)  // 0 new, 1 on the path, 2 resolved
        var path: [Int] = []
        for start in 0..<count where state[start] == 0 && !future.contains(start) && !dropped.contains(start) {
            path.removeAll(keepingCapacity: true)
            var j = start
            while true {
                if state[j] == 2 { break }
                if state[j] == 1 {
                    let cycle = Array(path[path.firstIndex(of: j)!...])
                    let names = try ids(Set(cycle))
                    let breaker = cycle.min { bytesLess(names[$0] ?? "", names[$1] ?? "") }!
                    parent[breaker] = EmailIndex.none
                    skew.remove(breaker)
                    let shown = cycle.prefix(5).map { names[$0] ?? "?" }
                    notes.append("reply cycle broken at its smallest id: " + shown.joined(separator: " -> ") + (cycle.count > 5 ? " -> … (\(cycle.count) messages)" : ""))
                    for p in path { state[p] = 0 }
                    path.removeAll(keepingCapacity: true)
                    j = start
                    continue
                }
                state[j] = 1
                path.append(j)
                let up = parent[j]
                if up == EmailIndex.none || dropped.contains(Int(up)) || future.contains(Int(up)) { break }
                j = Int(up)
            }
            for i in path.reversed() {
                let up = parent[i]
                let known = up != EmailIndex.none
                hops[i] = known ? min(hops[Int(up)] &+ 1, UInt16.max - 1) : 0
                if !ownThread.contains(i) && known { key[i] = key[Int(up)] }
                state[i] = 2
            }
        }
        parent = []
        ownThread = BitSet(count: 0)
    }
}

/// A fixed set of bits.
struct BitSet {
    private var words: [UInt64]
    init(count: Int) { words = Array(repeating: 0, count: (count + 63) / 64) }
    func contains(_ i: Int) -> Bool { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
    mutating func insert(_ i: Int) { words[i >> 6] |= 1 << UInt64(i & 63) }
    mutating func remove(_ i: Int) { words[i >> 6] &= ~(1 << UInt64(i & 63)) }
}
