import Glibc
import RapportCore

/// A buffered file writer on a raw descriptor: written in 256 KiB blocks,
/// flushed to disk (`fsync`) on close so that a published report is complete.
public final class OutputFile {
    private let fd: Int32
    public let path: String
    private var buffer: [UInt8] = []
    private static let blockSize = 256 << 10

    /// Creates (or truncates) `path` with `mode` permissions.
    public init(path: String, mode: mode_t = 0o644) throws(RapportError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        if fd < 0 { throw RapportError(.failed, file: path, "cannot write: \(String(cString: strerror(errno)))") }
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(OutputFile.blockSize)
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    public func write(_ s: String) throws(RapportError) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= OutputFile.blockSize { try flush() }
    }

    public func write(bytes: some Sequence<UInt8>) throws(RapportError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= OutputFile.blockSize { try flush() }
    }

    /// Writes one CSV row: cells rendered straight into the buffer, `,`-separated, LF-ended.
    public func writeRow(_ cells: [Cell]) throws(RapportError) {
        // Rendered into a local moved out of the property and back: each access to a class's
        // stored property is checked for exclusivity at run time (1 % of a run, per cell).
        var out = buffer.take()
        CSVFormatting.appendLine(cells, to: &out)
        buffer = out
        if buffer.count >= OutputFile.blockSize { try flush() }
    }

    private func flush() throws(RapportError) {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RapportError(.failed, file: path, "write failed: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and forces it to disk.
    public func close() throws(RapportError) {
        try flush()
        if fsync(fd) != 0 { throw RapportError(.failed, file: path, "fsync failed: \(String(cString: strerror(errno)))") }
    }
}
