import Crypto
import RapportCore

/// Passes bytes through while computing their SHA-256 (of the file as stored: compressed
/// bytes for a `.gz`), so that `report.json` and the `runs` table can name each input
/// exactly without reading it twice.
public final class HashingByteSource: ByteSource {
    private let inner: any ByteSource
    private var hasher = SHA256()
    public var bytesFromDisk: Int64 { inner.bytesFromDisk }

    public init(_ inner: any ByteSource) { self.inner = inner }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = try inner.read(into: buffer)
        if n > 0 { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<n])) }
        return n
    }

    /// The hex digest of everything read so far (call once, at the end).
    public func hexDigest() -> String {
        hasher.finalize().map { byte in
            let s = String(byte, radix: 16)
            return byte < 16 ? "0" + s : s
        }.joined()
    }
}
