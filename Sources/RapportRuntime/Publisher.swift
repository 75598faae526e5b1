import CSupport
import Glibc
import RapportCore

/// Publishes a report atomically: everything is written to a new folder beside the
/// target, flushed, then swapped into place, so a reader never sees half a report and a
/// failed or interrupted run leaves the previous report untouched. A `flock` beside the
/// folder keeps two runs from publishing into it at once.
///
/// Nothing is created or followed through a symlink: the lock is opened with `O_NOFOLLOW`
/// and checked on its descriptor, the staging folder is made by `mkdtemp` (an unpredictable
/// name, mode 0700), and folders are removed through descriptors (``SafeRemoval``). The
/// target must have passed ``OutputFolder/check(_:protecting:knownFiles:)`` first.
public final class Publisher {
    public let target: String
    public let staging: String
    private let lockFD: Int32
    private let stagingIdentity: FolderIdentity
    private var interruptToken: Interrupts.Token?

    /// Takes the lock (exit 75 when another run holds it), removes what runs killed before
    /// they could clean up left beside the target, and creates the staging folder.
    public init(target: String) throws(RapportError) {
        self.target = target
        let parent = Publisher.parent(of: target)
        let name = Publisher.name(of: target)
        try Publisher.makeDirectories(parent)
        lockFD = try Publisher.lock(parent + "/." + name + ".lock", target: target)
        Publisher.removeStaleFolders(in: parent, name: name)
        var template = Array((parent + "/." + name + ".new-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            let reason = String(cString: strerror(errno))
            flock(lockFD, LOCK_UN)
            close(lockFD)
            throw RapportError(.failed, file: parent, "cannot create a staging folder beside the report: \(reason)")
        }
        staging = String(cString: made)
        guard let identity = FolderIdentity.of(staging) else {
            flock(lockFD, LOCK_UN)
            close(lockFD)
            throw RapportError(.failed, file: staging, "the staging folder changed as it was made; check who else writes in \(parent)")
        }
        stagingIdentity = identity
        interruptToken = Interrupts.removeOnInterrupt(staging, identity: identity)
    }

    deinit {
        flock(lockFD, LOCK_UN)
        close(lockFD)
    }

    /// Opens (or creates, 0600) the lock file without following a symlink, checks on the
    /// descriptor that it is a plain file of ours with one link, and takes it.
    static func lock(_ path: String, target: String) throws(RapportError) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 {
            let why = errno == ELOOP ? "it is a symbolic link; remove it (Rapport makes its own)" : String(cString: strerror(errno))
            throw RapportError(.failed, file: path, "cannot open the lock file: \(why)")
        }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_nlink == 1, st.st_uid == geteuid() else {
            close(fd)
            throw RapportError(.failed, file: path, "the lock file is not a plain file of this user's (a link or another user's file); remove it")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw RapportError(.locked, file: target, "another rapport run is writing this report (lock \(path)); try again when it ends")
        }
        return fd
    }

    /// Staging and old-report folders of runs that were killed (`kill -9`, power loss):
    /// the lock is held, so no live run owns them.
    static func removeStaleFolders(in parent: String, name: String) {
        guard let dir = opendir(parent) else { return }
        var stale: [String] = []
        while let entry = readdir(dir) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            if entryName.hasPrefix("." + name + ".new-") || entryName.hasPrefix("." + name + ".old-") { stale.append(entryName) }
        }
        closedir(dir)
        for entryName in stale {
            var st = stat()
            let path = parent + "/" + entryName
            // Only real folders of this user's: a planted symlink or a stranger's folder stays.
            if lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, st.st_uid == geteuid() { SafeRemoval.removeTree(path) }
        }
    }

    /// Swaps the staging folder into place. It was made 0700 so that nobody could write into
    /// it meanwhile; the report gets the permissions a folder made by `mkdir` would have.
    public func publish() throws(RapportError) {
        let fd = open(staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0, FolderIdentity.of(descriptor: fd) == stagingIdentity else {
            if fd >= 0 { close(fd) }
            throw RapportError(.failed, file: staging, "the staging folder was replaced while the report was written; nothing was published")
        }
        fchmod(fd, 0o777 & ~Publisher.umaskValue)
        fsync(fd)
        close(fd)
        var st = stat()
        if lstat(target, &st) == 0 {
            let old = FolderIdentity.of(target)
            // Exchange atomically where the kernel can; the old report then sits at the staging path.
            if rapport_rename_exchange(staging, target) == 0 {
                swapInterruptCleanup(to: old)
                if let old { SafeRemoval.removeTree(staging, identity: old) }
            } else {
                try replaceByTwoRenames(old: old)
            }
        } else if rename(staging, target) != 0 {
            throw RapportError(.failed, file: target, "cannot publish: \(String(cString: strerror(errno)))")
        }
        forgetInterruptCleanup()
        Publisher.syncDirectory(Publisher.parent(of: target))
    }

    /// Where the kernel cannot exchange two paths: the old report moves aside (to a fresh
    /// name, never replacing anything there), the new one takes its place.
    private func replaceByTwoRenames(old: FolderIdentity?) throws(RapportError) {
        var template = Array((Publisher.parent(of: target) + "/." + Publisher.name(of: target) + ".old-XXXXXX").utf8CString)
        guard let aside = mkdtemp(&template).map({ String(cString: $0) }) else {
            throw RapportError(.failed, file: target, "cannot move the previous report aside: \(String(cString: strerror(errno)))")
        }
        // rename(2) replaces the empty folder just made, and only that.
        guard rename(target, aside) == 0 else {
            rmdir(aside)
            throw RapportError(.failed, file: target, "cannot replace the previous report: \(String(cString: strerror(errno)))")
        }
        guard rename(staging, target) == 0 else {
            _ = rename(aside, target)
            throw RapportError(.failed, file: target, "cannot publish: \(String(cString: strerror(errno)))")
        }
        if let old { SafeRemoval.removeTree(aside, identity: old) }
    }

    /// After the exchange the staging path holds the old report: an interrupt now removes that.
    private func swapInterruptCleanup(to old: FolderIdentity?) {
        forgetInterruptCleanup()
        if let old { interruptToken = Interrupts.removeOnInterrupt(staging, identity: old) }
    }

    private func forgetInterruptCleanup() {
        if let t = interruptToken { Interrupts.forget(t) }
        interruptToken = nil
    }

    /// Removes the staging folder after a failure.
    public func abandon() {
        SafeRemoval.removeTree(staging, identity: stagingIdentity)
        forgetInterruptCleanup()
    }

    /// The process's umask (read once; setting it back at once).
    static let umaskValue: mode_t = {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }()

    public static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    public static func name(of path: String) -> String {
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

    public static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}
