import CZlib
import Glibc
import RapportCore

/// Writes a gzip file with zlib's deflate, streaming (for generated exports and test fixtures).
public final class GzipWriter {
    private let stream: UnsafeMutablePointer<z_stream>
    private let fd: Int32
    private var output: [UInt8]
    private var pending: [UInt8] = []
    public let path: String
    public private(set) var bytesIn: Int64 = 0

    /// `level` 1 (fast) to 9 (small); 6 is gzip's default.
    public init(path: String, level: Int32 = 6) throws(RapportError) {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw RapportError(.failed, file: path, "cannot write: \(String(cString: strerror(errno)))") }
        self.fd = fd
        self.output = [UInt8](repeating: 0, count: 256 << 10)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        deflateInit2_(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        pending.reserveCapacity(256 << 10)
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        Glibc.close(fd)
    }

    public func write(_ s: String) throws(RapportError) {
        pending.append(contentsOf: s.utf8)
        if pending.count >= 256 << 10 { try drain(Z_NO_FLUSH) }
    }

    public func write(bytes: [UInt8]) throws(RapportError) {
        pending.append(contentsOf: bytes)
        if pending.count >= 256 << 10 { try drain(Z_NO_FLUSH) }
    }

    private func drain(_ flush: Int32) throws(RapportError) {
        bytesIn += Int64(pending.count)
        let outCount = output.count
        var failure: RapportError?
        pending.withUnsafeMutableBytes { input in
            stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = uInt(input.count)
            output.withUnsafeMutableBytes { out in
                repeat {
                    stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = uInt(outCount)
                    deflate(stream, flush)
                    let produced = outCount - Int(stream.pointee.avail_out)
                    var off = 0
                    while off < produced {
                        let n = Glibc.write(fd, out.baseAddress! + off, produced - off)
                        if n <= 0 {
                            failure = RapportError(.failed, file: path, "write failed: \(String(cString: strerror(errno)))")
                            return
                        }
                        off += n
                    }
                } while stream.pointee.avail_out == 0
            }
        }
        pending.removeAll(keepingCapacity: true)
        if let failure { throw failure }
    }

    /// Finishes the gzip member and closes the file.
    public func close() throws(RapportError) {
        try drain(Z_FINISH)
    }

    /// Compresses `bytes` into a complete gzip member in memory (for tests).
    public static func gzip(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var s = z_stream()
        deflateInit2_(&s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&s) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&s, uLong(bytes.count))) + 64)
        var input = bytes
        let produced: Int = input.withUnsafeMutableBytes { inp in
            out.withUnsafeMutableBytes { o in
                s.next_in = inp.baseAddress?.assumingMemoryBound(to: Bytef.self)
                s.avail_in = uInt(inp.count)
                s.next_out = o.baseAddress!.assumingMemoryBound(to: Bytef.self)
                s.avail_out = uInt(o.count)
                deflate(&s, Z_FINISH)
                return o.count - Int(s.avail_out)
            }
        }
        return Array(out[..<produced])
    }
}
