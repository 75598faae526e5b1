import RapportCore

/// A source whose first bytes can be looked at before reading starts (to sniff a BOM,
/// a delimiter or a file signature); the peeked bytes are then read as usual.
public final class PeekableByteSource: ByteSource {
    private let inner: any ByteSource
    private var prefix: [UInt8] = []
    private var offset = 0
    public var bytesFromDisk: Int64 { inner.bytesFromDisk }

    public init(_ inner: any ByteSource) { self.inner = inner }

    /// Up to `count` bytes from the start (fewer when the input is shorter). Call before reading.
    public func peek(_ count: Int) throws(InputError) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while prefix.count < count {
            var result: Result<Int, InputError> = .success(0)
            chunk.withUnsafeMutableBytes { b in
                do throws(InputError) { result = .success(try inner.read(into: b)) } catch { result = .failure(error) }
            }
            let n = try result.get()
            if n == 0 { break }
            prefix += chunk[..<n]
        }
        return Array(prefix.prefix(count))
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if offset < prefix.count {
            let n = min(buffer.count, prefix.count - offset)
            prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
            offset += n
            return n
        }
        return try inner.read(into: buffer)
    }
}
