import Foundation
import RapportCore
import RapportIngest
import Testing

/// The strict streaming JSON reader on its own (the Slack, Redmine and GitHub formats share it).
@Suite struct JSONReaderTests {
    /// Every event as text, or the error's reason, reading `chunk` bytes at a time.
    static func events(_ text: String, chunk: Int = 1 << 16, limits: JSONReader.Limits = JSONReader.Limits()) -> [String] {
        events(Array(text.utf8), chunk: chunk, limits: limits)
    }

    static func events(_ bytes: [UInt8], chunk: Int = 1 << 16, limits: JSONReader.Limits = JSONReader.Limits()) -> [String] {
        let reader = JSONReader(source: MemoryByteSource(bytes, chunkSize: chunk), limits: limits, chunkSize: max(16, chunk))
        var out: [String] = []
        do {
            while let e = try reader.next() {
                switch e {
                case .key: out.append("key:\(reader.text)")
                case .string: out.append("s:\(reader.text)")
                case .number: out.append("n:\(reader.text)")
                default: out.append("\(e)")
                }
            }
        } catch {
            out.append("error \(error.reason.rawValue)")
        }
        return out
    }

    static let sample = #"{"a": [1, -0.5, 2e10, true, false, null], "b\/c": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "": {}}"#

    @Test func eventsOfADocument() {
        #expect(Self.events(Self.sample) == [
            "startObject", "key:a", "startArray", "n:1", "n:-0.5", "n:2e10", "bool(true)", "bool(false)", "null", "endArray",
            "key:b/c", "s:x\"\\/\u{8}\u{C}\n\r\t\u{E9}\u{1F600}", "key:", "startObject", "endObject", "endObject",
        ])
    }

    @Test func everyChunkSizeGivesTheSameEvents() {
        let whole = Self.events(Self.sample)
        for chunk in 1...Self.sample.utf8.count + 1 { #expect(Self.events(Self.sample, chunk: chunk) == whole, "chunk \(chunk)") }
    }

    @Test func surrogatesPairedOrReplaced() {
        #expect(Self.events(#""\ud83d\ude00""#) == ["s:\u{1F600}"])
        #expect(Self.events(#""\ud83d""#) == ["s:\u{FFFD}"])
        #expect(Self.events(#""\ude00x""#) == ["s:\u{FFFD}x"])
        #expect(Self.events(#""\ud83d\u0041""#) == ["s:\u{FFFD}A"])
    }

    @Test(arguments: [
        ("[1,]", "corrupt"), ("[01]", "corrupt"), ("[1.]", "corrupt"), ("[-]", "corrupt"), ("[.5]", "corrupt"), ("{\"a\" 1}", "corrupt"),
        ("{a:1}", "corrupt"), ("[\"\u{1}\"]", "corrupt"), ("[\"\\x\"]", "corrupt"), ("[\"\\u12g4\"]", "corrupt"), ("[tru]", "corrupt"),
        ("[1] [2]", "corrupt"), ("// comment\n[]", "corrupt"), ("[1}", "corrupt"), ("", "truncated"), ("[1, 2", "truncated"),
        ("{\"a\": \"unterminated", "truncated"), ("{\"a\":", "truncated"), ("[1e]", "corrupt"),
    ])
    func malformedInputIsRefused(_ text: String, _ reason: String) {
        #expect(Self.events(text).last == "error \(reason)", "\(text)")
    }

    @Test func invalidUTF8InAStringIsRefused() {
        #expect(Self.events([0x5B, 0x22, 0xC3, 0x28, 0x22, 0x5D]).last == "error corrupt")
        #expect(Self.events([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == ["startArray", "n:1", "endArray"])
    }

    @Test func nestingTenThousandDeepIsRefusedInBoundedTime() {
        let started = Date()
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let out = Self.events(deep)
        #expect(out.last == "error corrupt")
        #expect(out.count == 257)  // 256 levels open, then the refusal
        #expect(Date().timeIntervalSince(started) < 2)
    }

    @Test func stringAndNumberCapsHold() {
        var limits = JSONReader.Limits()
        limits.maxStringBytes = 10
        limits.maxNumberBytes = 5
        #expect(Self.events("[\"" + String(repeating: "a", count: 11) + "\"]", limits: limits).last == "error corrupt")
        #expect(Self.events("[\"" + String(repeating: "a", count: 10) + "\"]", limits: limits) == ["startArray", "s:aaaaaaaaaa", "endArray"])
        #expect(Self.events("[123456]", limits: limits).last == "error corrupt")
    }

    @Test func elementsOfALargeArrayOneAtATime() throws {
        let text = #"[{"id": "U1", "profile": {"email": "a@x.example"}, "n": [1, 2]}, {"id": "U2"}, 7]"#
        let reader = JSONReader(source: MemoryByteSource(Array(text.utf8), chunkSize: 3))
        #expect(try reader.next() == .startArray)
        let first = try #require(try reader.readElement())
        #expect(first["id"]?.string == "U1")
        #expect(first["profile"]?["email"]?.string == "a@x.example")
        #expect(first["n"]?.array == [.number("1"), .number("2")])
        #expect(try reader.readElement()?["id"]?.string == "U2")
        #expect(try reader.readElement()?.text == "7")
        #expect(try reader.readElement() == nil && reader.endedContainer)
        #expect(try reader.next() == nil)
    }

    @Test func anElementOverItsBudgetIsSkippedAndReadingGoesOn() throws {
        var limits = JSONReader.Limits()
        limits.maxElementBytes = 64
        let text = #"[{"big": ""# + String(repeating: "x", count: 200) + #"", "more": [1, {"a": 2}]}, {"id": "after"}]"#
        let reader = JSONReader(source: MemoryByteSource(Array(text.utf8)), limits: limits)
        #expect(try reader.next() == .startArray)
        #expect(try reader.readElement() == nil && !reader.endedContainer)
        #expect(try reader.readElement()?["id"]?.string == "after")
    }

    @Test func aSkippedContainerEndsWhereItEnds() throws {
        let reader = JSONReader(source: MemoryByteSource(Array(#"{"skip": {"a": [1, [2]], "b": {}}, "keep": 3}"#.utf8)))
        #expect(try reader.next() == .startObject)
        #expect(try reader.next() == .key)
        try reader.skip(try #require(try reader.next()))
        #expect(try reader.next() == .key && reader.text == "keep")
        #expect(try reader.next() == .number && reader.text == "3")
    }
}
