import Foundation
import Logging
import RapportPipeline
import Testing

/// The progress line a terminal shows during `rapport run`: stage, files, records, bytes of
/// all inputs, rate and ETA, worked out by hand.
@Suite struct ProgressLineTests {
    @Test func extractShowsRateAndETAOverAllInputs() {
        // 412 MB in 412/61 s is 61 MB/s; the other 588 MB take 588/61 = 9.64 s, shown as 10 s.
        let p = RunProgress(stage: .extract, filesDone: 3, files: 8, bytesDone: 412_000_000, bytesTotal: 1_000_000_000, records: 52_000)
        #expect(p.line(elapsed: 412.0 / 61.0) == "rapport: extract 3/8 files, 52,000 records, 412.0 of 1,000.0 MB, 61 MB/s, ETA 10 s")
        // 1.5 MB/s (under 10: one decimal); 998.5 MB at 1.5 MB/s = 665.7 s = 11 min 06 s.
        let slow = RunProgress(stage: .extract, filesDone: 1, files: 8, bytesDone: 1_500_000, bytesTotal: 1_000_000_000, records: 1)
        #expect(slow.line(elapsed: 1) == "rapport: extract 1/8 files, 1 record, 1.5 of 1,000.0 MB, 1.5 MB/s, ETA 11 min 06 s")
        // 20 GB at 2 MB/s: 9,999 s = 2 h 46 min.
        let big = RunProgress(stage: .extract, filesDone: 0, files: 1, bytesDone: 2_000_000, bytesTotal: 20_000_000_000, records: 1_234_567)
        #expect(big.line(elapsed: 1) == "rapport: extract 0/1 file, 1,234,567 records, 2.0 of 20,000.0 MB, 2.0 MB/s, ETA 2 h 46 min")
    }

    @Test func beforeAByteIsReadThereIsNoRateAndLaterStagesHaveNoETA() {
        let start = RunProgress(stage: .extract, filesDone: 0, files: 2, bytesDone: 0, bytesTotal: 36_700_000, records: 0)
        #expect(start.line(elapsed: 0) == "rapport: extract 0/2 files, 0 records, 0.0 of 36.7 MB")
        let analyse = RunProgress(stage: .analyse, filesDone: 2, files: 2, bytesDone: 36_700_000, bytesTotal: 36_700_000, records: 45_120)
        #expect(analyse.line(elapsed: 3) == "rapport: analyse 2/2 files, 45,120 records, 36.7 MB read")
        let write = RunProgress(stage: .write, filesDone: 2, files: 2, bytesDone: 36_700_000, bytesTotal: 36_700_000, records: 45_120)
        #expect(write.line(elapsed: 9) == "rapport: write 2/2 files, 45,120 records, 36.7 MB read")
    }

    /// A run reports each stage in order, the extract counts climbing to every file, its bytes
    /// summed up front from the inputs' sizes.
    @Test func aRunReportsItsStagesAndTheInputsSizes() throws {
        let seen = Seen()
        var options = RunOptions()
        options.progress = { seen.add($0) }
        options.runID = "progress"
        options.outputDirectory = temporaryDirectory("rapport-progress") + "/report"
        options.now = instant("2026-11-29T12:00:00Z")
        let config = try PipelineConfig.load(path: repositoryRoot + "/pipelines/weekly.yaml")
        let summary = try Runner.run(config, options: options, logger: Logger(label: "test"))
        let events = seen.all
        let extract = events.filter { $0.stage == .extract }
        let files = extract.first!.files
        #expect(files > 0)
        #expect(extract.map(\.filesDone).sorted() == Array(0...files))
        let done = extract.first { $0.filesDone == files }!
        #expect(extract.allSatisfy { $0.bytesTotal == done.bytesTotal } && done.bytesDone == done.bytesTotal && done.bytesTotal > 0)
        #expect(events.suffix(2).map(\.stage) == [.analyse, .write])
        #expect(events.last!.records == done.records && done.records == summary.read && done.records > 0)
        #expect(done.bytesTotal == summary.files.reduce(0) { $0 + $1.bytes })
    }

    final class Seen: @unchecked Sendable {
        private var events: [RunProgress] = []
        private let lock = NSLock()
        func add(_ p: RunProgress) { lock.withLock { events.append(p) } }
        var all: [RunProgress] { lock.withLock { events } }
    }
}
