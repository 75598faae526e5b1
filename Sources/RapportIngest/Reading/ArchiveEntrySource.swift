import CArchive
import RapportCore

/// A zip or tar archive (plain or gzip-compressed) read entry by entry with libarchive as it
/// streams from its ``ByteSource``: nothing is extracted to disk and one entry's bytes are
/// readable at a time.
///
/// Refused as a whole: an entry named with `..` or an absolute path (whatever reads the
/// archive after Rapport could write outside its folder), more than
/// ``EntryLimits/maxEntries`` entries, more than ``EntryLimits/maxTotalBytes`` uncompressed,
/// or past ``EntryLimits/ratioFloor`` more than ``EntryLimits/maxRatio`` bytes out per byte
/// read (a zip bomb stops there, in bounded time and memory). Folders inside are not entries;
/// links and devices are passed over and reported. The digest is the archive file's own,
/// from the caller's hashing layer.
public final class ArchiveEntrySource: EntrySource {
    /// Opens the archive's bytes (again, for ``restart()``) and gives their digest once read.
    public typealias Opener = () throws(InputError) -> (source: any ByteSource, digest: () -> String)

    private let open: Opener
    private var archive: OpaquePointer?
    private var inner: any ByteSource
    private var digest: () -> String
    private let input: UnsafeMutableRawBufferPointer
    private let limits: EntryLimits
    /// The inner source's failure, kept while libarchive unwinds.
    fileprivate var innerError: InputError?
    private var current: EntryByteSource?
    private var entries = 0
    private var finished = false
    /// Disk bytes of the passes before this one.
    private var earlierDiskBytes: Int64 = 0
    public private(set) var bytesRead: Int64 = 0
    public private(set) var passedOver: [String] = []
    public var bytesFromDisk: Int64 { earlierDiskBytes + inner.bytesFromDisk }

    /// Reads the archive `open` gives (called again by ``restart()``).
    public init(open: @escaping Opener, limits: EntryLimits = EntryLimits()) throws(InputError) {
        self.open = open
        self.limits = limits
        input = .allocate(byteCount: 1 << 16, alignment: 8)
        let first = try open()
        inner = first.source
        digest = first.digest
        try start()
    }

    /// Reads one stream of archive bytes; ``restart()`` is refused.
    public convenience init(_ source: any ByteSource, limits: EntryLimits = EntryLimits(), digest: @escaping () -> String = { "" }) throws(InputError) {
        var given: (any ByteSource)? = source
        try self.init(
            open: { () throws(InputError) -> (source: any ByteSource, digest: () -> String) in
                guard let s = given else { throw InputError(.unsupportedFormat, "this archive stream cannot be read twice; give the archive file as the path") }
                given = nil
                return (s, digest)
            }, limits: limits)
    }

    private func start() throws(InputError) {
        guard let a = archive_read_new() else { throw InputError(.unreadableFile, "libarchive could not start (out of memory?)") }
        archive = a
        archive_read_support_format_zip(a)
        archive_read_support_format_tar(a)
        archive_read_support_format_gnutar(a)
        archive_read_support_filter_gzip(a)
        let status = archive_read_open(a, Unmanaged.passUnretained(self).toOpaque(), nil, archiveRead, nil)
        if status != ARCHIVE_OK {
            throw innerError ?? InputError(.unsupportedFormat, "not a zip or tar archive: \(errorText())")
        }
    }

    public func restart() throws(InputError) {
        current = nil
        archive_read_free(archive)
        archive = nil
        earlierDiskBytes += inner.bytesFromDisk
        let again = try open()
        inner = again.source
        digest = again.digest
        innerError = nil
        entries = 0
        finished = false
        passedOver = []
        try start()
    }

    deinit {
        archive_read_free(archive)
        input.deallocate()
    }

    fileprivate func fillInput() -> Int {
        do throws(InputError) {
            return try inner.read(into: input)
        } catch {
            innerError = error
            return -1
        }
    }

