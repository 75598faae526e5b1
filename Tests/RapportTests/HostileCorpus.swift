import Foundation
import RapportCore
import RapportSynthetic

/// The hostile and broken inputs of the hostile-input issue, generated here (nothing is
/// downloaded; the large cases are written at test time, streaming, and never committed).
/// `HostileInputTests` runs each one beside a valid export; `RAPPORT_WRITE_CORPUS=DIR swift
/// test --filter writeTheCorpus` writes the small cases to DIR (seeds for the fuzzers).
struct HostileCase: Sendable, CustomStringConvertible {
    /// What Rapport must do with the file.
    enum Expectation: Sendable, Equatable {
        /// The whole file is refused with this reason; it contributes no record.
        case refused(String)
        /// The file is read: records read, used, duplicates, and rejects by reason.
        case read(records: Int, used: Int, duplicates: Int = 0, rejects: [String: Int] = [:])
    }

    var name: String
    /// The file's name in the input folder.
    var file: String
    var kind = "email"
    var format = "rapport-email-csv"
    /// Extra keys for the source (for example `encoding: windows-1252`).
    var sourceKeys = ""
    var expect: Expectation
    /// Writes the file at the path (streaming for the large cases). `port` is a closed-or-
    /// watched local TCP port for cases that try the network; `secret` a file that must never be read.
    var write: @Sendable (_ path: String, _ port: Int, _ secret: String) throws -> Void

    var description: String { name }
}

/// Builders for the corpus.
enum HostileCorpus {
    static let header = "message_id,thread_id,sent_at,from,to,subject,body\n"

    /// A CSV export from the hostile partner (`evil.example`), so that the valid partner's
    /// figures can be compared with and without it.
    static func csv(_ rows: [String], header: String = header) -> [UInt8] { Array((header + rows.joined(separator: "\n") + "\n").utf8) }

    static func row(_ id: String, thread: String = "T", at: String = "2026-03-03T09:00:00Z", from: String = "eve@evil.example", to: String = "jane@acme.example", subject: String = "Hi", body: String = "Hello there.") -> String {
        "<\(id)@evil.example>,\(thread),\(at),\(from),\(to),\(subject),\(body)"
    }

    static func put(_ bytes: [UInt8]) -> @Sendable (String, Int, String) throws -> Void {
        { path, _, _ in try Data(bytes).write(to: URL(fileURLWithPath: path)) }
    }

    static func put(_ text: String) -> @Sendable (String, Int, String) throws -> Void { put(Array(text.utf8)) }

    static let ticketItem = #"<ticket id="X1" subject="Hostile"><event id="1" type="created" at="2026-03-03T09:00:00Z" actor="eve@evil.example">Hello</event></ticket>"#

