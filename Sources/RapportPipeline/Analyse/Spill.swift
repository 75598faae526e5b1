import Glibc
import RapportCore
import RapportFacts
import RapportRuntime

/// A run's private scratch folder (in the cache folder: the same disk, this user's, 0700),
/// removed when the run ends or is interrupted.
final class ScratchFolder: @unchecked Sendable {
    let path: String
    private let identity: FolderIdentity?
    private let token: Interrupts.Token?

    init(in parent: String) throws(RapportError) {
        var template = Array((parent + "/.work-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw RapportError(.failed, file: parent, "cannot make a scratch folder: \(String(cString: strerror(errno)))")
        }
        let path = String(cString: made)
        self.path = path
        let identity = FolderIdentity.of(path)
        self.identity = identity
        token = identity.map { Interrupts.removeOnInterrupt(path, identity: $0) }
    }

    deinit {
        SafeRemoval.removeTree(path, identity: identity)
        if let token { Interrupts.forget(token) }
    }
}

/// Records spread over `count` partitions by a hash, kept in memory while they are few and
/// written to files in a scratch folder once they pass `memoryLimit` bytes; read back one
/// partition at a time. This is what bounds the analysis' memory: it holds one partition.
/// Records are what a codec wrote; reading them back in order is the codec's part.
final class Spill {
    let count: Int
    private let folder: ScratchFolder?
    private let name: String
    private var writers: [ByteWriter]
    private var fds: [Int32]
    private var buffered = 0
    private let memoryLimit: Int
    private static let flushSize = 1 << 18

    /// `folder` nil keeps everything in memory (a run small enough for one partition).
    init(name: String, count: Int, folder: ScratchFolder?, memoryLimit: Int) {
        self.name = name
        self.count = max(1, count)
        self.folder = folder
        self.memoryLimit = memoryLimit
        writers = Array(repeating: ByteWriter(), count: self.count)
        fds = Array(repeating: -1, count: self.count)
    }

    deinit { for fd in fds where fd >= 0 { close(fd) } }

    /// Lets `body` write one record into partition `p`.
    func append(to p: Int, _ body: (inout ByteWriter) -> Void) throws(RapportError) {
        let before = writers[p].bytes.count
        body(&writers[p])
        buffered += writers[p].bytes.count - before
        guard folder != nil else { return }
        if writers[p].bytes.count >= Spill.flushSize { try flush(p) }
        if buffered > memoryLimit { for q in 0..<count { try flush(q) } }
    }

    private func flush(_ p: Int) throws(RapportError) {
        guard let folder, !writers[p].bytes.isEmpty else { return }
        if fds[p] < 0 {
            let path = "\(folder.path)/\(name)-\(p)"
            fds[p] = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fds[p] < 0 { throw RapportError(.failed, file: path, "cannot write scratch data: \(String(cString: strerror(errno)))") }
        }
        var off = 0
        let bytes = writers[p].bytes
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fds[p], $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RapportError(.failed, file: folder.path, "cannot write scratch data (\(String(cString: strerror(errno)))); the disk may be full")
            }
            off += n
        }
        buffered -= bytes.count
        writers[p].removeAll()
    }

    /// The bytes of partition `p`, in the order written; the partition is emptied.
    func drain(_ p: Int) throws(RapportError) -> ByteReader { ByteReader(try drainBytes(p)) }

    func drainBytes(_ p: Int) throws(RapportError) -> [UInt8] {
        var bytes: [UInt8] = []
        if fds[p] >= 0 {
            let size = lseek(fds[p], 0, SEEK_END)
            bytes = [UInt8](repeating: 0, count: Int(size))
            var done = 0
            while done < bytes.count {
                let n = bytes.withUnsafeMutableBytes { pread(fds[p], $0.baseAddress! + done, $0.count - done, off_t(done)) }
                if n <= 0 { throw RapportError(.failed, "cannot read scratch data back: \(String(cString: strerror(errno)))") }
                done += n
            }
            close(fds[p])
            fds[p] = -1
        }
        bytes += writers[p].bytes
        buffered -= writers[p].bytes.count
        writers[p] = ByteWriter()
        return bytes
    }
}