    fileprivate var inputBase: UnsafeRawPointer { UnsafeRawPointer(input.baseAddress!) }

    private func errorText() -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
    }

    public func next() throws(InputError) -> Entry? {
        // The rest of an entry is passed over, not inflated: the digest is of the archive file.
        if let c = current, !c.ended, archive_read_data_skip(archive) < ARCHIVE_WARN {
            throw innerError ?? InputError(.corrupt, "an archive entry is damaged: \(errorText())")
        }
        current = nil
        while !finished {
            var header: OpaquePointer?
            let status = archive_read_next_header(archive, &header)
            if status == ARCHIVE_EOF {
                finished = true
                return nil
            }
            if let innerError { throw innerError }
            guard status >= ARCHIVE_WARN, let header else {
                throw InputError(.corrupt, "the archive is damaged after \(entries) entries: \(errorText())")
            }
            let name = (archive_entry_pathname_utf8(header) ?? archive_entry_pathname(header)).map { String(cString: $0) } ?? ""
            if name.isEmpty || isUnsafeEntryName(name) {
                throw InputError(
                    .unsafeEntry, "the archive holds an entry named `\(name)`, outside its own folder; Rapport refuses such archives (unpack it with care and check where it came from)")
            }
            if rapport_archive_entry_is_dir(header) != 0 { continue }
            guard rapport_archive_entry_is_file(header) != 0 else {
                passedOver.append("\(name): not a regular file (a link or a device)")
                continue
            }
            entries += 1
            if entries > limits.maxEntries {
                throw InputError(.compressionBomb, "the archive holds more than \(limits.maxEntries) entries; split it")
            }
            let size = archive_entry_size_is_set(header) != 0 ? archive_entry_size(header) : -1
            let entry = EntryByteSource(ArchiveData(self)) { [unowned self] b throws(InputError) in try self.count(b.count) }
            current = entry
            return Entry(name: name, size: size, bytes: entry)
        }
        return nil
    }

    /// Adds bytes handed out; a bound crossed stops the archive.
    private func count(_ n: Int) throws(InputError) {
        bytesRead += Int64(n)
        if bytesRead > limits.maxTotalBytes {
            throw InputError(.compressionBomb, "stopped: the entries hold more than \(limits.maxTotalBytes) bytes uncompressed")
        }
        let readIn = max(1, inner.bytesFromDisk)
        if bytesRead > limits.ratioFloor && bytesRead > limits.maxRatio * readIn {
            throw InputError(
                .compressionBomb, "stopped: \(bytesRead) bytes out of \(readIn) compressed (over \(limits.maxRatio):1), likely a compression bomb")
        }
    }

    /// One entry's bytes as libarchive inflates them.
    private final class ArchiveData: ByteSource {
        unowned let owner: ArchiveEntrySource
        init(_ owner: ArchiveEntrySource) { self.owner = owner }
        var bytesFromDisk: Int64 { owner.inner.bytesFromDisk }
        func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
            let n = archive_read_data(owner.archive, buffer.baseAddress, buffer.count)
            if let e = owner.innerError { throw e }
            if n < 0 { throw InputError(.corrupt, "an archive entry is damaged: \(owner.errorText())") }
            return n
        }
    }

    public func finishDigest() throws(InputError) -> String {
        while try next() != nil {}
        // libarchive may stop before the zip's central directory: the rest is hashed too.
        while fillInput() > 0 {}
        if let innerError { throw innerError }
        return digest()
    }
}

/// libarchive's read callback: the next chunk of the archive's bytes.
private func archiveRead(_ archive: OpaquePointer?, _ client: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<UnsafeRawPointer?>?) -> la_ssize_t {
    let source = Unmanaged<ArchiveEntrySource>.fromOpaque(client!).takeUnretainedValue()
    let n = source.fillInput()
    buffer?.pointee = source.inputBase
    return la_ssize_t(n)
}
