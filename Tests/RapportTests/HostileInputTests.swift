import Foundation
import Glibc
import Testing

/// Every case of `HostileCorpus` through the built binary, beside a valid export: the exit code
/// and message, no crash, bounded time and memory, nothing read outside the input (a secret
/// file's text never appears; a watched local port sees no connection), the valid partner's
/// figures unchanged, and the reconciliation exact.
@Suite(.serialized) struct HostileInputTests {
    static let validCSV = """
        message_id,thread_id,sent_at,from,to,subject,body
        <v1@acme.example>,V1,2026-03-02T09:00:00Z,jane@acme.example,ana@globex.example,Invoice,Please check the March invoice for us.
        <v2@globex.example>,V1,2026-03-02T10:00:00Z,ana@globex.example,jane@acme.example,Re: Invoice,We checked it and sent a corrected copy.

        """
    static let secretText = "SECRET-MARKER-7f3a9c"

    /// A listening socket on 127.0.0.1 that no case may connect to.
    final class Watchman {
        let fd: Int32
        let port: Int
        init() {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.fd = fd
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            listen(fd, 16)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            self.port = Int(UInt16(bigEndian: address.sin_port))
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        /// True when something connected since the last call.
        func wasContacted() -> Bool {
            let client = accept(fd, nil, nil)
            if client >= 0 {
                close(client)
                return true
            }
            return false
        }
        deinit { close(fd) }
    }

    struct Run {
        var status: Int32
        var stderr: String
        var seconds: Double
        /// The child's own peak resident memory, as it logs it at debug level (nil when it did
        /// not get that far).
        var peakMiB: Int?
        var dir: String
        var out: String { dir + "/out" }
    }

    /// Writes the pipeline (the valid export plus `sources`) and runs the binary on it.
    static func run(in dir: String, sources: [String]) throws -> Run {
        try validCSV.write(toFile: dir + "/valid.csv", atomically: true, encoding: .utf8)
        try """
            timezone: UTC
            client: { domains: [acme.example] }
            partners:
              - { id: globex, domains: [globex.example] }
              - { id: mallory, domains: [evil.example] }
            sources:
              - { kind: email, format: rapport-email-csv, path: valid.csv }
            \(sources.map { "  - " + $0 }.joined(separator: "\n"))
            outputs: { dir: out, formats: [csv, json] }
            limits: { allow_bad_files: true, max_reject_ratio: 1 }

            """.write(toFile: dir + "/pipeline.yaml", atomically: true, encoding: .utf8)
        // The child logs its own peak memory at debug level. Not wait4's ru_maxrss: Linux carries
        // the spawning process's high-water mark (this test process's) into a posix_spawned child.
        let started = Date()
        let outcome = try CommandLineTests.run(
            ["run", dir + "/pipeline.yaml", "--as-of", "2026-03-16", "--run-id", "hostile", "--quiet"], environment: ["RAPPORT_LOG_LEVEL": "debug"])
        let seconds = Date().timeIntervalSince(started)
        let peak = outcome.stderr.split(separator: "\n").compactMap { line -> Int? in
            guard line.hasPrefix("rapport: debug: peak memory: ") else { return nil }
            return Int(line.dropFirst("rapport: debug: peak memory: ".count).prefix { $0.isNumber })
        }.last
        // Only what a user would see: the debug lines are the test's instrument.
        let stderr = outcome.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("rapport: debug: ") }.joined(separator: "\n")
        return Run(status: outcome.status, stderr: stderr, seconds: seconds, peakMiB: peak, dir: dir)
    }

    /// The valid partner's response and clarity rows, which no hostile file may change (other
    /// families add rows of zeros when a source of their kind is present).
    static func globexMetrics(_ out: String) -> [String] {
        readText(out + "/metrics.csv").split(separator: "\n")
            .filter { $0.contains(",globex,response.") || $0.contains(",globex,first_response.") || $0.contains(",globex,clarity.") }.map(String.init)
    }

    static let baseline: [String] = {
        let dir = temporaryDirectory("rapport-hostile")
        let run = try! HostileInputTests.run(in: dir, sources: [])
        return globexMetrics(run.out)
    }()

    @Test func theBaselineHasTheValidPartnersTurn() {
        #expect(Self.baseline.contains { $0.contains(",globex,response.latency_p50_s,3600") })
    }

