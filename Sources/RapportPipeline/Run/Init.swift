import Foundation
import RapportCore
import RapportIngest

/// `rapport init [DIR]` (issue 19): a first, commented pipeline file written from the exports
/// found in a folder, so a first user reaches a real report without reading the spec. Each
/// group of files (same folder, same extension) is sniffed as `rapport inspect` does on its
/// first file; the most frequent sender domain is proposed as the client's, the next ones
/// as partners. Every guess is marked `CHECK` in the file.
public enum PipelineDraft {
    /// One source found: its glob relative to the folder, its format and what was read.
    public struct Found: Sendable {
        public var pattern: String
        public var format: String
        public var kind: SourceKind
        public var files: Int
        public var sampled: String
        public var records: Int
    }

    /// What the folder holds: sources, files no format reads (with why), sender domains by count.
    public struct Survey: Sendable {
        public var sources: [Found] = []
        public var unread: [(file: String, why: String)] = []
        public var domains: [(domain: String, count: Int)] = []
    }

    /// Folders not searched: hidden ones, Rapport's own outputs and caches, dependencies.
    static let skipped: Set<String> = ["out", "node_modules", ".git"]
    static let maxDepth = 4

    /// Looks through `folder` (at most four levels down).
    public static func survey(_ folder: String, now: Instant) throws(RapportError) -> Survey {
        var groups: [String: [String]] = [:]
        collect(folder, relative: "", depth: 0, into: &groups)
        var survey = Survey()
        var domains: [String: Int] = [:]
        for key in groups.keys.sorted() {
            let files = groups[key]!.sorted()
            let first = folder + "/" + files[0]
            let attempts = try Inspect.attempts(path: first, format: nil, zone: .utc, now: now)
            guard let best = attempts.first, best.fits else {
                let why = attempts.first?.problem ?? "no format reads it"
                for f in files { survey.unread.append((f, why)) }
                continue
            }
            for (d, n) in best.domains { domains[d, default: 0] += n }
            let directory = (files[0] as NSString).deletingLastPathComponent
            let pattern = files.count == 1 ? files[0] : (directory.isEmpty ? "" : directory + "/") + "*" + extensionOf(files[0])
            let kind = FormatRegistry.format(named: best.format)?.kind ?? .email
            survey.sources.append(Found(pattern: pattern, format: best.format, kind: kind, files: files.count, sampled: files[0], records: best.records))
        }
        survey.domains = domains.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) }
        return survey
    }

    /// Regular files grouped by folder and extension (`.csv.gz` counts as one extension).
    private static func collect(_ folder: String, relative: String, depth: Int, into groups: inout [String: [String]]) {
        guard depth <= maxDepth, let names = try? FileManager.default.contentsOfDirectory(atPath: folder + (relative.isEmpty ? "" : "/" + relative)) else { return }
        for name in names where !name.hasPrefix(".") && !skipped.contains(name) && !name.hasSuffix(".yaml") && !name.hasSuffix(".yml") {
            let path = relative.isEmpty ? name : relative + "/" + name
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                collect(folder, relative: path, depth: depth + 1, into: &groups)
            } else {
                groups[relative + "\u{0}" + extensionOf(name), default: []].append(path)
            }
        }
    }

    static func extensionOf(_ name: String) -> String {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return "" }
        let last = String(parts.last!)
        if ["gz", "bz2", "zst"].contains(last.lowercased()), parts.count > 2 { return "." + parts[parts.count - 2] + "." + last }
        return "." + last
    }

    /// The pipeline file's text for `survey` of the folder named `name`.
    public static func yaml(_ survey: Survey, name: String, today: String, zone: String) -> String {
        let client = survey.domains.first
        let partners = survey.domains.dropFirst().prefix(5).filter { $0.count * 50 >= (client?.count ?? 0) }
        var out = """
            # Written by `rapport init` on \(today) from the exports in this folder. Check the lines
            # marked CHECK (guesses), then run: rapport run pipeline.yaml
            # Every key: docs/pipeline.md.
            name: \(slug(name))
            timezone: \(zone)                # CHECK: the zone weeks are cut in
            period: week                     # or day, month, quarter

            """
        out += "client:\n  name: \(client.map { display($0.domain) } ?? "Our company")   # CHECK\n"
        out += "  domains: [\(client?.domain ?? "example.com")]"
        out += client.map { "   # CHECK: the most frequent sender domain (\($0.count) of the records sampled)\n" } ?? "   # CHECK: no sender domain was found\n"
        out += "partners:\n"
        if partners.isEmpty { out += "  - { id: partner, name: Partner, domains: [partner.example] }   # CHECK: no other sender domain was found\n" }
        for p in partners {
            out += "  - id: \(slug(display(p.domain)))\n    name: \(display(p.domain))   # CHECK\n    domains: [\(p.domain)]   # \(p.count) records sampled\n"
            out += "    targets: { first_response: 4h, response: 8h }   # CHECK: the SLA you agreed\n"
        }
        out += "sources:\n"
        if survey.sources.isEmpty { out += "  []   # CHECK: no export was recognised here; see `rapport inspect FILE`\n" }
        for s in survey.sources {
            let what = s.files == 1 ? "\(s.records) records read" : "\(s.files) files; \(s.sampled): \(s.records) records read"
            out += "  - { kind: \(s.kind.rawValue), format: \(s.format), path: \"\(s.pattern)\" }   # \(what)\n"
        }
        for u in survey.unread.prefix(20) { out += "  # not read: \(u.file) (\(u.why.prefix(100)))\n" }
        out += """
            outputs:
              dir: out
              formats: [csv, json, sqlite, html]

            """
        return out
    }

    /// "globex-bpo.example" → "Globex Bpo".
    static func display(_ domain: String) -> String {
        let label = domain.split(separator: ".").first.map(String.init) ?? domain
        return label.split(whereSeparator: { $0 == "-" || $0 == "_" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    /// "Globex Bpo" → "globex-bpo".
    static func slug(_ text: String) -> String {
        let s = text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let joined = String(s).split(separator: "-").joined(separator: "-")
        return joined.isEmpty ? "report" : joined
    }

    /// Writes `DIR/pipeline.yaml`; never over a file that exists.
    public static func write(folder: String, now: Instant) throws(RapportError) -> (path: String, survey: Survey) {
        let path = folder + "/pipeline.yaml"
        guard !FileManager.default.fileExists(atPath: path) else {
            throw RapportError(.usage, file: path, "already exists and was left as it is; move it away, or run `rapport validate \(path)`")
        }
        let survey = try survey(folder, now: now)
        let zone = TimeZone.current.identifier == "GMT" ? "UTC" : TimeZone.current.identifier
        let name = (normalisePath(folder.hasPrefix("/") ? folder : FileManager.default.currentDirectoryPath + "/" + folder) as NSString).lastPathComponent
        let text = yaml(survey, name: name, today: String(now.rfc3339.prefix(10)), zone: zone)
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644]) else {
            throw RapportError(.failed, file: path, "cannot write it: check the folder's permissions")
        }
        return (path, survey)
    }
}
