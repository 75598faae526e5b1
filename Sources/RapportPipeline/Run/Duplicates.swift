import RapportCore
import RapportIngest
import RapportTransforms

/// Settles records that share an id: equal content counts once (a duplicate);
/// different content keeps the record whose raw bytes sort first and rejects the rest.
enum Duplicates {
    struct Settled {
        var kept: [EmailMessage]
        var duplicates: [EmailMessage]
        var rejects: [Reject]
    }

    static func settle(_ messages: [EmailMessage], files: [InputFile], config: PipelineConfig) -> Settled {
        let d = Deduplicator(messages: messages)
        var kept = d.kept.map { messages[$0] }
        var duplicates = d.duplicates.map { messages[$0] }
        var rejects: [Reject] = []
        if d.conflicts.isEmpty { return Settled(kept: kept, duplicates: duplicates, rejects: rejects) }

        // Fetch raw record bytes only for the conflicting records, one pass per file involved.
        var wanted: [Int32: Set<Int64>] = [:]
        for c in d.conflicts { for i in c.candidates { wanted[messages[i].origin.file, default: []].insert(messages[i].origin.record) } }
        var raw: [Origin: [UInt8]] = [:]
        for (fileIndex, lines) in wanted {
            let file = files[Int(fileIndex)]
            guard let source = try? Ingestion.open(file) else { continue }
            let reader = CSVReader(source: source, options: CSVReader.Options(maxRecordBytes: config.maxRecordBytes))
            while let event = try? reader.next() {
                if event == .record, lines.contains(reader.line) {
                    raw[Origin(file: fileIndex, record: reader.line)] = Array(reader.rawRecord)
                }
            }
        }
        for c in d.conflicts {
            let winner = c.candidates.min { a, b in
                let ra = raw[messages[a].origin] ?? []
                let rb = raw[messages[b].origin] ?? []
                if ra != rb { return ra.lexicographicallyPrecedes(rb) }
                return Deduplicator.originOrder(messages[a].origin, messages[b].origin)
            }!
            let winning = messages[winner]
            kept.append(winning)
            for i in c.candidates where i != winner {
                let m = messages[i]
                if m.fingerprint == winning.fingerprint {
                    duplicates.append(m)
                } else {
                    let at = files[Int(winning.origin.file)].display
                    rejects.append(
                        Reject(
                            file: m.origin.file, record: m.origin.record, reason: .duplicateConflict,
                            message: "message id \(c.id) is also at \(at):\(winning.origin.record) with different content; kept that one (its raw record sorts first)",
                            excerpt: String(decoding: raw[m.origin] ?? [], as: UTF8.self)))
                }
            }
        }
        return Settled(kept: kept, duplicates: duplicates, rejects: rejects)
    }
}
