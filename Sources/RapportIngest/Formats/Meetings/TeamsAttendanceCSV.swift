import RapportCore

/// `teams-attendance-csv`: the Microsoft Teams attendance download, as it comes:
/// UTF-16LE with a BOM and tabs, or UTF-8/ASCII with semicolons or commas (sniffed from
/// the file); a summary block ("Résumé de la réunion", title, start and end) before the
/// participant header; localised headers (English, French, Indonesian, Spanish, German)
/// and dates (`13/04/2021 à 09:01:31`, `4/13/2022, 7:56:32 AM`, or `timestamp_format`).
///
/// One file is one meeting: its title when the summary has one (else the file name), its
/// start from the summary (else the first join). Re-joins merge. Each participant row is
/// a record; summary lines are not.
public enum TeamsAttendanceCSV: InputFormat {
    public static let name = "teams-attendance-csv"
    public static let kind = SourceKind.meeting
    public static let summary = "Microsoft Teams attendance report (UTF-16 tab-separated or semicolon CSV, localised)"
    public static let optionKeys = ["timestamp_format", "encoding", "delimiter"]

    static let nameColumns = ["full name", "nom complet", "nama", "name", "nombre completo", "vollständiger name", "participant"]
    static let joinColumns = ["join time", "first join", "heure d'arrivée", "waktu bergabung", "hora de unión", "beitrittszeit"]
    static let leaveColumns = ["leave time", "last leave", "heure de départ", "waktu keluar", "hora de salida", "verlassenszeit"]
    static let emailColumns = ["email", "e-mail", "correo electrónico", "participant id (upn)"]
    static let titleKeys = ["meeting title", "titre de la réunion", "judul rapat", "título de la reunión", "besprechungstitel"]
    static let startKeys = ["meeting start time", "start time", "heure de début de la réunion", "waktu mulai rapat", "hora de inicio de la reunión", "besprechungsbeginn"]
    static let endKeys = ["meeting end time", "end time", "heure de fin", "waktu selesai rapat", "hora de finalización de la reunión", "besprechungsende"]
    /// Layouts Teams writes, tried in order on the first timestamp of the file.
    static let layouts = ["%d/%m/%Y à %H:%M:%S", "%m/%d/%Y, %I:%M:%S %p", "%d/%m/%Y, %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S"]

    public static func read(_ source: any ByteSource, context: FormatContext, into sink: any IngestSink) throws(InputError) -> Int {
        // Encoding: a BOM decides; else the declared encoding; else UTF-8.
        let raw = PeekableByteSource(source)
        let head = try raw.peek(4)
        var text: any ByteSource = raw
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) {
            text = TranscodingByteSource(raw, encoding: .utf16)
        } else if let e = context.options.encoding, e != .utf8 {
            text = TranscodingByteSource(raw, encoding: e)
        }
        let decoded = PeekableByteSource(text)
        let sample = try decoded.peek(8192)
        var options = context.csv
        options.delimiter = context.options.delimiter ?? sniffDelimiter(sample)
        let reader = CSVReader(source: decoded, options: options)

