import Foundation
import RapportCore
import RapportIngest
import RapportSynthetic
import Testing

@Suite struct CSVReaderTests {
    @Test func validatedStringsAgreeWithTheStandardLibrary() {
        // ASCII runs across the eight-byte steps, multi-byte characters, and broken sequences
        // (lone continuation, truncated lead, overlong, surrogate, above U+10FFFF).
        let pieces: [[UInt8]] = [
            Array("abcdefgh".utf8), Array("x".utf8), Array("é".utf8), Array("€".utf8), Array("😀".utf8), [0x80], [0xC3], [0xE2, 0x82],
            [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0x00],
        ]
        var rng = SeededRandom(seed: 11)
        var invalid = 0
        for _ in 0..<5_000 {
            let bytes = (0..<rng.int(0...9)).flatMap { _ in rng.pick(pieces) }
            bytes.withUnsafeBytes { raw in
                let ours = String(validUTF8: raw)
                #expect(ours == String(validating: raw, as: UTF8.self), "\(bytes)")
                if ours == nil { invalid += 1 }
            }
        }
        #expect(invalid > 1_000 && invalid < 4_500)  // both answers occur often
    }

    static let sample =
        "\u{FEFF}id,text,n\r\n"
        + "1,plain,10\r\n"
        + "2,\"with, comma\",20\n"
        + "3,\"doubled \"\"quotes\"\" here\",30\r\n"
        + "\n"
        + "4,\"two\r\nlines\nthree\",40\n"
        + "5,bad\"quote,50\n"
        + "6,\"closed\"junk,60\n"
        + "7,,\n"
        + "8,last,80"

    static let expected = [
        "1: [id][text][n]",
        "2: [1][plain][10]",
        "3: [2][with, comma][20]",
        "4: [3][doubled \"quotes\" here][30]",
        "6: [4][two\r\nlines\nthree][40]",
        "9: !bare_quote 5,bad\"quote,50",
        "10: !text_after_quote 6,\"closed\"junk,60",
        "11: [7][][]",
        "12: [8][last][80]",
    ]

    @Test func framesQuotingLineEndsAndErrorsWithTheLineWhereARecordStarts() throws {
        let got = try frame(Self.sample, chunkSize: 1 << 16)
        #expect(got == Self.expected, "\(got)")
    }

    /// The verifier every reader must pass: any chunking gives the same records.
    @Test func everyChunkSizeFromOneByteUpGivesTheSameRecords() throws {
        for size in 1...Self.sample.utf8.count + 1 {
            #expect(try frame(Self.sample, chunkSize: size) == Self.expected, "chunk size \(size)")
        }
    }

    @Test func anUnterminatedQuoteResumesOnTheNextLine() throws {
        let text = "a,b\n1,\"never closed\n2,fine\n3,also fine\n"
        for size in [1, 2, 3, 7, 1 << 16] {
            #expect(try frame(text, chunkSize: size) == ["1: [a][b]", "2: !unterminated_quote 1,\"never closed", "3: [2][fine]", "4: [3][also fine]"])
        }
    }

    @Test func aRecordPastTheSizeCapIsSkippedAndReadingGoesOn() throws {
        let big = String(repeating: "x", count: 5000)
        let text = "a,b\n1,\"\(big)\nstill inside\"\n2,after\n"
        let records = try frame(text, chunkSize: 100, maxRecordBytes: 1024)
        #expect(records.count == 3)
        #expect(records[0] == "1: [a][b]")
        #expect(records[1].hasPrefix("2: !record_too_large 1,\"xxx"))
        #expect(records[2] == "4: [2][after]")
    }

    @Test func aLoneCarriageReturnIsDataAndEmptyFilesHaveNoRecords() throws {
        // Only LF and CRLF end records: a bare CR inside unquoted text (seen in real exports) stays in its field.
        #expect(try frame("a,b\r\n1,x\r\ry,2\r\n3,4", chunkSize: 1) == ["1: [a][b]", "2: [1][x\r\ry][2]", "3: [3][4]"])
        #expect(try frame("a,b\r1,2\n", chunkSize: 2) == ["1: [a][b\r1][2]"])
        #expect(try frame("", chunkSize: 4).isEmpty)
        #expect(try frame("\u{FEFF}", chunkSize: 1).isEmpty)
        #expect(try frame("\n\n\r\n", chunkSize: 1).isEmpty)
    }

    @Test func semicolonDelimitedFilesWorkWithTheDelimiterOption() throws {
        let reader = CSVReader(
            source: MemoryByteSource(Array("a;b\n\"x;y\";2\n".utf8), chunkSize: 3), options: CSVReader.Options(delimiter: UInt8(ascii: ";")))
        var rows: [[String]] = []
        while let e = try reader.next() {
            #expect(e == .record)
            rows.append((0..<reader.fieldCount).map { reader.string($0)! })
        }
        #expect(rows == [["a", "b"], ["x;y", "2"]])
    }
}
