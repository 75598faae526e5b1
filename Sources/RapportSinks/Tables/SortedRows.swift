import Glibc
import RapportCore

/// Rows of a fact table (responses, conversations, interactions) gathered in any order and
/// handed out sorted by their keys, in bounded memory: rows beyond `memoryLimit` bytes are
/// sorted and written to a run file in `folder`, and the runs are merged as they are read.
/// Keys compare as bytes (``RowKey`` builds them so that byte order is the table's order).
/// Rows are held encoded in one arena (key, then cells), not as arrays of their own.
public final class SortedRows: @unchecked Sendable {
    public let columns: Int
    private let folder: String?
    private let name: String
    private let memoryLimit: Int
    /// Each row: its key's and its cells' bytes, one after the other in `arena`.
    private var arena: [UInt8] = []
    private var rows: [(start: Int, keyLength: Int32, rowLength: Int32)] = []
    private var runs: [String] = []

    public init(name: String, columns: Int, folder: String?, memoryLimit: Int) {
        self.name = name
        self.columns = columns
        self.folder = folder
        self.memoryLimit = memoryLimit
    }

    deinit { for r in runs { unlink(r) } }

    public var isEmpty: Bool { rows.isEmpty && runs.isEmpty }

    public func add(key: RowKey, cells: [Cell]) throws(RapportError) {
        precondition(cells.count == columns, "\(name): a row of \(cells.count) cells for \(columns) columns")
        let start = arena.count
        arena.append(contentsOf: key.bytes)
        for c in cells { CellCodec.append(c, to: &arena) }
        rows.append((start, Int32(key.bytes.count), Int32(arena.count - start - key.bytes.count)))
        if folder != nil && arena.count + 16 * rows.count > memoryLimit { try spill() }
    }

    /// The rows held, sorted by key (ties in the order added).
    private func order() -> [Int] {
        var order = Array(rows.indices)
        arena.withUnsafeBufferPointer { a in
            rows.withUnsafeBufferPointer { r in
                order.sort { x, y in
                    let c = SortedRows.compare(
                        UnsafeBufferPointer(rebasing: a[r[x].start..<(r[x].start + Int(r[x].keyLength))]),
                        UnsafeBufferPointer(rebasing: a[r[y].start..<(r[y].start + Int(r[y].keyLength))]))
                    return c != 0 ? c < 0 : x < y
                }
            }
        }
        return order
    }

