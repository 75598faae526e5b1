import Glibc
import RapportCore

/// What identifies a folder Rapport made: its device and inode, read from the descriptor
/// it was opened through, so that a path swapped for a symlink or another folder between
/// making and removing is never followed.
public struct FolderIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    /// The identity of the folder at `path` itself (a symlink there is refused: nil).
    public static func of(_ path: String) -> FolderIdentity? {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return of(descriptor: fd)
    }

    static func of(descriptor fd: Int32) -> FolderIdentity? {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return nil }
        return FolderIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }
}

/// Removes folders Rapport made, through descriptors (`openat`, `unlinkat`, `O_NOFOLLOW`):
/// a symlink inside is removed as a link, never followed; the folder itself is removed only
/// when it is still the one that was made (`identity`). Safe to call from the interrupt thread.
public enum SafeRemoval {
    /// Removes `path` and everything below it when it is a real folder with `identity`
    /// (any real folder when nil). Returns false when something stayed.
    @discardableResult
    public static func removeTree(_ path: String, identity: FolderIdentity? = nil) -> Bool {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return errno == ENOENT }
        if let identity, FolderIdentity.of(descriptor: fd) != identity {
            close(fd)
            return false
        }
        // Twice: a writer thread may still add a file while an interrupt empties the folder.
        var emptied = false
        for _ in 0..<3 where !emptied { emptied = emptyFolder(dup(fd)) }
        close(fd)
        return rmdir(path) == 0
    }

    /// Empties the open folder `fd` (taken over and closed) without following links.
    private static func emptyFolder(_ fd: Int32) -> Bool {
        guard fd >= 0, let dir = fdopendir(fd) else { return false }
        defer { closedir(dir) }
        rewinddir(dir)  // a duplicate shares the offset of the descriptor an earlier pass read to its end
        var clean = true
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        for name in names {
            if unlinkat(fd, name, 0) == 0 { continue }
            guard errno == EISDIR || errno == EPERM else {
                if errno != ENOENT { clean = false }
                continue
            }
            let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if child < 0 || !emptyFolder(child) { clean = false }
            if unlinkat(fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT { clean = false }
        }
        return clean
    }
}
