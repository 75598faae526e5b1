import Crypto
import Glibc
import RapportCore

/// What a scan of a fact file hands on, record by record in file order. Every method has a
/// default that ignores the record, so a pass implements only what it reads.
public protocol FactVisitor {
    mutating func actor(_ name: String)
    mutating func email(_ m: ExtractedEmail) throws(FactFileError)
    mutating func ticketEvent(_ e: ExtractedTicketEvent) throws(FactFileError)
    mutating func ticket(_ t: TicketState) throws(FactFileError)
    mutating func meeting(_ m: MeetingRecord) throws(FactFileError)
    mutating func reject(_ r: Reject) throws(FactFileError)
    mutating func warning(_ text: String) throws(FactFileError)
    /// The block kinds the pass reads: others are skipped without inflating them.
    var wants: Set<FactFile.BlockKind> { get }
    /// True when the pass reads e-mails as ``EmailKeys`` (threading), not whole.
    var wantsEmailKeys: Bool { get }
    mutating func emailKeys(_ k: EmailKeys) throws(FactFileError)
}

extension FactVisitor {
    public mutating func actor(_ name: String) {}
    public mutating func email(_ m: ExtractedEmail) throws(FactFileError) {}
    public mutating func ticketEvent(_ e: ExtractedTicketEvent) throws(FactFileError) {}
    public mutating func ticket(_ t: TicketState) throws(FactFileError) {}
    public mutating func meeting(_ m: MeetingRecord) throws(FactFileError) {}
    public mutating func reject(_ r: Reject) throws(FactFileError) {}
    public mutating func warning(_ text: String) throws(FactFileError) {}
    public var wantsEmailKeys: Bool { false }
    public mutating func emailKeys(_ k: EmailKeys) throws(FactFileError) {}
}

/// Opens a fact file, checks it whole (magic, version, footer, SHA-256) before anything of
/// it is believed, then reads it block by block: memory holds one block, never the file.
public final class FactFileReader {
    public let path: String
    public let summary: FactFile.Summary
    private let fd: Int32
    private let summaryOffset: Int64

    public init(path: String) throws(FactFileError) {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw FactFileError("cannot open \(path): \(String(cString: strerror(errno)))") }
        self.fd = fd
        self.path = path
        var st = stat()
        fstat(fd, &st)
        let size = Int64(st.st_size)
        let fixed = Int64(FactFile.magic.count + 4)
        let footer = Int64(8 + 32 + FactFile.trailer.count)
        guard size >= fixed + footer else {
            close(fd)
            throw FactFileError("the fact file is truncated (\(size) bytes)")
        }
        do throws(FactFileError) {
            let head = try Self.pread(fd, at: 0, count: Int(fixed))
            guard Array(head.prefix(8)) == FactFile.magic else { throw FactFileError("not a fact file") }
            let version = UInt32(head[8]) | UInt32(head[9]) << 8 | UInt32(head[10]) << 16 | UInt32(head[11]) << 24
            guard version == FactFile.version else { throw FactFileError("a fact file of version \(version), not \(FactFile.version)") }
            let tail = try Self.pread(fd, at: size - footer, count: Int(footer))
            guard Array(tail.suffix(4)) == FactFile.trailer else { throw FactFileError("the fact file is truncated (no footer)") }
            var digest = SHA256()
            var offset: Int64 = 0
            let body = size - 32 - Int64(FactFile.trailer.count)
            while offset < body {
                let chunk = try Self.pread(fd, at: offset, count: Int(min(1 << 20, body - offset)))
                digest.update(data: chunk)
                offset += Int64(chunk.count)
            }
            guard Array(digest.finalize()) == Array(tail[8..<40]) else { throw FactFileError("the fact file's checksum does not match (damaged)") }
            var r = ByteReader(Array(tail.prefix(8)))
            summaryOffset = Int64(bitPattern: try r.fixed())
            guard summaryOffset >= fixed, summaryOffset < size - footer else { throw FactFileError("the summary offset is outside the file") }
            var at = summaryOffset
            guard let (kind, _, payload) = try Self.block(fd, at: &at), kind == .summary else { throw FactFileError("no summary block") }
            summary = try SummaryCodec.decode(payload)
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    /// Hands every record of the kinds `visitor` wants to it, in file order.
    public func scan(_ visitor: inout some FactVisitor, file: Int32) throws(FactFileError) {
        var at = Int64(FactFile.magic.count + 4)
        let wants = visitor.wants
        while at < summaryOffset {
            guard let (kind, count, payload) = try Self.block(fd, at: &at, skipUnless: wants.union([.actors])) else { continue }
            var r = ByteReader(payload)
            var delta = DeltaState()
            if kind == .emails && visitor.wantsEmailKeys {
                var keys = EmailKeys()
                for _ in 0..<count {
                    try EmailCodec.readKeys(&r, &delta, into: &keys)
                    try visitor.emailKeys(keys)
                }
                guard r.isAtEnd else { throw FactFileError("an e-mail block holds more than its \(count) records") }
                continue
            }
            for _ in 0..<count {
                switch kind {
                case .actors: visitor.actor(try r.string())
                case .emails: try visitor.email(try EmailCodec.read(&r, &delta, file: file))
                case .ticketEvents: try visitor.ticketEvent(try TicketEventCodec.read(&r, &delta, file: file))
                case .tickets: try visitor.ticket(try TicketStateCodec.read(&r, file: file))
                case .meetings: try visitor.meeting(try MeetingCodec.read(&r, file: file))
                case .rejects: try visitor.reject(try RejectCodec.read(&r, file: file))
                case .warnings: try visitor.warning(try r.string())
                case .summary: throw FactFileError("a second summary block")
                }
            }
            guard r.isAtEnd else { throw FactFileError("a \(kind) block holds more than its \(count) records") }
        }
    }

    /// Reads the block at `at` (advancing past it); nil when its kind is not wanted (not inflated).
    static func block(
        _ fd: Int32, at: inout Int64, skipUnless wants: Set<FactFile.BlockKind>? = nil
    ) throws(FactFileError) -> (FactFile.BlockKind, Int, [UInt8])? {
        let head = try pread(fd, at: at, count: 13)
        guard let kind = FactFile.BlockKind(rawValue: head[0]) else { throw FactFileError("unknown block kind \(head[0])") }
        func u32(_ i: Int) -> Int { Int(UInt32(head[i]) | UInt32(head[i + 1]) << 8 | UInt32(head[i + 2]) << 16 | UInt32(head[i + 3]) << 24) }
        let (count, rawLength, storedLength) = (u32(1), u32(5), u32(9))
        guard rawLength <= 1 << 30, storedLength <= 1 << 30 else { throw FactFileError("a block of implausible size") }
        at += 13
        defer { at += Int64(storedLength) }
        if let wants, !wants.contains(kind) { return nil }
        let stored = try pread(fd, at: at, count: storedLength)
        return (kind, count, try Deflate.decompress(stored[...], rawLength: rawLength))
    }

    static func pread(_ fd: Int32, at offset: Int64, count: Int) throws(FactFileError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw FactFileError("the fact file is truncated") }
            done += n
        }
        return out
    }
}
