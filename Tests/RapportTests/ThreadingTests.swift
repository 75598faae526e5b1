import Foundation
import RapportCore
import RapportPipeline
import RapportSynthetic
@testable import RapportTransforms
import Testing

/// Threading as `rapport run` does it (EmailIndex, over fact files): messages written as a
/// rapport-email-csv export, threaded, and read back as `rapport shard threads` prints them
/// (file, position, conversation key, hops, flags) in the export's order.
@Suite struct ThreadingTests {
    struct Mail {
        var id: String
        var thread = ""
        var parent = ""
        var subject = "s"
        var at: Int64 = 0
    }

    func mail(_ id: String, thread: String = "", parent: String = "", subject: String = "s", at: Int64 = 0) -> Mail {
        Mail(id: id, thread: thread, parent: parent, subject: subject, at: at)
    }

    /// Each message's (key, hops, flags), in the export's order.
    func threads(_ mails: [Mail], asOf: Int64? = nil) throws -> [(key: String, hops: Int, flags: Int)] {
        let dir = temporaryDirectory("rapport-threading")
        var csv = "message_id,thread_id,in_reply_to,sent_at,from,to,cc,subject,body\n"
        for m in mails {
            let at = Instant(seconds: 1_700_000_000 + m.at)!.rfc3339
            csv += "\(m.id),\(m.thread),\(m.parent),\(at),ann@acme.example,kim@globex.example,,\(m.subject),body of \(m.id)\n"
        }
        try csv.write(toFile: dir + "/mail.csv", atomically: true, encoding: .utf8)
        let pipeline = """
            name: threading
            client: { name: Acme, domains: [acme.example] }
            partners: [{ id: globex, name: Globex, domains: [globex.example] }]
            sources: [{ kind: email, format: rapport-email-csv, path: mail.csv }]
            """
        try pipeline.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let config = try PipelineConfig.load(path: dir + "/p.yaml")
        let lines = try ShardCommands.threads(
            config, cache: dir + "/cache", asOf: asOf.map { Instant(seconds: 1_700_000_000 + $0)! }, now: instant("2026-11-29T12:00:00Z"))
        return lines.map { line in
            let f = line.split(separator: "\t")
            return (String(f[2]), Int(f[3])!, Int(f[4])!)
        }
    }

    @Test func repliesFollowTheirParentsThreadInAnyOrder() throws {
        let t = try threads([
            mail("c", parent: "b", subject: "other"), mail("b", parent: "a", subject: "other2"), mail("a", thread: "T"),
            mail("d", subject: "x"), mail("e", subject: "x"),
        ])
        #expect(t[0].key == t[2].key && t[1].key == t[2].key)
        #expect(t[3].key == t[4].key && t[3].key != t[0].key)
        #expect(t.map(\.hops) == [2, 1, 0, 0, 0])
    }

    @Test func angleBracketsDoNotMatterToAReply() throws {
        let t = try threads([mail("<a@x>", thread: "T"), mail("b", parent: "a@x", subject: "y")])
        #expect(t[0].key == t[1].key && t[1].hops == 1)
    }

    @Test func aMessageWithItsOwnThreadIDStartsItsConversationUnderAParent() throws {
        let t = try threads([mail("a", thread: "A"), mail("b", thread: "B", parent: "a"), mail("c", parent: "b")])
        #expect(t[1].key != t[0].key)  // its own thread id first
        #expect(t[2].key == t[1].key)  // its child follows it
        #expect(t.map(\.hops) == [0, 1, 2])  // hops still count every known parent
    }

    @Test func aReplyCycleIsBrokenAtTheSmallestID() throws {
        let t = try threads([mail("m2", parent: "m1", subject: "k"), mail("m1", parent: "m3", subject: "k"), mail("m3", parent: "m2", subject: "k")])
        #expect(Set(t.map(\.key)).count == 1)
        #expect(t.map(\.hops) == [1, 0, 2])  // m1, the smallest id, lost its parent
    }

    @Test func aReplyStampedBeforeItsParentIsMarked() throws {
        let t = try threads([mail("a", subject: "k", at: 100), mail("b", parent: "a", subject: "k", at: 50)])
        #expect(t.map(\.flags) == [0, 8])
    }

