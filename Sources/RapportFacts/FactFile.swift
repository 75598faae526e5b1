import Crypto
import CZlib
import Glibc
import RapportCore

/// A fact file: what extraction kept of one input file (docs/fact-files.md).
///
/// ```
/// "RAPPORTF" version:u32
/// block*    kind:u8 records:u32 raw-length:u32 stored-length:u32 payload (deflate)
/// summary   a block of kind `summary` (the file's reconciliation and identity)
/// footer    summary-offset:u64 SHA-256(every byte before it):32 "FEND"
/// ```
/// Blocks hold up to ``FactFileWriter/blockRecords`` records of one kind, so that a reader
/// streams a file block by block. A file that is truncated, has a flipped byte, another
/// version or a wrong checksum is refused (``FactFileError``) and extracted again.
public enum FactFile {
    public static let magic = Array("RAPPORTF".utf8)
    public static let trailer = Array("FEND".utf8)
    /// The layout's version: a file of another version is extracted again.
    public static let version: UInt32 = 2

    public enum BlockKind: UInt8, Sendable {
        case actors = 1, emails, ticketEvents, tickets, meetings, rejects, warnings, summary
    }

    /// What an input file gave, beside its records (the run's reconciliation, report.json).
    public struct Summary: Sendable, Equatable {
        public var input = InputIdentity()
        public var extractor = ""
        public var settingsDigest = ""
        public var format = ""
        public var sha256 = ""
        public var recordsRead = 0
        public var bytesOnDisk: Int64 = 0
        public var decodedBytes: Int64 = 0
        /// Set when the whole file could not be read (it then contributes no records).
        public var failure: FileFailure?
        public var counts: [BlockKind: Int] = [:]
        /// Records rejected as more than a day in the future: once that moment is near, the
        /// file is extracted again (what was the future may have happened by then).
        public var futureRejects: [Instant] = []
        public var earliest: Instant?
        public var latest: Instant?
        public init() {}

        public static func == (a: Summary, b: Summary) -> Bool {
            a.input == b.input && a.extractor == b.extractor && a.settingsDigest == b.settingsDigest && a.sha256 == b.sha256
                && a.recordsRead == b.recordsRead && a.counts == b.counts
        }
    }
}

/// Why a whole input file could not be read (a `rejects.csv` row with an empty record).
public struct FileFailure: Sendable, Equatable {
    public var reason: RejectReason
    public var message: String
    public init(reason: RejectReason, message: String) {
        self.reason = reason
        self.message = message
    }
}

/// An input file as the cache knows it: device, inode, size and modification time.
public struct InputIdentity: Sendable, Hashable {
    public var device: UInt64 = 0
    public var inode: UInt64 = 0
    public var size: Int64 = 0
    public var modifiedNanoseconds: Int64 = 0
    public init() {}
    public init(device: UInt64, inode: UInt64, size: Int64, modifiedNanoseconds: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
    }

    /// The identity of the file at `path` (following a symlink, as reading it does).
    public static func of(_ path: String) -> InputIdentity? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return InputIdentity(
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
            modifiedNanoseconds: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
    }
}

/// Writes a fact file through a descriptor, block by block, hashing as it goes.
public final class FactFileWriter {
    /// Records per block: a reader holds one block of each kind at a time.
    public static let blockRecords = 4096

    private let fd: Int32
    public let path: String
    private var hasher = SHA256()
    private var written: Int64 = 0
    private var pending: [FactFile.BlockKind: (writer: ByteWriter, count: Int, delta: DeltaState)] = [:]
    private var actorsWritten = 0
    private var actors: [String] = []
    private var actorIndex: [String: UInt32] = [:]
    public var summary = FactFile.Summary()

