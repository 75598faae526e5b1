import Glibc
import RapportAggregates
import RapportCore
import RapportFacts
import RapportSinks

/// One message's place in a sharded analysis, as the Spark job's threading decided it
/// (docs/spark.md, "assignments"): its conversation key and hops, and what it is.
struct ShardAssignment {
    struct Flags: OptionSet {
        let rawValue: UInt8
        static let dropped = Flags(rawValue: 1)
        static let duplicate = Flags(rawValue: 2)
        static let future = Flags(rawValue: 4)
        static let skew = Flags(rawValue: 8)
    }
    var file: Int
    var position: Int
    var key: UInt64
    var hops: UInt16
    var flags: Flags
}

/// What one shard of the analysis found (docs/spark.md, "partial results"): the counts,
/// cells and lists that add up across shards, and the names of its rows' sorted runs. A
/// shard's folder holds `state` and the runs; the merge adds the shards in partition order.
enum ShardState {
    static let magic = Array("RAPPORT-SHARD 2\n".utf8)
    static let tables = ["responses", "conversations", "interactions", "attention"]

    /// Writes `analysis` (one shard's) into `folder`: its rows as run files, the rest in `state`.
    static func write(_ analysis: Analysis, into folder: String) throws(RapportError) {
        var w = ByteWriter()
        w.raw(magic)
        w.int(analysis.asOf.nanoseconds)
        for list in [analysis.used, analysis.duplicates] {
            w.varint(UInt64(list.count))
            for n in list { w.int(n) }
        }
        writeCounts(analysis.recordsInWindow, &w)
        w.int(analysis.turnsInWindow)
        let seen = analysis.seen
        w.varint(UInt64(seen.partnersWithFacts.count))
        for p in seen.partnersWithFacts.sorted() { w.int(p) }
        w.int(seen.messagesInWindow)
        w.int(seen.unknownMessagesInWindow)
        w.int(seen.conversationsInWindow)
        writeCells(analysis.cells, &w)
        writeDigest(analysis.attentionDigest, &w)
        let rows: [SortedRows?] = [analysis.responses, analysis.conversations, analysis.interactions, analysis.attention]
        for (name, table) in zip(tables, rows) {
            let runs = try table?.export(into: folder, prefix: name) ?? []
            w.varint(UInt64(runs.count))
            for r in runs { w.string(String(r.split(separator: "/").last!)) }
        }
        try OutputBytes.write(w.bytes, to: folder + "/state")
    }

    /// Adds the shard in `folder` to `analysis` (the merge), its runs adopted by the tables.
    static func add(from folder: String, to analysis: inout Analysis) throws(RapportError) {
        guard let bytes = OutputBytes.read(folder + "/state") else {
            throw RapportError(.failed, file: folder + "/state", "a shard's results are missing; the job did not finish: run it again")
        }
        do throws(FactFileError) {
            var r = ByteReader(bytes)
            guard Array(try r.raw(magic.count)) == magic else { throw FactFileError("not a shard's results (or of another version)") }
            let asOf = try r.int()
            guard asOf == analysis.asOf.nanoseconds else { throw FactFileError("made for another as-of") }
            for list in 0..<2 {
                let n = try r.count()
                guard n == analysis.used.count else { throw FactFileError("made for \(n) files, not \(analysis.used.count)") }
                for i in 0..<n {
                    let v = Int(try r.int())
                    if list == 0 { analysis.used[i] += v } else { analysis.duplicates[i] += v }
                }
            }
            for (file, n) in try readCounts(&r) { analysis.recordsInWindow[file, default: 0] += n }
            analysis.turnsInWindow += Int(try r.int())
            for _ in 0..<(try r.count()) { analysis.seen.partnersWithFacts.insert(Int(try r.int())) }
            analysis.seen.messagesInWindow += Int(try r.int())
            analysis.seen.unknownMessagesInWindow += Int(try r.int())
            analysis.seen.conversationsInWindow += Int(try r.int())
            analysis.conversationsInWindow = analysis.seen.conversationsInWindow
            try readCells(&r, into: &analysis.cells)
            try readDigest(&r, into: &analysis.attentionDigest)
            let rows: [SortedRows?] = [analysis.responses, analysis.conversations, analysis.interactions, analysis.attention]
            for table in rows {
                var runs: [String] = []
                for _ in 0..<(try r.count()) { runs.append(folder + "/" + (try r.string())) }
                guard let table else {
                    if !runs.isEmpty { throw FactFileError("holds rows of a table the pipeline does not write") }
                    continue
                }
                table.adopt(runs: runs)
            }
        } catch {
            throw RapportError(.failed, file: folder + "/state", "a shard's results cannot be read: \(error.message); run the job again")
        }
    }

    private static func writeCounts(_ counts: [Int: Int], _ w: inout ByteWriter) {
        w.varint(UInt64(counts.count))
        for (k, v) in counts.sorted(by: { $0.key < $1.key }) {
            w.int(k)
            w.int(v)
        }
    }