        var title: String?
        var summaryStart: String?
        var summaryEnd: String?
        var header: CSVHeader?
        var columns: (name: Int, join: Int, leave: Int?, email: Int?)?
        var rows: [(line: Int64, values: [String], excerpt: String)] = []
        var records = 0
        let builder = MeetingBuilder(context: context, sink: sink)
        while let event = try reader.next() {
            if header == nil {
                // Before the participant header: summary lines (key, value) or the header itself.
                guard event == .record else { continue }
                let fields = (0..<reader.fieldCount).map { (reader.string($0) ?? "").trimmingASCIIWhitespace() }
                let lower = fields.map { $0.lowercased() }
                if let n = lower.firstIndex(where: { nameColumns.contains($0) }), let j = lower.firstIndex(where: { joinColumns.contains($0) }) {
                    header = try CSVHeader(reader: reader)
                    columns = (n, j, lower.firstIndex { leaveColumns.contains($0) }, lower.firstIndex { emailColumns.contains($0) })
                    continue
                }
                if fields.count >= 2 {
                    if titleKeys.contains(lower[0]) { title = fields[1] }
                    if startKeys.contains(lower[0]) { summaryStart = fields[1] }
                    if endKeys.contains(lower[0]) { summaryEnd = fields[1] }
                }
                continue
            }
            records += 1
            if case .malformed(let reason, let message) = event {
                builder.reject(record: reader.line, reason, message, excerpt: reader.excerpt)
                continue
            }
            rows.append((reader.line, (0..<reader.fieldCount).map { reader.string($0) ?? "" }, reader.excerpt))
        }
        guard let header, let columns else {
            if rows.isEmpty && records == 0 && title == nil && summaryStart == nil { return 0 }
            throw InputError(.badHeader, "no participant header (a name column and a join-time column) was found; is this a Teams attendance report?")
        }
        // The layout: given, or the first of Teams' layouts that reads the first timestamp.
        let probe = summaryStart ?? rows.first.map { $0.values.indices.contains(columns.join) ? $0.values[columns.join] : "" } ?? ""
        var chosen = context.options.timestampFormat
        if chosen == nil {
            chosen = layouts.first { layout in
                guard let p = try? PatternTimestampParser(format: layout, zone: context.zone) else { return false }
                if case .success = p.parse(probe) { return true }
                return false
            }
        }
        var layoutContext = context
        layoutContext.options.timestampFormat = chosen
        let times = try FlexibleTimestamps(context: layoutContext)

        var invitees: [(line: Int64, actor: String, joined: Instant?, left: Instant?)] = []
        for row in rows {
            guard row.values.count == header.names.count else {
                builder.reject(record: row.line, .raggedRow, "\(row.values.count) fields where the header has \(header.names.count)", excerpt: row.excerpt)
                continue
            }
            let joined: Instant?
            let left: Instant?
            switch (times.parse(row.values[columns.join], column: "join time"), times.parse(columns.leave.map { row.values[$0] } ?? "", column: "leave time")) {
            case (.success(let j), .success(let l)):
                joined = j
                left = l
            case (.failure(let e), _), (_, .failure(let e)):
                builder.reject(record: row.line, e.reason, e.message, excerpt: row.excerpt)
                continue
            }
            let mail = columns.email.map { row.values[$0].trimmingASCIIWhitespace() } ?? ""
            guard let actor = builder.actor(mail.contains("@") ? mail : row.values[columns.name]) else {
                builder.reject(record: row.line, .missingValue, "the participant has neither an e-mail address nor a name", excerpt: row.excerpt)
                continue
            }
            invitees.append((row.line, actor, joined, left))
        }
        guard !invitees.isEmpty else { return records }
        var start: Instant?
        if let s = summaryStart, case .success(let t) = times.parse(s, column: "meeting start") { start = t }
        let meetingStart = start ?? invitees.compactMap(\.joined).min() ?? invitees.compactMap(\.left).min()!
        var end: Instant?
        if let e = summaryEnd, case .success(let t) = times.parse(e, column: "meeting end") { end = t }
        let meetingTitle = (title ?? "").lowercased() == "null" || (title ?? "").isEmpty ? context.displayPath : title!
        for i in invitees {
            builder.add(
                MeetingRecord(
                    id: meetingTitle, title: meetingTitle, scheduledStart: meetingStart, scheduledEnd: nil, actualStart: meetingStart,
                    actualEnd: end ?? invitees.compactMap(\.left).max(), status: .held, origin: Origin(file: context.fileIndex, record: i.line)),
                invitee: builder.invitee(i.actor, joined: i.joined, left: i.left, at: meetingStart))
        }
        builder.finish()
        return records
    }

    /// The most frequent of tab, semicolon and comma in the sample's lines.
    static func sniffDelimiter(_ sample: [UInt8]) -> UInt8 {
        let candidates: [UInt8] = [0x09, UInt8(ascii: ";"), UInt8(ascii: ",")]
        let counts = candidates.map { c in sample.filter { $0 == c }.count }
        return candidates[counts.firstIndex(of: counts.max()!)!]
    }
}