    /// Creates `path` (0600) exclusively: it must not exist (the cache writes a fresh temporary name).
    public init(path: String) throws(FactFileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FactFileError("cannot create \(path): \(String(cString: strerror(errno)))") }
        self.fd = fd
        self.path = path
        try emit(FactFile.magic)
        var version = ByteWriter()
        version.fixed(UInt64(FactFile.version))
        try emit(Array(version.bytes.prefix(4)))
    }

    deinit { if fd >= 0 { close(fd) } }

    /// The index of `actor` in this file's actor table (added on first use).
    public func actor(_ actor: String) -> UInt32 {
        if let i = actorIndex[actor] { return i }
        let i = UInt32(actors.count)
        actors.append(actor)
        actorIndex[actor] = i
        return i
    }

    public func add(_ m: ExtractedEmail) throws(FactFileError) {
        seen(m.at)
        try append(.emails) { EmailCodec.write(m, &$0, &$1) }
    }

    public func add(_ e: ExtractedTicketEvent) throws(FactFileError) {
        seen(e.at)
        try append(.ticketEvents) { TicketEventCodec.write(e, &$0, &$1) }
    }

    /// The file's earliest and latest instants (as-of and the window start come from them).
    private func seen(_ t: Instant) {
        if summary.earliest.map({ t < $0 }) ?? true { summary.earliest = t }
        if summary.latest.map({ t > $0 }) ?? true { summary.latest = t }
    }

    public func add(_ t: TicketState) throws(FactFileError) {
        try append(.tickets) { w, _ in TicketStateCodec.write(t, &w) }
    }

    public func add(_ m: MeetingRecord) throws(FactFileError) {
        seen(m.scheduledStart)
        for i in m.invitees { if let j = i.joined { seen(j) } }
        try append(.meetings) { w, _ in MeetingCodec.write(m, &w) }
    }

    public func add(_ r: Reject) throws(FactFileError) {
        try append(.rejects) { w, _ in RejectCodec.write(r, &w) }
    }

    public func addWarning(_ text: String) throws(FactFileError) {
        try append(.warnings) { w, _ in w.string(text) }
    }

    private func append(_ kind: FactFile.BlockKind, _ body: (inout ByteWriter, inout DeltaState) -> Void) throws(FactFileError) {
        // Taken out of the dictionary, not copied: a second reference would make every append copy the block.
        var entry = pending.removeValue(forKey: kind) ?? (ByteWriter(capacity: 1 << 16), 0, DeltaState())
        body(&entry.writer, &entry.delta)
        entry.count += 1
        summary.counts[kind, default: 0] += 1
        if entry.count == FactFileWriter.blockRecords {
            pending[kind] = nil
            try flushActors()
            try writeBlock(kind, count: entry.count, payload: entry.writer.bytes)
        } else {
            pending[kind] = entry
        }
    }

    /// New actors go out before any block that names them.
    private func flushActors() throws(FactFileError) {
        guard actorsWritten < actors.count else { return }
        var w = ByteWriter()
        for a in actors[actorsWritten...] { w.string(a) }
        try writeBlock(.actors, count: actors.count - actorsWritten, payload: w.bytes)
        actorsWritten = actors.count
    }

    private func writeBlock(_ kind: FactFile.BlockKind, count: Int, payload: [UInt8]) throws(FactFileError) {
        let stored = try Deflate.compress(payload)
        var head = ByteWriter()
        head.byte(kind.rawValue)
        for v in [UInt32(count), UInt32(payload.count), UInt32(stored.count)] { withUnsafeBytes(of: v.littleEndian) { head.raw($0) } }
        try emit(head.bytes)
        try emit(stored)
    }

    /// Writes what is pending, the summary and the footer, and forces the file to disk.
    public func finish() throws(FactFileError) {
        try flushActors()
        for kind in [FactFile.BlockKind.emails, .ticketEvents, .tickets, .meetings, .rejects, .warnings] {
            if let entry = pending[kind] { try writeBlock(kind, count: entry.count, payload: entry.writer.bytes) }
        }
        pending = [:]
        let summaryOffset = UInt64(written)
        try writeBlock(.summary, count: 1, payload: SummaryCodec.encode(summary))
        var offset = ByteWriter()
        offset.fixed(summaryOffset)
        try emit(offset.bytes)
        let digest = Array(hasher.finalize())
        try emit(digest, hashing: false)
        try emit(FactFile.trailer, hashing: false)
        guard fsync(fd) == 0 else { throw FactFileError("cannot flush \(path): \(String(cString: strerror(errno)))") }
    }

    private func emit(_ bytes: [UInt8], hashing: Bool = true) throws(FactFileError) {
        if hashing { hasher.update(data: bytes) }
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FactFileError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            off += n
        }
        written += Int64(bytes.count)
    }
}

