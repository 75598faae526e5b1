/// Where a run is, for a progress line on a terminal (issue 19, item 8): the stage, the
/// files and bytes done against all inputs (their sizes summed before reading), and the
/// records read so far.
public struct RunProgress: Sendable, Equatable {
    public enum Stage: String, Sendable {
        case extract, analyse, write
    }

    public var stage: Stage
    public var filesDone: Int
    public var files: Int
    public var bytesDone: Int64
    /// The input files' sizes on disk, summed up front (a folder input: every file below it).
    public var bytesTotal: Int64
    public var records: Int

    public init(stage: Stage, filesDone: Int, files: Int, bytesDone: Int64, bytesTotal: Int64, records: Int) {
        self.stage = stage
        self.filesDone = filesDone
        self.files = files
        self.bytesDone = bytesDone
        self.bytesTotal = bytesTotal
        self.records = records
    }

    /// The line, `elapsed` seconds after reading began: "rapport: extract 3/8 files,
    /// 52,000 records, 412.0 of 1,000.0 MB, 61 MB/s, ETA 10 s". The rate and the ETA are
    /// over bytes, shown while extracting once a byte is read; the later stages have no ETA.
    public func line(elapsed: Double) -> String {
        var parts = ["rapport: \(stage.rawValue) \(filesDone)/\(files) \(files == 1 ? "file" : "files")"]
        parts.append("\(Self.grouped(Int64(records))) \(records == 1 ? "record" : "records")")
        let mb = { (b: Int64) in Self.megabytes(b) }
        if stage == .extract {
            parts.append("\(mb(bytesDone)) of \(mb(bytesTotal)) MB")
            if bytesDone > 0, elapsed > 0 {
                let rate = Double(bytesDone) / elapsed
                parts.append(rate >= 10e6 ? "\(Self.grouped(Int64((rate / 1e6).rounded()))) MB/s" : "\(Self.decimal(rate / 1e6)) MB/s")
                parts.append("ETA " + Self.duration(Double(max(0, bytesTotal - bytesDone)) / rate))
            }
        } else {
            parts.append("\(mb(bytesDone)) MB read")
        }
        return parts.joined(separator: ", ")
    }

    /// "1,000.0": megabytes (10^6 bytes) with one decimal and thousands grouped.
    static func megabytes(_ bytes: Int64) -> String { decimal(Double(bytes) / 1e6) }

    static func decimal(_ v: Double) -> String {
        let tenths = Int64((v * 10).rounded())
        return "\(grouped(tenths / 10)).\(tenths % 10)"
    }

    /// "1,234,567".
    static func grouped(_ v: Int64) -> String {
        let digits = String(v.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (v < 0 ? "-" : "") + out
    }

    /// "10 s", "4 min 05 s", "1 h 02 min".
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60 < 10 ? "0" : "")\(s % 60) s" }
        let m = (s % 3600) / 60
        return "\(s / 3600) h \(m < 10 ? "0" : "")\(m) min"
    }
}
