import RapportCore

/// Splits a byte stream into lines (LF or CRLF; a lone CR is data), for the line-based
/// formats (WebVTT transcripts, Zoom chats). A leading UTF-8 BOM is skipped. Memory is
/// bounded by one chunk plus one line: a line longer than `maxLineBytes` comes back cut
/// to that length with `isCut` set (its rest is skipped), so that one hostile line can
/// neither grow the buffer nor hide the lines after it.
public final class LineReader {
    public struct Options: Sendable {
        public var chunkSize = 64 << 10
        public var maxLineBytes = 1 << 20
        public init(chunkSize: Int = 64 << 10, maxLineBytes: Int = 1 << 20) {
            self.chunkSize = chunkSize
            self.maxLineBytes = maxLineBytes
        }
    }

    private let source: any ByteSource
    private let options: Options
    private var chunk: [UInt8]
    private var start = 0
    private var end = 0
    private var ended = false
    private var first = true
    /// The current line's bytes (without its line end); valid until the next call.
    public private(set) var line: [UInt8] = []
    /// 1-based number of the current line.
    public private(set) var number = 0
    /// The current line was longer than `maxLineBytes` and is cut to that length.
    public private(set) var isCut = false

    public init(source: any ByteSource, options: Options = Options()) {
        self.source = source
        self.options = options
        self.chunk = [UInt8](repeating: 0, count: max(4, options.chunkSize))
    }

    /// Moves to the next line; false at the end of the stream (a last line without a line end counts).
    public func next() throws(InputError) -> Bool {
        line.removeAll(keepingCapacity: true)
        isCut = false
        var sawAny = false
        while true {
            if start == end {
                if ended { break }
                try refill()
                continue
            }
            sawAny = true
            let newline = chunk[start..<end].firstIndex(of: 0x0A)
            let stop = newline ?? end
            append(chunk[start..<stop])
            start = newline.map { $0 + 1 } ?? end
            if newline != nil {
                if line.last == 0x0D { line.removeLast() }
                number += 1
                return true
            }
        }
        guard sawAny else { return false }
        number += 1
        return true
    }

    private func append(_ bytes: ArraySlice<UInt8>) {
        let room = options.maxLineBytes - line.count
        if bytes.count > room {
            line += bytes.prefix(max(0, room))
            isCut = true
        } else {
            line += bytes
        }
    }

    private func refill() throws(InputError) {
        let n = try read(at: 0)
        start = 0
        end = n
        if n == 0 {
            ended = true
            return
        }
        if first {
            first = false
            // A BOM split over reads is rare enough (a 1- or 2-byte first read) to be read whole here.
            while end < 3, !ended {
                let more = try read(at: end)
                if more == 0 { ended = true } else { end += more }
            }
            if end >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { start = 3 }
        }
    }

    /// Reads into the chunk from `offset` on.
    private func read(at offset: Int) throws(InputError) -> Int {
        var result: Result<Int, InputError> = .success(0)
        chunk.withUnsafeMutableBytes { b in
            do throws(InputError) { result = .success(try source.read(into: UnsafeMutableRawBufferPointer(rebasing: b[offset...]))) } catch { result = .failure(error) }
        }
        return try result.get()
    }
}
