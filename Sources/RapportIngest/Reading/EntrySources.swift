import Glibc
import RapportCore

/// Opens the input of an ``EntryFormat``: a folder, a zip or tar archive, or a lone file.
public enum EntrySources {
    /// A folder is walked (``FolderEntrySource``); a file named `.zip`, `.tar`, `.tar.gz` or
    /// `.tgz`, or starting with a zip's or tar's magic bytes, is read with libarchive
    /// (``ArchiveEntrySource``, its digest the file's SHA-256); any other file is one entry
    /// (gzip-inflated when it ends in `.gz`). A symbolic link as the path itself is refused
    /// unless `followSymlinks`. `opened` receives the file's source (not a folder's), so that
    /// the run can check it did not change while it was read.
    public static func open(
        path: String, display: String, followSymlinks: Bool, limits: EntryLimits = EntryLimits(), opened: ((FileByteSource) -> Void)? = nil
    ) throws(InputError) -> any EntrySource {
        var st = stat()
        if lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK, !followSymlinks {
            throw InputError(.unreadableFile, "is a symbolic link; set `follow_symlinks: true` on the source to read it")
        }
        guard stat(path, &st) == 0 else { throw InputError(.unreadableFile, "cannot open: \(String(cString: strerror(errno)))") }
        if (st.st_mode & S_IFMT) == S_IFDIR { return FolderEntrySource(root: path, limits: limits) }
        let file = try FileByteSource(path: path)
        opened?(file)
        let hashing = HashingByteSource(file)
        let peekable = PeekableByteSource(hashing)
        let head = try peekable.peek(512)
        let lower = path.lowercased()
        let named = [".zip", ".tar", ".tar.gz", ".tgz"].contains { lower.hasSuffix($0) }
        let zipMagic = head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06])
        let tarMagic = head.count >= 262 && Array(head[257..<262]) == Array("ustar".utf8)
        if named || zipMagic || tarMagic {
            // Opened afresh for each pass (restart), each with its own hash of the file.
            var first: PeekableByteSource? = peekable
            return try ArchiveEntrySource(
                open: { () throws(InputError) -> (source: any ByteSource, digest: () -> String) in
                    if let source = first {
                        first = nil
                        return (source, hashing.hexDigest)
                    }
                    let again = HashingByteSource(try FileByteSource(path: path))
                    return (again, again.hexDigest)
                }, limits: limits)
        }
        let name = display.split(separator: "/").last.map(String.init) ?? display
        let bytes: any ByteSource = lower.hasSuffix(".gz") ? try GzipByteSource(peekable) : peekable
        return SingleEntrySource(name: name, source: bytes, digest: hashing.hexDigest)
    }
}
