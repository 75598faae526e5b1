import Foundation
import RapportCore
import RapportSinks
import RapportTransforms

/// `rapport clarity`: readability rules v1 on whole files, one CSV row per file in
/// argument order, scores unrounded (shortest form that reads back to the same double).
public enum ClarityReport {
    public static let columns = [
        "file", "sentences", "words", "syllables", "letters", "polysyllables", "flesch_reading_ease", "flesch_kincaid_grade",
        "gunning_fog", "smog", "coleman_liau", "ari", "smog_reliable",
    ]

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
            let c = Readability.counts(text)
            var cells: [Cell] = [.text(path), .integer(c.sentences), .integer(c.words), .integer(c.syllables), .integer(c.letters), .integer(c.polysyllables)]
            if let s = c.scores {
                cells += [.number(s.fleschReadingEase), .number(s.fleschKincaidGrade), .number(s.gunningFog), .number(s.smog), .number(s.colemanLiau), .number(s.ari), .bool(s.smogReliable)]
            } else {
                cells += Array(repeating: .empty, count: 7)
            }
            out += CSVFormatting.line(cells)
        }
        return out
    }
}
