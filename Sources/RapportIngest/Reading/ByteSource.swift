import Glibc
import RapportCore

/// A stream of bytes, read in chunks: a file, or a decompressor over one.
///
/// Implementation requirements:
/// - `read(into:)` fills at most `buffer.count` bytes and returns how many; 0 means the end.
/// - Damage (truncation, corruption, trailing garbage) is thrown as ``InputError``
///   at the point it is found, never passed on as data.
/// - Nothing is held beyond one internal chunk: memory does not grow with the file.
public protocol ByteSource: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int
    /// Bytes taken from the underlying file so far (compressed bytes for a decompressor).
    var bytesFromDisk: Int64 { get }
}

/// Why a whole file cannot be read. Turned into a `rejects.csv` row with an empty record.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public var reason: RejectReason
    public var message: String
    public init(_ reason: RejectReason, _ message: String) {
        self.reason = reason
        self.message = message
    }
    public var description: String { message }
}

/// Reads a file with `read(2)`, in the caller's chunk sizes.
public final class FileByteSource: ByteSource {
    private let fd: Int32
    public private(set) var bytesFromDisk: Int64 = 0
    public let path: String

    /// Opens `path` for reading. Directories and unreadable paths are refused with a clear reason.
    public init(path: String) throws(InputError) {
        self.path = path
        var st = stat()
        if stat(path, &st) != 0 {
            throw InputError(.unreadableFile, "cannot open: \(String(cString: strerror(errno)))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw InputError(.unreadableFile, "is a directory, not a file; point `path` at the files inside it (a glob such as dir/*.csv.gz)")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw InputError(.unreadableFile, "cannot open: \(String(cString: strerror(errno)))") }
        self.fd = fd
        var opened = stat()
        fstat(fd, &opened)
        self.opened = FileSnapshot(opened)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    /// Size, modification time and identity when the file was opened.
    public let opened: FileSnapshot

    /// Throws when the file changed since it was opened (PRODUCT.md: an input that changes
    /// while it is read is refused): its size or modification time, or the path now names
    /// another file (an export written over it by rename).
    public func checkUnchanged() throws(InputError) {
        var now = stat()
        var atPath = stat()
        let changed = fstat(fd, &now) != 0 || FileSnapshot(now) != opened || stat(path, &atPath) != 0 || FileSnapshot(atPath) != opened
        if changed {
            throw InputError(
                .changedWhileRead,
                "the file changed while it was read (its size, modification time or identity differ from when it was opened); run again once the export is complete")
        }
    }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 {
                bytesFromDisk += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw InputError(.unreadableFile, "read failed: \(String(cString: strerror(errno)))")
        }
    }
}

/// What tells a file apart from its next version: identity, size and modification time.
public struct FileSnapshot: Equatable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modifiedNanoseconds: Int64

    public init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        modifiedNanoseconds = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    }
}

/// An in-memory source that hands out at most `chunkSize` bytes per read:
/// the test twin of a file, used to check every reader at every chunk size.
public final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0
    private let chunkSize: Int
    public var bytesFromDisk: Int64 { Int64(position) }

    public init(_ bytes: [UInt8], chunkSize: Int = 1 << 18) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = min(buffer.count, chunkSize, bytes.count - position)
        if n <= 0 { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }
}
