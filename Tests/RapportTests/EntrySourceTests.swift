import CZlib
import Foundation
import RapportCore
import RapportIngest
import RapportSynthetic
import Testing

/// Small zip files made in the tests (stored or deflated entries), so that no archive
/// fixture has to be committed for the hostile cases.
enum TestZip {
    struct Item {
        var name: String
        var bytes: [UInt8]
        var deflate = true
    }

    static func make(_ items: [Item]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for item in items {
            let data = item.deflate ? rawDeflate(item.bytes) : item.bytes
            let crc = item.bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
            let offset = UInt32(out.count)
            let name = Array(item.name.utf8)
            let method: UInt16 = item.deflate ? 8 : 0
            out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0x21)
            out += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(item.bytes.count)) + le16(UInt16(name.count)) + le16(0) + name + data
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0x21)
            central += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(item.bytes.count)) + le16(UInt16(name.count))
            central += le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + name
        }
        let centralOffset = UInt32(out.count)
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(items.count)) + le16(UInt16(items.count))
        out += le32(UInt32(central.count)) + le32(centralOffset) + le16(0)
        return out
    }

    /// Deflate without the gzip wrapper (a gzip member is a 10-byte header, the deflate data and an 8-byte trailer).
    static func rawDeflate(_ bytes: [UInt8]) -> [UInt8] {
        let member = GzipWriter.gzip(bytes, level: 9)
        return Array(member[10..<(member.count - 8)])
    }

    /// A zip of one deflated entry of `count` zero bytes (or `byte`s), compressed in 1 MiB steps (a bomb
    /// of any size without holding it).
    static func zeros(name: String, count: Int, byte: UInt8 = 0) -> [UInt8] {
        var s = z_stream()
        deflateInit2_(&s, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&s) }
        var zeros = [UInt8](repeating: byte, count: 1 << 20)
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var crc = crc32(0, nil, 0)
        var left = count
        repeat {
            let n = min(left, zeros.count)
            left -= n
            zeros.withUnsafeMutableBufferPointer { crc = crc32(crc, $0.baseAddress, uInt(n)) }
            zeros.withUnsafeMutableBufferPointer { inp in
                s.next_in = inp.baseAddress
                s.avail_in = uInt(n)
                repeat {
                    chunk.withUnsafeMutableBufferPointer { o in
                        s.next_out = o.baseAddress
                        s.avail_out = uInt(o.count)
                        deflate(&s, left == 0 ? Z_FINISH : Z_NO_FLUSH)
                        data += o[..<(o.count - Int(s.avail_out))]
                    }
                } while s.avail_out == 0
            }
        } while left > 0
        let nameBytes = Array(name.utf8)
        var out = le32(0x0403_4B50) + le16(20) + le16(0) + le16(8) + le16(0) + le16(0x21)
        out += le32(UInt32(crc)) + le32(UInt32(data.count)) + le32(UInt32(truncatingIfNeeded: count)) + le16(UInt16(nameBytes.count)) + le16(0) + nameBytes + data
        let central = le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(8) + le16(0) + le16(0x21) + le32(UInt32(crc))
            + le32(UInt32(data.count)) + le32(UInt32(truncatingIfNeeded: count)) + le16(UInt16(nameBytes.count)) + le16(0) + le16(0) + le16(0) + le16(0)
            + le32(0) + le32(0) + nameBytes
        let centralOffset = UInt32(out.count)
        out += central + le32(0x0605_4B50) + le16(0) + le16(0) + le16(1) + le16(1) + le32(UInt32(central.count)) + le32(centralOffset) + le16(0)
        return out
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
}

/// Folder walks and archives as sources of named entries.
@Suite struct EntrySourceTests {
    /// Names and contents, entry by entry.
    static func contents(_ source: any EntrySource) throws -> [String] {
        var out: [String] = []
        while let e = try source.next() {
            let bytes = try #require(try readAll(e.bytes))
            out.append("\(e.name)=\(String(decoding: bytes, as: UTF8.self))")
        }
        return out
    }