    /// Byte order of two keys (memcmp, then length).
    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        let c = n == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, n)
        return c != 0 ? Int(c) : a.count - b.count
    }

    private func key(_ i: Int, in a: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: a[rows[i].start..<(rows[i].start + Int(rows[i].keyLength))])
    }

    private func rowCells(_ i: Int, in a: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let from = rows[i].start + Int(rows[i].keyLength)
        return UnsafeBufferPointer(rebasing: a[from..<(from + Int(rows[i].rowLength))])
    }

    /// Writes the rows held, sorted, as one run.
    private func spill() throws(RapportError) {
        guard let folder, !rows.isEmpty else { return }
        try writeRun("\(folder)/\(name)-run-\(runs.count)")
    }

    /// Hands every row over as sorted run files in `folder` (on the same filesystem as the
    /// table's own), named `prefix-0`, `prefix-1`…, for another process to merge with
    /// ``adopt(runs:)``: how a shard of the analysis passes its rows on. The table is empty after.
    public func export(into folder: String, prefix: String) throws(RapportError) -> [String] {
        var paths: [String] = []
        for r in runs {
            let path = "\(folder)/\(prefix)-\(paths.count)"
            guard rename(r, path) == 0 else { throw RapportError(.failed, file: path, "cannot move scratch rows: \(String(cString: strerror(errno)))") }
            paths.append(path)
        }
        runs = []
        if !rows.isEmpty {
            let path = "\(folder)/\(prefix)-\(paths.count)"
            try writeRun(path)
            paths.append(path)
            runs = []
        }
        return paths
    }

    /// Takes sorted run files written by ``export(into:prefix:)`` as runs of this table (they
    /// are removed with it). Ties between runs keep the order adopted.
    public func adopt(runs paths: [String]) { runs += paths }

    private func writeRun(_ path: String) throws(RapportError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RapportError(.failed, file: path, "cannot write scratch rows: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20 + 4096)
        let sorted = order()
        try arena.withUnsafeBufferPointer { (a) throws(RapportError) in
            for i in sorted {
                RunCodec.append(key(i, in: a), to: &out)
                RunCodec.append(rowCells(i, in: a), to: &out)
                if out.count > 1 << 20 { try RunCodec.write(&out, fd: fd, path: path) }
            }
        }
        try RunCodec.write(&out, fd: fd, path: path)
        runs.append(path)
        arena.removeAll(keepingCapacity: true)
        rows.removeAll(keepingCapacity: true)
    }

    /// Every row in key order (ties in the order added: earlier runs first).
    public func forEachRow(_ body: ([Cell]) throws(RapportError) -> Void) throws(RapportError) {
        var sources: [RunReader] = []
        for r in runs { sources.append(try RunReader(path: r)) }
        for s in sources { try s.advance() }
        let memory = order()
        var m = 0
        var cells: [Cell] = []
        cells.reserveCapacity(columns)
        try arena.withUnsafeBufferPointer { (a) throws(RapportError) in
            while true {
                var best = -1
                for (i, s) in sources.enumerated() where s.hasRow {
                    if best < 0 || s.withKey({ k in sources[best].withKey { SortedRows.compare(k, $0) } }) < 0 { best = i }
                }
                cells.removeAll(keepingCapacity: true)
                if m < memory.count && (best < 0 || sources[best].withKey({ SortedRows.compare(key(memory[m], in: a), $0) }) < 0) {
                    CellCodec.decode(rowCells(memory[m], in: a), into: &cells)
                    m += 1
                } else if best >= 0 {
                    sources[best].withRow { CellCodec.decode($0, into: &cells) }
                    try sources[best].advance()
                } else {
                    break
                }
                try body(cells)
            }
        }
    }
}

/// A sort key whose byte order is the table's row order: fixed-width big-endian integers,
/// and texts with 0x00 escaped and a 0x00 0x00 terminator (so a text sorts before its extensions).
public struct RowKey: Sendable {
    public private(set) var bytes: [UInt8] = []
    public init() { bytes.reserveCapacity(48) }

    public mutating func int(_ v: Int) {
        let u = UInt64(bitPattern: Int64(v)) ^ (1 << 63)  // signed order
        for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: u >> UInt64(s))) }
    }

    public mutating func text(_ s: String) {
        s.withUTF8Bytes { b in
            for c in b {
                bytes.append(c)
                if c == 0 { bytes.append(0xFF) }
            }
        }
        bytes.append(0)
        bytes.append(0)
    }
}

/// Cells as bytes for the scratch runs.
enum CellCodec {
    static func append(_ c: Cell, to out: inout [UInt8]) {
        switch c {
        case .empty: out.append(0)
        case .text(let s):
            out.append(1)
            s.withUTF8Bytes { RunCodec.append($0, to: &out) }
        case .number(let d):
            out.append(2)
            withUnsafeBytes(of: d.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        case .integer(let i):
            out.append(3)
            withUnsafeBytes(of: Int64(i).littleEndian) { out.append(contentsOf: $0) }
        case .bool(let b): out.append(b ? 5 : 4)
        case .instant(let t):
            out.append(6)
            withUnsafeBytes(of: t.nanoseconds.littleEndian) { out.append(contentsOf: $0) }
        case .date(let d):
            out.append(7)
            withUnsafeBytes(of: d.daysSinceEpoch.littleEndian) { out.append(contentsOf: $0) }
        }
    }

    static func decode(_ row: UnsafeBufferPointer<UInt8>, into cells: inout [Cell]) {
        var i = 0
        func word() -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(row[i + k]) << (8 * UInt64(k)) }
            i += 8
            return v
        }
        while i < row.count {
            let tag = row[i]
            i += 1
            switch tag {
            case 0: cells.append(.empty)
            case 1:
                let (n, used) = RunCodec.length(row, at: i)
                i += used
                cells.append(.text(String(decoding: UnsafeBufferPointer(rebasing: row[i..<(i + n)]), as: UTF8.self)))
                i += n
            case 2: cells.append(.number(Double(bitPattern: word())))
            case 3: cells.append(.integer(Int(Int64(bitPattern: word()))))
            case 4: cells.append(.bool(false))
            case 5: cells.append(.bool(true))
            case 6: cells.append(.instant(Instant(nanoseconds: Int64(bitPattern: word()))))
            default: cells.append(.date(LocalDate(daysSinceEpoch: Int64(bitPattern: word()))))
            }
        }
    }
}

