import Crypto
import Glibc
import RapportCore

/// The folder of fact files (`cache.dir`): one entry per input file's identity (device,
/// inode, size, modification time), extractor version and extraction settings. Entries
/// are written under a temporary name and renamed into place, so two runs sharing the
/// folder never see half an entry; a damaged entry is extracted again.
///
/// The folder is made 0700 and its files 0600: fact files hold ids and people.
public final class FactCache: @unchecked Sendable {  // its state is the lock descriptor, fixed at init
    public let directory: String
    private let lockFD: Int32

    /// Opens (or makes) the cache folder and takes a shared lock on it (an exclusive one
    /// with `exclusive`, for pruning). A symlink, a file, or a folder of another user's is refused.
    public init(directory: String, exclusive: Bool = false) throws(RapportError) {
        self.directory = directory
        try FactCache.makeFolder(directory)
        let lock = directory + "/.lock"
        let fd = Glibc.open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RapportError(.failed, file: lock, "cannot open the cache lock: \(String(cString: strerror(errno)))") }
        if flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            close(fd)
            throw RapportError(.failed, file: lock, "cannot lock the cache: \(String(cString: strerror(errno)))")
        }
        lockFD = fd
    }

    deinit {
        flock(lockFD, LOCK_UN)
        close(lockFD)
    }

    static func makeFolder(_ path: String) throws(RapportError) {
        var st = stat()
        if lstat(path, &st) != 0 {
            let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
            if !parent.isEmpty, parent != path, lstat(parent, &st) != 0 { try makeFolder(parent) }
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw RapportError(.failed, file: path, "cannot create the cache folder: \(String(cString: strerror(errno)))")
            }
            guard lstat(path, &st) == 0 else { throw RapportError(.failed, file: path, "the cache folder vanished as it was made") }
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR, st.st_uid == geteuid() else {
            throw RapportError(
                .usage, file: path,
                "the cache folder is not a folder of this user's (a file, a symbolic link or someone else's); set cache.dir to a folder of its own")
        }
    }

    /// The entry name for an input file: a digest of its identity, the extractor and the settings.
    public static func key(identity: InputIdentity, extractor: String, settings: String) -> String {
        var h = SHA256()
        var w = ByteWriter()
        w.fixed(identity.device)
        w.fixed(identity.inode)
        w.int(identity.size)
        w.int(identity.modifiedNanoseconds)
        w.string(extractor)
        w.string(settings)
        h.update(data: w.bytes)
        return h.finalize().prefix(16).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    public func path(of key: String) -> String { directory + "/" + key + ".facts" }

    /// The entry for `key` when it is there, whole, and of this identity and settings; nil
    /// when absent. A damaged or mismatched entry throws (the caller extracts again and warns).
    public func open(_ key: String, identity: InputIdentity, extractor: String, settings: String) throws(FactFileError) -> FactFileReader? {
        let path = path(of: key)
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        let reader = try FactFileReader(path: path)
        let s = reader.summary
        guard s.input == identity, s.extractor == extractor, s.settingsDigest == settings else {
            throw FactFileError("the entry was made for another file, extractor or settings")
        }
        // Marks it used (pruning removes the least recently used first).
        utimensat(AT_FDCWD, path, nil, 0)
        return reader
    }

    /// A writer on a fresh temporary file in the folder; ``commit(_:as:)`` moves it into place.
    public func makeWriter() throws(RapportError) -> FactFileWriter {
        var template = Array((directory + "/.tmp-XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw RapportError(.failed, file: directory, "cannot create a cache entry: \(String(cString: strerror(errno)))") }
        close(fd)
        let path = String(cString: template)
        unlink(path)  // the writer creates it exclusively (O_EXCL), never through a planted link
        do {
            return try FactFileWriter(path: path)
        } catch {
            throw RapportError(.failed, file: path, error.message)
        }
    }

    /// Finishes the writer's file and renames it to the entry of `key`.
    public func commit(_ writer: FactFileWriter, as key: String) throws(RapportError) {
        do {
            try writer.finish()
        } catch {
            unlink(writer.path)
            throw RapportError(.failed, file: writer.path, "\(error.message); the cache folder may be full")
        }
        guard rename(writer.path, path(of: key)) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(writer.path)
            throw RapportError(.failed, file: path(of: key), "cannot store the cache entry: \(why)")
        }
    }

    /// Removes a temporary file (a failed or abandoned extraction).
    public func discard(_ writer: FactFileWriter) { unlink(writer.path) }

    /// One entry of the folder.
    public struct Entry: Sendable {
        public var key: String
        public var bytes: Int64
        public var lastUsed: Int64
    }

    /// Every entry, least recently used first.
    public func entries() -> [Entry] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var out: [Entry] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasSuffix(".facts") else { continue }
            var st = stat()
            guard lstat(directory + "/" + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            out.append(Entry(key: String(name.dropLast(6)), bytes: Int64(st.st_size), lastUsed: Int64(st.st_mtim.tv_sec)))
        }
        return out.sorted { ($0.lastUsed, $0.key) < ($1.lastUsed, $1.key) }
    }

    /// Removes entries not in `keep`, and then the least recently used until the folder holds
    /// at most `maxBytes`; also temporary files killed runs left. Needs the exclusive lock.
    public func prune(keep: Set<String>, maxBytes: Int64?) -> (removed: Int, freed: Int64) {
        var removed = 0
        var freed: Int64 = 0
        var total = entries().reduce(0) { $0 + $1.bytes }
        for e in entries() {
            let over = maxBytes.map { total > $0 } ?? false
            guard !keep.contains(e.key) || over else { continue }
            if unlink(path(of: e.key)) == 0 {
                removed += 1
                freed += e.bytes
                total -= e.bytes
            }
        }
        if let dir = opendir(directory) {
            var stale: [String] = []
            while let e = readdir(dir) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name.hasPrefix(".tmp-") { stale.append(name) }
            }
            closedir(dir)
            for name in stale { unlink(directory + "/" + name) }
        }
        return (removed, freed)
    }
}
