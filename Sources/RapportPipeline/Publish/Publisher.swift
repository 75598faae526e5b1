import CSupport
import Glibc
import RapportCore

/// Publishes a report atomically: everything is written to a new folder beside the
/// target, flushed, then swapped into place, so a reader never sees half a report
/// and a failed run leaves the previous report untouched. A `flock` beside the
/// folder keeps two runs from publishing into it at once.
final class Publisher {
    let target: String
    let staging: String
    private let lockFD: Int32

    /// Takes the lock (exit 75 when another run holds it) and creates the staging folder.
    init(target: String) throws(RapportError) {
        self.target = target
        let parent = Publisher.parent(of: target)
        let name = Publisher.name(of: target)
        try Publisher.makeDirectories(parent)
        let lockPath = parent + "/." + name + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw RapportError(.failed, file: lockPath, "cannot create the lock file: \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw RapportError(.locked, file: target, "another rapport run is writing this report (lock \(lockPath)); try again when it ends")
        }
        self.lockFD = fd
        self.staging = parent + "/." + name + ".new-\(getpid())"
        Publisher.removeTree(staging)
        if mkdir(staging, 0o755) != 0 {
            throw RapportError(.failed, file: staging, "cannot create the staging folder: \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        flock(lockFD, LOCK_UN)
        close(lockFD)
    }

    /// Swaps the staging folder into place.
    func publish() throws(RapportError) {
        Publisher.syncDirectory(staging)
        var st = stat()
        if stat(target, &st) == 0 {
            // Exchange atomically where the kernel can; the old report then sits at the staging path.
            if rapport_rename_exchange(staging, target) == 0 {
                Publisher.removeTree(staging)
            } else {
                let old = Publisher.parent(of: target) + "/." + Publisher.name(of: target) + ".old-\(getpid())"
                guard rename(target, old) == 0 else {
                    throw RapportError(.failed, file: target, "cannot replace the previous report: \(String(cString: strerror(errno)))")
                }
                guard rename(staging, target) == 0 else {
                    _ = rename(old, target)
                    throw RapportError(.failed, file: target, "cannot publish: \(String(cString: strerror(errno)))")
                }
                Publisher.removeTree(old)
            }
        } else if rename(staging, target) != 0 {
            throw RapportError(.failed, file: target, "cannot publish: \(String(cString: strerror(errno)))")
        }
        Publisher.syncDirectory(Publisher.parent(of: target))
    }

    /// Removes the staging folder after a failure.
    func abandon() { Publisher.removeTree(staging) }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func makeDirectories(_ path: String) throws(RapportError) {
        var st = stat()
        if stat(path, &st) == 0 { return }
        try makeDirectories(parent(of: path))
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw RapportError(.failed, file: path, "cannot create the output folder: \(String(cString: strerror(errno)))")
        }
    }

    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    /// Removes a folder we created (files and subfolders, no symlinks followed).
    static func removeTree(_ path: String) {
        guard let dir = opendir(path) else {
            unlink(path)
            return
        }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let child = path + "/" + name
            var st = stat()
            if lstat(child, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { removeTree(child) } else { unlink(child) }
        }
        closedir(dir)
        rmdir(path)
    }
}