    @Test(arguments: HostileCorpus.all) func hostileFile(_ c: HostileCase) throws {
        let dir = temporaryDirectory("rapport-hostile")
        let secret = dir + "/secret.txt"
        try Self.secretText.write(toFile: secret, atomically: true, encoding: .utf8)
        let watchman = Watchman()
        try c.write(dir + "/" + c.file, watchman.port, secret)
        let run = try Self.run(in: dir, sources: ["{ kind: \(c.kind), format: \(c.format), path: \"\(c.file)\"\(c.sourceKeys) }"])
        defer { try? FileManager.default.removeItem(atPath: dir) }

        #expect(run.status == 0, "\(c.name): exit \(run.status): \(run.stderr)")
        #expect(run.seconds < 60, "\(c.name): \(run.seconds) s")
        // Bounded memory (AddressSanitizer roughly doubles it: `make asan` sets RAPPORT_MEMORY_BOUND_MIB).
        let bound = Int(ProcessInfo.processInfo.environment["RAPPORT_MEMORY_BOUND_MIB"] ?? "") ?? 256
        let peak = try #require(run.peakMiB, "\(c.name): the run logged no peak memory")
        #expect(peak < bound, "\(c.name): \(peak) MiB")
        if ProcessInfo.processInfo.environment["RAPPORT_PRINT_CASES"] != nil {
            print("case \(c.name): exit \(run.status), \(String(format: "%.2f", run.seconds)) s, \(peak) MiB")
        }
        #expect(!watchman.wasContacted(), "\(c.name) reached the network")
        let report = readText(run.out + "/report.json")
        for name in ["report.json", "metrics.csv", "responses.csv", "conversations.csv", "rejects.csv"] {
            #expect(!readText(run.out + "/" + name).contains(Self.secretText), "\(c.name): \(name) holds the secret file's text")
        }
        #expect(!run.stderr.contains(Self.secretText))
        #expect(Self.globexMetrics(run.out) == Self.baseline, "\(c.name) changed the valid partner's figures")

        let json = try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any] ?? [:]
        let inputs = json["inputs"] as? [[String: Any]] ?? []
        let entry = inputs.first { ($0["file"] as? String) == c.file } ?? [:]
        #expect((json["totals"] as? [String: Any])?["reconciled"] as? Bool == true, "\(c.name)")
        #expect(entry["reconciled"] as? Bool == true, "\(c.name)")
        let rejects = try readCSV(run.out + "/rejects.csv").filter { $0["file"] == c.file }
        switch c.expect {
        case .refused(let reason):
            #expect(entry["status"] as? String == "refused", "\(c.name): \(entry)")
            #expect((entry["error"] as? String)?.hasPrefix(reason + ":") == true, "\(c.name): \(entry["error"] ?? "no error")")
            #expect(entry["records_read"] as? Int == 0)
            // One line on stderr names the file and says it was skipped.
            #expect(run.stderr.contains(c.file) && run.stderr.contains("allow_bad_files"), "\(c.name): \(run.stderr)")
            #expect(rejects.count == 1 && rejects[0]["record"] == "" && rejects[0]["reason"]!.hasPrefix(reason), "\(c.name): \(rejects)")
        case .read(let records, let used, let duplicates, let expected):
            #expect(entry["status"] as? String == "read", "\(c.name): \(entry["error"] ?? "")")
            #expect(entry["records_read"] as? Int == records, "\(c.name)")
            #expect(entry["used"] as? Int == used, "\(c.name)")
            #expect(entry["duplicates"] as? Int == duplicates, "\(c.name)")
            var reasons: [String: Int] = [:]
            for r in rejects { reasons[String(r["reason"]!.prefix { $0 != ":" }), default: 0] += 1 }
            #expect(reasons == expected, "\(c.name): \(rejects.map { $0["reason"]! })")
            // Every reject names the line (or element) where it starts.
            #expect(rejects.allSatisfy { !($0["record"] ?? "").isEmpty }, "\(c.name)")
        }
    }

    @Test func formulaCellsComeOutNeutralised() throws {
        let c = HostileCorpus.all.first { $0.name == "formula-injection" }!
        let dir = temporaryDirectory("rapport-hostile")
        try c.write(dir + "/" + c.file, 0, "")
        let run = try Self.run(in: dir, sources: ["{ kind: email, format: rapport-email-csv, path: \"\(c.file)\" }"])
        let responses = readText(run.out + "/responses.csv")
        #expect(responses.contains(",'+T,") && responses.contains(",'=1+1,'-2"))
        #expect(!responses.contains(",=") && !responses.contains(",+T"))
    }

    /// Reads the report's entry for one input file.
    static func entry(_ out: String, _ file: String) throws -> [String: Any] {
        let json = try JSONSerialization.jsonObject(with: Data(readText(out + "/report.json").utf8)) as? [String: Any] ?? [:]
        return (json["inputs"] as? [[String: Any]] ?? []).first { ($0["file"] as? String) == file } ?? [:]
    }

    @Test func aDirectoryWhereAFileIsExpectedIsRefused() throws {
        let dir = temporaryDirectory("rapport-hostile")
        try FileManager.default.createDirectory(atPath: dir + "/folder.csv", withIntermediateDirectories: true)
        let run = try Self.run(in: dir, sources: ["{ kind: email, format: rapport-email-csv, path: folder.csv }"])
        #expect(run.status == 0)
        #expect((try Self.entry(run.out, "folder.csv"))["error"] as? String == "unreadable_file: is a directory, not a file; point `path` at the files inside it (a glob such as dir/*.csv.gz)")
        #expect(run.stderr.contains("folder.csv"))
        #expect(Self.globexMetrics(run.out) == Self.baseline)
    }

    @Test func aSymlinkOutOfTheInputFolderIsRefusedUnlessAllowed() throws {
        let outside = temporaryDirectory("rapport-outside")
        try String(decoding: HostileCorpus.csv([HostileCorpus.row("s1")]), as: UTF8.self).write(toFile: outside + "/other.csv", atomically: true, encoding: .utf8)
        let dir = temporaryDirectory("rapport-hostile")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.csv", withDestinationPath: outside + "/other.csv")
        let refused = try Self.run(in: dir, sources: ["{ kind: email, format: rapport-email-csv, path: link.csv }"])
        #expect((try Self.entry(refused.out, "link.csv"))["error"] as? String == "unreadable_file: is a symbolic link; set `follow_symlinks: true` on the source to read it")
        #expect(Self.globexMetrics(refused.out) == Self.baseline)
        let followed = try Self.run(in: dir, sources: ["{ kind: email, format: rapport-email-csv, path: link.csv, follow_symlinks: true }"])
        #expect((try Self.entry(followed.out, "link.csv"))["used"] as? Int == 1)
    }

    @Test func namesWithSpacesUnicodeAndShellCharactersAreJustNames() throws {
        let dir = temporaryDirectory("rapport-hostile")
        // NFC and NFD spellings of "café" are two different files; shell characters are never interpreted.
        let names = ["with space.csv", "caf\u{E9}.csv", "cafe\u{301}.csv", "$(touch pwned);`id`|x&y.csv"]
        for (i, name) in names.enumerated() {
            try String(decoding: HostileCorpus.csv([HostileCorpus.row("n\(i)")]), as: UTF8.self).write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        let run = try Self.run(in: dir, sources: ["{ kind: email, format: rapport-email-csv, path: \"*.csv\" }"])
        #expect(run.status == 0, "\(run.stderr)")
        // Compare names by bytes: Swift's String equality treats NFC and NFD as one.
        let json = try JSONSerialization.jsonObject(with: Data(readText(run.out + "/report.json").utf8)) as? [String: Any] ?? [:]
        let used = (json["inputs"] as? [[String: Any]] ?? []).map { (Array(($0["file"] as? String ?? "").utf8), $0["used"] as? Int ?? -1) }
        for name in names { #expect(used.contains { $0.0 == Array(name.utf8) && $0.1 == 1 }, "\(name)") }
        #expect(!FileManager.default.fileExists(atPath: dir + "/pwned"))
        #expect(!FileManager.default.fileExists(atPath: "pwned"))
    }

    /// The targets of `rapport-fuzz` (and of the Makefile's FUZZ_TARGETS).
    static let fuzzTargets = ["csv", "xml", "gzip", "timestamp", "address", "text", "vtt", "chat", "mime", "zip", "json"]

    enum MailArchiveTestsSeeds {
        static let users = #"[{"id": "U1", "name": "eve", "profile": {"email": "eve@evil.example"}, "is_bot": false}]"#
    }

    /// Writes the fuzzers' seeds (one folder per `rapport-fuzz` target: the corpus's small
    /// cases, plus timestamps, addresses and texts) to `RAPPORT_WRITE_CORPUS` (`make fuzz`),
    /// or to a temporary folder, and checks that every target got seeds.
    @Test func writeTheCorpus() throws {
        let dir = ProcessInfo.processInfo.environment["RAPPORT_WRITE_CORPUS"] ?? temporaryDirectory("rapport-corpus")
        for target in Self.fuzzTargets {
            try FileManager.default.createDirectory(atPath: dir + "/" + target, withIntermediateDirectories: true)
        }
        let large = [
            "bomb", "field-of-50-mb", "reply-chain-100000-long", "nesting-100000-deep", "json-string-of-20-mb", "vtt-line-of-5-mb",
            "mbox-message-of-60-mb", "slack-zip-bomb", "mime-nesting-20000-deep",
        ]
        for c in HostileCorpus.all where !large.contains(c.name) && c.format != "maildir" {
            let byExtension = [".gz": "gzip", ".xml": "xml", ".vtt": "vtt", ".txt": "chat", ".mbox": "mime", ".zip": "zip", ".json": "json"]
            let target = byExtension.first { c.file.hasSuffix($0.key) }?.value ?? "csv"
            try c.write(dir + "/" + target + "/" + c.file, 9, "/nonexistent/secret")
        }
        let json = [
            HostileCorpus.slackDay, MailArchiveTestsSeeds.users, #"{"a": [1, -0.5e-3, true, null, "\u00e9\ud83d\ude00\/"]}"#, "[1,]", #"["\ud800"]"#,
            String(repeating: "[", count: 300),
        ]
        for (i, j) in json.enumerated() { try j.write(toFile: dir + "/json/seed-\(i)", atomically: true, encoding: .utf8) }
        let timestamps = [
            "2026-03-02T09:00:00Z", "2026-03-02T09:00:00.123456789+05:30", "Mon, 2 Mar 2026 09:00:00 +0100", "2 Mar 2026 09:00 GMT",
            "2026-02-30T09:00:00Z", "2026-03-03T24:00:00Z", "2026-03-03T09:00:00+25:00", "１９70-01-01T00:00:00Z", "02.03.2026 09:00:00",
        ]
        let addresses = [
            "jane@acme.example", "Jane Roe <jane@acme.example>", "\"Roe, Jane\" <jane@acme.example>; ana@globex.example",
            "=?UTF-8?B?SsOkbmU=?= <jane@acme.example>", "<>", "\"unterminated <a@b>", "a@b, , c@d",
        ]
        try MeetingLogFormatTests.cues.write(toFile: dir + "/vtt/seed-cues.vtt", atomically: true, encoding: .utf8)
        try "08:58:13\t From Ana Cruz : Welcome!\n09:01:00 From Jane Roe to Everyone:\n\tA question?\n00:11:09\tAna:\they\n"
            .write(toFile: dir + "/chat/seed-chat.txt", atomically: true, encoding: .utf8)
        try "WEBVTT\n\nNOTE voice tags\n\n00:01.000 --> 00:02.000 align:start\n<v Ana>Hi &amp; <i>welcome</i></v>\n\n00:02.000 --> 00:03.000\nmore\n"
            .write(toFile: dir + "/vtt/seed-voices.vtt", atomically: true, encoding: .utf8)
        try "23:59:50\tAna:\tlate\n00:00:10\tJane:\tpast midnight\n\tsecond line\n".write(toFile: dir + "/chat/seed-midnight.txt", atomically: true, encoding: .utf8)
        for (i, t) in timestamps.enumerated() { try t.write(toFile: dir + "/timestamp/seed-\(i)", atomically: true, encoding: .utf8) }
        for (i, a) in addresses.enumerated() { try a.write(toFile: dir + "/address/seed-\(i)", atomically: true, encoding: .utf8) }
        let texts = [
            "Mr. Smith uses the API. Our SLAs, e.g. KPIs, are fine!\n\nWhat do you mean by \"tier 2\"?",
            "<p>Hello&nbsp;team,<br>see https://example.com/x or mail jane@acme.example</p>",
            "Thanks!\n\n-- \nJane\n> quoted\nOn Mon, 2 Mar 2026 Jane wrote:\nold text", "Die Anfrage wird morgen bearbeitet, danke. Größe: 5 m²",
        ]
        for (i, t) in texts.enumerated() { try t.write(toFile: dir + "/text/seed-\(i)", atomically: true, encoding: .utf8) }
        for target in Self.fuzzTargets {
            let seeds = try FileManager.default.contentsOfDirectory(atPath: dir + "/" + target)
            #expect(seeds.count >= 3, "\(target): \(seeds.count) seeds")
        }
    }
}
