import RapportCore
import RapportIngest
import RapportTransforms

/// Settles records that share an id: equal content counts once (a duplicate);
/// different content keeps the record whose raw bytes sort first and rejects the rest.
enum Duplicates {
    struct Settled {
        var duplicates: [EmailMessage] = []
        var rejects: [Reject] = []
    }

    /// Leaves in `messages` only the records to use (in place, so they are never held twice),
    /// and in `keys` (what threading reads of each message, in the same order) theirs.
    static func settle(_ messages: inout [EmailMessage], keys: inout [ThreadingKeys], files: [InputFile], config: PipelineConfig) -> Settled {
        precondition(keys.count == messages.count, "one set of threading keys per message")
        let d = Deduplicator(messages: messages)
        var settled = Settled()
        var keep = [Bool](repeating: false, count: messages.count)
        for i in d.kept { keep[i] = true }
        settled.duplicates = d.duplicates.map { messages[$0] }
        defer {
            // Only when something goes; the messages and their keys alike.
            if keep.contains(false) {
                Compaction.keep(keep, in: &messages)
                Compaction.keep(keep, in: &keys)
            }
        }
        if d.conflicts.isEmpty { return settled }

        // Fetch raw record bytes only for the conflicting records, one pass per file involved.
        var wanted: [Int32: Set<Int64>] = [:]
        for c in d.conflicts { for i in c.candidates { wanted[messages[i].origin.file, default: []].insert(messages[i].origin.record) } }
        var raw: [Origin: [UInt8]] = [:]
        for (fileIndex, lines) in wanted {
            let file = files[Int(fileIndex)]
            // An mbox's records are messages, not CSV rows (and folders and archives do not open
            // as one stream): their conflicts keep the first copy in file and record order.
            guard file.source.format != Mbox.self, let source = try? Ingestion.open(file) else { continue }
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
            keep[winner] = true
            for i in c.candidates where i != winner {
                let m = messages[i]
                if m.fingerprint == winning.fingerprint {
                    settled.duplicates.append(m)
                } else {
                    let at = files[Int(winning.origin.file)].display
                    settled.rejects.append(
                        Reject(
                            file: m.origin.file, record: m.origin.record, reason: .duplicateConflict,
                            message: "message id \(c.id) is also at \(at):\(winning.origin.record) with different content; kept that one (its raw record sorts first)",
                            excerpt: String(decoding: raw[m.origin] ?? [], as: UTF8.self)))
                }
            }
        }
        return settled
    }
}
