import CInflate
import CZlib
import Foundation
import RapportCore

/// Inflates a gzip file as it is read, strictly:
/// - the magic bytes are checked first (a plain file named `.gz` is refused, not passed through);
/// - several concatenated members are one valid file, read whole;
/// - a missing end of stream is "truncated", a bad CRC or length is "corrupt",
///   bytes after the last member are "trailing garbage";
/// - past 64 MiB of output, more than 100 output bytes per input byte stops the
///   file as a likely compression bomb, in bounded time and memory.
///
/// The inflating itself is ISA-L's igzip when its library is installed (about 4× zlib's
/// speed) and zlib otherwise; `RAPPORT_INFLATE=zlib` forces zlib. Both give the same bytes
/// for every file zlib reads (the tests and the fuzzer compare them). On damaged deflate data
/// they can differ: "truncated" and "corrupt" can swap where a stream is damaged or cut inside
/// a block (ISA-L checks code lengths lazily and decodes ahead on zero bits at the end of
/// input), and ISA-L accepts a Huffman code set that zlib calls incomplete when the member it
/// decodes then passes its CRC and length check.
public final class GzipByteSource: ByteSource {
    /// Which library inflates.
    public enum Inflater: String, Sendable, CaseIterable {
        case zlib, isal

        /// ISA-L when it can be loaded, unless `RAPPORT_INFLATE=zlib`.
        public static let preferred: Inflater = {
            if ProcessInfo.processInfo.environment["RAPPORT_INFLATE"] == "zlib" { return .zlib }
            return rapport_isal_available() != 0 ? .isal : .zlib
        }()

        /// Whether this machine can use it.
        public var isAvailable: Bool { self == .zlib || rapport_isal_available() != 0 }
    }

    /// One step of an inflater: bytes in, bytes out, and whether a member ended.
    private enum Step {
        case progress
        case memberEnd
        case corrupt(String)
    }

    private enum Engine {
        case zlib(UnsafeMutablePointer<z_stream>)
        case isal(OpaquePointer)
    }

    private let inner: any ByteSource
    private let engine: Engine
    private let input: UnsafeMutableRawBufferPointer
    /// The unread part of `input`.
    private var nextIn: UnsafeRawPointer
    private var availableIn = 0
    private var inputEOF = false
    private var memberEnded = false
    private var finished = false
    private var started = false
    private var totalOut: Int64 = 0
    public var bytesFromDisk: Int64 { inner.bytesFromDisk }
    /// The library this file is inflated with (zlib when ISA-L was asked for but cannot load).
    public var inflater: Inflater {
        if case .isal = engine { return .isal }
        return .zlib
    }

    public static let bombFloor: Int64 = 64 << 20
    public static let bombRatio: Int64 = 100

    public init(_ inner: any ByteSource, inputChunk: Int = 256 << 10, inflater: Inflater = .preferred) throws(InputError) {
        self.inner = inner
        self.input = .allocate(byteCount: inputChunk, alignment: 16)
        self.nextIn = UnsafeRawPointer(input.baseAddress!)
        if inflater == .isal, let stream = rapport_isal_open() {
            self.engine = .isal(stream)
        } else {
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // windowBits 15 + 16: gzip wrapper only (no zlib or raw streams).
            let rc = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            self.engine = .zlib(stream)
            if rc != Z_OK { throw InputError(.corrupt, "zlib could not start (code \(rc))") }
        }
    }

    deinit {
        switch engine {
        case .zlib(let stream):
            inflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        case .isal(let stream):
            rapport_isal_close(stream)
        }
        input.deallocate()
    }

    /// Refills the input buffer when empty; returns false at the end of the file.
    private func refill() throws(InputError) -> Bool {
        if availableIn > 0 { return true }
        if inputEOF { return false }
        let n = try inner.read(into: input)
        if n == 0 {
            inputEOF = true
            return false
        }
        nextIn = UnsafeRawPointer(input.baseAddress!)
        availableIn = n
        return true
    }

    /// Makes at least `count` input bytes available (compacting the buffer), unless the file ends first.
    private func ensureInput(_ count: Int) throws(InputError) -> Int {
        if availableIn >= count || inputEOF { return availableIn }
        let base = input.baseAddress!
        if availableIn > 0 { memmove(base, nextIn, availableIn) }
        while availableIn < count && !inputEOF {
            let n = try inner.read(into: UnsafeMutableRawBufferPointer(start: base + availableIn, count: input.count - availableIn))
            if n == 0 { inputEOF = true } else { availableIn += n }
        }
        nextIn = UnsafeRawPointer(base)
        return availableIn
    }

    private var startsWithGzipMagic: Bool {
        availableIn >= 2 && nextIn.load(as: UInt8.self) == 0x1f && nextIn.load(fromByteOffset: 1, as: UInt8.self) == 0x8b
    }

    /// Refuses a member whose method is not deflate or that sets reserved flags, as zlib and
    /// gzip(1) do (ISA-L would read on), so that both inflaters give the same verdict.
    private func checkMemberHeader() throws(InputError) {
        guard try ensureInput(4) >= 4 else { return }  // too short: the inflater reports the truncation
        let method = nextIn.load(fromByteOffset: 2, as: UInt8.self)
        let flags = nextIn.load(fromByteOffset: 3, as: UInt8.self)
        if method != 8 { throw InputError(.corrupt, "corrupt gzip data (unknown compression method \(method)) at \(totalOut) bytes") }
        if flags & 0xE0 != 0 { throw InputError(.corrupt, "corrupt gzip data (unknown header flags set) at \(totalOut) bytes") }
    }

