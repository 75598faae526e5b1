import Foundation
import RapportCore
import RapportSinks
import RapportTransforms

/// `rapport politeness`: politeness rules v1 on whole files, one CSV row per file in argument
/// order: words, the score (empty under 3 words) and the raw count of every cue.
public enum PolitenessReport {
    public static let columns = ["file", "words", "politeness"] + PolitenessCue.allCases.map(\.column)

    /// The CSV text (header and rows). A file that cannot be read or is not UTF-8 is an error naming it.
    public static func csv(files: [String], clean: Bool) throws(RapportError) -> String {
        var out = CSVFormatting.header(columns)
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RapportError(.failed, file: path, "cannot read the file")
            }
            guard var text = String(validating: data, as: UTF8.self) else {
                throw RapportError(.failed, file: path, "not valid UTF-8; convert it first (e.g. iconv -f latin1 -t utf-8)")
            }
            if clean { text = TextCleaner.clean(text) }
            let r = Politeness.read(text)
            var cells: [Cell] = [.text(path), .integer(r.words), r.score.map { .integer($0) } ?? .empty]
            cells += PolitenessCue.allCases.map { .integer(r.counts[$0]) }
            out += CSVFormatting.line(cells)
        }
        return out
    }
}
