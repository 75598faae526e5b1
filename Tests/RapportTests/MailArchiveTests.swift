import Foundation
import RapportCore
@testable import RapportIngest
import RapportPipeline
import RapportSynthetic
import Testing

/// The mail archive formats (`mbox`, `maildir`, `eml`) on the real samples of
/// fixtures/realdata (SOURCES.md §3.2 and §7), against the counts an independent script
/// made, and their parts alone: the mbox splitter, the MIME reading, the archivers' mangled
/// addresses.
@Suite struct MailArchiveTests {
    static let data = repositoryRoot + "/fixtures/realdata"
    let real = RealExportTests()

    /// What the reader itself emits, counted as the independent script counted: over the first
    /// message of each id, replies are messages with a parent, dangling ones have it outside.
    struct Figures: Equatable, CustomStringConvertible {
        var messages = 0
        var uniqueIDs = 0
        var replies = 0
        var dangling = 0
        var senders = 0
        var description: String { "\(messages) messages, \(uniqueIDs) ids, \(replies) replies (\(dangling) dangling), \(senders) senders" }
    }

    static let context = FormatContext(
        fileIndex: 0, displayPath: "sample", zone: .utc,
        parties: PartyDirectory(client: PartyRules(domains: ["acme.example"]), partners: []), now: instant("2026-12-01T00:00:00Z"))

    /// Reads one sample with a format and counts what came out.
    static func read(_ format: any InputFormat.Type, _ path: String) throws -> (Figures, CollectingSink) {
        let sink = CollectingSink()
        if let entryFormat = format as? any EntryFormat.Type {
            _ = try entryFormat.read(entries: try EntrySources.open(path: path, display: path, followSymlinks: false), context: context, into: sink)
        } else {
            let file: any ByteSource = try FileByteSource(path: path)
            _ = try format.read(path.hasSuffix(".gz") ? try GzipByteSource(file) : file, context: context, into: sink)
        }
        var seen = Set<String>()
        var unique: [Interaction] = []
        for i in sink.interactions where seen.insert(i.id).inserted { unique.append(i) }
        let replies = unique.filter { !$0.attributes.inReplyTo.isEmpty }
        let figures = Figures(
            messages: sink.interactions.count, uniqueIDs: unique.count, replies: replies.count,
            dangling: replies.filter { !seen.contains($0.attributes.inReplyTo) }.count, senders: Set(unique.map(\.actor)).count)
        return (figures, sink)
    }

    func largest(_ o: RealExportTests.Outcome) -> Int { o.conversations.map { Int($0["messages"]!)! }.max() ?? 0 }

    // MARK: real samples

    @Test func rPackageDevelPipermailQuarter() throws {
        let path = Self.data + "/mbox-pipermail-r-package-devel/2023q3.txt"
        let (figures, sink) = try Self.read(Mbox.self, path)
        #expect(figures == Figures(messages: 324, uniqueIDs: 323, replies: 262, dangling: 11, senders: 86), "\(figures)")
        #expect(sink.rejects.isEmpty)
        // The senders are the names the archive's mangling leaves (`obr|@o||@u @end|ng |rom gm@||@com (obrl soil)`).
        #expect(sink.interactions[0].actor == "obrl soil")
        // No sender is guessed into an address: names such as `biii m@iii@g oii de@@ey@ws` stay names.
        #expect(!sink.interactions.contains { (try? AddressParser.parseSingle($0.actor).get()) != nil })
        let o = try real.read("{ kind: email, format: mbox, path: \"\(path)\" }")
        // 72 reply-chain threads; Uwe Ligges's reply of 15 July, whose parent is not in the
        // file, joins his own thread of the same subject (the engine threads parentless
        // messages by subject and organisations): 71 conversations. The copy of
        // <2CB3C236-…@revelle.net> is byte-identical: a duplicate.
        #expect(real.counts(o) == "324 read, 323 used, 0 rejected; 71 conversations, 323 messages")
        #expect(o.summary.duplicates == 1)
        #expect(largest(o) == 20)
        // Two body lines start `>From ` (mbox escaping): unescaped, they do not split a message.
        #expect(sink.interactions.contains { $0.text.contains("\nFrom the top of my head") || $0.text.hasPrefix("From the top of my head") })
    }