    /// After a member ends: another member must follow, or the file must end.
    private func startNextMemberIfAny() throws(InputError) -> Bool {
        let have = try ensureInput(2)
        if have == 0 { return false }
        if !startsWithGzipMagic {
            throw InputError(.trailingGarbage, "bytes after the end of the gzip data (at \(inner.bytesFromDisk - Int64(have)) of the compressed file); it was probably appended to or padded: re-export it")
        }
        try checkMemberHeader()
        switch engine {
        case .zlib(let stream):
            guard inflateReset(stream) == Z_OK else { throw InputError(.corrupt, "zlib could not restart for the next member") }
        case .isal(let stream):
            rapport_isal_restart(stream)
        }
        return true
    }

    /// Inflates from the unread input into `output`, advancing both.
    private func inflateStep(_ output: inout UnsafeMutableRawPointer, _ room: inout Int) -> Step {
        switch engine {
        case .zlib(let stream):
            stream.pointee.next_in = UnsafeMutablePointer(mutating: nextIn.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(availableIn)
            stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(room)
            let rc = inflate(stream, Z_NO_FLUSH)
            nextIn = UnsafeRawPointer(stream.pointee.next_in)
            availableIn = Int(stream.pointee.avail_in)
            output = UnsafeMutableRawPointer(stream.pointee.next_out)
            room = Int(stream.pointee.avail_out)
            switch rc {
            case Z_STREAM_END: return .memberEnd
            case Z_OK, Z_BUF_ERROR: return .progress
            case Z_DATA_ERROR: return .corrupt(stream.pointee.msg.map { String(cString: $0) } ?? "invalid data")
            case Z_NEED_DICT: return .corrupt("needs a preset dictionary")
            default: return .corrupt("zlib error \(rc)")
            }
        case .isal(let stream):
            var inPointer: UnsafePointer<UInt8>? = nextIn.assumingMemoryBound(to: UInt8.self)
            var inCount = UInt32(availableIn)
            var outPointer: UnsafeMutablePointer<UInt8>? = output.assumingMemoryBound(to: UInt8.self)
            var outCount = UInt32(room)
            let rc = rapport_isal_inflate(stream, &inPointer, &inCount, &outPointer, &outCount)
            nextIn = UnsafeRawPointer(inPointer!)
            availableIn = Int(inCount)
            output = UnsafeMutableRawPointer(outPointer!)
            room = Int(outCount)
            switch rc {
            case Int32(RAPPORT_ISAL_MEMBER_END): return .memberEnd
            case Int32(RAPPORT_ISAL_PROGRESS): return .progress
            default: return .corrupt(String(cString: rapport_isal_error_text(rc)))
            }
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if finished || buffer.count == 0 { return 0 }
        if !started {
            started = true
            let have = try ensureInput(2)
            if have == 0 { throw InputError(.notGzip, "empty file, not gzip; a `.gz` file must hold gzip data") }
            if !startsWithGzipMagic {
                throw InputError(.notGzip, "not gzip (no gzip magic bytes); rename it without `.gz` if it is plain text")
            }
            try checkMemberHeader()
        }
        var output = buffer.baseAddress!
        var room = buffer.count
        while room > 0 {
            if memberEnded {
                memberEnded = false
                if try !startNextMemberIfAny() {
                    finished = true
                    break
                }
            }
            // At the end of the input, the inflater may still hold output; only no progress at all is truncation.
            let hasInput = try refill()
            let before = room
            let step = inflateStep(&output, &room)
            let produced = Int64(before - room)
            totalOut += produced
            switch step {
            case .memberEnd:
                memberEnded = true
            case .progress:
                if !hasInput && produced == 0 {
                    // ISA-L checks a block's code lengths only as it decodes them, so damaged
                    // data can also end here (where zlib says "corrupt"); the file is refused either way.
                    let cause = inflater == .isal ? "the export or the copy was cut short, or the data is damaged" : "the export or the copy was cut short"
                    throw InputError(.truncated, "truncated: the gzip stream ends early after \(totalOut) bytes; \(cause)")
                }
            case .corrupt(let detail):
                // ISA-L reads up to 8 bytes ahead and decodes zero bits past the end of input.
                let nearTheEnd = inflater == .isal && ((try? ensureInput(16)) ?? 16) < 16
                let cause = nearTheEnd ? " (or the file was cut short)" : ""
                throw InputError(.corrupt, "corrupt gzip data (\(detail)) after \(totalOut) bytes\(cause)")
            }
            if totalOut > GzipByteSource.bombFloor && totalOut > GzipByteSource.bombRatio * max(1, inner.bytesFromDisk) {
                throw InputError(.compressionBomb, "stopped: \(totalOut) bytes out of \(inner.bytesFromDisk) compressed (over 100:1), likely a compression bomb")
            }
        }
        return buffer.count - room
    }
}
