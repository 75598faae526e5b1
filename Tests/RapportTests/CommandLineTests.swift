import Foundation
import Testing

/// The built `rapport` binary: exit codes and output discipline as cron sees them.
@Suite(.serialized) struct CommandLineTests {
    static let binary: String = {
        // The test bundle sits in .build/<config>/; the executable is built beside it.
        var url = Bundle.main.bundleURL
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("rapport").path) {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("rapport").path
    }()

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func rapport(_ arguments: [String]) throws -> Outcome { try Self.run(arguments) }

    /// Runs the binary with `environment` added to this process's. Output goes through files,
    /// not pipes, so a chatty stderr can never block the child; a crash shows as 128 + the
    /// signal number, as a shell would.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the rapport product before the tests (make test does)")
        let dir = temporaryDirectory("rapport-output")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        for name in ["stdout", "stderr"] { _ = FileManager.default.createFile(atPath: "\(dir)/\(name)", contents: nil) }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/stdout"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/stderr"))
        defer {
            try? out.close()
            try? err.close()
        }
        p.standardOutput = out
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        return Outcome(status: status, stdout: readText(dir + "/stdout"), stderr: readText(dir + "/stderr"))
    }


    @Test func aPublishedRunPrintsOneLineAndExitsZero() throws {
        let out = temporaryDirectory() + "/weekly"
        let r = try rapport(["run", repositoryRoot + "/pipelines/weekly.yaml", "--out", out])
        #expect(r.status == 0)
        #expect(r.stdout.split(separator: "\n").count == 1)
        #expect(r.stdout.hasPrefix("rapport: published "))
        #expect(r.stderr.isEmpty)
        #expect(FileManager.default.fileExists(atPath: out + "/metrics.csv"))
        let quiet = try rapport(["run", repositoryRoot + "/pipelines/weekly.yaml", "--out", out, "--quiet"])
        #expect(quiet.status == 0 && quiet.stdout.isEmpty)
    }

    /// `--progress` (a log file; a terminal gets it unasked): one line redrawn in place through
    /// the stages, erased at the end; stdout keeps its one line. Without it (cron) stderr is empty, above.
    @Test func progressIsOneLineRedrawnThroughTheStages() throws {
        let r = try rapport(["run", repositoryRoot + "/pipelines/weekly.yaml", "--out", temporaryDirectory() + "/weekly", "--progress"])
        #expect(r.status == 0 && r.stdout.split(separator: "\n").count == 1)
        #expect(!r.stderr.contains("\n"))
        let frames = r.stderr.split(separator: "\r", omittingEmptySubsequences: true).map(String.init)
        // The fixture's 7 inputs: 8 extract frames (0 to 7 files), analyse, write, then the erase.
        #expect(frames.count == 11, "\(frames)")
        #expect(frames.first?.hasPrefix("rapport: extract 0/7 files, 0 records, 0.0 of ") == true)
        #expect(frames.allSatisfy { $0.hasSuffix("\u{1B}[K") })
        #expect(frames[7].hasPrefix("rapport: extract 7/7 files, 4,225 records, "))
        #expect(frames[8].hasPrefix("rapport: analyse 7/7 files, 4,225 records, ") && frames[9].hasPrefix("rapport: write 7/7 files, 4,225 records, "))
        #expect(frames.last == "\u{1B}[K")
    }

    /// A warning logged while the line is drawn goes on a line of its own: the progress line is
    /// erased first and drawn again after it.
    @Test func aWarningNeverLandsOnTheProgressLine() throws {
        let dir = temporaryDirectory("rapport-progress-warning")
        var yaml = readText(repositoryRoot + "/pipelines/weekly.yaml").replacingOccurrences(of: "../fixtures", with: repositoryRoot + "/fixtures")
        yaml = yaml.replacingOccurrences(of: "partners:\n", with: "partners:\n  - { id: ghost, name: Ghost Ltd, domains: [ghost.example] }\n")
        try yaml.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let r = try rapport(["run", dir + "/p.yaml", "--out", dir + "/out", "--progress"])
        #expect(r.status == 0)
        let warnings = r.stderr.components(separatedBy: "rapport: warning: ")
        #expect(warnings.count > 1, "\(r.stderr)")
        // Each warning starts a line (after the erase), ends it, and the progress line returns.
        for before in warnings.dropLast() { #expect(before.isEmpty || before.hasSuffix("\r\u{1B}[K"), "\(before.suffix(80))") }
        for after in warnings.dropFirst() {
            let rest = after.components(separatedBy: "\n")
            #expect(rest.count >= 2 && rest[1].hasPrefix("\rrapport: "), "\(after.prefix(200))")
        }
        #expect(r.stderr.contains("ghost"))
        #expect(r.stderr.hasSuffix("\rrapport: write 7/7 files, 4,225 records, 1.0 MB read\u{1B}[K\r\u{1B}[K"))
    }

    @Test func aPipelineErrorExitsTwoNamingFileAndLine() throws {
        let dir = temporaryDirectory()
        try "name: x\nclient: { domains: [a.example] }\npartners: [{ id: p, colour: red }]\n".write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let r = try rapport(["run", dir + "/p.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("p.yaml:3: `partners[0].colour`: unknown key"))
        #expect(r.stdout.isEmpty)
        #expect(try rapport(["run"]).status == 2)
        #expect(try rapport(["run", repositoryRoot + "/pipelines/weekly.yaml", "--last", "0"]).status == 2)
    }

    @Test func mistakesGetSuggestionsInWords() throws {
        let typo = try rapport(["rnu", "p.yaml"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("unknown command `rnu`; did you mean `rapport run`?"))
        let missing = try rapport(["run", "no-such-pipeline.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no-such-pipeline.yaml: no such pipeline file"))
        #expect(!missing.stderr.contains("operation could not be completed"))
        let dir = temporaryDirectory()
        try "client: { domains: [a.example] }\npartners: [{ id: p, domains: [p.example] }]\nsources: [{ kind: ticket, format: jira, path: x.xml }]\n"
            .write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let format = try rapport(["validate", dir + "/p.yaml"])
        #expect(format.status == 2)
        #expect(format.stderr.contains("unknown format `jira`; did you mean `jira-xml`?"))
    }

    @Test func aBadFileExitsOneAndPublishesNothing() throws {
        let dir = temporaryDirectory()
        try "message_id,sent_at,from\n1,2026-03-02T10:00:00Z,a@acme.example\n".write(toFile: dir + "/plain.csv.gz", atomically: true, encoding: .utf8)
        try """
            client: { domains: [acme.example] }
            partners: [{ id: p, domains: [p.example] }]
            sources: [{ kind: email, format: rapport-email-csv, path: "*.csv.gz" }]
            outputs: { dir: out }

            """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let r = try rapport(["run", dir + "/p.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("plain.csv.gz: not gzip"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
        let missingPipeline = try rapport(["run", dir + "/nope.yaml"])
        #expect(missingPipeline.status == 2)
        try FileManager.default.removeItem(atPath: dir + "/plain.csv.gz")
        try readText(dir + "/p.yaml").replacingOccurrences(of: "*.csv.gz", with: "mail.csv.gz").write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let missingInput = try rapport(["run", dir + "/p.yaml"])
        #expect(missingInput.status == 1)
        #expect(missingInput.stderr.contains("mail.csv.gz: input file not found"))
    }

    @Test func tooManyRejectsFailTheRun() throws {
        let dir = temporaryDirectory()
        try "message_id,sent_at,from\n1,2026-02-30T10:00:00Z,a@acme.example\n2,2026-03-02T10:00:00Z,a@acme.example\n"
            .write(toFile: dir + "/mail.csv", atomically: true, encoding: .utf8)
        try """
            client: { domains: [acme.example] }
            partners: [{ id: p, domains: [p.example] }]
            sources: [{ kind: email, format: rapport-email-csv, path: "mail.csv" }]
            outputs: { dir: out }

            """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let r = try rapport(["run", dir + "/p.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("mail.csv:2: bad_timestamp"))
        #expect(r.stderr.contains("1 of 2 records rejected (50.0%), above limits.max_reject_ratio (5.0%)"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }

    @Test func validateWritesNothing() throws {
        let dir = temporaryDirectory()
        let r = try rapport(["validate", repositoryRoot + "/fixtures/edge/pipeline.yaml", "--as-of", "2026-04-06"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("bad.csv [rapport-email-csv]: 10 read, 2 used, 0 duplicates, 8 rejected"))
        _ = dir
    }

    @Test func clarityScoresFilesInArgumentOrder() throws {
        let dir = temporaryDirectory()
        try "We escalated the ticket yesterday; the fixes were tested, and the queue is stable.".write(toFile: dir + "/a.txt", atomically: true, encoding: .utf8)
        try "".write(toFile: dir + "/b.txt", atomically: true, encoding: .utf8)
        try "Ok.\n\nOn Mon, 2 Mar 2026, Ana wrote:\n> Long quoted history here.".write(toFile: dir + "/c.txt", atomically: true, encoding: .utf8)
        let r = try rapport(["clarity", dir + "/a.txt", dir + "/b.txt", dir + "/c.txt"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 4, "\(r.stdout)")
        #expect(lines[0] == "file,sentences,words,syllables,letters,polysyllables,flesch_reading_ease,flesch_kincaid_grade,gunning_fog,smog,coleman_liau,ari,smog_reliable")
        #expect(lines[1] == "\(dir)/a.txt,1,14,23,66,2,53.639285714285734,9.255714285714287,11.314285714285715,11.20814326018867,9.805714285714284,7.774285714285714,false")
        #expect(lines[2] == "\(dir)/b.txt,0,0,0,0,0,,,,,,,")
        #expect(lines[3].hasPrefix("\(dir)/c.txt,1,1,"))  // the quoted history is cleaned away
        let raw = try rapport(["clarity", "--no-clean", dir + "/c.txt"])
        #expect(raw.stdout.split(separator: "\n").dropFirst().first?.hasPrefix("\(dir)/c.txt,2,12,") == true)
        let missing = try rapport(["clarity", dir + "/nope.txt"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.txt: cannot read the file"))
    }
}
