import Glibc
import RapportCore

/// Rows of a fact table (responses, conversations, interactions) gathered in any order and
/// handed out sorted by their keys, in bounded memory: rows beyond `memoryLimit` bytes are
/// sorted and written to a run file in `folder`, and the runs are merged as they are read.
/// Keys compare as bytes (``RowKey`` builds them so that byte order is the table's order).
public final class SortedRows: @unchecked Sendable {
    public let columns: Int
    private let folder: String?
    private let name: String
    private let memoryLimit: Int
    private var keys: [[UInt8]] = []
    /// Rows held as cells (encoded to bytes only when they are written to a run).
    private var rows: [[Cell]] = []
    private var held = 0
    private var runs: [String] = []

    public init(name: String, columns: Int, folder: String?, memoryLimit: Int) {
        self.name = name
        self.columns = columns
        self.folder = folder
        self.memoryLimit = memoryLimit
    }

    deinit { for r in runs { unlink(r) } }

    public var isEmpty: Bool { keys.isEmpty && runs.isEmpty }

    public func add(key: RowKey, cells: [Cell]) throws(RapportError) {
        precondition(cells.count == columns, "\(name): a row of \(cells.count) cells for \(columns) columns")
        held += key.bytes.count + 24 * cells.count + 64
        for c in cells { if case .text(let t) = c { held += t.utf8.count } }
        keys.append(key.bytes)
        rows.append(cells)
        if folder != nil && held > memoryLimit { try spill() }
    }

    private func order() -> [Int] {
        var order = Array(keys.indices)
        keys.withUnsafeBufferPointer { k in
            order.sort { a, b in
                let c = SortedRows.compare(k[a], k[b])
                return c != 0 ? c < 0 : a < b
            }
        }
        return order
    }

    /// Byte order of two keys (memcmp, then length).
    static func compare(_ x: [UInt8], _ y: [UInt8]) -> Int {
        x.withUnsafeBufferPointer { a in
            y.withUnsafeBufferPointer { b in
                let n = min(a.count, b.count)
                let c = n == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, n)
                return c != 0 ? Int(c) : a.count - b.count
            }
        }
    }

    /// Writes the rows held, sorted, as one run.
    private func spill() throws(RapportError) {
        guard let folder, !keys.isEmpty else { return }
        let path = "\(folder)/\(name)-run-\(runs.count)"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RapportError(.failed, file: path, "cannot write scratch rows: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var out: [UInt8] = []
        var row: [UInt8] = []
        for i in order() {
            RunCodec.append(keys[i], to: &out)
            row.removeAll(keepingCapacity: true)
            for c in rows[i] { CellCodec.append(c, to: &row) }
            RunCodec.append(row, to: &out)
            if out.count > 1 << 20 { try RunCodec.write(&out, fd: fd, path: path) }
        }
        try RunCodec.write(&out, fd: fd, path: path)
        runs.append(path)
        keys = []
        rows = []
        held = 0
    }

    /// Every row in key order (ties in the order added, within a run).
    public func forEachRow(_ body: ([Cell]) throws(RapportError) -> Void) throws(RapportError) {
        var sources: [RunReader] = []
        for r in runs { sources.append(try RunReader(path: r)) }
        let memory = order()
        var m = 0
        var heads: [([UInt8], [UInt8])?] = []
        for s in sources { heads.append(try s.next()) }
        var cells: [Cell] = []
        cells.reserveCapacity(columns)
        while true {
            // The smallest key among the runs' heads and the rows held (runs first on a tie: written earlier).
            var best = -1
            for (i, h) in heads.enumerated() {
                if let h, best < 0 || SortedRows.compare(h.0, heads[best]!.0) < 0 { best = i }
            }
            if m < memory.count && (best < 0 || SortedRows.compare(keys[memory[m]], heads[best]!.0) < 0) {
                try body(rows[memory[m]])
                m += 1
            } else if best >= 0 {
                cells.removeAll(keepingCapacity: true)
                CellCodec.decode(heads[best]!.1, into: &cells)
                heads[best] = try sources[best].next()
                try body(cells)
            } else {
                break
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
            s.withUTF8Bytes { RunCodec.append(Array($0), to: &out) }
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

    static func decode(_ row: [UInt8], into cells: inout [Cell]) {
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
                cells.append(.text(String(decoding: row[i..<(i + n)], as: UTF8.self)))
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
    static func append(_ b: [UInt8], to out: inout [UInt8]) {
        var n = UInt64(b.count)
        while n >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: n) | 0x80)
            n >>= 7
        }
        out.append(UInt8(n))
        out.append(contentsOf: b)
    }

    static func length(_ b: [UInt8], at start: Int) -> (Int, Int) {
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

/// Reads a run file's (key, row) pairs in order, a megabyte at a time.
final class RunReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var position = 0
    private var ended = false

    init(path: String) throws(RapportError) {
        fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw RapportError(.failed, file: path, "cannot read scratch rows back: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    private func ensure(_ n: Int) throws(RapportError) -> Bool {
        while buffer.count - position < n && !ended {
            buffer.removeFirst(position)
            position = 0
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got < 0 { throw RapportError(.failed, "cannot read scratch rows back: \(String(cString: strerror(errno)))") }
            if got == 0 { ended = true } else { buffer += chunk[..<got] }
        }
        return buffer.count - position >= n
    }

    private func field() throws(RapportError) -> [UInt8]? {
        guard try ensure(1) else { return nil }
        var n = 0
        var shift = 0
        while true {
            guard try ensure(1) else { throw RapportError(.failed, "scratch rows are cut short") }
            let c = buffer[position]
            position += 1
            n |= Int(c & 0x7F) << shift
            if c < 0x80 { break }
            shift += 7
        }
        guard try ensure(n) else { throw RapportError(.failed, "scratch rows are cut short") }
        defer { position += n }
        return Array(buffer[position..<(position + n)])
    }

    func next() throws(RapportError) -> ([UInt8], [UInt8])? {
        guard let key = try field() else { return nil }
        guard let row = try field() else { throw RapportError(.failed, "scratch rows are cut short") }
        return (key, row)
    }
}
