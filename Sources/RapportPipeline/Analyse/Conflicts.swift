import RapportCore
import RapportFacts
import RapportIngest

/// Looks up a few messages' facts by their number in the run (duplicates in conflict, the
/// members of a reply cycle): only the files holding them are read.
enum FactLookup {
    static func emails(_ seqs: Set<Int>, base: [Int], files: [ExtractedFile]) throws(RapportError) -> [Int: ExtractedEmail] {
        struct Pick: FactVisitor {
            var wanted: Set<Int>
            var seq: Int
            var found: [Int: ExtractedEmail] = [:]
            var wants: Set<FactFile.BlockKind> { [.emails] }
            mutating func email(_ m: ExtractedEmail) {
                if wanted.contains(seq) { found[seq] = m }
                seq += 1
            }
        }
        var out: [Int: ExtractedEmail] = [:]
        let byFile = Dictionary(grouping: seqs) { EmailIndex.locate($0, base: base).file }
        for (file, wanted) in byFile {
            var pick = Pick(wanted: Set(wanted), seq: base[file])
            do {
                try files[file].reader.scan(&pick, file: files[file].file.index)
            } catch {
                throw RapportError(.failed, file: files[file].reader.path, "the facts of \(files[file].file.display) cannot be read: \(error.message)")
            }
            out.merge(pick.found) { a, _ in a }
        }
        return out
    }
}

/// Messages that share an id but differ (FORMATS.md): the one whose raw record bytes sort
/// first is kept, whatever the order of files; the others are rejects (`duplicate_conflict`),
/// or duplicates when equal to it. The raw records are read again from the inputs, by the
/// ranges extraction noted, only for these messages.
enum Conflicts {
    struct Settled {
        var seq: UInt32
        var duplicates: [UInt32] = []
        var rejected: [(UInt32, Reject)] = []
    }

    static func settle(
        _ groups: [[UInt32]], index: EmailIndex, files: [ExtractedFile], fingerprints: [UInt32: Fingerprint]
    ) throws(RapportError) -> [Settled] {
        let seqs = Set(groups.flatMap { $0.map(Int.init) })
        let facts = try FactLookup.emails(seqs, base: index.base, files: files)
        var wanted: [Int: [RawRange]] = [:]
        for s in seqs { if let raw = facts[s]?.raw { wanted[index.locate(s).file, default: []].append(raw) } }
        var raw: [Int: [RawRange: [UInt8]]] = [:]
        for (file, ranges) in wanted { raw[file] = read(ranges, of: files[file].file) }
        func bytes(_ s: UInt32) -> [UInt8] {
            guard let r = facts[Int(s)]?.raw else { return [] }
            return raw[index.locate(Int(s)).file]?[r] ?? []
        }
        return groups.map { group in
            // Seqs follow file and record order: the tie-break when raw bytes are equal or unknown.
            let winner = group.min { a, b in
                let (x, y) = (bytes(a), bytes(b))
                return x != y ? x.lexicographicallyPrecedes(y) : a < b
            }!
            var settled = Settled(seq: winner)
            let w = index.locate(Int(winner))
            let at = "\(files[w.file].file.display):\(facts[Int(winner)]?.origin.record ?? 0)"
            for s in group where s != winner {
                if fingerprints[s] == fingerprints[winner] {
                    settled.duplicates.append(s)
                    continue
                }
                let m = facts[Int(s)]
                settled.rejected.append(
                    (
                        s,
                        Reject(
                            file: files[index.locate(Int(s)).file].file.index, record: m?.origin.record, reason: .duplicateConflict,
                            message: "message id \(m?.id ?? "") is also at \(at) with different content; kept that one (its raw record sorts first)",
                            excerpt: String(decoding: bytes(s), as: UTF8.self))
                    ))
            }
            return settled
        }
    }

    /// The bytes of `ranges` of the decoded input, in one pass over it.
    static func read(_ ranges: [RawRange], of file: InputFile) -> [RawRange: [UInt8]] {
        guard let source = try? Ingestion.open(file) else { return [:] }
        var out: [RawRange: [UInt8]] = [:]
        let sorted = ranges.sorted { $0.offset < $1.offset }
        var position: Int64 = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var pending = sorted[...]
        var collecting: [RawRange: [UInt8]] = [:]
        while !pending.isEmpty || !collecting.isEmpty {
            guard let n = try? Ingestion.readAll(source, &chunk), n > 0 else { break }
            let end = position + Int64(n)
            while let r = pending.first, r.offset < end {
                collecting[r] = []
                pending = pending.dropFirst()
            }
            for (r, sofar) in collecting {
                let from = max(r.offset, position)
                let to = min(r.offset + Int64(r.length), end)
                var got = sofar
                if from < to { got += chunk[Int(from - position)..<Int(to - position)] }
                if r.offset + Int64(r.length) <= end {
                    out[r] = got
                    collecting[r] = nil
                } else {
                    collecting[r] = got
                }
            }
            position = end
        }
        return out
    }
}
