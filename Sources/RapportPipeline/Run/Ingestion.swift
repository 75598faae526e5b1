import Dispatch
import Glibc
import RapportCore
import RapportIngest
import RapportTransforms

/// Counts the bytes a reader consumes (uncompressed), for throughput figures.
final class CountingSource: ByteSource {
    let inner: any ByteSource
    private(set) var count: Int64 = 0
    init(_ inner: any ByteSource) { self.inner = inner }
    var bytesFromDisk: Int64 { inner.bytesFromDisk }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = try inner.read(into: buffer)
        count += Int64(n)
        return n
    }
}

/// Analyses messages on other threads while the reader parses on: batches go round-robin to
/// serial queues, each with its own analyzer (its caches are used by one thread at a time),
/// and results are delivered on the reader's thread in the order they were read. At most two
/// batches per lane are in flight, which bounds the text held in memory.
final class AnalysisLanes<Output>: @unchecked Sendable {
    static var batchSize: Int { 1024 }
    private let lanes: [(analyzer: MessageAnalyzer, queue: DispatchQueue)]
    private let work: (MessageAnalyzer, Interaction) -> Output
    private let inFlight: DispatchSemaphore
    private let group = DispatchGroup()
    /// Finished batches by sequence number, waiting for delivery; guarded by `lock`.
    private var finished: [Int: MovingBatch<Output>] = [:]
    private var lock = pthread_mutex_t()
    private var delivered = 0
    private var submitted = 0
    private var batch = MovingBatch<Interaction>(capacity: batchSize)

    /// Every lane's analyzer (read once the lanes have finished).
    var analyzers: [MessageAnalyzer] { lanes.map(\.analyzer) }

    init(count: Int, makeAnalyzer: () -> MessageAnalyzer, work: @escaping (MessageAnalyzer, Interaction) -> Output) {
        lanes = (0..<max(1, count)).map { i in (makeAnalyzer(), DispatchQueue(label: "rapport.analysis.\(i)")) }
        self.work = work
        inFlight = DispatchSemaphore(value: 2 * lanes.count)
        pthread_mutex_init(&lock, nil)
    }

    deinit { pthread_mutex_destroy(&lock) }

    /// Queues one interaction; hands finished batches, in order, to `deliver`.
    func add(_ interaction: consuming Interaction, deliver: (MovingBatch<Output>) -> Void) {
        batch.append(interaction)
        if batch.count == Self.batchSize {
            submit()
            deliverReady(deliver)
        }
    }

    /// Analyses what is left and delivers everything not yet delivered.
    func finish(deliver: (MovingBatch<Output>) -> Void) {
        submit()
        group.wait()
        deliverReady(deliver)
    }

    private func submit() {
        guard batch.count > 0 else { return }
        let items = batch
        batch = MovingBatch(capacity: Self.batchSize)
        let sequence = submitted
        let laneIndex = sequence % lanes.count
        submitted += 1
        inFlight.wait()
        lanes[laneIndex].queue.async(group: group) {
            let analyzer = self.lanes[laneIndex].analyzer
            // Each record moved out, not copied: a copy was a retain and a release per string.
            let results = MovingBatch<Output>(capacity: items.count)
            items.moveEach { results.append(self.work(analyzer, $0)) }
            pthread_mutex_lock(&self.lock)
            self.finished[sequence] = results
            pthread_mutex_unlock(&self.lock)
            self.inFlight.signal()
        }
    }

    private func deliverReady(_ deliver: (MovingBatch<Output>) -> Void) {
        while true {
            pthread_mutex_lock(&lock)
            let next = finished.removeValue(forKey: delivered)
            pthread_mutex_unlock(&lock)
            guard let next else { return }
            delivered += 1
            deliver(next)
        }
    }
}

/// A batch handed between the reader and an analysis lane (records one way, results the
/// other), whose elements are moved in and moved out once: copying them out of an array was
/// a retain per string, and freeing the array a release, on every record.
final class MovingBatch<Element>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Element>
    let capacity: Int
    /// Elements held (appended and not yet moved out).
    private(set) var count = 0

    init(capacity: Int) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    func append(_ element: consuming Element) {
        precondition(count < capacity, "batch full")
        (base + count).initialize(to: element)
        count += 1
    }

    /// Moves the elements out one by one, in order.
    func moveEach(_ body: (consuming Element) -> Void) {
        let n = count
        count = 0
        for i in 0..<n { body((base + i).move()) }
    }
}

enum Ingestion {
    static func readAll(_ source: any ByteSource, _ buffer: inout [UInt8]) throws(InputError) -> Int {
        var result: Result<Int, InputError> = .success(0)
        buffer.withUnsafeMutableBytes { b in
            do throws(InputError) { result = .success(try source.read(into: b)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Opens a file as a byte stream: gzip when it ends in `.gz`; symlinks refused unless allowed.
    /// `hashing` receives the stored bytes' SHA-256 hasher when given.
    static func open(
        _ file: InputFile, hashing: ((HashingByteSource) -> Void)? = nil, opened: ((FileByteSource) -> Void)? = nil
    ) throws(InputError) -> any ByteSource {
        var st = stat()
        if lstat(file.path, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK, !file.source.followSymlinks {
            throw InputError(.unreadableFile, "is a symbolic link; set `follow_symlinks: true` on the source to read it")
        }
        let fileSource = try FileByteSource(path: file.path)
        opened?(fileSource)
        var raw: any ByteSource = fileSource
        if let hashing {
            let hasher = HashingByteSource(raw)
            hashing(hasher)
            raw = hasher
        }
        return file.path.hasSuffix(".gz") ? try GzipByteSource(raw) : raw
    }

    /// Refuses files that are clearly a format Rapport does not read, whatever the pipeline says.
    static func refuseUnsupported(_ source: PeekableByteSource, file: InputFile) throws(InputError) {
        var head = try source.peek(512)
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head.removeFirst(3) }
        let text = String(decoding: head, as: UTF8.self)
        let supported = "supported formats: \(FormatRegistry.names.joined(separator: ", "))"
        // Compressed bytes under a plain name: say so rather than report a parse error.
        if !file.path.hasSuffix(".gz") && head.starts(with: [0x1F, 0x8B]) {
            throw InputError(.unsupportedFormat, "this file is gzip-compressed but its name does not end in `.gz`; rename it (e.g. `\(file.display).gz`) so that Rapport inflates it")
        }
        if head.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) || head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x42, 0x5A, 0x68]) {
            throw InputError(.unsupportedFormat, "this file is an xz, zip or bzip2 archive, which Rapport does not read; unpack it, or recompress it with gzip and name it `.gz`")
        }
        if text.hasPrefix("From ") && file.source.format != Mbox.self {
            throw InputError(.unsupportedFormat, "this is an mbox mail archive: read it with `format: mbox`; \(supported)")
        }
        if text.hasPrefix("WEBVTT") && file.source.format != WebVTT.self {
            throw InputError(.unsupportedFormat, "this is a WebVTT transcript; read it with `kind: meeting, format: webvtt`")
        }
        if text.contains("nite.sourceforge.net") || text.contains("<nite:") {
            throw InputError(.unsupportedFormat, "this is AMI NXT meeting XML, which Rapport does not read yet; \(supported)")
        }
    }
}
