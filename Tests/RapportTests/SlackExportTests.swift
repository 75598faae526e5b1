import Foundation
import RapportCore
@testable import RapportIngest
import RapportPipeline
import Testing

/// `slack-export` on the real slackviewer sample (fixtures/realdata SOURCES.md §7.3) and on
/// small exports made here: threads across day files, the quiet gap, bots, edits, deletions.
@Suite struct SlackExportTests {
    static let sample = repositoryRoot + "/fixtures/realdata/slack-export-official-slackviewer/testarchive.zip"
    let real = RealExportTests()

    static let context = MailArchiveTests.context

    static func read(_ path: String, options: SourceOptions = SourceOptions()) throws -> CollectingSink {
        let sink = CollectingSink()
        var context = Self.context
        context.options = options
        _ = try SlackExport.read(entries: try EntrySources.open(path: path, display: path, followSymlinks: false), context: context, into: sink)
        return sink
    }

    @Test func theSlackviewerSample() throws {
        let sink = try Self.read(Self.sample)
        // 158 elements: bot_message 94, plain 49, channel_join 8, bot_add 3, file_share 3,
        // file_comment 1. The 11 joins and integration additions are events, not messages.
        #expect(sink.interactions.count == 147 && sink.rejects.isEmpty)
        #expect(sink.warnings.contains("11 Slack events that are not messages were skipped (not records): channel_join 8, bot_add 3"))
        #expect(sink.interactions.filter(\.attributes.autoSubmitted).count == 94)
        // 8 poster ids in the independent count: 4 users, 3 bot ids, and none for the
        // file_comment, whose poster is its comment's user (a user already counted): 7 actors.
        #expect(Set(sink.interactions.map(\.actor)).count == 7)
        #expect(Set(sink.interactions.filter { !$0.attributes.autoSubmitted }.map(\.actor)) == ["abilinski", "doubledeez", "hamza", "heroeshannibal"])
        // No threads (the export predates them); `\/` unescaped; Slack markup made plain.
        #expect(sink.interactions.allSatisfy { $0.attributes.inReplyTo.isEmpty })
        #expect(sink.interactions.contains { $0.text.contains("https://mesos-magellan.slack.com/files/") || $0.text.contains("100 cities") })
        #expect(!sink.interactions.contains { $0.text.contains("<@U0BM") })
        let o = try real.read("{ kind: email, format: slack-export, path: \"\(Self.sample)\" }")
        #expect(real.counts(o) == "147 read, 147 used, 0 rejected; 20 conversations, 147 messages")
        #expect(o.summary.files[0].sha256.hasPrefix("62221ab121084078"))
    }