    static func readAll(_ source: any ByteSource) throws -> [UInt8]? {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { return out }
            out += chunk[..<n]
        }
    }

    @Test func aZipIsReadEntryByEntryAndCanBeReadAgain() throws {
        let zip = TestZip.make([.init(name: "b.json", bytes: Array("[1]".utf8)), .init(name: "dir/a.txt", bytes: Array("hello".utf8), deflate: false)])
        let source = try ArchiveEntrySource(open: { () throws(InputError) in (MemoryByteSource(zip, chunkSize: 7), { "" }) })
        #expect(try Self.contents(source) == ["b.json=[1]", "dir/a.txt=hello"])
        try source.restart()
        #expect(try Self.contents(source) == ["b.json=[1]", "dir/a.txt=hello"])
    }

    @Test(arguments: ["../evil.txt", "a/../../evil.txt", "/etc/passwd", "C:\\evil.txt"])
    func entriesThatWouldEscapeTheirFolderRefuseTheArchive(_ name: String) throws {
        let zip = TestZip.make([.init(name: "ok.txt", bytes: [0x41]), .init(name: name, bytes: [0x42])])
        let source = try ArchiveEntrySource(MemoryByteSource(zip))
        #expect(try source.next()?.name == "ok.txt")
        let error = Self.failure { _ = try source.next() }
        #expect(error?.reason == .unsafeEntry)
        // libarchive reads a backslash in a zip name as `/`: the name is reported as it reads it.
        #expect(error?.message.contains(name.replacingOccurrences(of: "\\", with: "/")) == true, "\(error?.message ?? "")")
    }

    /// The InputError `body` throws, or nil.
    static func failure(_ body: () throws -> Void) -> InputError? {
        do {
            try body()
            return nil
        } catch {
            return error as? InputError
        }
    }

    @Test func aZipBombStopsInBoundedTimeAndMemory() throws {
        // 256 MiB of zeros in about 250 KB; the default bounds stop it past 64 MiB at 100:1.
        let bomb = TestZip.zeros(name: "day/2016-01-01.json", count: 256 << 20)
        #expect(bomb.count < 400_000)
        let started = Date()
        let source = try ArchiveEntrySource(MemoryByteSource(bomb))
        let entry = try #require(try source.next())
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let error = Self.failure {
            while try chunk.withUnsafeMutableBytes({ try entry.bytes.read(into: $0) }) > 0 {}
        }
        #expect(error?.reason == .compressionBomb)
        #expect(source.bytesRead < 70 << 20)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func entryCountAndTotalSizeAreBounded() throws {
        var limits = EntryLimits()
        limits.maxEntries = 3
        let many = TestZip.make((0..<5).map { .init(name: "f\($0)", bytes: [0x41]) })
        #expect(throws: InputError.self) { _ = try ArchiveEntrySource(MemoryByteSource(many), limits: limits).finishDigest() }
        limits = EntryLimits()
        limits.maxTotalBytes = 100
        let big = TestZip.make([.init(name: "a", bytes: [UInt8](repeating: 0x41, count: 80)), .init(name: "b", bytes: [UInt8](repeating: 0x41, count: 80))])
        let source = try ArchiveEntrySource(MemoryByteSource(big), limits: limits)
        _ = try Self.readAll(try #require(try source.next()).bytes)
        #expect(throws: InputError.self) { _ = try Self.readAll(try #require(try source.next()).bytes) }
    }

    @Test func notAnArchiveIsRefused() throws {
        #expect(throws: InputError.self) { _ = try ArchiveEntrySource(MemoryByteSource(Array("just text, no archive".utf8))).next() }
    }

    @Test func aFolderIsWalkedInByteOrderWithoutFollowingLinks() throws {
        let dir = temporaryDirectory("rapport-walk")
        let outside = temporaryDirectory("rapport-outside")
        try "secret".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/b/c", withIntermediateDirectories: true)
        for (name, text) in [("a.txt", "1"), ("b/z.txt", "2"), ("b/c/y.txt", "3"), ("B.txt", "4")] {
            try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.txt", withDestinationPath: outside + "/secret.txt")
        try FileManager.default.createSymbolicLink(atPath: dir + "/b/loop", withDestinationPath: dir)
        let source = FolderEntrySource(root: dir)
        #expect(try Self.contents(source) == ["B.txt=4", "a.txt=1", "b/c/y.txt=3", "b/z.txt=2"])
        #expect(source.passedOver.sorted() == ["b/loop: a symbolic link (not followed)", "link.txt: a symbolic link (not followed)"])
        let digest = try source.finishDigest()
        // The digest covers names and bytes: the same tree gives it again, a renamed file does not.
        #expect(try FolderEntrySource(root: dir).finishDigest() == digest)
        try FileManager.default.moveItem(atPath: dir + "/a.txt", toPath: dir + "/a2.txt")
        #expect(try FolderEntrySource(root: dir).finishDigest() != digest)
    }

    @Test func folderDepthIsBounded() throws {
        let dir = temporaryDirectory("rapport-deep")
        try FileManager.default.createDirectory(atPath: dir + "/" + (0..<5).map { "d\($0)" }.joined(separator: "/"), withIntermediateDirectories: true)
        var limits = EntryLimits()
        limits.maxDepth = 3
        #expect(throws: InputError.self) { _ = try FolderEntrySource(root: dir, limits: limits).finishDigest() }
    }
}
