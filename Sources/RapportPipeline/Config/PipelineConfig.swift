import Foundation
import RapportAggregates
import RapportCore
import RapportIngest
import RapportTransforms
import Yams

/// A pipeline file (`pipelines/*.yaml`), read and checked: the keys of PRODUCT.md
/// are the contract. Every problem is a ``RapportError`` naming the key and its line.
public struct PipelineConfig: Sendable {
    /// One organisation's matching rules (client or partner).
    public struct Organisation: Sendable {
        public var id: String
        public var name: String
        public var rules: PartyRules
        public var targets: Targets
        /// Working time for business latency (the pipeline's Mon–Fri 09:00–17:00 when not given).
        public var calendar: WorkCalendar
        /// `priority:` decides between partners whose rules overlap (higher wins; default 0).
        public var priority = 0
    }

    /// One `sources[]` entry.
    public struct Source: Sendable {
        public var kind: SourceKind
        public var format: any InputFormat.Type
        /// The `path` as written (may be a glob), resolved against the pipeline's folder.
        public var pattern: String
        public var zone: ZoneRules
        public var followSymlinks: Bool
        /// Format-specific settings (`encoding`, `delimiter`, `timestamp_format`, `columns`, `parties`).
        public var options: SourceOptions
        /// Line of the entry, for "no file matches" errors.
        public var line: Int?
        /// E-mail sources' `links`: a URL template with `{message_id}` (docs/pipeline.md);
        /// applied at analysis, so setting it keeps the cache.
        public var messageLinks: String?
    }

    public enum OutputFormat: String, Sendable, CaseIterable {
        case csv, json, sqlite, html
    }

    public var file: String
    public var directory: String
    public var name: String
    public var zone: ZoneRules
    public var period: PeriodKind
    public var client: Organisation
    public var partners: [Organisation]
    public var ignoreActors: [String]
    public var slaClock: SLAClock
    public var sources: [Source]
    public var escalationPhrases: [String]
    public var escalationContacts: [String]
    /// Ticket escalation triggers and priority levels.
    public var ticketRules: TicketRules
    public var acknowledgements: [String]
    /// Acronyms that are not jargon (`acronyms_known`), and the clarification patterns.
    public var acronymsKnown: [String]
    public var clarificationPatterns: [String]
    public var trust: TrustSettings
    public var outputDirectory: String
    public var outputFormats: [OutputFormat]
    /// People (and identifiers that can name them) become keyed pseudonyms in every output.
    public var pseudonymize: Bool
    public var maxRejectRatio: Double
    public var allowBadFiles: Bool
    public var maxRecordBytes: Int
    /// `cache.dir`: where fact files are kept (nil: beside the output folder, see ``cacheDirectory(for:)``).
    public var cacheDirectory: String?
    /// `cache.max_size`: `rapport cache prune` (and every run) keeps the folder under this many bytes.
    public var cacheMaxBytes: Int64?
    /// `limits.memory`: the analysis keeps what it holds under about this many bytes.
    public var memoryBudget: Int64 = 256 << 20

    /// The cache folder for a report published at `target`: `cache.dir`, else `.NAME.cache` beside it.
    public func cacheDirectory(for target: String) -> String {
        if let cacheDirectory { return cacheDirectory }
        let slash = target.lastIndex(of: "/")
        let parent = slash.map { $0 == target.startIndex ? "/" : String(target[..<$0]) } ?? "."
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        return (parent == "/" ? "" : parent) + "/." + name + ".cache"
    }

    /// Default SLA targets when a partner names none (README, "Choices").
    public static let defaultTargets = Targets(firstResponseSeconds: 4 * 3600, responseSeconds: 8 * 3600)

    public var partnerInfos: [PartnerInfo] { partners.map { PartnerInfo(id: $0.id, name: $0.name) } }

    public var directoryOfParties: PartyDirectory {
        PartyDirectory(
            client: client.rules, partners: partners.map { (PartnerInfo(id: $0.id, name: $0.name), $0.rules) }, priorities: partners.map(\.priority))
    }

