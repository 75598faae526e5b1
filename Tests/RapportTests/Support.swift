import Foundation
import RapportCore
import RapportIngest

/// The repository's root folder (tests read fixtures and pipelines from it).
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// A fresh temporary folder, removed at process exit by the OS's tmp cleaning or by the test.
func temporaryDirectory(_ name: String = "rapport-test") -> String {
    let path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func readText(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<missing \(path)>" }

let berlin = ZoneRules(identifier: "Europe/Berlin")!

func instant(_ rfc3339: String) -> Instant {
    guard case .success(let t) = TimestampParser(zone: .utc).parse(rfc3339) else { fatalError("bad test timestamp \(rfc3339)") }
    return t
}

/// A sink that keeps everything a reader produced (the in-memory twin of the run's collector).
final class CollectingSink: IngestSink {
    var interactions: [Interaction] = []
    var rejects: [Reject] = []
    var tickets: [TicketState] = []
    var meetings: [MeetingRecord] = []
    var warnings: [String] = []
    func emit(_ interaction: consuming Interaction) { interactions.append(interaction) }
    func reject(_ reject: Reject) { rejects.append(reject) }
    func ticket(_ state: TicketState) { tickets.append(state) }
    func meeting(_ record: MeetingRecord) { meetings.append(record) }
    func warn(_ message: String) { warnings.append(message) }
}

/// Parses a CSV into (line, fields) records and (line, reason) problems, reading `chunkSize` bytes at a time.
func frame(_ text: String, chunkSize: Int, maxRecordBytes: Int = 16 << 20) throws -> [String] {
    let reader = CSVReader(
        source: MemoryByteSource(Array(text.utf8), chunkSize: chunkSize),
        options: CSVReader.Options(chunkSize: 64, maxRecordBytes: maxRecordBytes))
    var out: [String] = []
    while let event = try reader.next() {
        switch event {
        case .record:
            let fields = (0..<reader.fieldCount).map { reader.string($0) ?? "<invalid>" }
            out.append("\(reader.line): " + fields.map { "[\($0)]" }.joined())
        case .malformed(let reason, _):
            out.append("\(reader.line): !\(reason.rawValue) \(reader.excerpt)")
        }
    }
    return out
}