    @Test func theSameQuarterGzipped() throws {
        let dir = temporaryDirectory("rapport-mbox-gz")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.data + "/mbox-pipermail-r-package-devel/2023q3.txt"))
        try Data(GzipWriter.gzip(Array(bytes))).write(to: URL(fileURLWithPath: dir + "/2023q3.mbox.gz"))
        let o = try real.read("{ kind: email, format: mbox, path: \"\(dir)/2023q3.mbox.gz\" }")
        #expect(real.counts(o) == "324 read, 323 used, 0 rejected; 71 conversations, 323 messages")
    }

    @Test func percevalPipermailNovember() throws {
        let path = Self.data + "/mailing-list-mbox-perceval/pipermail_2015_november.mbox"
        let (figures, sink) = try Self.read(Mbox.self, path)
        // The first reply names its parent `…@example.com` where the parent's own id is
        // `…@mail.gmail.com` (upstream's anonymisation): one dangling reply.
        #expect(figures == Figures(messages: 4, uniqueIDs: 4, replies: 3, dangling: 1, senders: 2), "\(figures)")
        // pipermail's `andy at example.com (Andy Grunwald)` is an address again.
        #expect(sink.interactions.map(\.actor) == ["andy@example.com", "jgb@gsyc.es", "andy@example.com", "andy@example.com"])
        let o = try real.read("{ kind: email, format: mbox, path: \"\(path)\" }")
        #expect(real.counts(o) == "4 read, 4 used, 0 rejected; 2 conversations, 4 messages")
    }

    @Test func percevalComplexAndLatin1() throws {
        let (complex, sink) = try Self.read(Mbox.self, Self.data + "/mailing-list-mbox-perceval/mbox_complex.mbox")
        #expect(complex == Figures(messages: 2, uniqueIDs: 2, replies: 1, dangling: 1, senders: 2), "\(complex)")
        #expect(sink.interactions.map(\.actor) == ["eloli@hotmail.com", "danilo@gnome.org"])
        // The quoted-printable UTF-8 body is decoded: no `=C5=A0` left, `Šegan`-style text intact.
        #expect(!sink.interactions[1].text.contains("=C5") && !sink.interactions[1].text.contains("=\n"))
        let (latin1, sink1) = try Self.read(Mbox.self, Self.data + "/mailing-list-mbox-perceval/mbox_iso8859_encoding.mbox")
        #expect(latin1.messages == 1 && sink1.rejects.isEmpty)
        // The From line's raw Latin-1 byte (0xED) is read as windows-1252: `í`.
        #expect(sink1.interactions[0].actor == "lucíacharlie@wellsfargo.com")
        #expect(sink1.interactions[0].attributes.subject == "[ovs-dev] Remittance Advice")
    }

    @Test func notmuchMaildir() throws {
        let path = Self.data + "/maildir-notmuch-default"
        let (figures, sink) = try Self.read(Maildir.self, path)
        #expect(figures == Figures(messages: 53, uniqueIDs: 52, replies: 29, dangling: 1, senders: 16), "\(figures)")
        #expect(sink.rejects.isEmpty, "\(sink.rejects)")
        let o = try real.read("{ kind: email, format: maildir, path: \"\(path)\" }")
        // bar/18:2, and cur/51:2, are one message in two folders: a duplicate.
        #expect(real.counts(o) == "53 read, 52 used, 0 rejected; 24 conversations, 52 messages")
        #expect(o.summary.duplicates == 1)
        #expect(largest(o) == 7)
        // The folder's digest is reported as its SHA-256 (names, sizes and bytes).
        #expect(o.summary.files[0].sha256.count == 64)
    }

    @Test func aFolderOfEmlFilesAndASingleOne() throws {
        let dir = temporaryDirectory("rapport-eml")
        let maildir = Self.data + "/maildir-notmuch-default/cur"
        let names = try FileManager.default.contentsOfDirectory(atPath: maildir).sorted()
        try FileManager.default.createDirectory(atPath: dir + "/mail/sub", withIntermediateDirectories: true)
        for (i, name) in names.enumerated() {
            try FileManager.default.copyItem(atPath: maildir + "/" + name, toPath: dir + "/mail/\(i % 2 == 0 ? "sub/" : "")m\(i).eml")
        }
        try "not a message".write(toFile: dir + "/mail/notes.txt", atomically: true, encoding: .utf8)
        let (figures, sink) = try Self.read(EmlFiles.self, dir + "/mail")
        #expect(figures.messages == names.count && sink.rejects.isEmpty)
        #expect(sink.warnings == ["1 files not named .eml skipped: notes.txt"])
        let o = try real.read("{ kind: email, format: eml, path: \"\(dir)/mail/m1.eml\" }")
        #expect(real.counts(o) == "1 read, 1 used, 0 rejected; 1 conversations, 1 messages")
    }

    // MARK: the mbox splitter

    static let tricky = """
        From alice@acme.example  Mon Mar  2 09:00:00 2026
        From: Alice <alice@acme.example>
        Date: Mon, 2 Mar 2026 09:00:00 +0000
        Message-ID: <a1@acme.example>

        From the top of my head, this line is not a separator (no date shape).
        >From here on, escaped.
        >>From twice escaped.

        From bob@globex.example Mon Mar  2 10:00:00 2026
        From: bob@globex.example
        Date: Mon, 2 Mar 2026 10:00:00 +0000
        Message-ID: <b1@globex.example>
        In-Reply-To: <a1@acme.example>
        \r
        Reply text.\r
        From bob@globex.example Mon Mar  2 10:00:00 2026 (no blank line before: body)

        From carol at acme.example  Mon Mar  2 11:00:00 2026
        From: carol at acme.example (Carol)
        Date: Mon, 2 Mar 2026 11:00:00 +0000

        Last message, no newline at the end
        """

    static func split(_ text: String, chunk: Int, limit: Int = 1 << 20) throws -> [String] {
        let splitter = MboxSplitter(source: MemoryByteSource(Array(text.utf8), chunkSize: chunk), maxMessageBytes: limit, chunkSize: 16)
        var out: [String] = []
        while let event = try splitter.next() {
            switch event {
            case .message(let line): out.append("\(line): " + String(decoding: splitter.message, as: UTF8.self))
            case .tooLarge(let line, _): out.append("\(line): too large")
            }
        }
        return out
    }

    @Test func theSplitterFindsSeparatorsByShapeAndPlace() throws {
        let messages = try Self.split(Self.tricky, chunk: 1 << 16)
        #expect(messages.count == 3)
        #expect(messages[0].hasPrefix("1: From: Alice"))
        #expect(messages[0].contains("\nFrom the top of my head"))
        #expect(messages[0].contains("\nFrom here on, escaped.\n>From twice escaped.\n"))
        #expect(messages[1].hasPrefix("10: From: bob") && messages[1].contains("\nFrom bob@globex.example Mon Mar  2 10:00:00 2026 (no blank"))
        #expect(messages[2].hasPrefix("19: From: carol") && messages[2].hasSuffix("no newline at the end"))
    }

    @Test func everyChunkSizeGivesTheSameMessages() throws {
        let whole = try Self.split(Self.tricky, chunk: 1 << 16)
        for chunk in 1...Self.tricky.utf8.count + 1 { #expect(try Self.split(Self.tricky, chunk: chunk) == whole, "chunk \(chunk)") }
    }

    @Test func aMessageOverTheLimitIsOneRejectAndTheNextIsRead() throws {
        let big = Self.tricky.replacingOccurrences(of: "Reply text.", with: String(repeating: "x", count: 5000))
        let got = try Self.split(big, chunk: 100, limit: 1000).map { String($0.prefix(8)) }
        #expect(got == ["1: From:", "10: too ", "19: From"], "\(got)")
    }

    @Test func textBeforeTheFirstSeparatorIsNotAnMbox() {
        #expect(throws: InputError.self) { _ = try Self.split("Subject: hi\n\nFrom a@b Mon Mar  2 10:00:00 2026\n", chunk: 8) }
        #expect((try? Self.split("", chunk: 8)) == [])
    }

    // MARK: MIME

    /// Reads one message through the mbox format.
    static func message(_ raw: String) throws -> (Interaction?, [Reject]) {
        let sink = CollectingSink()
        _ = try Mbox.read(MemoryByteSource(Array(("From x  Mon Mar  2 09:00:00 2026\n" + raw).utf8)), context: context, into: sink)
        return (sink.interactions.first, sink.rejects)
    }

    static let head = "From: Ana <ana@globex.example>\nTo: jane@acme.example\nDate: Mon, 2 Mar 2026 09:00:00 +0000\nMessage-ID: <m@globex.example>\n"

    @Test func alternativePartsPreferPlainTextAndDecodeQuotedPrintable() throws {
        let (m, _) = try Self.message(Self.head + """
            Subject: =?windows-1252?Q?Caf=E9_=93menu=94?=
            MIME-Version: 1.0
            Content-Type: multipart/alternative; boundary="b1"

            --b1
            Content-Type: text/html; charset=utf-8

            <p>HTML version</p>
            --b1
            Content-Type: text/plain; charset=iso-8859-1
            Content-Transfer-Encoding: quoted-printable

            Gr=FC=DFe, a long line that is =
            folded.
            --b1--

            """)
        #expect(m?.attributes.subject == "Café “menu”")
        #expect(m?.text == "Grüße, a long line that is folded.")
        #expect(m?.textIsHTML == false)
    }

    @Test func htmlOnlyBase64AndWindows1252() throws {
        let html = Data("<p>Hello &amp; welcome</p>".utf8).base64EncodedString()
        let (m, _) = try Self.message(Self.head + "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n\(html)\n")
        #expect(m?.text == "<p>Hello &amp; welcome</p>")
        #expect(m?.textIsHTML == true)
        let cp1252 = Array((Self.head + "Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: 8bit\n\nPrice: ~10\n").utf8).map { $0 == UInt8(ascii: "~") ? 0x80 : $0 }
        let sink = CollectingSink()
        _ = try Mbox.read(MemoryByteSource(Array("From x  Mon Mar  2 09:00:00 2026\n".utf8) + cp1252), context: Self.context, into: sink)
        #expect(sink.interactions.first?.text == "Price: €10")
    }

    @Test func attachmentsAreSkippedAndFoldedHeadersUnfolded() throws {
        let (m, rejects) = try Self.message(Self.head.replacingOccurrences(of: "To: jane@acme.example", with: "To: jane@acme.example,\n\tbob@acme.example") + """
            Subject: a subject
             folded twice
            Content-Type: multipart/mixed; boundary="x"

            --x
            Content-Type: text/plain; name="log.txt"
            Content-Disposition: attachment; filename="log.txt"

            attached log, not the message
            --x
            Content-Type: text/plain

            The message itself.
            --x
            Content-Type: application/pdf
            Content-Transfer-Encoding: base64

            JVBERi0=
            --x--

            """)
        #expect(rejects.isEmpty)
        #expect(m?.text == "The message itself.")
        #expect(m?.attributes.subject == "a subject folded twice")
        #expect(m?.attributes.recipients.map(\.address) == ["jane@acme.example", "bob@acme.example"])
    }

    @Test func gmailsThreadIdIsTheConversation() throws {
        let (m, _) = try Self.message(Self.head + "X-GM-THRID: 1771234567890\nSubject: s\n\nbody\n")
        #expect(m?.conversation == "1771234567890")
        let (g, _) = try Self.message(Self.head + "X-GM-THRID: 42\nContent-Type: text/plain; charset=iso-8859-1\n\nbody\n")
        #expect(g?.conversation == "42")
    }

    @Test func aMessageWithoutADateIsRejectedNamingWhy() throws {
        let (m, rejects) = try Self.message("From: ana@globex.example\nSubject: no date\n\nbody\n")
        #expect(m == nil)
        #expect(rejects.map(\.reason) == [.missingValue] && rejects[0].message.contains("no Date header"))
    }

    /// Every real message that can be read without GMime reads to the same values as with it.
    @Test func theByteReadingAgreesWithGMime() throws {
        var messages: [[UInt8]] = []
        for file in ["mbox-pipermail-r-package-devel/2023q3.txt", "mailing-list-mbox-perceval/pipermail_2015_november.mbox",
            "mailing-list-mbox-perceval/mbox_complex.mbox", "mailing-list-mbox-perceval/mbox_iso8859_encoding.mbox"] {
            let splitter = MboxSplitter(source: try FileByteSource(path: Self.data + "/" + file), maxMessageBytes: 1 << 24)
            while try splitter.next() != nil { messages.append(splitter.message) }
        }
        let maildir = FolderEntrySource(root: Self.data + "/maildir-notmuch-default")
        while let entry = try maildir.next() { messages.append(try #require(try readWhole(entry.bytes, limit: 1 << 24))) }
        messages.append(Array((Self.head + "Subject: crlf\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n\r\nline one\r\nline two\r\n").utf8))
        // What the fuzzer found the two readings to differ on: NUL bytes in a body and in a
        // header, a bare CR inside a header name.
        messages.append(Array((Self.head + "\nbefore").utf8) + [0, 1] + Array("after\n".utf8))
        messages.append(Array("Date: Tue, 3 Mar 2026 09:00:00 +0000".utf8) + [0, 0] + Array("\nMessage\rID: <x@y>\nSub".utf8) + [0, 0] + Array("ject: Hi\n\nbody".utf8))
        var plain = 0
        for m in messages {
            m.withUnsafeBytes { b in
                guard let fast = MailMessage(plain: b) else { return }
                plain += 1
                #expect(fast == MailMessage(gmime: b), "\(String(decoding: b.prefix(300), as: UTF8.self))")
            }
        }
        #expect(plain > 300 && plain < messages.count)
    }

    // MARK: addresses mangled by archivers

    @Test(arguments: [
        ("andy at example.com (Andy Grunwald)", ArchivedAddress.Sender.field("andy@example.com (Andy Grunwald)")),
        ("Jane Roe <jane at mail.acme.example>", .field("Jane Roe <jane@mail.acme.example>")),
        ("obr|@o||@u @end|ng |rom gm@||@com (obrl soil)", .name("obrl soil")),
        ("||gge@ @end|ng |rom @t@t|@t|k@tu-dortmund@de (Uwe Ligges)", .name("Uwe Ligges")),
        ("biii m@iii@g oii de@@ey@ws (biii m@iii@g oii de@@ey@ws)", .name("biii m@iii@g oii de@@ey@ws")),
        ("edd @end|ng |rom deb|@n@org", .name("edd @end|ng |rom deb|@n@org")),
        ("=?UTF-8?Q?Luc=C3=ADa?= <lucia at example.org>", .field("=?UTF-8?Q?Luc=C3=ADa?= <lucia@example.org>")),
        ("x at y (meet at noon)", .field("x at y (meet at noon)")),
        ("ordinary@acme.example", .field("ordinary@acme.example")),
    ])
    func archiverManglingIsUndoneOrNamed(_ field: String, _ expected: ArchivedAddress.Sender) {
        #expect(ArchivedAddress.sender(field) == expected)
    }

    @Test func lossyRecipientsAreDroppedNeverGuessed() {
        #expect(ArchivedAddress.recipients("r-package-devel at r-project.org, m@ech|er @end|ng |rom @t@t@m@th@ethz@ch") == "r-package-devel@r-project.org")
        #expect(ArchivedAddress.displayName("\"Roe, Jane\" <j@x.example>") == "Roe, Jane")
    }
}