/// Length-prefixed byte strings in a run file.
enum RunCodec {
    static func append(_ b: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var n = UInt64(b.count)
        while n >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: n) | 0x80)
            n >>= 7
        }
        out.append(UInt8(n))
        out.append(contentsOf: b)
    }

    static func length(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> (Int, Int) {
        var v = 0
        var shift = 0
        var i = start
        while true {
            let c = b[i]
            v |= Int(c & 0x7F) << shift
            i += 1
            if c < 0x80 { return (v, i - start) }
            shift += 7
        }
    }

    static func write(_ out: inout [UInt8], fd: Int32, path: String) throws(RapportError) {
        var off = 0
        while off < out.count {
            let n = out.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RapportError(.failed, file: path, "cannot write scratch rows (\(String(cString: strerror(errno)))); the disk may be full")
            }
            off += n
        }
        out.removeAll(keepingCapacity: true)
    }
}

/// Reads a run file's (key, row) pairs in order, a megabyte at a time, handing out the
/// current pair in place (no array per row).
final class RunReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var position = 0
    private var ended = false
    private var keyRange = 0..<0
    private var rowRange = 0..<0
    private(set) var hasRow = false

    init(path: String) throws(RapportError) {
        fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw RapportError(.failed, file: path, "cannot read scratch rows back: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    func withKey<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[keyRange])) }
    }

    func withRow<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[rowRange])) }
    }

    /// Makes at least `n` unread bytes available (false at the end of the file).
    private func ensure(_ n: Int) throws(RapportError) -> Bool {
        while buffer.count - position < n && !ended {
            buffer.removeSubrange(0..<position)
            position = 0
            let old = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: 1 << 20))
            let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, 1 << 20) }
            if got < 0 { throw RapportError(.failed, "cannot read scratch rows back: \(String(cString: strerror(errno)))") }
            buffer.removeLast((1 << 20) - got)
            if got == 0 { ended = true }
        }
        return buffer.count - position >= n
    }

    /// A varint at `offset` bytes past the current position (advancing `offset`).
    private func varint(at offset: inout Int) throws(RapportError) -> Int {
        var n = 0
        var shift = 0
        while true {
            guard try ensure(offset + 1) else { throw RapportError(.failed, "scratch rows are cut short") }
            let c = buffer[position + offset]
            offset += 1
            n |= Int(c & 0x7F) << shift
            if c < 0x80 { return n }
            shift += 7
        }
    }

    /// Moves to the next pair (`hasRow` false at the end). Offsets are taken from the current
    /// position, which a refill moves to the buffer's start along with the bytes after it.
    func advance() throws(RapportError) {
        guard try ensure(1) else {
            hasRow = false
            return
        }
        var off = 0
        let keyLength = try varint(at: &off)
        let keyStart = off
        off += keyLength
        guard try ensure(off) else { throw RapportError(.failed, "scratch rows are cut short") }
        let rowLength = try varint(at: &off)
        let rowStart = off
        off += rowLength
        guard try ensure(off) else { throw RapportError(.failed, "scratch rows are cut short") }
        keyRange = (position + keyStart)..<(position + keyStart + keyLength)
        rowRange = (position + rowStart)..<(position + rowStart + rowLength)
        position += off
        hasRow = true
    }
}
