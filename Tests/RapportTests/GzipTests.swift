import Foundation
import RapportCore
import RapportIngest
import RapportSynthetic
import Testing

func readChunk(_ source: any ByteSource, _ buffer: inout [UInt8]) throws(InputError) -> Int {
    var result: Result<Int, InputError> = .success(0)
    buffer.withUnsafeMutableBytes { b in
        do throws(InputError) { result = .success(try source.read(into: b)) } catch { result = .failure(error) }
    }
    return try result.get()
}

/// The strict gzip reader on both inflaters (ISA-L and zlib), and the two compared.
@Suite struct GzipTests {
    static func inflate(_ bytes: [UInt8], chunk: Int = 1 << 16, outChunk: Int = 1 << 16, with inflater: GzipByteSource.Inflater) throws(InputError) -> [UInt8] {
        let source = try GzipByteSource(MemoryByteSource(bytes, chunkSize: chunk), inputChunk: max(16, chunk), inflater: inflater)
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: outChunk)
        while true {
            let n = try readChunk(source, &buffer)
            if n == 0 { break }
            out += buffer[..<n]
        }
        return out
    }

    static func failure(_ bytes: [UInt8], with inflater: GzipByteSource.Inflater) -> InputError? {
        do {
            _ = try inflate(bytes, with: inflater)
            return nil
        } catch {
            return error
        }
    }

    /// A file the fuzzer found, kept in fixtures/regressions.
    static func regression(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/fixtures/regressions/" + name)))
    }

    /// The inflaters this machine has: zlib always, ISA-L where `make` installed libisal.
    static let inflaters = GzipByteSource.Inflater.allCases.filter(\.isAvailable)

    let text = Array(String(repeating: "message_id,body\n<1@x>,hello world\n", count: 500).utf8)

    @Test func isaLIsUsedWhereItIsInstalled() throws {
        let installed = FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/libisal.so.2")
            || FileManager.default.fileExists(atPath: "/usr/lib/aarch64-linux-gnu/libisal.so.2")
        #expect(GzipByteSource.Inflater.isal.isAvailable == installed)
        if installed {
            let source = try GzipByteSource(MemoryByteSource(GzipWriter.gzip(text)))
            #expect(source.inflater == (ProcessInfo.processInfo.environment["RAPPORT_INFLATE"] == "zlib" ? .zlib : .isal))
        }
    }

    @Test(arguments: inflaters) func inflatesWholeAndInAnyChunking(_ inflater: GzipByteSource.Inflater) throws {
        let gz = GzipWriter.gzip(text)
        #expect(try Self.inflate(gz, with: inflater) == text)
        for chunk in [1, 2, 3, 17, 4096] {
            #expect(try Self.inflate(gz, chunk: chunk, outChunk: chunk, with: inflater) == text)
        }
    }

    @Test(arguments: inflaters) func readsEveryMemberOfAMultiMemberFile(_ inflater: GzipByteSource.Inflater) throws {
        let a = Array("first part\n".utf8)
        let b = Array("second part\n".utf8)
        let gz = GzipWriter.gzip(a) + GzipWriter.gzip(b) + GzipWriter.gzip([])
        #expect(try Self.inflate(gz, with: inflater) == a + b)
        for chunk in [1, 2, 3, 7, 8, 9] {
            #expect(try Self.inflate(gz, chunk: chunk, outChunk: chunk, with: inflater) == a + b)
        }
        // Members written by gzip(1) itself, with a file name in the header.
        let fixture = try [UInt8](Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/fixtures/edge/c.csv.gz")))
        #expect(try Self.inflate(fixture + fixture, chunk: 5, with: inflater) == Self.inflate(fixture, with: .zlib) + Self.inflate(fixture, with: .zlib))
    }

    /// The same damage gets the same reason from either inflater: one bit flipped at each of
    /// many places of a real file, and cuts at many lengths.
    @Test func bothInflatersGiveTheSameVerdicts() throws {
        try #require(GzipByteSource.Inflater.isal.isAvailable, "ISA-L is not installed (Debian libisal-dev; make installs it)")
        let gz = GzipWriter.gzip(text, level: 6)
        var cases: [[UInt8]] = []
        for position in stride(from: 0, to: gz.count, by: max(1, gz.count / 97)) {
            for bit in [0, 3, 7] {
                var damaged = gz
                damaged[position] ^= UInt8(1 << bit)
                cases.append(damaged)
            }
            cases.append(Array(gz.prefix(position)))
        }
        for damaged in cases {
            let viaZlib = Result { () throws(InputError) in try Self.inflate(damaged, with: .zlib) }
            let viaISAL = Result { () throws(InputError) in try Self.inflate(damaged, with: .isal) }
            switch (viaZlib, viaISAL) {
            case (.success(let a), .success(let b)): #expect(a == b)
            case (.failure(let a), .failure(let b)): #expect(Self.sameVerdict(zlib: a.reason, isal: b.reason), "zlib: \(a.message); ISA-L: \(b.message)")
            case (.success(let a), .failure(let b)): Issue.record("zlib read \(a.count) bytes, ISA-L refused: \(b.message)")
            case (.failure(let a), .success(let b)): Issue.record("ISA-L read \(b.count) bytes, zlib refused: \(a.message)")
            }
        }
    }

    /// Equal reasons, except that "truncated" and "corrupt" may swap on a stream damaged or cut
    /// inside a block (ISA-L validates code lengths lazily and decodes ahead at the end of input).
    static func sameVerdict(zlib: RejectReason, isal: RejectReason) -> Bool {
        let damaged: Set<RejectReason> = [.corrupt, .truncated]
        return zlib == isal || (damaged.contains(zlib) && damaged.contains(isal))
    }

    /// Found by `make fuzz` (gzip): a dynamic block with an invalid distance code set (zlib:
    /// corrupt at the block header; ISA-L decodes a little, then runs out of input), and a
    /// stream cut inside a block (zlib: truncated; ISA-L: an invalid symbol in the zero bits
    /// past the end). Both refuse both files, and ISA-L's message names either cause.
    @Test(arguments: [("gzip-invalid-distances-set.gz", RejectReason.corrupt), ("gzip-cut-inside-a-block.gz", .truncated)])
    func damageNearTheEndIsRefusedByBoth(_ file: String, _ zlibReason: RejectReason) throws {
        let bytes = try Self.regression(file)
        #expect(Self.failure(bytes, with: .zlib)?.reason == zlibReason)
        if GzipByteSource.Inflater.isal.isAvailable {
            let viaISAL = try #require(Self.failure(bytes, with: .isal))
            #expect(Self.sameVerdict(zlib: zlibReason, isal: viaISAL.reason))
            #expect(viaISAL.message.contains("cut short"), "\(viaISAL.message)")
        }
    }

    /// Found by `make fuzz` (gzip): a member whose literal/length code set is incomplete, then
    /// zeros. zlib refuses the code set; ISA-L decodes an empty member whose zero CRC and length
    /// check out, then finds the bytes after it.
    @Test func anIncompleteCodeSetIsRefusedByZlibAndCheckedByISAL() throws {
        let bytes = try Self.regression("gzip-incomplete-code-set.gz")
        #expect(Self.failure(bytes, with: .zlib)?.reason == .corrupt)
        if GzipByteSource.Inflater.isal.isAvailable {
            #expect(Self.failure(bytes, with: .isal)?.reason == .trailingGarbage)
        }
    }

    @Test(arguments: inflaters) func detectsDamage(_ inflater: GzipByteSource.Inflater) {
        func failure(_ bytes: [UInt8]) -> InputError? { Self.failure(bytes, with: inflater) }
        let gz = GzipWriter.gzip(text)
        #expect(failure(Array(gz.prefix(gz.count / 2)))?.reason == .truncated)
        #expect(failure(Array(gz.dropLast(4)))?.reason == .truncated)  // cut inside the trailer
        var badCRC = gz
        badCRC[gz.count - 6] ^= 0xFF
        #expect(failure(badCRC)?.reason == .corrupt)
        var badSize = gz
        badSize[gz.count - 2] ^= 0xFF
        #expect(failure(badSize)?.reason == .corrupt)
        #expect(failure(gz + Array("garbage".utf8))?.reason == .trailingGarbage)
        #expect(failure(gz + [0, 0, 0, 0])?.reason == .trailingGarbage)
        #expect(failure(gz + [0x1f])?.reason == .trailingGarbage)
        #expect(failure(Array("id,body\n1,plain text\n".utf8))?.reason == .notGzip)
        #expect(failure([0x50, 0x4B, 0x03, 0x04, 0, 0])?.reason == .notGzip)  // a zip file named .gz
        #expect(failure([])?.reason == .notGzip)
    }

    static let bomb: [UInt8] = {
        // 200 MB of zeros compress to about 200 KB: past 64 MiB the 100:1 cap stops it.
        GzipWriter.gzip([UInt8](repeating: 0, count: 200 << 20), level: 9)
    }()

    @Test(arguments: inflaters) func stopsACompressionBombInBoundedMemory(_ inflater: GzipByteSource.Inflater) {
        let source = try! GzipByteSource(MemoryByteSource(Self.bomb), inflater: inflater)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        var stopped: InputError?
        do throws(InputError) {
            while true {
                let n = try readChunk(source, &buffer)
                if n == 0 { break }
                total += n
            }
        } catch { stopped = error }
        #expect(stopped?.reason == .compressionBomb)
        #expect(total < 70 << 20)
    }
}
