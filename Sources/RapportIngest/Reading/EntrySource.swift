import Crypto
import Glibc
import RapportCore

/// One named entry of a folder or archive input: its path inside, its size and its bytes.
public struct Entry {
    /// `/`-separated path inside the folder or archive (never absolute, never with `..`).
    public var name: String
    /// Size in bytes as the folder or archive states it (-1 when the archive does not say).
    public var size: Int64
    /// The entry's bytes, valid until the source's next `next()`.
    public var bytes: any ByteSource
}

/// A source of named entries, read in order, one at a time: a folder walked (see
/// ``FolderEntrySource``), a zip or tar archive read as it streams (``ArchiveEntrySource``),
/// or a lone file (``SingleEntrySource``). Formats whose input is a folder or an archive
/// (``EntryFormat``) read one of these instead of a byte stream.
///
/// Implementation requirements:
/// - `next()` ends the previous entry: its bytes are no longer readable.
/// - Nothing is written to disk, and memory does not grow with the entries' count or sizes
///   beyond the bounds of ``EntryLimits``.
/// - An entry whose name could escape its folder (`..`, absolute) or a bound crossed is an
///   ``InputError`` for the whole input.
public protocol EntrySource: AnyObject {
    func next() throws(InputError) -> Entry?
    /// Bytes taken from disk so far (compressed bytes for an archive).
    var bytesFromDisk: Int64 { get }
    /// Bytes of entries handed out so far (uncompressed).
    var bytesRead: Int64 { get }
    /// Entries passed over without being handed out (symbolic links, devices, …), as
    /// `name: why`, for the format to report.
    var passedOver: [String] { get }
    /// Reads what is left (for the digest) and returns the input's SHA-256 in hex.
    func finishDigest() throws(InputError) -> String
    /// Starts again at the first entry, for a format that needs one entry before the others
    /// and cannot know where it is (Slack's `users.json` may come last). The digest is the
    /// last pass's; the byte figures add up every pass.
    func restart() throws(InputError)
}

/// Bounds on what one folder or archive may hold, so that a hostile one (a zip bomb, a
/// million empty files, a folder cycle) stops in bounded time and memory.
public struct EntryLimits: Sendable {
    public var maxEntries = 1_000_000
    /// Total uncompressed bytes of all entries.
    public var maxTotalBytes: Int64 = 64 << 30
    /// Past `ratioFloor` bytes out, more than this many bytes out per byte in stops the archive.
    public var maxRatio: Int64 = 100
    public var ratioFloor: Int64 = 64 << 20
    /// Folder nesting below the input's own folder.
    public var maxDepth = 32
    public init() {}
}

/// Reads one entry whole into memory (a message, a JSON file), refusing one over `limit` bytes:
/// nil then, the rest of the entry left unread.
func readWhole(_ source: any ByteSource, limit: Int) throws(InputError) -> [UInt8]? {
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        var result: Result<Int, InputError> = .success(0)
        chunk.withUnsafeMutableBytes { b in
            do throws(InputError) { result = .success(try source.read(into: b)) } catch { result = .failure(error) }
        }
        let n = try result.get()
        if n == 0 { return out }
        if out.count + n > limit { return nil }
        out.append(contentsOf: chunk[..<n])
    }
}

/// Counts and hashes the bytes an entry hands out, so that the source can finish its
/// digest and figures whether or not the format read the entry to its end.
final class EntryByteSource: ByteSource {
    private let inner: any ByteSource
    private let onBytes: (UnsafeRawBufferPointer) throws(InputError) -> Void
    var bytesFromDisk: Int64 { inner.bytesFromDisk }
    private(set) var ended = false

    init(_ inner: any ByteSource, onBytes: @escaping (UnsafeRawBufferPointer) throws(InputError) -> Void) {
        self.inner = inner
        self.onBytes = onBytes
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if ended { return 0 }
        let n = try inner.read(into: buffer)
        if n == 0 { ended = true }
        if n > 0 { try onBytes(UnsafeRawBufferPointer(rebasing: buffer[..<n])) }
        return n
    }

    /// Reads the rest of the entry (through `onBytes`), for the digest.
    func drain() throws(InputError) {
        guard !ended else { return }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
        defer { scratch.deallocate() }
        while try read(into: scratch) > 0 {}
    }
}

/// A lone file as a source of one entry (a single `.eml`, a Slack JSON file given alone);
/// its digest is the file's own, computed by the caller's hashing layer.
public final class SingleEntrySource: EntrySource {
    private var entry: EntryByteSource?
    private let name: String
    private let digest: () -> String
    private var handedOut = false
    public private(set) var bytesRead: Int64 = 0
    public var bytesFromDisk: Int64 { entry?.bytesFromDisk ?? 0 }
    public let passedOver: [String] = []

    /// `digest` gives the stored file's SHA-256 once it has been read to the end.
    public init(name: String, source: any ByteSource, digest: @escaping () -> String = { "" }) {
        self.name = name
        self.digest = digest
        self.entry = nil
        self.entry = EntryByteSource(source) { [unowned self] b throws(InputError) in self.bytesRead += Int64(b.count) }
    }