    /// A ticket export whose prolog and body are given.
    static func tickets(prolog: String = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", _ body: String) -> String { prolog + "<tickets>" + body + "</tickets>\n" }

    static func xmlCase(_ name: String, _ expect: HostileCase.Expectation, _ write: @escaping @Sendable (String, Int, String) throws -> Void) -> HostileCase {
        HostileCase(name: name, file: "\(name).xml", kind: "ticket", format: "rapport-tickets-xml", expect: expect, write: write)
    }

    static func gzCase(_ name: String, _ expect: HostileCase.Expectation, _ bytes: @escaping @Sendable () -> [UInt8]) -> HostileCase {
        HostileCase(name: name, file: "\(name).csv.gz", expect: expect) { path, _, _ in try Data(bytes()).write(to: URL(fileURLWithPath: path)) }
    }

    static func csvCase(_ name: String, _ expect: HostileCase.Expectation, sourceKeys: String = "", _ write: @escaping @Sendable (String, Int, String) throws -> Void) -> HostileCase {
        HostileCase(name: name, file: "\(name).csv", sourceKeys: sourceKeys, expect: expect, write: write)
    }

    /// Streams `count` lines made by `line` into `path`, in 1 MiB writes.
    static func stream(_ path: String, prefix: String = "", count: Int, suffix: String = "", line: (Int) -> String) throws {
        guard let out = FileHandle(forWritingAtPath: path) ?? {
            FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() else { throw CocoaError(.fileWriteUnknown) }
        defer { try? out.close() }
        var buffer = Data(prefix.utf8)
        for i in 0..<count {
            buffer.append(contentsOf: line(i).utf8)
            if buffer.count > 1 << 20 {
                out.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        buffer.append(contentsOf: suffix.utf8)
        out.write(buffer)
    }

    static let gzipOfOneRow: [UInt8] = GzipWriter.gzip(csv([row("g1")]))

    static let all: [HostileCase] = xml + gzip + csvCases + trackersAndMeetingLogs + mail + archives

    // MARK: XML

    static let xml: [HostileCase] = [
        xmlCase("xxe-local-file", .refused("corrupt")) { path, _, secret in
            try put(tickets(prolog: "<?xml version=\"1.0\"?>\n<!DOCTYPE tickets [<!ENTITY x SYSTEM \"file://\(secret)\">]>\n", ticketItem.replacingOccurrences(of: ">Hello<", with: ">&x;<")))(path, 0, "")
        },
        xmlCase("xxe-network", .refused("corrupt")) { path, port, _ in
            try put(tickets(prolog: "<?xml version=\"1.0\"?>\n<!DOCTYPE tickets [<!ENTITY x SYSTEM \"http://127.0.0.1:\(port)/x\">]>\n", ticketItem.replacingOccurrences(of: ">Hello<", with: ">&x;<")))(path, 0, "")
        },
        xmlCase("external-dtd-network", .read(records: 1, used: 1)) { path, port, _ in
            try put(tickets(prolog: "<?xml version=\"1.0\"?>\n<!DOCTYPE tickets SYSTEM \"http://127.0.0.1:\(port)/evil.dtd\">\n", ticketItem))(path, 0, "")
        },
        xmlCase("parameter-entity-oob", .refused("corrupt")) { path, port, _ in
            try put(tickets(prolog: "<?xml version=\"1.0\"?>\n<!DOCTYPE tickets [<!ENTITY % p SYSTEM \"http://127.0.0.1:\(port)/p.dtd\"> %p;]>\n", ticketItem))(path, 0, "")
        },
        xmlCase("billion-laughs-text", .refused("corrupt"), put(billionLaughs(inAttribute: false))),
        xmlCase("billion-laughs-attribute", .refused("corrupt"), put(billionLaughs(inAttribute: true))),
        xmlCase("quadratic-blowup", .refused("corrupt")) { path, _, _ in
            let big = String(repeating: "a", count: 100_000)
            try put(tickets(prolog: "<?xml version=\"1.0\"?>\n<!DOCTYPE tickets [<!ENTITY a \"\(big)\">]>\n", ticketItem.replacingOccurrences(of: ">Hello<", with: ">" + String(repeating: "&a;", count: 20_000) + "<")))(path, 0, "")
        },
        xmlCase("nesting-100000-deep", .refused("corrupt")) { path, _, _ in
            try stream(path, prefix: "<?xml version=\"1.0\"?>\n<tickets>", count: 100_000, suffix: "</tickets>\n") { _ in "<x>" }
        },
        xmlCase("unclosed-tag", .refused("truncated"), put(tickets(ticketItem).replacingOccurrences(of: "</tickets>", with: ""))),
        xmlCase("mismatched-tags", .refused("corrupt"), put(tickets(ticketItem + "<ticket id=\"X2\"></tiket>"))),
        xmlCase("invalid-utf8", .refused("corrupt"), put(Array(tickets("").utf8.prefix(40)) + Array(tickets(ticketItem).utf8.dropFirst(40)).map { $0 == UInt8(ascii: "H") ? 0xC3 : $0 })),
        xmlCase("invalid-xml-character", .refused("corrupt"), put(tickets(ticketItem.replacingOccurrences(of: "Hello", with: "Hel\u{1}lo")))),
        xmlCase("iso-8859-1-declared", .read(records: 1, used: 1), put(Array(tickets(prolog: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n", ticketItem.replacingOccurrences(of: "Hello", with: "Caf_")).utf8).map { $0 == UInt8(ascii: "_") ? 0xE9 : $0 })),
        xmlCase("latin-1-undeclared", .refused("corrupt"), put(Array(tickets(ticketItem.replacingOccurrences(of: "Hello", with: "Caf_")).utf8).map { $0 == UInt8(ascii: "_") ? 0xE9 : $0 })),
        xmlCase("utf-16-with-bom", .read(records: 1, used: 1)) { path, _, _ in
            let text = tickets(prolog: "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n", ticketItem)
            var bytes: [UInt8] = [0xFF, 0xFE]
            for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            try put(bytes)(path, 0, "")
        },
        xmlCase("xinclude", .read(records: 1, used: 1)) { path, _, secret in
            try put(tickets(prolog: "<?xml version=\"1.0\"?>\n", ticketItem.replacingOccurrences(of: ">Hello<", with: "><xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file://\(secret)\" parse=\"text\"/>Hello<")))(path, 0, "")
        },
        xmlCase("gzip-bytes-in-xml", .refused("unsupported_format"), put(GzipWriter.gzip(Array(tickets(ticketItem).utf8)))),
        xmlCase("xz-bytes-in-xml", .refused("unsupported_format"), put([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00, 0x04, 0xE6, 0xD6, 0xB4, 0x46] + [UInt8](repeating: 0x11, count: 64))),
        xmlCase("empty-file", .refused("truncated"), put([UInt8]())),
        xmlCase("no-items", .read(records: 0, used: 0), put(tickets(""))),
    ]

    static func billionLaughs(inAttribute: Bool) -> String {
        var dtd = "<!ENTITY lol0 \"lol\">"
        for i in 1...9 { dtd += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">" }
        let item = inAttribute ? ticketItem.replacingOccurrences(of: "subject=\"Hostile\"", with: "subject=\"&lol9;\"") : ticketItem.replacingOccurrences(of: ">Hello<", with: ">&lol9;<")
        return tickets(prolog: "<?xml version=\"1.0\"?>\n<!DOCTYPE tickets [\(dtd)]>\n", item)
    }

    // MARK: gzip

    static let gzip: [HostileCase] = [
        gzCase("truncated-mid-stream", .refused("truncated")) { Array(gzipOfOneRow.prefix(gzipOfOneRow.count / 2)) },
        gzCase("truncated-at-trailer", .refused("truncated")) { Array(gzipOfOneRow.dropLast(3)) },
        gzCase("corrupt-crc", .refused("corrupt")) {
            var g = gzipOfOneRow
            g[g.count - 8] ^= 0xFF
            return g
        },
        gzCase("corrupt-body", .refused("corrupt")) {
            var g = gzipOfOneRow
            for i in 12..<min(g.count - 8, 30) { g[i] = 0xFF }
            return g
        },
        gzCase("corrupt-size", .refused("corrupt")) {
            var g = gzipOfOneRow
            g[g.count - 4] ^= 0x01
            return g
        },
        gzCase("multi-member", .read(records: 2, used: 2)) { GzipWriter.gzip(csv([row("m1")])) + GzipWriter.gzip(Array((row("m2") + "\n").utf8)) },
        gzCase("multi-member-repeated-header", .refused("corrupt")) { Array(gzipOfOneRow.prefix(10)) + gzipOfOneRow },
        gzCase("trailing-garbage", .refused("trailing_garbage")) { gzipOfOneRow + Array("garbage after the gzip member".utf8) },
        gzCase("plain-csv-named-gz", .refused("not_gzip")) { csv([row("p1")]) },
        gzCase("zip-named-gz", .refused("not_gzip")) { [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00] + [UInt8](repeating: 0, count: 100) },
        HostileCase(name: "bomb", file: "bomb.csv.gz", expect: .refused("compression_bomb")) { path, _, _ in
            // 160 members of 64 MiB of zeros each: about 10 MB on disk, 10 GiB inflated.
            let member = GzipWriter.gzip([UInt8](repeating: 0, count: 64 << 20), level: 9)
            try stream(path, count: 0) { _ in "" }
            let out = FileHandle(forWritingAtPath: path)!
            for _ in 0..<160 { out.write(Data(member)) }
            try out.close()
        },
    ]

    // MARK: CSV

    static let csvCases: [HostileCase] = [
        csvCase("unbalanced-quotes", .read(records: 3, used: 2, rejects: ["unterminated_quote": 1]), put(csv([row("q1"), row("q2", body: "\"never closed"), row("q3")]))),
        csvCase("ragged-rows", .read(records: 3, used: 1, rejects: ["ragged_row": 2]), put(csv([row("r1"), row("r2") + ",extra", "<r3@evil.example>,T,2026-03-03T09:00:00Z"]))),
        csvCase("embedded-newlines-crlf", .read(records: 2, used: 2), put(Array((header.replacingOccurrences(of: "\n", with: "\r\n") + row("n1", body: "\"line one\r\nline two\"") + "\r\n" + row("n2") + "\r\n").utf8))),
        csvCase("mixed-line-endings", .read(records: 3, used: 3), put(Array((header + row("l1") + "\r\n" + row("l2") + "\n" + row("l3") + "\r\n").utf8))),
        csvCase("bom", .read(records: 1, used: 1), put([0xEF, 0xBB, 0xBF] + csv([row("b1")]))),
        csvCase("field-of-50-mb", .read(records: 3, used: 2, rejects: ["record_too_large": 1])) { path, _, _ in
            try stream(path, prefix: header + row("f1") + "\n" + row("f2", body: "\""), count: 50, suffix: "\"\n" + row("f3") + "\n") { _ in String(repeating: "x", count: 1 << 20) }
        },
        csvCase("windows-1252-bytes", .read(records: 2, used: 1, rejects: ["invalid_utf8": 1]), put(Array(csv([row("w1", body: "caf~ 80~"), row("w2")]).map { $0 == UInt8(ascii: "~") ? 0xE9 : $0 }))),
        csvCase("semicolon-delimited", .refused("bad_header"), put(csv([row("s1").replacingOccurrences(of: ",", with: ";")], header: header.replacingOccurrences(of: ",", with: ";")))),
        csvCase("header-missing-a-column", .refused("bad_header"), put(csv(["<h1@evil.example>,T,2026-03-03T09:00:00Z,jane@acme.example,Hi,Hello"], header: "message_id,thread_id,sent_at,to,subject,body\n"))),
        csvCase("header-only", .read(records: 0, used: 0), put(header)),
        csvCase("reordered-header", .read(records: 1, used: 1), put(csv(["Hello there.,Hi,jane@acme.example,eve@evil.example,2026-03-03T09:00:00Z,T,<o1@evil.example>"], header: "body,subject,to,from,sent_at,thread_id,message_id\n"))),
        csvCase("formula-injection", .read(records: 2, used: 2), put(csv(["=1+1,+T,2026-03-03T09:00:00Z,jane@acme.example,eve@evil.example,@SUM(A1),=HYPERLINK(1)", "-2,+T,2026-03-03T10:00:00Z,eve@evil.example,jane@acme.example,Re,Done"]))),
        csvCase("html-and-control-characters", .read(records: 1, used: 1), put(csv([row("c1", subject: "<script>alert(1)</script>", body: "\"<b>bold</b>\u{7}\u{1B}[31m red\"")]))),
        csvCase("impossible-timestamps", .read(records: 7, used: 1, rejects: ["bad_timestamp": 5, "implausible_timestamp": 1]), put(csv([
            row("t1", at: "2026-02-30T09:00:00Z"), row("t2", at: "2026-03-03T24:00:00Z"), row("t3", at: "2026-03-03T09:00:00+25:00"),
            row("t4", at: "２０２６-03-03T09:00:00Z"), row("t5", at: "10000-03-03T09:00:00Z"), row("t6", at: "1970-01-01T00:00:00Z"), row("t7"),
        ]))),
        csvCase("duplicate-ids", .read(records: 4, used: 2, duplicates: 1, rejects: ["duplicate_conflict": 1]), put(csv([row("u1"), row("u1"), row("u2"), row("u2", body: "Other text.")]))),
        csvCase("reply-cycle", .read(records: 2, used: 2), put(csv(
            ["<a@evil.example>,,2026-03-03T09:00:00Z,eve@evil.example,jane@acme.example,Hi,Hello,<b@evil.example>", "<b@evil.example>,,2026-03-03T10:00:00Z,jane@acme.example,eve@evil.example,Re: Hi,Yes,<a@evil.example>"],
            header: "message_id,thread_id,sent_at,from,to,subject,body,in_reply_to\n"))),
        csvCase("reply-chain-100000-long", .read(records: 100_000, used: 100_000)) { path, _, _ in
            let start = instant("2026-03-02T08:00:00Z").epochSeconds
            try stream(path, prefix: "message_id,sent_at,from,to,subject,body,in_reply_to\n", count: 100_000) { i in
                let from = i % 2 == 0 ? "jane@acme.example" : "eve@evil.example"
                let to = i % 2 == 0 ? "eve@evil.example" : "jane@acme.example"
                let at = Instant(seconds: start + Int64(i) * 3)!.rfc3339
                return "<c\(i)@evil.example>,\(at),\(from),\(to),Chain,Message \(i).,\(i == 0 ? "" : "<c\(i - 1)@evil.example>")\n"
            }
        },
    ]

    // MARK: JSON trackers, transcripts and chats

    static func jsonCase(_ name: String, format: String, _ expect: HostileCase.Expectation, _ write: @escaping @Sendable (String, Int, String) throws -> Void) -> HostileCase {
        HostileCase(name: name, file: "\(name).json", kind: "ticket", format: format, expect: expect, write: write)
    }

    static let trackersAndMeetingLogs: [HostileCase] = [
        jsonCase("json-nesting-100000-deep", format: "redmine-json", .refused("corrupt")) { path, _, _ in
            try stream(path, prefix: "{\"issues\": ", count: 100_000) { _ in "[" }
        },
        jsonCase("json-string-of-20-mb", format: "github-issues", .refused("corrupt")) { path, _, _ in
            try stream(path, prefix: "[{\"number\": 1, \"title\": \"", count: 20, suffix: "\"}]") { _ in String(repeating: "x", count: 1 << 20) }
        },
        jsonCase("json-truncated", format: "github-issues", .refused("truncated"), put(#"[{"number": 1, "html_url": "https://github.com/e/v/issues/1", "title": "cut"#)),
        jsonCase("json-issue-without-id", format: "redmine-json", .read(records: 1, used: 0, rejects: ["missing_value": 1]), put(#"{"issues": [{"subject": "no id"}]}"#)),
        HostileCase(
            name: "vtt-bad-timestamp", file: "vtt-bad-timestamp.vtt", kind: "meeting", format: "webvtt", sourceKeys: ", meeting_start: \"2026-03-03T09:00:00Z\"",
            expect: .read(records: 2, used: 1, rejects: ["bad_timestamp": 1]),
            write: put("WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nEve: hello\n\n2\n00:00:99.000 --> 00:01:00.000\nEve: a second that does not exist\n")),
        HostileCase(
            name: "vtt-line-of-5-mb", file: "vtt-line-of-5-mb.vtt", kind: "meeting", format: "webvtt", sourceKeys: ", meeting_start: \"2026-03-03T09:00:00Z\"",
            expect: .read(records: 2, used: 1, rejects: ["record_too_large": 1])
        ) { path, _, _ in
            try stream(path, prefix: "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nEve: ", count: 5, suffix: "\n\n00:00:03.000 --> 00:00:04.000\nEve: after\n") { _ in String(repeating: "y", count: 1 << 20) }
        },
        HostileCase(
            name: "chat-hour-25", file: "chat-hour-25.txt", kind: "email", format: "zoom-chat", sourceKeys: ", date: 2026-03-03",
            expect: .read(records: 2, used: 1, rejects: ["bad_timestamp": 1]), write: put("09:00:00\tEve:\thello\n25:00:00\tEve:\tan hour that does not exist\n")),
    ]

    // MARK: mbox and MIME

    static func mboxCase(_ name: String, _ expect: HostileCase.Expectation, _ write: @escaping @Sendable (String, Int, String) throws -> Void) -> HostileCase {
        HostileCase(name: name, file: "\(name).mbox", format: "mbox", expect: expect, write: write)
    }

    /// One mbox message from the hostile partner: separator, headers, `extra` headers, body.
    static func mail(_ id: String, at: String = "Tue, 3 Mar 2026 09:00:00 +0000", extra: String = "", body: String = "Hello there.") -> String {
        "From eve@evil.example  Tue Mar  3 09:00:00 2026\nFrom: Eve <eve@evil.example>\nTo: jane@acme.example\nDate: \(at)\nSubject: Hi\nMessage-ID: <\(id)@evil.example>\n\(extra)\n\(body)\n\n"
    }

    static let mail: [HostileCase] = [
        mboxCase("mbox-from-lines-in-body", .read(records: 2, used: 2), put(mail("f1", body: "From the top: not a separator\nFrom eve@evil.example  Tue Mar  3 09:00:00 2026 (no blank line before)\n>From escaped") + mail("f2"))),
        mboxCase("mbox-cut-inside-headers", .read(records: 2, used: 1, rejects: ["bad_value": 1]), put(mail("c1") + "From eve@evil.example  Tue Mar  3 10:00:00 2026\nFrom: Eve <eve@evil.example>\nSubj")),
        mboxCase("mbox-text-before-the-first-separator", .refused("bad_header"), put("Subject: not an mbox\n\n" + mail("t1"))),
        mboxCase("mbox-bad-transfer-encodings-and-charsets", .read(records: 3, used: 3), put(
            mail("e1", extra: "Content-Type: text/plain; charset=x-no-such-charset\nContent-Transfer-Encoding: base64\n", body: "!!!not base64***")
            + mail("e2", extra: "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n", body: "=ZZ broken =\n=E2=82")
            + mail("e3", extra: "Content-Type: multipart/alternative; boundary=\"never-closed\"\n", body: "--never-closed\nContent-Type: text/plain\n\nno closing boundary"))),
        mboxCase("mbox-binary-and-nul-bytes", .read(records: 1, used: 1), put(Array(mail("n1", body: "before~after").utf8).map { $0 == UInt8(ascii: "~") ? 0 : $0 } + [0xFF, 0xFE, 0x00, 0x01, 0x0A])),
        mboxCase("mime-nesting-20000-deep", .read(records: 1, used: 1)) { path, _, _ in
            let open = (0..<20_000).map { "Content-Type: multipart/mixed; boundary=\"b\($0)\"\n\n--b\($0)\n" }.joined()
            let close = (0..<20_000).reversed().map { "--b\($0)--\n" }.joined()
            try put(mail("d1", extra: "MIME-Version: 1.0\n", body: "").replacingOccurrences(of: "MIME-Version: 1.0\n\n", with: "MIME-Version: 1.0\n" + open + "Content-Type: text/plain\n\nhi\n" + close))(path, 0, "")
        },
        mboxCase("mbox-message-of-60-mb", .read(records: 3, used: 2, rejects: ["record_too_large": 1])) { path, _, _ in
            try stream(path, prefix: mail("h1") + mail("h2").replacingOccurrences(of: "Hello there.\n\n", with: ""), count: 60, suffix: "\n\n" + mail("h3")) { _ in String(repeating: "x", count: 1 << 20) + "\n" }
        },
        HostileCase(name: "maildir-with-links-and-server-files", file: "maildir-with-links-and-server-files", format: "maildir", expect: .read(records: 1, used: 1)) { path, _, secret in
            let fm = FileManager.default
            for sub in ["cur", "new", "tmp"] { try fm.createDirectory(atPath: path + "/" + sub, withIntermediateDirectories: true) }
            try put(String(mail("m1").drop { $0 != "\n" }.dropFirst()))(path + "/cur/1700000000.M1.host:2,S", 0, "")
            try put("half-delivered")(path + "/tmp/1700000001.M2.host", 0, "")
            try put("3 V1 N2")(path + "/dovecot-uidlist", 0, "")
            try fm.createSymbolicLink(atPath: path + "/new/secret:2,", withDestinationPath: secret)
            try fm.createSymbolicLink(atPath: path + "/loop", withDestinationPath: path)
        },
    ]

    // MARK: zip archives and JSON (Slack exports)

    static func slackCase(_ name: String, _ expect: HostileCase.Expectation, _ zip: @escaping @Sendable () -> [UInt8]) -> HostileCase {
        HostileCase(name: name, file: "\(name).zip", format: "slack-export", expect: expect, write: { path, _, _ in try Data(zip()).write(to: URL(fileURLWithPath: path)) })
    }

    static let slackUsers = TestZip.Item(name: "users.json", bytes: Array(#"[{"id": "U1", "name": "eve", "profile": {"email": "eve@evil.example"}}]"#.utf8))
    static let slackDay = #"[{"type": "message", "user": "U1", "text": "Hello there.", "ts": "1772528400.000100"}]"#

    static let archives: [HostileCase] = [
        slackCase("slack-valid", .read(records: 1, used: 1)) { TestZip.make([slackUsers, .init(name: "general/2026-03-03.json", bytes: Array(slackDay.utf8))]) },
        slackCase("slack-entry-with-dotdot", .refused("unsafe_entry")) { TestZip.make([slackUsers, .init(name: "../../general/2026-03-03.json", bytes: Array(slackDay.utf8))]) },
        slackCase("slack-entry-absolute", .refused("unsafe_entry")) { TestZip.make([slackUsers, .init(name: "/tmp/general/2026-03-03.json", bytes: Array(slackDay.utf8))]) },
        slackCase("slack-zip-bomb", .refused("compression_bomb")) { TestZip.zeros(name: "general/2026-03-03.json", count: 1 << 30, byte: 0x20) },
        slackCase("slack-truncated-zip", .refused("corrupt")) {
            let zip = TestZip.make([slackUsers, .init(name: "general/2026-03-03.json", bytes: Array(slackDay.utf8) + [UInt8](repeating: 0x20, count: 4000), deflate: false)])
            return Array(zip.prefix(zip.count - 4100))
        },
        slackCase("slack-not-a-zip", .refused("unsupported_format")) { Array("channels.json, users.json: nothing of a zip".utf8) },
        slackCase("slack-json-nesting-10000-deep", .read(records: 1, used: 0, rejects: ["corrupt": 1])) {
            TestZip.make([slackUsers, .init(name: "general/2026-03-03.json", bytes: Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8))])
        },
        slackCase("slack-json-garbage-and-bad-ts", .read(records: 3, used: 1, rejects: ["bad_timestamp": 1, "corrupt": 1])) {
            TestZip.make([slackUsers, .init(name: "general/2026-03-03.json", bytes: Array(#"[{"type": "message", "user": "U1", "text": "Hello there.", "ts": "1772528400.1"}, {"type": "message", "user": "U1", "ts": "soon"}, {"a": 01}]"#.utf8))])
        },
    ]
}
