import Glibc
import RapportCore

/// SIGINT, SIGTERM and SIGHUP end a run cleanly (PRODUCT.md): the folders it was writing
/// (staging, cache entries) are removed, the lock goes with the process, and it exits with
/// 130, 143 or 129 as a shell reports a signal.
///
/// The signals are blocked in every thread and taken by one thread of their own with
/// `sigwait`, so the cleanup runs as ordinary code, not inside an asynchronous handler.
public enum Interrupts {
    /// Something to undo when the run is interrupted.
    public struct Token: Hashable, Sendable { let value: Int }

    private final class Registry: @unchecked Sendable {
        var lock = pthread_mutex_t()
        var next = 0
        var folders: [Int: (path: String, identity: FolderIdentity)] = [:]
        var installed = false
        init() { pthread_mutex_init(&lock, nil) }
    }

    nonisolated(unsafe) private static let registry = Registry()
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Blocks the signals in this thread (and in every thread started after it) and starts
    /// the thread that takes them. Call first thing in `main`, before any other thread starts.
    public static func install() {
        pthread_mutex_lock(&registry.lock)
        defer { pthread_mutex_unlock(&registry.lock) }
        guard !registry.installed else { return }
        registry.installed = true
        var set = blockedSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in
            var set = Interrupts.blockedSet()
            var signal: Int32 = 0
            while sigwait(&set, &signal) != 0 {}
            Interrupts.cleanUp()
            _exit(128 + signal)
        }, nil)
        pthread_detach(thread)
    }

    static func blockedSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        return set
    }

    /// Registers a folder this run made, to be removed if the run is interrupted.
    public static func removeOnInterrupt(_ path: String, identity: FolderIdentity) -> Token {
        pthread_mutex_lock(&registry.lock)
        defer { pthread_mutex_unlock(&registry.lock) }
        registry.next += 1
        registry.folders[registry.next] = (path, identity)
        return Token(value: registry.next)
    }

    /// The folder was published or removed: nothing to undo any more.
    public static func forget(_ token: Token) {
        pthread_mutex_lock(&registry.lock)
        registry.folders[token.value] = nil
        pthread_mutex_unlock(&registry.lock)
    }

    /// Removes every registered folder. The lock stays held, so no other run starts meanwhile.
    static func cleanUp() {
        pthread_mutex_lock(&registry.lock)
        let folders = registry.folders.values
        registry.folders = [:]
        pthread_mutex_unlock(&registry.lock)
        for f in folders {
            // Moved aside first: the run's writer threads open files by path, so once the folder
            // is gone from that path none can add a file while it is emptied.
            let aside = f.path + "-interrupted"
            if FolderIdentity.of(f.path) == f.identity, rename(f.path, aside) == 0 {
                SafeRemoval.removeTree(aside, identity: f.identity)
            } else {
                SafeRemoval.removeTree(f.path, identity: f.identity)
            }
        }
    }
}
