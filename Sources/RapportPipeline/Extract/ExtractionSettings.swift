import Crypto
import RapportCore
import RapportFacts
import RapportIngest

/// What changes what extraction makes of a file: the extractor's version, the source entry
/// (format, kind, zone, its options) and the pipeline's text settings. Party rules, targets,
/// calendars and weights are applied at analysis, so editing them reuses every fact file.
enum ExtractionSettings {
    /// Bumped whenever extraction would make other facts of the same input.
    static let extractorVersion = "rapport-extract 4"

    /// The digest of one source's settings (hex), part of each cache key.
    static func digest(_ source: PipelineConfig.Source, config: PipelineConfig) -> String {
        var lines = [
            "extractor=\(extractorVersion)",
            "format=\(source.format.name) kind=\(source.kind.rawValue) zone=\(source.zone.identifier) follow_symlinks=\(source.followSymlinks)",
            "options=\(canonical(source.options))",
            "max_record_bytes=\(config.maxRecordBytes)",
            "acknowledgements=\(config.acknowledgements)",
            "escalation.phrases=\(config.escalationPhrases)",
            "clarification_patterns=\(config.clarificationPatterns)",
            "acronyms_known=\(config.acronymsKnown)",
        ]
        // Stated parties are stored by name; the partner list only names them.
        lines.append("partners=\(config.partners.map(\.id))")
        var h = SHA256()
        h.update(data: Array(lines.joined(separator: "\n").utf8))
        return h.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// A value written out field by field, dictionaries in key order, so that equal settings
    /// always give the same text (a dictionary's own description has no fixed order).
    static func canonical(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .dictionary:
            let pairs = mirror.children.map { child -> (String, String) in
                let pair = Mirror(reflecting: child.value).children.map(\.value)
                return (canonical(pair[0]), canonical(pair[1]))
            }
            return "[" + pairs.sorted { $0.0 < $1.0 }.map { "\($0.0):\($0.1)" }.joined(separator: ",") + "]"
        case .set:
            return "{" + mirror.children.map { canonical($0.value) }.sorted().joined(separator: ",") + "}"
        case .struct, .class, .tuple:
            return "(" + mirror.children.map { "\($0.label ?? ""):\(canonical($0.value))" }.joined(separator: ",") + ")"
        case .collection:
            return "[" + mirror.children.map { canonical($0.value) }.joined(separator: ",") + "]"
        case .optional:
            return mirror.children.first.map { canonical($0.value) } ?? "nil"
        default:
            return String(reflecting: value)
        }
    }
}
