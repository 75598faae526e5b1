import RapportCore
import RapportSynthetic
@testable import RapportTransforms
import Testing

@Suite struct ThreadingTests {
    typealias Threadable = (message: EmailMessage, keys: ThreadingKeys)

    func message(_ id: String, thread: String = "", parent: String = "", subject: String = "s", at: Int64 = 0) -> Threadable {
        let m = EmailMessage(
            id: id, at: Instant(seconds: 1_700_000_000 + at)!, party: .client,
            flags: [], firstRecipientPartner: 0, contacts: [], origin: Origin(file: 0, record: 0), fingerprint: Fingerprint())
        return (m, ThreadingKeys(threadID: thread, parentID: parent, subjectKey: subject))
    }

    func threads(_ messages: [Threadable]) -> EmailThreads { EmailThreads(messages: messages.map(\.message), keys: messages.map(\.keys)) }

    @Test func repliesFollowTheirParentsThreadInAnyOrder() {
        let messages = [
            message("c", parent: "b", subject: "other"), message("b", parent: "a", subject: "other2"), message("a", thread: "T"),
            message("d", subject: "x"), message("e", subject: "x"),
        ]
        let t = threads(messages)
        #expect(t.count == 2)
        #expect(t.conversation[0] == t.conversation[2])
        #expect(t.conversation[1] == t.conversation[2])
        #expect(t.conversation[3] == t.conversation[4])
        #expect(t.hops == [2, 1, 0, 0, 0])
        #expect(t.threadIDs[Int(t.conversation[0])] == "T")
    }

    @Test func angleBracketsDoNotMatter() {
        let t = threads([message("<a@x>", thread: "T"), message("b", parent: "a@x", subject: "y")])
        #expect(t.count == 1)
    }

    @Test func withAndWithoutBracketsTheLaterMessageIsTheParent() {
        // `<a@x>` and `a@x` are two messages to de-duplication but one id to a reply.
        let t = threads([message("<a@x>", thread: "T1"), message("a@x", thread: "T2"), message("r", parent: "<a@x>", subject: "y")])
        #expect(t.parent == [-1, -1, 1])
        #expect(t.conversation[2] == t.conversation[1])
    }

    @Test func twoHundredThousandIdsEachFindTheirParent() {
        // Enough ids to fill the table's slots many times over its first size and probe past collisions.
        var messages = [message("<root@x>", thread: "T")]
        for i in 1..<200_000 { messages.append(message("<m\(i)@x>", parent: i % 2 == 0 || i == 1 ? "<root@x>" : "m\(i - 1)@x", subject: "k\(i)")) }
        let t = threads(messages)
        #expect(t.count == 1)
        #expect(t.parent[1] == 0 && t.parent[2] == 0 && t.parent[3] == 2 && t.parent[199_999] == 199_998)
        #expect(t.hops[199_999] == 2)
    }

    /// Messages after the as-of instant leave the plan with their threading keys: the reply
    /// keeps its parent's thread (misaligned keys would put it in the dropped message's).
    @Test func messagesAfterAsOfLeaveWithTheirKeys() {
        let ms = [message("m0", thread: "A"), message("m1", thread: "B", at: 100), message("m2", parent: "m0", at: 10), message("m3", subject: "x", at: 20)]
        let plan = EmailConversations.plan(ms.map(\.message), keys: ms.map(\.keys), asOf: Instant(seconds: 1_700_000_050)!)
        #expect(plan.messages.map(\.id) == ["m0", "m2", "m3"])
        let facts = EmailConversations.facts(plan, conversations: 0..<plan.count, zone: .utc)
        #expect(facts.conversations.map(\.conversation) == ["A", "m3"])
        #expect(facts.conversations.map(\.messages) == [2, 1])
    }

    @Test func duplicateIdsAreTheSameBytesNotTheSameCharacters() {
        // é precomposed and decomposed are equal Swift strings but different message ids.
        let d = Deduplicator(messages: [message("<caf\u{E9}@x>"), message("<cafe\u{301}@x>"), message("<caf\u{E9}@x>")].map(\.message))
        #expect(d.kept == [1, 0])
        #expect(d.duplicates == [2])
    }

    @Test func aReplyCycleIsBrokenAtTheSmallestIDAndReported() {
        let messages = [message("m2", parent: "m1", subject: "k"), message("m1", parent: "m3", subject: "k"), message("m3", parent: "m2", subject: "k")]
        let t = threads(messages)
        #expect(t.brokenCycles.count == 1)
        #expect(t.parent[1] == -1)  // m1 (the smallest id) lost its parent
        #expect(t.hops == [1, 0, 2])
        #expect(t.count == 1)
    }

    @Test func aChainOfAHundredThousandRepliesNeedsNoRecursion() {
        var messages = [message("m0", thread: "T")]
        for i in 1..<100_000 { messages.append(message("m\(i)", parent: "m\(i - 1)", subject: "k\(i)")) }
        messages.reverse()
        let t = threads(messages)
        #expect(t.count == 1)
        #expect(t.hops[0] == 99_999)
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