    private static func readCounts(_ r: inout ByteReader) throws(FactFileError) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        for _ in 0..<(try r.count()) { out.append((Int(try r.int()), Int(try r.int()))) }
        return out
    }

    private static func writeKey(_ k: CellKey, _ w: inout ByteWriter) {
        w.byte(UInt8(PeriodKind.allCases.firstIndex(of: k.period.kind)!))
        w.int(k.period.start.daysSinceEpoch)
        w.int(Int64(k.partner))
    }

    private static func readKey(_ r: inout ByteReader) throws(FactFileError) -> CellKey {
        let kind = Int(try r.byte())
        guard kind < PeriodKind.allCases.count else { throw FactFileError("an unknown period kind") }
        let start = LocalDate(daysSinceEpoch: try r.int())
        return CellKey(period: Period(kind: PeriodKind.allCases[kind], containing: start), partner: Int32(truncatingIfNeeded: try r.int()))
    }

    private static func writeCells(_ cells: Cells, _ w: inout ByteWriter) {
        var counts = ByteWriter()
        var samples = ByteWriter()
        var (nc, ns) = (0, 0)
        cells.forEachEntry(
            counts: { key, stat, n in
                writeKey(key, &counts)
                counts.string(stat)
                counts.int(n)
                nc += 1
            },
            samples: { key, stat, values in
                writeKey(key, &samples)
                samples.string(stat)
                samples.varint(UInt64(values.count))
                for v in values { samples.fixed(v.bitPattern) }
                ns += 1
            })
        w.varint(UInt64(nc))
        w.raw(counts.bytes)
        w.varint(UInt64(ns))
        w.raw(samples.bytes)
    }

    private static func readCells(_ r: inout ByteReader, into cells: inout Cells) throws(FactFileError) {
        for _ in 0..<(try r.count()) {
            let key = try readKey(&r)
            let stat = try r.string()
            cells.tally(stat, key, by: Int(try r.int()))
        }
        for _ in 0..<(try r.count()) {
            let key = try readKey(&r)
            let stat = try r.string()
            var values: [Double] = []
            for _ in 0..<(try r.count()) { values.append(Double(bitPattern: try r.fixed())) }
            cells.sample(stat, key, contentsOf: values)
        }
    }

    private static func writeDigest(_ digest: AttentionDigest, _ w: inout ByteWriter) {
        var body = ByteWriter()
        var lists = 0
        digest.forEachList { period, partner, kind, count, first in
            lists += 1
            body.int(period)
            body.int(partner)
            body.byte(UInt8(kind.rawValue))
            body.int(count)
            body.varint(UInt64(first.count))
            for item in first { writeItem(item, &body) }
        }
        w.varint(UInt64(lists))
        w.raw(body.bytes)
    }

    private static func readDigest(_ r: inout ByteReader, into digest: inout AttentionDigest) throws(FactFileError) {
        for _ in 0..<(try r.count()) {
            let period = Int(try r.int())
            let partner = Int(try r.int())
            guard let kind = AttentionRows.Kind(rawValue: Int(try r.byte())) else { throw FactFileError("an unknown attention kind") }
            let count = Int(try r.int())
            var first: [AttentionRows.Item] = []
            for _ in 0..<(try r.count()) { first.append(try readItem(&r)) }
            digest.merge(period: period, partner: partner, kind: kind, count: count, first: first)
        }
    }

    private static func writeItem(_ item: AttentionRows.Item, _ w: inout ByteWriter) {
        w.byte(UInt8(item.kind.rawValue))
        w.int(item.period)
        w.int(item.partner)
        w.string(item.source.rawValue)
        w.string(item.tracker)
        w.string(item.conversation)
        w.int(item.turn.map { Int64($0) } ?? Int64.min)
        w.int(item.openedAt.nanoseconds)
        w.bool(item.latency != nil)
        w.fixed((item.latency ?? 0).bitPattern)
        w.string(item.reason)
        w.string(item.url)
    }

    private static func readItem(_ r: inout ByteReader) throws(FactFileError) -> AttentionRows.Item {
        guard let kind = AttentionRows.Kind(rawValue: Int(try r.byte())) else { throw FactFileError("an unknown attention kind") }
        let period = Int(try r.int())
        let partner = Int(try r.int())
        guard let source = SourceKind(rawValue: try r.string()) else { throw FactFileError("an unknown source kind") }
        let tracker = try r.string()
        let conversation = try r.string()
        let turn = try r.int()
        let openedAt = Instant(nanoseconds: try r.int())
        let hasLatency = try r.bool()
        let latency = Double(bitPattern: try r.fixed())
        return AttentionRows.Item(
            kind: kind, period: period, partner: partner, source: source, tracker: tracker, conversation: conversation,
            turn: turn == Int64.min ? nil : Int(turn), openedAt: openedAt, latency: hasLatency ? latency : nil, reason: try r.string(),
            url: try r.string())
    }
}

/// Small whole-file reads and writes of the shard's own files (0600, replaced atomically).
enum OutputBytes {
    static func write(_ bytes: [UInt8], to path: String) throws(RapportError) {
        let temporary = path + ".partial"
        let file = try OutputFile(path: temporary, mode: 0o600)
        try file.write(bytes: bytes)
        try file.close()
        guard rename(temporary, path) == 0 else { throw RapportError(.failed, file: path, "cannot write: \(String(cString: strerror(errno)))") }
    }

    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { return out }
            out += chunk[0..<n]
        }
    }
}