/// One-shot deflate and inflate of a block (zlib).
enum Deflate {
    static func compress(_ input: [UInt8]) throws(FactFileError) -> [UInt8] {
        var size = compressBound(uLong(input.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let rc = out.withUnsafeMutableBufferPointer { o in
            input.withUnsafeBufferPointer { i in compress2(o.baseAddress, &size, i.baseAddress, uLong(i.count), 1) }
        }
        guard rc == Z_OK else { throw FactFileError("deflate failed (\(rc))") }
        out.removeLast(out.count - Int(size))
        return out
    }

    static func decompress(_ input: ArraySlice<UInt8>, rawLength: Int) throws(FactFileError) -> [UInt8] {
        var size = uLong(rawLength)
        var out = [UInt8](repeating: 0, count: rawLength)
        let rc = out.withUnsafeMutableBufferPointer { o in
            input.withUnsafeBufferPointer { i in uncompress(o.baseAddress, &size, i.baseAddress, uLong(i.count)) }
        }
        guard rc == Z_OK, Int(size) == rawLength else { throw FactFileError("a block does not inflate to its recorded length (damaged)") }
        return out
    }
}

enum SummaryCodec {
    static func encode(_ s: FactFile.Summary) -> [UInt8] {
        var w = ByteWriter()
        for v in [s.input.device, s.input.inode] { w.fixed(v) }
        w.int(s.input.size)
        w.int(s.input.modifiedNanoseconds)
        w.string(s.extractor)
        w.string(s.settingsDigest)
        w.string(s.format)
        w.string(s.sha256)
        w.int(s.recordsRead)
        w.int(s.bytesOnDisk)
        w.int(s.decodedBytes)
        if let f = s.failure {
            w.byte(1)
            w.string(f.reason.rawValue)
            w.string(f.message)
        } else {
            w.byte(0)
        }
        w.varint(UInt64(s.counts.count))
        for (k, n) in s.counts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            w.byte(k.rawValue)
            w.int(n)
        }
        w.varint(UInt64(s.futureRejects.count))
        for t in s.futureRejects { w.int(t.nanoseconds) }
        w.optionalInstant(s.earliest)
        w.optionalInstant(s.latest)
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(FactFileError) -> FactFile.Summary {
        var r = ByteReader(bytes)
        var s = FactFile.Summary()
        s.input = InputIdentity(device: try r.fixed(), inode: try r.fixed(), size: try r.int(), modifiedNanoseconds: try r.int())
        s.extractor = try r.string()
        s.settingsDigest = try r.string()
        s.format = try r.string()
        s.sha256 = try r.string()
        s.recordsRead = Int(try r.int())
        s.bytesOnDisk = try r.int()
        s.decodedBytes = try r.int()
        if try r.byte() == 1 {
            let code = try r.string()
            guard let reason = RejectReason(rawValue: code) else { throw FactFileError("unknown failure reason \(code)") }
            s.failure = FileFailure(reason: reason, message: try r.string())
        }
        for _ in 0..<(try r.count(max: 64)) {
            guard let k = FactFile.BlockKind(rawValue: try r.byte()) else { throw FactFileError("unknown block kind in the summary") }
            s.counts[k] = Int(try r.int())
        }
        for _ in 0..<(try r.count()) { s.futureRejects.append(Instant(nanoseconds: try r.int())) }
        s.earliest = try r.optionalInstant()
        s.latest = try r.optionalInstant()
        return s
    }
}
