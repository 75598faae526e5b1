import CZlib
import Glibc
import RapportCore

/// Inflates a gzip file as it is read (zlib), strictly:
/// - the magic bytes are checked first (a plain file named `.gz` is refused, not passed through);
/// - several concatenated members are one valid file, read whole;
/// - a missing end of stream is "truncated", a bad CRC or length is "corrupt",
///   bytes after the last member are "trailing garbage";
/// - past 64 MiB of output, more than 100 output bytes per input byte stops the
///   file as a likely compression bomb, in bounded time and memory.
public final class GzipByteSource: ByteSource {
    private let inner: any ByteSource
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var inputEOF = false
    private var memberEnded = false
    private var finished = false
    private var started = false
    private var totalOut: Int64 = 0
    public var bytesFromDisk: Int64 { inner.bytesFromDisk }

    public static let bombFloor: Int64 = 64 << 20
    public static let bombRatio: Int64 = 100

    public init(_ inner: any ByteSource, inputChunk: Int = 256 << 10) throws(InputError) {
        self.inner = inner
        self.input = .allocate(byteCount: inputChunk, alignment: 16)
        self.stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 15 + 16: gzip wrapper only (no zlib or raw streams).
        let rc = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        if rc != Z_OK { throw InputError(.corrupt, "zlib could not start (code \(rc))") }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// Refills the input buffer when empty; returns false at the end of the file.
    private func refill() throws(InputError) -> Bool {
        if stream.pointee.avail_in > 0 { return true }
        if inputEOF { return false }
        let n = try inner.read(into: input)
        if n == 0 {
            inputEOF = true
            return false
        }
        stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(n)
        return true
    }

    /// Makes at least `count` input bytes available (compacting the buffer), unless the file ends first.
    private func ensureInput(_ count: Int) throws(InputError) -> Int {
        var have = Int(stream.pointee.avail_in)
        if have >= count || inputEOF { return have }
        let base = input.baseAddress!
        if have > 0 { memmove(base, UnsafeRawPointer(stream.pointee.next_in), have) }
        while have < count && !inputEOF {
            let n = try inner.read(into: UnsafeMutableRawBufferPointer(start: base + have, count: input.count - have))
            if n == 0 { inputEOF = true } else { have += n }
        }
        stream.pointee.next_in = base.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(have)
        return have
    }

    /// After a member ends: another member must follow, or the file must end.
    private func startNextMemberIfAny() throws(InputError) -> Bool {
        let have = try ensureInput(2)
        if have == 0 { return false }
        if have < 2 || stream.pointee.next_in[0] != 0x1f || stream.pointee.next_in[1] != 0x8b {
            throw InputError(.trailingGarbage, "bytes after the end of the gzip data (at \(inner.bytesFromDisk - Int64(have)) of the compressed file); it was probably appended to or padded: re-export it")
        }
        guard inflateReset(stream) == Z_OK else { throw InputError(.corrupt, "zlib could not restart for the next member") }
        return true
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if finished || buffer.count == 0 { return 0 }
        if !started {
            started = true
            let have = try ensureInput(2)
            if have == 0 { throw InputError(.notGzip, "empty file, not gzip; a `.gz` file must hold gzip data") }
            if have < 2 || stream.pointee.next_in[0] != 0x1f || stream.pointee.next_in[1] != 0x8b {
                throw InputError(.notGzip, "not gzip (no gzip magic bytes); rename it without `.gz` if it is plain text")
            }
        }
        stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(buffer.count)
        while stream.pointee.avail_out > 0 {
            if memberEnded {
                memberEnded = false
                if try !startNextMemberIfAny() {
                    finished = true
                    break
                }
            }
            // At the end of the input, zlib may still hold output; only no progress at all is truncation.
            let hasInput = try refill()
            let before = stream.pointee.avail_out
            let rc = inflate(stream, Z_NO_FLUSH)
            let produced = Int64(before - stream.pointee.avail_out)
            totalOut += produced
            switch rc {
            case Z_STREAM_END:
                memberEnded = true
            case Z_OK, Z_BUF_ERROR:
                if !hasInput && produced == 0 {
                    throw InputError(.truncated, "truncated: the gzip stream ends early after \(totalOut) bytes; the export or the copy was cut short")
                }
            case Z_DATA_ERROR:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
                throw InputError(.corrupt, "corrupt gzip data (\(detail)) after \(totalOut) bytes")
            case Z_NEED_DICT:
                throw InputError(.corrupt, "corrupt gzip data (needs a preset dictionary)")
            default:
                throw InputError(.corrupt, "zlib error \(rc) after \(totalOut) bytes")
            }
            if totalOut > GzipByteSource.bombFloor && totalOut > GzipByteSource.bombRatio * max(1, inner.bytesFromDisk) {
                throw InputError(.compressionBomb, "stopped: \(totalOut) bytes out of \(inner.bytesFromDisk) compressed (over 100:1), likely a compression bomb")
            }
        }
        return buffer.count - Int(stream.pointee.avail_out)
    }
}