    public func restart() throws(InputError) {
        throw InputError(.unsupportedFormat, "this input cannot be read twice; give the folder or the archive file itself as the path")
    }

    public func next() throws(InputError) -> Entry? {
        guard !handedOut, let entry else { return nil }
        handedOut = true
        return Entry(name: name, size: -1, bytes: entry)
    }

    public func finishDigest() throws(InputError) -> String {
        try entry?.drain()
        return digest()
    }
}

/// A folder walked depth-first, each folder's names in byte order; regular files are the
/// entries, symbolic links are not followed (they are passed over and reported), and the
/// walk stops at ``EntryLimits/maxEntries`` files or ``EntryLimits/maxDepth`` levels.
///
/// The digest stands for the folder's content: SHA-256 over, for each file in walk order,
/// its relative name's UTF-8 bytes, a NUL byte, its size as 8 bytes big-endian, then its
/// bytes. Renaming, adding, removing or changing any file changes it.
public final class FolderEntrySource: EntrySource {
    private let root: String
    private let limits: EntryLimits
    /// Names still to visit, the next last (a stack: a folder's names replace it in place).
    private var names: [(relative: String, depth: Int)] = []
    private var listedRoot = false
    private var current: EntryByteSource?
    private var hasher = SHA256()
    private var entries = 0
    private var diskBytes: Int64 = 0
    public private(set) var bytesRead: Int64 = 0
    public private(set) var passedOver: [String] = []
    public var bytesFromDisk: Int64 { diskBytes }

    public init(root: String, limits: EntryLimits = EntryLimits()) {
        self.root = root
        self.limits = limits
    }

    public func next() throws(InputError) -> Entry? {
        try current?.drain()
        current = nil
        if !listedRoot {
            listedRoot = true
            try list("", depth: 0)
        }
        while let (relative, depth) = names.popLast() {
            let path = root + "/" + relative
            var st = stat()
            guard lstat(path, &st) == 0 else {
                passedOver.append("\(relative): cannot be read (\(String(cString: strerror(errno))))")
                continue
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                guard depth < limits.maxDepth else {
                    throw InputError(.unsupportedFormat, "`\(relative)` is nested more than \(limits.maxDepth) folders deep; point `path` at a shallower folder")
                }
                // Depth-first: this folder's files and subfolders come before the next sibling's.
                try list(relative, depth: depth + 1)
            case S_IFREG:
                entries += 1
                if entries > limits.maxEntries {
                    throw InputError(.unsupportedFormat, "the folder holds more than \(limits.maxEntries) files; split it into several sources")
                }
                return try open(relative, path: path, size: Int64(st.st_size))
            case S_IFLNK:
                passedOver.append("\(relative): a symbolic link (not followed)")
            default:
                passedOver.append("\(relative): not a regular file")
            }
        }
        return nil
    }

    public func restart() throws(InputError) {
        current = nil
        names = []
        listedRoot = false
        hasher = SHA256()
        entries = 0
        passedOver = []
    }

    private func open(_ relative: String, path: String, size: Int64) throws(InputError) -> Entry {
        withUnsafeBytes(of: UInt64(max(0, size)).bigEndian) { sizeBytes in
            hasher.update(data: Array(relative.utf8) + [0])
            hasher.update(bufferPointer: sizeBytes)
        }
        let file = try FileByteSource(path: path)
        let entry = EntryByteSource(file) { [unowned self] b throws(InputError) in
            self.hasher.update(bufferPointer: b)
            self.bytesRead += Int64(b.count)
            self.diskBytes += Int64(b.count)
        }
        current = entry
        return Entry(name: relative, size: size, bytes: entry)
    }

    /// Puts one folder's names on the stack, to be visited in byte order before the names already there.
    private func list(_ relative: String, depth: Int) throws(InputError) {
        let path = relative.isEmpty ? root : root + "/" + relative
        guard let dir = opendir(path) else {
            if relative.isEmpty { throw InputError(.unreadableFile, "cannot open the folder: \(String(cString: strerror(errno)))") }
            passedOver.append("\(relative): the folder cannot be opened (\(String(cString: strerror(errno))))")
            return
        }
        defer { closedir(dir) }
        var found: [[UInt8]] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            found.append(name)
            if found.count > limits.maxEntries {
                throw InputError(.unsupportedFormat, "`\(relative.isEmpty ? "." : relative)` holds more than \(limits.maxEntries) names; split it into several sources")
            }
        }
        found.sort { $1.lexicographicallyPrecedes($0) }  // reversed: the stack pops the first name first
        let prefix = relative.isEmpty ? "" : relative + "/"
        names.append(contentsOf: found.map { (prefix + String(decoding: $0, as: UTF8.self), depth) })
    }

    public func finishDigest() throws(InputError) -> String {
        while try next() != nil {}
        return hasher.finalize().map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
    }
}

/// Entry names that could escape the input's folder if anyone extracted the archive.
func isUnsafeEntryName(_ name: String) -> Bool {
    if name.hasPrefix("/") || name.hasPrefix("\\") { return true }
    if name.utf8.count >= 2, name.utf8.dropFirst().first == UInt8(ascii: ":") { return true }  // C:\…
    return name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains("..")
}