    @Test func theUnzippedFolderReadsAlike() throws {
        let dir = temporaryDirectory("rapport-slack")
        let archive = try ArchiveEntrySource(FileByteSource(path: Self.sample))
        while let entry = try archive.next() {
            let path = dir + "/" + entry.name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(try #require(try EntrySourceTests.readAll(entry.bytes))).write(to: URL(fileURLWithPath: path))
        }
        let zipped = try Self.read(Self.sample)
        let folder = try Self.read(dir)
        #expect(folder.interactions.map(\.id) == zipped.interactions.map(\.id))
        #expect(folder.interactions.map(\.conversation) == zipped.interactions.map(\.conversation))
    }

    /// A small export: channel `support` with a thread whose reply is in the next day's file,
    /// messages around a quiet gap, a bot post, an edit, a deletion and a join.
    static func export(usersLast: Bool) -> [UInt8] {
        let users = #"[{"id": "U1", "name": "jane", "profile": {"email": "Jane@Acme.example"}}, {"id": "U2", "name": "ana.vendor", "profile": {}}]"#
        let channels = #"[{"id": "C9", "name": "support"}]"#
        let day1 = #"""
            [
              {"type": "message", "user": "U1", "text": "Start of the thread <@U2>", "ts": "1772442000.000100", "thread_ts": "1772442000.000100", "reply_count": 1},
              {"type": "message", "user": "U2", "text": "Morning", "ts": "1772445600.000200"},
              {"type": "message", "user": "U1", "text": "Hi Ana", "ts": "1772446200.000300", "edited": {"user": "U1", "ts": "1772446300.000000"}},
              {"type": "message", "subtype": "bot_message", "bot_id": "B1", "username": "github", "text": "build passed", "ts": "1772446800.000400"},
              {"type": "message", "subtype": "channel_join", "user": "U2", "text": "<@U2> has joined", "ts": "1772447000.000500"},
              {"type": "message", "subtype": "tombstone", "hidden": true, "user": "USLACKBOT", "text": "This message was deleted.", "ts": "1772447100.000600"},
              {"type": "message", "user": "U2", "text": "After a long quiet", "ts": "1772470000.000700"}
            ]
            """#
        let day2 = #"[{"type": "message", "user": "U2", "text": "Reply &amp; fix: <https://x.example/1|ticket 1>", "ts": "1772528400.000800", "thread_ts": "1772442000.000100", "parent_user_id": "U1"}]"#
        var items: [TestZip.Item] = [
            .init(name: "channels.json", bytes: Array(channels.utf8)), .init(name: "support/2026-03-02.json", bytes: Array(day1.utf8)),
            .init(name: "support/2026-03-03.json", bytes: Array(day2.utf8)),
        ]
        let u = TestZip.Item(name: "users.json", bytes: Array(users.utf8))
        if usersLast { items.append(u) } else { items.insert(u, at: 0) }
        return TestZip.make(items)
    }

    @Test(arguments: [true, false]) func threadsGapsBotsEditsAndDeletions(usersLast: Bool) throws {
        let dir = temporaryDirectory("rapport-slack")
        try Data(Self.export(usersLast: usersLast)).write(to: URL(fileURLWithPath: dir + "/export.zip"))
        let sink = try Self.read(dir + "/export.zip")
        #expect(sink.rejects.isEmpty)
        #expect(sink.warnings == ["2 Slack events that are not messages were skipped (not records): channel_join 1, tombstone 1"])
        let got = sink.interactions.map { "\($0.actor) \($0.conversation) \($0.attributes.inReplyTo) \($0.attributes.autoSubmitted ? "bot" : "")" }
        #expect(got == [
            "jane@acme.example slack:C9:1772442000.000100  ",
            "ana.vendor slack:C9:1772445600.000200  ",
            "jane@acme.example slack:C9:1772445600.000200  ",
            "github slack:C9:1772445600.000200  bot",
            "ana.vendor slack:C9:1772470000.000700  ",
            "ana.vendor slack:C9:1772442000.000100 slack:C9:1772442000.000100 ",
        ])
        // The edited message counts once, at its original ts; mentions and links made plain.
        #expect(sink.interactions[2].at == Instant(seconds: 1_772_446_200, nanos: 300_000))
        #expect(sink.interactions[0].text == "Start of the thread @ana.vendor")
        #expect(sink.interactions[5].text == "Reply & fix: ticket 1")
        // A party by the profile e-mail's domain.
        #expect(sink.interactions[0].party == .client)
    }

    @Test func theSessionGapIsASourceOption() throws {
        let dir = temporaryDirectory("rapport-slack")
        try Data(Self.export(usersLast: false)).write(to: URL(fileURLWithPath: dir + "/export.zip"))
        var options = SourceOptions()
        options.sessionGapSeconds = 7 * 3600
        let sink = try Self.read(dir + "/export.zip", options: options)
        #expect(Set(sink.interactions.map(\.conversation)) == ["slack:C9:1772442000.000100", "slack:C9:1772445600.000200"])
        let yaml = """
            client: { domains: [acme.example] }
            partners: [{ id: v, domains: [vendor.example], people: [ana.vendor] }]
            sources:
              - { kind: email, format: slack-export, path: export.zip, session_gap: 90m }
              - { kind: email, format: mbox, path: x.mbox, session_gap: 1h }
            """
        var message = ""
        do {
            _ = try PipelineConfig.parse(yaml: yaml, file: "p.yaml", directory: dir)
        } catch {
            message = "\(error)"
        }
        #expect(message.contains("`session_gap` does not apply to format `mbox`"), "\(message)")
    }

    @Test func aDamagedDayFileIsOneRejectAndTheRestIsRead() throws {
        let zip = TestZip.make([
            .init(name: "users.json", bytes: Array("[]".utf8)),
            .init(name: "c/2026-03-02.json", bytes: Array(#"[{"type": "message", "user": "U1", "text": "ok", "ts": "1772442000.1"}, {"ts": tru"#.utf8)),
            .init(name: "c/2026-03-03.json", bytes: Array(#"[{"type": "message", "user": "U1", "text": "next", "ts": "1772528400.2"}, {"user": "U1", "text": "no ts"}]"#.utf8)),
        ])
        let sink = CollectingSink()
        let n = try SlackExport.read(MemoryByteSource(zip), context: Self.context, into: sink)
        #expect(n == 4 && sink.interactions.map(\.text) == ["ok", "next"])
        #expect(sink.rejects.map(\.reason) == [.truncated, .badTimestamp])
        #expect(sink.rejects[0].message.hasPrefix("c/2026-03-02.json, after message 1: JSON:"))
    }
}