    @Test func duplicatesAreDroppedAndLaterMessagesSetAside() throws {
        let t = try threads([mail("a", subject: "k"), mail("a", subject: "k"), mail("late", parent: "a", at: 1_000)], asOf: 500)
        #expect(t.map(\.flags) == [0, 3, 4])  // the copy dropped as a duplicate; the late reply after as-of
    }

    @Test func aChainOfTwentyThousandRepliesNeedsNoRecursion() throws {
        var mails = [mail("m0", thread: "T")]
        for i in 1..<20_000 { mails.append(mail("m\(i)", parent: "m\(i - 1)", subject: "k\(i)", at: Int64(i))) }
        mails.reverse()
        let t = try threads(mails)
        #expect(Set(t.map(\.key)).count == 1)
        #expect(t[0].hops == 19_999)
    }

    @Test func asciiSubjectsNormaliseAsTheCharacterRuleDoes() {
        let pieces = ["Re:", "RE :", " re: ", "fw:", "Fwd:", "AW:", "wg:", "SV:", "re re:", "x:", ":", " ", "\t", "\r\n", "\u{0B}", "Hello", "World", "42", "re", "Q3"]
        var rng = SeededRandom(seed: 5)
        for _ in 0..<5_000 {
            let subject = (0..<rng.int(0...7)).map { _ in rng.pick(pieces) }.joined()
            #expect(MessageAnalyzer.asciiNormalisedSubject(subject) == MessageAnalyzer.normalisedSubjectByCharacters(subject), "\(subject.debugDescription)")
        }
        #expect(MessageAnalyzer.asciiNormalisedSubject("Re: caf\u{E9}") == nil)  // not ASCII: the Character rule decides
    }

    @Test func subjectsNormaliseReplyPrefixesSpaceAndCase() {
        #expect(MessageAnalyzer.normalisedSubject("Re: RE: Fwd:  Weekly   Figures ") == "weekly figures")
        #expect(MessageAnalyzer.normalisedSubject("AW: WG: SV: fw: Rechnung") == "rechnung")
        #expect(MessageAnalyzer.normalisedSubject("Re : Status") == "status")
        #expect(MessageAnalyzer.normalisedSubject("Ticket: 42 broken") == "ticket: 42 broken")
    }
}

@Suite struct FingerprintTests {
    func digest(_ text: String, normalising: Bool) -> Fingerprint {
        var hasher = FingerprintHasher()
        Array(text.utf8).withUnsafeBytes { normalising ? hasher.addNormalisingLineEnds($0) : hasher.add($0) }
        return hasher.finish()
    }

    @Test func onlyACarriageReturnBeforeALineFeedIsDropped() {
        #expect(digest("a\r\nb", normalising: true) == digest("a\nb", normalising: false))
        #expect(digest("\r\n\r\n", normalising: true) == digest("\n\n", normalising: false))
        #expect(digest("a\rb", normalising: true) == digest("a\rb", normalising: false))
        #expect(digest("a\rb", normalising: true) != digest("ab", normalising: false))
        #expect(digest("x\r", normalising: true) == digest("x\r", normalising: false))
        #expect(digest("\r\r\n", normalising: true) == digest("\r\n", normalising: false))
    }

    @Test func normalisingAgreesWithTheByteRuleOverRandomTexts() {
        // The rule byte by byte, as it was first written: drop a CR that an LF follows.
        func reference(_ bytes: [UInt8]) -> [UInt8] {
            bytes.indices.filter { !(bytes[$0] == 0x0D && $0 + 1 < bytes.count && bytes[$0 + 1] == 0x0A) }.map { bytes[$0] }
        }
        let pieces = ["\r", "\n", "\r\n", "abcdefghij", "x", "é"]
        var rng = SeededRandom(seed: 5)
        var withCR = 0
        for _ in 0..<5_000 {
            let text = (0..<rng.int(0...12)).map { _ in rng.pick(pieces) }.joined()
            let bytes = Array(text.utf8)
            if bytes.contains(0x0D) { withCR += 1 }
            var ours = FingerprintHasher()
            bytes.withUnsafeBytes { ours.addNormalisingLineEnds($0) }
            var expected = FingerprintHasher()
            reference(bytes).withUnsafeBytes { expected.add($0) }
            #expect(ours.finish() == expected.finish(), "\(bytes)")
        }
        #expect(withCR > 3_000)
    }
}
