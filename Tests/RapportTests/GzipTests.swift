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

@Suite struct GzipTests {
    func inflate(_ bytes: [UInt8], chunk: Int = 1 << 16, outChunk: Int = 1 << 16) throws(InputError) -> [UInt8] {
        let source = try GzipByteSource(MemoryByteSource(bytes, chunkSize: chunk), inputChunk: max(16, chunk))
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: outChunk)
        while true {
            let n = try readChunk(source, &buffer)
            if n == 0 { break }
            out += buffer[..<n]
        }
        return out
    }

    func failure(_ bytes: [UInt8]) -> InputError? {
        do {
            _ = try inflate(bytes)
            return nil
        } catch {
            return error
        }
    }

    let text = Array(String(repeating: "message_id,body\n<1@x>,hello world\n", count: 500).utf8)

    @Test func inflatesWholeAndInAnyChunking() throws {
        let gz = GzipWriter.gzip(text)
        #expect(try inflate(gz) == text)
        for chunk in [1, 2, 3, 17, 4096] {
            #expect(try inflate(gz, chunk: chunk, outChunk: chunk) == text)
        }
    }

    @Test func readsEveryMemberOfAMultiMemberFile() throws {
        let a = Array("first part\n".utf8)
        let b = Array("second part\n".utf8)
        let gz = GzipWriter.gzip(a) + GzipWriter.gzip(b) + GzipWriter.gzip([])
        #expect(try inflate(gz) == a + b)
        #expect(try inflate(gz, chunk: 1, outChunk: 1) == a + b)
    }

    @Test func detectsDamage() {
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

    @Test func stopsACompressionBombInBoundedMemory() {
        // 200 MB of zeros compress to about 200 KB: past 64 MiB the 100:1 cap stops it.
        let zeros = [UInt8](repeating: 0, count: 200 << 20)
        let gz = GzipWriter.gzip(zeros, level: 9)
        let source = try! GzipByteSource(MemoryByteSource(gz))
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        var stopped: InputError?
        do {
            while true {
                let n = try readChunk(source, &buffer)
                if n == 0 { break }
                total += n
            }
        } catch let e as InputError { stopped = e } catch {}
        #expect(stopped?.reason == .compressionBomb)
        #expect(total < 70 << 20)
    }
}