    public var sourceKinds: Set<SourceKind> { Set(sources.map(\.kind)) }

    /// `escalation.phrases` compiled (they were checked when the file was read).
    var compiledEscalationPhrases: PhraseMatcher? {
        escalationPhrases.isEmpty ? nil : try? PhraseMatcher(patterns: escalationPhrases)
    }

    /// Reads and checks a pipeline file.
    public static func load(path: String) throws(RapportError) -> PipelineConfig {
        let text: String
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw RapportError(
                .usage, file: path, "no such pipeline file (paths are relative to \(FileManager.default.currentDirectoryPath)); `make report` uses pipelines/weekly.yaml")
        }
        guard !isFolder.boolValue else { throw RapportError(.usage, file: path, "this is a folder; give the pipeline file (a .yaml) inside it") }
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RapportError(.usage, file: path, "cannot read the pipeline file (not readable, or not UTF-8 text); check its permissions and encoding")
        }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return try parse(yaml: text, file: path, directory: (absolute as NSString).deletingLastPathComponent)
    }

    static let topLevelKeys = [
        "name", "timezone", "period", "client", "partners", "ignore", "sla_clock", "sources", "escalation",
        "acknowledgements", "trust_index", "outputs", "limits", "priority_order", "acronyms_known", "clarification_patterns", "cache",
    ]

    /// Parses pipeline YAML; `directory` is where relative paths start.
    public static func parse(yaml: String, file: String, directory: String) throws(RapportError) -> PipelineConfig {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else { throw RapportError(.usage, file: file, "the pipeline file is empty") }
            root = node
        } catch let e as RapportError {
            throw e
        } catch let e as YamlError {
            throw RapportError(.usage, file: file, line: yamlErrorLine(e), "not valid YAML: \(e)")
        } catch {
            throw RapportError(.usage, file: file, "not valid YAML: \(error)")
        }
        let top = try YAMLNode(node: root, path: "", file: file).mapping(allowed: topLevelKeys)

        let zoneName = try top["timezone"]?.string() ?? "UTC"
        guard let zone = ZoneRules(identifier: zoneName) else {
            throw top["timezone"]!.error("`\(zoneName)` is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)")
        }
        let period = try PeriodKind(rawValue: top["period"]?.oneOf(PeriodKind.allCases.map(\.rawValue)) ?? "week")!

        func organisation(_ node: YAMLNode, isClient: Bool) throws(RapportError) -> Organisation {
            let keys = isClient ? ["name", "domains", "people", "members"] : ["id", "name", "domains", "people", "members", "targets", "calendar", "priority"]
            let m = try node.mapping(allowed: keys)
            var id = "client"
            if !isClient {
                guard let idNode = m["id"] else { throw node.error("a partner needs an `id`") }
                id = try idNode.nonEmptyString()
            }
            if !isClient && (id == "client" || id == "unknown") { throw m["id"]!.error("`\(id)` is reserved; choose another partner id") }
            let name = try m["name"]?.string() ?? id
            var members: [Membership] = []
            if let list = m["members"] {
                for item in try list.sequence() {
                    let mm = try item.mapping(allowed: ["who", "from", "to"])
                    guard let who = mm["who"] else { throw item.error("a member needs `who`") }
                    let from = try mm["from"].map { n throws(RapportError) in zone.startOfDay(try n.date()) }
                    let to = try mm["to"].map { n throws(RapportError) in zone.startOfDay(try n.date()) }
                    if let from, let to, to <= from { throw item.error("`to` must be after `from`") }
                    members.append(Membership(who: try who.nonEmptyString(), from: from, to: to))
                }
            }
            var targets = PipelineConfig.defaultTargets
            if let t = m["targets"] {
                let tm = try t.mapping(allowed: ["first_response", "response", "update_every"])
                if let f = tm["first_response"] { targets.firstResponseSeconds = try f.duration() }
                if let r = tm["response"] { targets.responseSeconds = try r.duration() }
                if let u = tm["update_every"] {
                    targets.updateEverySeconds = try u.duration()
                    guard targets.updateEverySeconds > 0 else { throw u.error("`update_every` must be longer than 0") }
                }
            }
            var calendar = WorkCalendar.standard(zone: zone)
            if let c = m["calendar"] { calendar = try workCalendar(c, defaultZone: zone) }
            let domains = try m["domains"]?.strings() ?? []
            for d in domains where d.contains("@") || d.contains(" ") || d.isEmpty {
                throw m["domains"]!.error("`\(d)` is not a domain (write `example.com`, not an address)")
            }
            var org = Organisation(
                id: id, name: name,
                rules: PartyRules(domains: domains, people: try m["people"]?.strings() ?? [], members: members),
                targets: targets, calendar: calendar)
            if let priority = m["priority"] { org.priority = try priority.int() }
            return org
        }

        guard let clientNode = top["client"] else {
            throw RapportError(.usage, file: file, line: 1, "`client` is required: who the client is (name, domains, people)")
        }
        let client = try organisation(clientNode, isClient: true)
        guard let partnersNode = top["partners"] else {
            throw RapportError(.usage, file: file, line: 1, "`partners` is required: a list of partners with id, name, domains")
        }
        var partners: [Organisation] = []
        for p in try partnersNode.sequence() {
            let org = try organisation(p, isClient: false)
            if partners.contains(where: { $0.id == org.id }) { throw p.error("partner id `\(org.id)` is used twice") }
            partners.append(org)
        }
        if partners.isEmpty { throw partnersNode.error("list at least one partner") }
        try refuseOverlaps(partners, nodes: try partnersNode.sequence())

        var ignoreActors: [String] = []
        if let ignore = top["ignore"] {
            let m = try ignore.mapping(allowed: ["actors"])
            ignoreActors = try m["actors"]?.strings() ?? []
        }
        let slaClock = try SLAClock(rawValue: top["sla_clock"]?.oneOf(["business", "calendar"]) ?? "business")!

        guard let sourcesNode = top["sources"] else { throw RapportError(.usage, file: file, line: 1, "`sources` is required: which exports to read") }
        var sources: [Source] = []
        for s in try sourcesNode.sequence() {
            var common = ["kind", "format", "path", "timezone", "follow_symlinks"]
            if m0Kind(s) == "ticket" { common += ["tracker", "links"] }
            if m0Kind(s) == "email" { common += ["links"] }
            let all = common + ["delimiter", "encoding", "timestamp_format", "columns", "parties"] + SourceOptions.formatKeys
            let m = try s.mapping(allowed: all)
            guard let kindNode = m["kind"], let formatNode = m["format"], let pathNode = m["path"] else {
                throw s.error("a source needs `kind`, `format` and `path`")
            }
            let kind = SourceKind(rawValue: try kindNode.oneOf(SourceKind.allCases.map(\.rawValue)))!
            let formatName = try formatNode.string()
            guard let format = FormatRegistry.format(named: formatName) else {
                if let what = FormatRegistry.refused[formatName.lowercased()] {
                    throw formatNode.error("\(what) are not supported yet; supported formats: \(FormatRegistry.names.joined(separator: ", "))")
                }
                throw formatNode.error(Suggestion.unknownFormat(formatName))
            }
            guard format.kind == kind || (format.readsAnyKind && kind != .meeting) else {
                throw formatNode.error("`\(formatName)` reads \(format.readsAnyKind ? "e-mail or ticket" : format.kind.rawValue) logs, not \(kind.rawValue)")
            }
            for key in m.keys where !common.contains(key) && !format.optionKeys.contains(key) {
                throw m[key]!.error("`\(key)` does not apply to format `\(formatName)`\(format.optionKeys.isEmpty ? "" : " (it takes: \(format.optionKeys.joined(separator: ", ")))")")
            }
            var sourceZone = zone
            if let z = m["timezone"] {
                guard let rules = ZoneRules(identifier: try z.string()) else { throw z.error("not an IANA time zone") }
                sourceZone = rules
            }
            var options = SourceOptions()
            if let e = m["encoding"] {
                guard let encoding = TextEncoding(name: try e.string()) else {
                    throw e.error("unknown encoding; one of \(TextEncoding.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                options.encoding = encoding
            }
            if let d = m["delimiter"] {
                let text = try d.string()
                let value = text == "\\t" || text == "tab" ? "\t" : text
                guard value.utf8.count == 1, let byte = value.utf8.first, byte != UInt8(ascii: "\""), byte != 0x0A, byte != 0x0D else {
                    throw d.error("the delimiter must be one ASCII character (or `tab`)")
                }
                options.delimiter = byte
            }
            if let f = m["timestamp_format"] {
                let format = try f.nonEmptyString()
                do {
                    _ = try PatternTimestampParser(format: format, zone: sourceZone)
                } catch {
                    throw f.error(error.message)
                }
                options.timestampFormat = format
            }
            if let c = m["columns"] {
                let fields = MappedCSV.fields(for: kind)
                for (field, column) in try c.mapping(allowed: fields) { options.columns[field] = try column.nonEmptyString() }
                let required = kind == .ticket ? ["key", "at"] : ["at"]
                for r in required where options.columns[r] == nil { throw c.error("`columns.\(r)` is required for \(kind.rawValue) logs") }
                if kind == .email && options.columns["actor"] == nil && options.columns["from"] == nil {
                    throw c.error("name the sender: `columns.actor` (a user name or handle) or `columns.from` (an address field)")
                }
            } else if format == MappedCSV.self {
                throw s.error("format `csv` needs `columns:` (which column holds which field)")
            }
            if let p = m["parties"] {
                let pm = try p.mapping(allowed: ["column", "values"])
                guard let column = pm["column"], let values = pm["values"] else { throw p.error("`parties` needs `column` and `values`") }
                options.partyColumn = try column.nonEmptyString()
                for (value, party) in try values.mapping(allowed: (values.node.mapping?.keys.compactMap { $0.scalar?.string }) ?? []) {
                    let name = try party.string()
                    guard name == "client" || name == "unknown" || partners.contains(where: { $0.id == name }) else {
                        throw party.error("`\(name)` is not `client`, `unknown` or a partner id")
                    }
                    options.partyValues[value] = name
                }
            }
            try parseFormatKeys(m, zone: sourceZone, into: &options)
            let raw = try pathNode.nonEmptyString()
            let pattern = raw.hasPrefix("/") ? raw : directory + "/" + raw
            // Tickets are keyed by tracker and key; an export that names no tracker takes this one.
            options.tracker = try m["tracker"]?.nonEmptyString() ?? raw
            var messageLinks: String?
            if let links = m["links"], kind == .email {
                let template = try links.nonEmptyString()
                guard template.contains("{message_id}") else {
                    throw links.error("`links` needs `{message_id}` where the message's id goes, e.g. https://mail.example.com/search?q={message_id}")
                }
                messageLinks = template
            } else if let links = m["links"] {
                let template = try links.nonEmptyString()
                guard template.contains("{key}") else { throw links.error("`links` needs `{key}` where the ticket's key goes, e.g. https://desk.example/t/{key}") }
                options.links = template
            }
            sources.append(
                Source(
                    kind: kind, format: format, pattern: pattern, zone: sourceZone,
                    followSymlinks: try m["follow_symlinks"]?.bool() ?? false, options: options, line: s.line, messageLinks: messageLinks))
        }
        if sources.isEmpty { throw sourcesNode.error("list at least one source") }

        var phrases: [String] = []
        var contacts: [String] = []
        var statuses: [String] = []
        var labels: [String] = []
        var assignees: [String] = []
        if let esc = top["escalation"] {
            let m = try esc.mapping(allowed: ["phrases", "contacts", "statuses", "labels", "assignees"])
            statuses = try m["statuses"]?.strings() ?? []
            labels = try m["labels"]?.strings() ?? []
            assignees = try m["assignees"]?.strings() ?? []
            phrases = try m["phrases"]?.strings() ?? []
            do {
                _ = try PhraseMatcher(patterns: phrases)
            } catch {
                let items = m["phrases"]!.node.sequence != nil ? try m["phrases"]!.sequence() : [m["phrases"]!]
                throw items[min(error.index, items.count - 1)].error("not a valid regular expression: \(error.message)")
            }
            contacts = try m["contacts"]?.strings() ?? []
        }
        let acknowledgements = try top["acknowledgements"]?.strings() ?? AcknowledgementRule.defaultPhrases
        let acronymsKnown = try top["acronyms_known"]?.strings() ?? []
        let clarificationPatterns = try top["clarification_patterns"]?.strings() ?? TextRules.defaultClarificationPatterns
        do {
            _ = try PhraseMatcher(patterns: clarificationPatterns)
        } catch {
            throw top["clarification_patterns"]!.error("pattern \(error.index + 1) is not a valid regular expression: \(error.message)")
        }
        let priorityOrder = try top["priority_order"]?.strings() ?? TicketRules.defaultPriorityOrder
        if priorityOrder.isEmpty { throw top["priority_order"]!.error("list the priority levels, lowest first") }

        var trust = TrustSettings()
        if let t = top["trust_index"] {
            let m = try t.mapping(allowed: ["weights", "min_sample"])
            if let w = m["weights"] {
                let wm = try w.mapping(allowed: TrustSettings.componentNames)
                var weights: [String: Double] = [:]
                for name in TrustSettings.componentNames { weights[name] = 0 }
                for (k, v) in wm {
                    let value = try v.double()
                    if value < 0 { throw v.error("a weight cannot be negative") }
                    weights[k] = value
                }
                if weights.values.reduce(0, +) <= 0 { throw w.error("at least one weight must be positive") }
                trust.weights = weights
            }
            if let n = m["min_sample"] {
                trust.minSample = try n.int()
                if trust.minSample < 1 { throw n.error("must be at least 1") }
            }
        }

        var outputDirectory = directory + "/../out/" + "report"
        var formats: [OutputFormat] = [.csv, .json, .sqlite, .html]
        var pseudonymize = false
        if let o = top["outputs"] {
            let m = try o.mapping(allowed: ["dir", "formats", "pseudonymize"])
            pseudonymize = try m["pseudonymize"]?.bool() ?? false
            if let d = m["dir"] {
                let raw = try d.nonEmptyString()
                outputDirectory = raw.hasPrefix("/") ? raw : directory + "/" + raw
            }
            if let f = m["formats"] {
                formats = []
                for item in try f.sequence() {
                    let name = try item.string()
                    guard let format = OutputFormat(rawValue: name) else {
                        throw item.error("`\(name)` is not an output format this version writes (\(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    formats.append(format)
                }
            }
        }

        var maxRejectRatio = 0.05
        var allowBadFiles = false
        var maxRecordBytes = 16 << 20
        var memory: Int64 = 256 << 20
        var cacheDirectory: String?
        var cacheMaxBytes: Int64?
        if let c = top["cache"] {
            let m = try c.mapping(allowed: ["dir", "max_size"])
            if let d = m["dir"] {
                let raw = try d.nonEmptyString()
                cacheDirectory = normalisePath(raw.hasPrefix("/") ? raw : directory + "/" + raw)
            }
            if let size = m["max_size"] { cacheMaxBytes = try size.size() }
        }
        if let l = top["limits"] {
            let m = try l.mapping(allowed: ["max_reject_ratio", "allow_bad_files", "max_record_bytes", "memory"])
            if let b = m["memory"] {
                memory = try b.size()
                if memory < 32 << 20 { throw b.error("must be at least 32MB") }
            }
            if let r = m["max_reject_ratio"] {
                maxRejectRatio = try r.double()
                if !(0...1).contains(maxRejectRatio) { throw r.error("must be between 0 and 1") }
            }
            allowBadFiles = try m["allow_bad_files"]?.bool() ?? false
            if let b = m["max_record_bytes"] {
                maxRecordBytes = try b.int()
                if maxRecordBytes < 1024 { throw b.error("must be at least 1024") }
            }
        }

        let name = try top["name"]?.nonEmptyString() ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        return PipelineConfig(
            file: file, directory: directory, name: name, zone: zone, period: period, client: client, partners: partners,
            ignoreActors: ignoreActors, slaClock: slaClock, sources: sources, escalationPhrases: phrases,
            escalationContacts: contacts,
            ticketRules: TicketRules(priorityOrder: priorityOrder, escalationStatuses: statuses, escalationLabels: labels, escalationAssignees: assignees),
            acknowledgements: acknowledgements, acronymsKnown: acronymsKnown, clarificationPatterns: clarificationPatterns, trust: trust,
            outputDirectory: normalisePath(outputDirectory), outputFormats: formats, pseudonymize: pseudonymize, maxRejectRatio: maxRejectRatio,
            allowBadFiles: allowBadFiles, maxRecordBytes: maxRecordBytes, cacheDirectory: cacheDirectory, cacheMaxBytes: cacheMaxBytes,
            memoryBudget: memory)
    }

    /// Two partners that could claim the same person (one domain, a domain and its subdomain,
    /// or people globs some name matches both) need `priority:` to say which wins.
    static func refuseOverlaps(_ partners: [Organisation], nodes: [YAMLNode]) throws(RapportError) {
        for b in partners.indices {
            for a in 0..<b where partners[a].priority == partners[b].priority {
                let (x, y) = (partners[a], partners[b])
                var clash: String?
                for d in x.rules.domains {
                    for e in y.rules.domains {
                        let (dl, el) = (d.lowercased(), e.lowercased())
                        if dl == el || dl.hasSuffix("." + el) || el.hasSuffix("." + dl) { clash = "domains \(d) and \(e)" }
                    }
                }
                for g in x.rules.people {
                    for h in y.rules.people where Glob(g).overlaps(Glob(h)) { clash = clash ?? "people globs \(g) and \(h)" }
                }
                if let clash {
                    throw nodes[b].error(
                        "partners \(x.id) and \(y.id) overlap (\(clash)): the same person could count for either; remove the overlap, or give one a higher `priority:` to say which wins")
                }
            }
        }
    }

    /// The `kind:` a source entry names, read before the entry's keys are checked.
    private static func m0Kind(_ node: YAMLNode) -> String? {
        node.node.mapping?.first { $0.key.scalar?.string == "kind" }?.value.scalar?.string
    }

    static let weekdayNames = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]

    /// `calendar: { timezone, days: [mon, …], hours: ["08:00-12:00", "22:00-06:00"], holidays: [2026-12-25] }`.
    static func workCalendar(_ node: YAMLNode, defaultZone: ZoneRules) throws(RapportError) -> WorkCalendar {
        let m = try node.mapping(allowed: ["timezone", "days", "hours", "holidays"])
        var zone = defaultZone
        if let z = m["timezone"] {
            guard let rules = ZoneRules(identifier: try z.string()) else { throw z.error("not an IANA time zone") }
            zone = rules
        }
        var days: Set<Int> = [1, 2, 3, 4, 5]
        if let d = m["days"] {
            days = []
            for item in try d.sequence() {
                let name = try item.string().lowercased().prefix(3)
                guard let day = weekdayNames[String(name)] else { throw item.error("expected a weekday: mon, tue, wed, thu, fri, sat, sun") }
                days.insert(day)
            }
        }
        var intervals: [(start: Int, end: Int)] = [(9 * 3600, 17 * 3600)]
        if let h = m["hours"] {
            intervals = []
            for item in try h.sequence() {
                let text = try item.string()
                let parts = text.split(separator: "-").map { String($0).trimmingCharacters() }
                guard parts.count == 2, let start = clock(String(parts[0]), allow24: false), let end = clock(String(parts[1]), allow24: true), start != end else {
                    throw item.error("expected an interval HH:MM-HH:MM such as 08:00-12:00 or 22:00-06:00 (24:00 as an end), got `\(text)`")
                }
                // An end at or before the start crosses midnight; 24:00 ends the day itself.
                intervals.append((start, end))
            }
        }
        var holidays: Set<LocalDate> = []
        if let hs = m["holidays"] { for item in try hs.sequence() { holidays.insert(try item.date()) } }
        return WorkCalendar(zone: zone, days: days, intervals: intervals, holidays: holidays)
    }

    /// `HH:MM` → seconds since midnight (`24:00` only as an end).
    static func clock(_ text: String, allow24: Bool) -> Int? {
        let p = text.split(separator: ":")
        guard p.count == 2, p[0].count == 2, p[1].count == 2, let h = Int(p[0]), let m = Int(p[1]), (0...59).contains(m) else { return nil }
        if h == 24 && m == 0 && allow24 { return 86_400 }
        guard (0...23).contains(h) else { return nil }
        return h * 3600 + m * 60
    }

    private static func yamlErrorLine(_ e: YamlError) -> Int? {
        switch e {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }
}

/// Collapses `.` and `..` components so that messages show the path users expect.
func normalisePath(_ path: String) -> String {
    let absolute = path.hasPrefix("/")
    var parts: [Substring] = []
    for c in path.split(separator: "/", omittingEmptySubsequences: true) {
        if c == "." { continue }
        if c == "..", let last = parts.last, last != ".." {
            parts.removeLast()
            continue
        }
        if c == ".." && absolute { continue }
        parts.append(c)
    }
    return (absolute ? "/" : "") + parts.joined(separator: "/")
}

// The per-format source keys of the tracker and meeting-log formats, kept in one place until
// options move into per-format Decodable structs.
extension SourceOptions {
    static let formatKeys = [
        "meeting", "meeting_start", "date", "resolved_statuses", "status_names", "priority_names", "include_pull_requests", "session_gap",
    ]
}

/// Reads the keys of ``SourceOptions/formatKeys`` from a source entry (whether the format takes
/// them was checked against its `optionKeys` before).
private func parseFormatKeys(_ m: [String: YAMLNode], zone: ZoneRules, into options: inout SourceOptions) throws(RapportError) {
    options.meeting = try m["meeting"]?.nonEmptyString()
    if let start = m["meeting_start"] {
        guard case .success(let t) = TimestampParser(zone: zone).parse(try start.nonEmptyString()) else {
            throw start.error("expected when the recording began, e.g. 2026-03-02T09:00:00+01:00 (without an offset: in the source's timezone)")
        }
        options.meetingStart = t
    }
    options.date = try m["date"]?.date()
    if options.date != nil && options.meetingStart != nil {
        throw m["date"]!.error("give `date` (lines carry the wall clock) or `meeting_start` (lines count from the recording's start), not both")
    }
    options.resolvedStatuses = try m["resolved_statuses"]?.strings()
    for (key, target) in [("status_names", \SourceOptions.statusNames), ("priority_names", \SourceOptions.priorityNames)] {
        guard let node = m[key] else { continue }
        let ids = node.node.mapping?.keys.compactMap { $0.scalar?.string } ?? []
        for (id, name) in try node.mapping(allowed: ids) { options[keyPath: target][id] = try name.nonEmptyString() }
    }
    options.includePullRequests = try m["include_pull_requests"]?.bool() ?? false
    if let g = m["session_gap"] {
        let seconds = try g.duration()
        if seconds < 1 { throw g.error("the gap must be at least one second") }
        options.sessionGapSeconds = Int64(seconds)
    }
}
