import Foundation
import RapportCore
import RapportIngest
import Testing

@Suite struct PatternTimestampTests {
    func parse(_ format: String, _ value: String, zone: ZoneRules = .utc) -> String? {
        guard let p = try? PatternTimestampParser(format: format, zone: zone), case .success(let t) = p.parse(value) else { return nil }
        return t.rfc3339
    }

    @Test func layoutsRealExportsUse() {
        #expect(parse("%a %b %d %H:%M:%S %z %Y", "Tue Oct 31 22:10:47 +0000 2017") == "2017-10-31T22:10:47Z")
        #expect(parse("%d/%b/%y %I:%M %p", "15/Sep/25 6:42 PM") == "2025-09-15T18:42:00Z")
        #expect(parse("%m/%d/%Y %I:%M:%S %p", "05/30/2026 12:03:15 AM") == "2026-05-30T00:03:15Z")
        #expect(parse("%m/%d/%Y %H:%M", "12/4/2025 20:41") == "2025-12-04T20:41:00Z")
        #expect(parse("%d/%m/%Y à %H:%M:%S", "13/04/2021 à 09:01:31", zone: ZoneRules(identifier: "Europe/Paris")!) == "2021-04-13T07:01:31Z")
        #expect(parse("%m/%d/%Y, %I:%M:%S %p", "4/13/2022, 7:56:32 AM") == "2022-04-13T07:56:32Z")
        #expect(parse("%Y-%m-%d %H:%M:%S.%f", "2026-03-02 09:15:00.5") != nil)
    }

    @Test func strictLikeEveryOtherParser() {
        #expect(parse("%d/%m/%Y", "30/02/2026") == nil)  // no Feb 30
        #expect(parse("%H:%M %d/%m/%Y", "24:00 01/03/2026") == nil)
        #expect(parse("%m/%d/%Y %I:%M %p", "13/01/2026 10:00 AM") == nil)
        #expect(parse("%a %b %d %H:%M:%S %z %Y", "Wed Oct 31 22:10:47 +0000 2017") == nil)  // a Tuesday
        #expect(parse("%Y-%m-%d", "2026-03-02 trailing") == nil)
        #expect(throws: TimestampError.self) { try PatternTimestampParser(format: "%Q", zone: .utc) }
    }
}

@Suite struct TranscodingTests {
    func decode(_ bytes: [UInt8], _ encoding: TextEncoding, chunk: Int) throws -> String {
        let source = TranscodingByteSource(MemoryByteSource(bytes, chunkSize: chunk), encoding: encoding)
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 7)
        while true {
            let n = try readChunk(source, &buffer)
            if n == 0 { break }
            out += buffer[..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func utf16WithABOMAtEveryChunkSize() throws {
        let text = "Nom complet\tDurée\n😀 é"
        let le: [UInt8] = [0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let be: [UInt8] = [0xFE, 0xFF] + Array(text.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for chunk in 1...9 {
            #expect(try decode(le, .utf16, chunk: chunk) == text)
            #expect(try decode(be, .utf16, chunk: chunk) == text)
        }
    }

    @Test func singleByteEncodings() throws {
        #expect(try decode([0x63, 0x61, 0x66, 0xE9], .latin1, chunk: 2) == "café")
        #expect(try decode([0x80, 0x93, 0x94], .windows1252, chunk: 1) == "€“”")
        #expect(try decode([0xFF, 0xFE, 0x3D, 0xD8], .utf16, chunk: 1) == "\u{FFFD}")  // a lone high surrogate at the end
    }
}

@Suite struct RawMessageTests {
    @Test func encodedWordsAndFoldedHeaders() throws {
        let dir = temporaryDirectory()
        let message = "Message-ID: <1@x>\nDate: Mon, 2 Mar 2026 09:15:00 +0100 (CET)\nFrom: =?utf-8?Q?=C5=A0egan?= <s@acme.example>\nTo: a@vendor.example,\n\tb@vendor.example\nSubject: =?iso-8859-1?Q?R=E9union?= =?utf-8?B?w6A=?=\nIn-Reply-To: <0@x> (earlier)\n\nBody line\n"
        let csv = "file,message\nbox/1.,\"" + message.replacingOccurrences(of: "\"", with: "\"\"") + "\"\n"
        try csv.write(toFile: dir + "/m.csv", atomically: true, encoding: .utf8)
        let sink = CollectingSink()
        let context = FormatContext(
            fileIndex: 0, displayPath: "m.csv", zone: .utc, parties: PartyDirectory(client: PartyRules(domains: ["acme.example"]), partners: []),
            now: instant("2026-11-29T00:00:00Z"))
        #expect(try EmailRawCSV.read(try FileByteSource(path: dir + "/m.csv"), context: context, into: sink) == 1)
        let m = try #require(sink.interactions.first)
        #expect(m.id == "<1@x>")
        #expect(m.at.rfc3339 == "2026-03-02T08:15:00Z")
        #expect(m.actor == "s@acme.example")
        #expect(m.attributes.recipients.map(\.address) == ["a@vendor.example", "b@vendor.example"])
        #expect(m.attributes.subject == "Réunionà")
        #expect(m.attributes.inReplyTo == "<0@x>")
        #expect(m.text == "Body line\n")
    }
}

/// The string helpers on the ingest paths, each against what the Unicode-aware version gives.
@Suite struct StringHelperTests {
    @Test func trimmingTakesOnlySpacesTabsAndLineEnds() {
        #expect("  a b \t".trimmingASCIIWhitespace() == "a b")
        #expect("\r\n\tÉté\r\n".trimmingASCIIWhitespace() == "Été")
        #expect(" \t\r\n ".trimmingASCIIWhitespace() == "")
        #expect("".trimmingASCIIWhitespace() == "")
        #expect("x".trimmingASCIIWhitespace() == "x")
        #expect("\u{00A0}x\u{00A0}".trimmingASCIIWhitespace() == "\u{00A0}x\u{00A0}")  // no-break space is kept
        #expect("\u{2028}x \u{301}".trimmingASCIIWhitespace() == "\u{2028}x \u{301}")  // a combining mark ends the trim
        #expect(" \u{301}x".trimmingASCIIWhitespace() == "\u{301}x")
        let long = String(repeating: "a", count: 40)
        #expect(("\n" + long + " ").trimmingASCIIWhitespace() == long)
    }

    @Test func lowercasedIfNeededAgreesWithLowercased() {
        for s in ["jane.roe@acme.example", "Jane.Roe@ACME.example", "ÉLODIE@exemple.fr", "élodie@exemple.fr", "", "Z", "@[]^_`{", "İstanbul", "ß"] {
            #expect(s.lowercasedIfNeeded() == s.lowercased(), "\(s)")
        }
    }
}
