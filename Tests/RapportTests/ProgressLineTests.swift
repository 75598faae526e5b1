import Foundation
import Logging
import RapportIngest
@testable import RapportPipeline
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

    /// Within the extract phase the line counts the part read of each file being read, so a
    /// large file moves it: finished files' sizes plus the bytes read of the others.
    @Test func theGaugeCountsFilesBeingReadAndFinished() {
        let seen = Seen()
        let gauge = ExtractionGauge(files: 2, bytesTotal: 3000, interval: 0, report: { seen.add($0) })
        gauge.reading(0, bytes: 1000)
        gauge.reading(1, bytes: 500)
        gauge.finished(0, bytes: 2000, records: 10)  // 2000 + 500 of file 1
        gauge.reading(1, bytes: 900)
        gauge.finished(1, bytes: 1000, records: 5)
        #expect(seen.all.map(\.bytesDone) == [0, 1000, 1500, 2500, 2900, 3000])
        #expect(seen.all.map(\.filesDone) == [0, 0, 0, 1, 1, 2])
        #expect(seen.all.map(\.records) == [0, 0, 0, 10, 10, 15])
        // Between files, a report at most every interval: none within a minute of the last.
        let slow = Seen()
        let throttled = ExtractionGauge(files: 1, bytesTotal: 10, interval: 60, report: { slow.add($0) })
        throttled.reading(0, bytes: 5)
        throttled.finished(0, bytes: 10, records: 1)
        #expect(slow.all.map(\.bytesDone) == [0, 10])
    }

    /// The source tells the gauge its bytes from disk each MiB: 3.5 MiB read in 256 KiB
    /// chunks is noted at 1, 2 and 3 MiB.
    @Test func aGaugedSourceNotesEachMiB() throws {
        let noted = Seen.Bytes()
        let source = GaugedSource(MemoryByteSource([UInt8](repeating: 65, count: 7 << 19), chunkSize: 1 << 18), every: 1 << 20, note: { noted.add($0) })
        var buffer = [UInt8](repeating: 0, count: 1 << 18)
        var total = 0
        while case let n = try buffer.withUnsafeMutableBytes({ try source.read(into: $0) }), n > 0 { total += n }
        #expect(total == 7 << 19)
        #expect(noted.all == [1 << 20, 2 << 20, 3 << 20])
    }

    final class Seen: @unchecked Sendable {
        final class Bytes: @unchecked Sendable {
            private(set) var all: [Int64] = []
            func add(_ b: Int64) { all.append(b) }
        }
        private var events: [RunProgress] = []
        private let lock = NSLock()
        func add(_ p: RunProgress) { lock.withLock { events.append(p) } }
        var all: [RunProgress] { lock.withLock { events } }
    }
}
